#include "arca/frame/row_gather.h"

#include <fmt/format.h>

#include <cstring>
#include <utility>
#include <vector>

namespace arca::frame {

Result<mpc::Shared> GatherRows(const mpc::Shared& x, std::span<const int64_t> rows) {
  if (x.shape().rank() < 1) return InvalidArgumentError("gather_rows: a scalar has no rows");
  const int64_t n = x.shape().dim(0);
  for (const int64_t r : rows) {
    if (r < 0 || r >= n) {
      return InvalidArgumentError(
          fmt::format("gather_rows: row {} is not within shape {}", r, x.shape().ToString()));
    }
  }
  std::vector<int64_t> dims = x.shape().dims();
  dims[0] = static_cast<int64_t>(rows.size());
  const mpc::Shape shape(dims);
  const int64_t width = n == 0 ? 0 : x.numel() / n;
  std::vector<mpc::RingTensor> parts;
  parts.reserve(x.parts().size());
  for (const mpc::RingTensor& part : x.parts()) {
    mpc::RingTensor out(shape);
    for (size_t i = 0; i < rows.size(); ++i) {
      std::memcpy(out.data() + static_cast<int64_t>(i) * width, part.data() + rows[i] * width,
                  static_cast<size_t>(width) * sizeof(uint64_t));
    }
    parts.push_back(std::move(out));
  }
  return mpc::Shared(shape, std::move(parts));
}

}  // namespace arca::frame
