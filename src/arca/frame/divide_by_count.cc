#include "arca/frame/divide_by_count.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <utility>

#include "arca/mpc/ops.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

RingTensor PowerOfTwo(int bits) { return RingTensor::Scalar(uint64_t{1} << bits); }

// Rows [i·n, (i + 1)·n) of a rank-1 tensor.
Result<Shared> Part(mpc::Protocol& p, const Shared& parts, int64_t i, int64_t n) {
  return p.SliceRows(parts, i * n, (i + 1) * n);
}

}  // namespace

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

  // [c·s, hi·s, lo·s] in one product; c·s in [2^(K-1), 2^K), hi·s <= |x|/2, lo·s < 2^(2K-1).
  ARCA_ASSIGN_OR_RETURN(mpc::SplitParts x_parts, mpc::SplitAt(p, values, k));
  ARCA_ASSIGN_OR_RETURN(Shared operands, p.ConcatRows({divisor, x_parts.hi, x_parts.lo}));
  ARCA_ASSIGN_OR_RETURN(Shared scales_thrice, p.ConcatRows({scale, scale, scale}));
  ARCA_ASSIGN_OR_RETURN(Shared scaled, p.Mul(operands, scales_thrice));
  // c·s / 2^K in [1/2, 1) as fixed point and lo·s / 2^K in one truncation.
  ARCA_ASSIGN_OR_RETURN(Shared normalized, Part(p, scaled, 0, n));
  ARCA_ASSIGN_OR_RETURN(normalized, p.MulPublic(normalized, PowerOfTwo(f)));
  ARCA_ASSIGN_OR_RETURN(Shared lo_scaled, Part(p, scaled, 2, n));
  ARCA_ASSIGN_OR_RETURN(Shared to_shrink, p.ConcatRows({normalized, lo_scaled}));
  ARCA_ASSIGN_OR_RETURN(Shared shrunk, p.Truncate(to_shrink, k));
  ARCA_ASSIGN_OR_RETURN(normalized, Part(p, shrunk, 0, n));
  ARCA_ASSIGN_OR_RETURN(Shared hi_scaled, Part(p, scaled, 1, n));
  ARCA_ASSIGN_OR_RETURN(Shared lo_shrunk, Part(p, shrunk, 1, n));
  ARCA_ASSIGN_OR_RETURN(Shared u, p.Add(hi_scaled, lo_shrunk));  // x·s / 2^K

  // u · 2^K/(c·s) = (u_hi·r·2^f + u_lo·r) / 2^f with r the reciprocal at f bits.
  ARCA_ASSIGN_OR_RETURN(Shared inverse, fp.Reciprocal(normalized));
  ARCA_ASSIGN_OR_RETURN(mpc::SplitParts u_parts, mpc::SplitAt(p, u, f));
  ARCA_ASSIGN_OR_RETURN(Shared parts, p.ConcatRows({u_parts.hi, u_parts.lo}));
  ARCA_ASSIGN_OR_RETURN(Shared inverses, p.ConcatRows({inverse, inverse}));
  ARCA_ASSIGN_OR_RETURN(Shared products, p.Mul(parts, inverses));
  ARCA_ASSIGN_OR_RETURN(Shared high, Part(p, products, 0, n));
  ARCA_ASSIGN_OR_RETURN(Shared low, Part(p, products, 1, n));
  ARCA_ASSIGN_OR_RETURN(low, p.Truncate(low, f));
  ARCA_ASSIGN_OR_RETURN(Shared quotient, p.Add(high, low));
  return p.Reshape(std::move(quotient), x.shape());
}

}  // namespace arca::frame
