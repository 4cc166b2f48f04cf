#include "arca/frame/divide_by_count.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <utility>
#include <vector>

#include "arca/frame/table.h"
#include "arca/mpc/ops.h"

namespace arca::frame {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

int CountBits(int64_t rows) {
  return std::max(
      1, static_cast<int>(std::bit_width(static_cast<uint64_t>(std::max<int64_t>(rows, 0)))));
}

Result<Shared> DivideByCount(fxp::FixedPoint& fp, const Shared& x, const Shared& c,
                             int count_bits) {
  mpc::Protocol& p = fp.protocol();
  const int k = count_bits, f = fp.frac_bits();
  if (x.shape() != c.shape() || k < 1 || k > kMaxCountBits) {
    return InvalidArgumentError(
        fmt::format("divide by count: values {} and counts {} must have one shape, and count "
                    "bits {} be in [1, {}]",
                    x.shape().ToString(), c.shape().ToString(), k, kMaxCountBits));
  }
  const int64_t n = x.numel();
  ARCA_ASSIGN_OR_RETURN(Shared values, p.Reshape(x, Shape{n}));
  ARCA_ASSIGN_OR_RETURN(Shared counts, p.Reshape(c, Shape{n}));
  // Bounds 1, 2, 4, ..., 2^(K-1): interval 0 holds c = 0, interval j >= 1 holds
  // 2^(j-1) <= c < 2^j (the last one c >= 2^(K-1)), whose scale is 2^(K-j).
  RingTensor bounds(Shape{k});
  RingTensor scales(Shape{1, k + 1});
  scales.data()[0] = uint64_t{1} << (k - 1);
  for (int j = 0; j < k; ++j) {
    bounds.data()[j] = uint64_t{1} << j;
    scales.data()[j + 1] = uint64_t{1} << (k - 1 - j);
  }
  ARCA_ASSIGN_OR_RETURN(mpc::Intervals intervals, mpc::CompareWithBounds(p, counts, bounds));
  ARCA_ASSIGN_OR_RETURN(Shared scale, mpc::SelectByInterval(p, intervals, scales));
  ARCA_ASSIGN_OR_RETURN(scale, p.Reshape(std::move(scale), Shape{n}));
  // max(c, 1) = c + [c < 1].
  ARCA_ASSIGN_OR_RETURN(Shared zero_count, p.SliceRows(intervals.below, 0, 1));
  ARCA_ASSIGN_OR_RETURN(zero_count, p.Reshape(std::move(zero_count), Shape{n}));
  ARCA_ASSIGN_OR_RETURN(Shared divisor, p.Add(counts, zero_count));

  // c·s, hi·s and lo·s in one product: c·s in [2^(K-1), 2^K), hi·s <= |x|/2, lo·s < 2^(2K-1).
  ARCA_ASSIGN_OR_RETURN(mpc::SplitParts x_parts, mpc::SplitAt(p, values, k));
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> scaled,
                        MulEach(p, {divisor, x_parts.hi, x_parts.lo}, {scale, scale, scale}));
  // c·s / 2^K in [1/2, 1) as fixed point and lo·s / 2^K in one truncation.
  ARCA_ASSIGN_OR_RETURN(Shared normalized,
                        p.MulPublic(scaled[0], RingTensor::Scalar(uint64_t{1} << f)));
  ARCA_ASSIGN_OR_RETURN(Shared to_shrink, p.ConcatRows({normalized, scaled[2]}));
  ARCA_ASSIGN_OR_RETURN(Shared shrunk, p.Truncate(to_shrink, k));
  ARCA_ASSIGN_OR_RETURN(normalized, p.SliceRows(shrunk, 0, n));
  ARCA_ASSIGN_OR_RETURN(Shared lo_shrunk, p.SliceRows(shrunk, n, 2 * n));
  ARCA_ASSIGN_OR_RETURN(Shared u, p.Add(scaled[1], lo_shrunk));  // x·s / 2^K

  // u · 2^K/(c·s) = (u_hi·r·2^f + u_lo·r) / 2^f with r the reciprocal at f bits.
  ARCA_ASSIGN_OR_RETURN(Shared inverse, fp.Reciprocal(normalized));
  ARCA_ASSIGN_OR_RETURN(mpc::SplitParts u_parts, mpc::SplitAt(p, u, f));
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> products,
                        MulEach(p, {u_parts.hi, u_parts.lo}, {inverse, inverse}));
  ARCA_ASSIGN_OR_RETURN(Shared low, p.Truncate(products[1], f));
  ARCA_ASSIGN_OR_RETURN(Shared quotient, p.Add(products[0], low));
  return p.Reshape(std::move(quotient), x.shape());
}

}  // namespace arca::frame
