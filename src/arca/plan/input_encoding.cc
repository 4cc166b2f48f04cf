#include "arca/plan/input_encoding.h"

#include <fmt/format.h>

#include <cmath>

#include "arca/fxp/encoding.h"

namespace arca::plan {
namespace {

// The largest magnitude (exclusive) of an integer, boolean or categorical value: every whole
// number below it is exact in a double.
constexpr double kWholeLimit = 0x1p52;

// "dataset 'd', column 'x', row 3": where a value is, without the value.
std::string Where(const PlainInput& input, size_t row) {
  return fmt::format("dataset '{}', column '{}', row {}", input.dataset, input.column, row);
}

}  // namespace

Result<mpc::RingTensor> EncodeInput(const PlainInput& input, int frac_bits) {
  ARCA_RETURN_IF_ERROR(fxp::CheckFracBits(frac_bits));
  mpc::RingTensor out(mpc::Shape{static_cast<int64_t>(input.values.size())});
  uint64_t* data = out.data();
  for (size_t r = 0; r < input.values.size(); ++r) {
    const double v = input.values[r];
    if (input.type == ColumnType::kDecimal) {
      Result<uint64_t> encoded = fxp::EncodeValue(v, frac_bits);
      // fxp's message holds the value; a data value never goes into an error.
      if (!encoded.ok()) {
        return OutOfRangeError(fmt::format("{}: outside the fixed-point range (|v| < 2^{})",
                                           Where(input, r), 62 - frac_bits));
      }
      data[r] = *encoded;
      continue;
    }
    if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) >= kWholeLimit) {
      return InvalidArgumentError(
          fmt::format("{}: needs a whole number below 2^52 in magnitude", Where(input, r)));
    }
    if (input.type == ColumnType::kBoolean && v != 0 && v != 1) {
      return InvalidArgumentError(fmt::format("{}: a boolean is 0 or 1", Where(input, r)));
    }
    if (input.type == ColumnType::kCategorical &&
        (v < 0 || v >= static_cast<double>(input.category_count))) {
      return InvalidArgumentError(fmt::format("{}: not an index into the column's {} categories",
                                              Where(input, r), input.category_count));
    }
    data[r] = static_cast<uint64_t>(static_cast<int64_t>(v));
  }
  return out;
}

}  // namespace arca::plan
