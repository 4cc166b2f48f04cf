#include "arca/frame/divide_by_count.h"

#include <fmt/format.h>

#include <bit>
#include <utility>

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
  if (x.shape() != c.shape() || x.shape().rank() != 1 || k < 1 || k > 40) {
    return InvalidArgumentError(
        fmt::format("divide by count: values {} and counts {} must be rank 1 of one shape, and "
                    "count bits {} in [1, 40]",
                    x.shape().ToString(), c.shape().ToString(), k));
  }
  const int64_t n = x.numel();
  // Bounds 1, 2, 4, ..., 2^(K-1): interval 0 holds c = 0, interval j >= 1 holds
  // 2^(j-1) <= c < 2^j (the last one c >= 2^(K-1)), whose scale is 2^(K-j).
  RingTensor bounds(Shape{k});
  RingTensor scales(Shape{1, k + 1});
  scales.data()[0] = uint64_t{1} << (k - 1);
  for (int j = 0; j < k; ++j) {
    bounds.data()[j] = uint64_t{1} << j;
    scales.data()[j + 1] = uint64_t{1} << (k - 1 - j);
  }
  ARCA_ASSIGN_OR_RETURN(mpc::Intervals intervals, mpc::CompareWithBounds(p, c, bounds));
  ARCA_ASSIGN_OR_RETURN(Shared scale, mpc::SelectByInterval(p, intervals, scales));
  ARCA_ASSIGN_OR_RETURN(scale, p.Reshape(std::move(scale), Shape{n}));
  // max(c, 1) = c + [c < 1].
  ARCA_ASSIGN_OR_RETURN(Shared zero_count, p.SliceRows(intervals.below, 0, 1));
  ARCA_ASSIGN_OR_RETURN(zero_count, p.Reshape(std::move(zero_count), Shape{n}));
  ARCA_ASSIGN_OR_RETURN(Shared divisor, p.Add(c, zero_count));
  ARCA_ASSIGN_OR_RETURN(Shared operands, p.ConcatRows({divisor, x}));
  ARCA_ASSIGN_OR_RETURN(Shared scales_twice, p.ConcatRows({scale, scale}));
  ARCA_ASSIGN_OR_RETURN(Shared scaled, p.Mul(operands, scales_twice));
  ARCA_ASSIGN_OR_RETURN(Shared normalized, p.SliceRows(scaled, 0, n));  // c·s in [2^(K-1), 2^K)
  ARCA_ASSIGN_OR_RETURN(Shared scaled_x, p.SliceRows(scaled, n, 2 * n));
  // c·s / 2^K in [1/2, 1) as fixed point.
  if (k <= f) {
    ARCA_ASSIGN_OR_RETURN(normalized,
                          p.MulPublic(normalized, RingTensor::Scalar(uint64_t{1} << (f - k))));
  } else {
    ARCA_ASSIGN_OR_RETURN(normalized, p.Truncate(normalized, k - f));
  }
  ARCA_ASSIGN_OR_RETURN(Shared shrunk_x, p.Truncate(scaled_x, k));
  ARCA_ASSIGN_OR_RETURN(Shared inverse, fp.Reciprocal(normalized));
  return fp.Mul(shrunk_x, inverse);
}

}  // namespace arca::frame
