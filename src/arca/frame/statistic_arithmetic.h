// Fixed-point arithmetic that statistics need beyond fxp::FixedPoint: squares, roots and Gram
// matrices that keep f significant bits over the whole range of the values (divisions by
// counts are divide_by_count.h's).
//
// FixedPoint::Mul needs |a·b| < 2^(62-2f) (6.7e7 at f = 18) because the product carries 2f
// fractional bits before its truncation; a sum of squares or a mean of large sums would
// overflow it. The functions here split an operand x exactly into hi·2^s + lo (mpc::SplitAt)
// and multiply the parts, so every product stays below 2^62 while the result keeps the
// precision of one product.
//
// f is fp.frac_bits(); "ulp" is 2^-f. R_x are the rounds of one call of x: R_mul, R_trunc,
// R_lt and R_matmul of Protocol's Mul, Truncate, LessThanPublic and MatMul, R_sqrt of
// FixedPoint::Sqrt.
#ifndef ARCA_FRAME_STATISTIC_ARITHMETIC_H_
#define ARCA_FRAME_STATISTIC_ARITHMETIC_H_

#include <cstdint>

#include "arca/base/status.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

// x·x elementwise, fixed point, for |x| < 2^22 at f = 18 (in general x² < 2^(62-f)), where
// FixedPoint::Mul would need |x| < 2^13. Accuracy: 1 ulp (the products are exact; one
// truncation). Cost: 2·R_trunc + R_mul rounds; a product of 3n elements, n = x.numel().
Result<mpc::Shared> SquareWide(fxp::FixedPoint& fp, const mpc::Shared& x);

// sqrt(x) elementwise for x in [0, 2^(62-f)) (the fixed-point range), where
// FixedPoint::Sqrt takes x < 2^(62-2f) (6.7e7 at f = 18): x >= 2^(60-2f) is taken as
// 2^a·sqrt(x / 4^a), a = ceil(f/2), selected by one comparison. Accuracy: as
// FixedPoint::Sqrt (2^-(f-1) relative + 2 ulp); near 0 (below 2^-f) within 2^-(f/2).
// Cost: R_trunc + R_lt + R_sqrt + R_mul rounds; a Sqrt of 2n elements.
Result<mpc::Shared> SqrtWide(fxp::FixedPoint& fp, const mpc::Shared& x);

// A^T·A for A [n, k] fixed point: the Gram matrix [k, k] of A's columns. One MatMul would
// need every sum_r a_ri·a_rj below 2^(62-2f); here the sums may fill the fixed-point range
// (below 2^(62-f)) as long as sum_r |a_ri| < 2^(61 - f - ceil(f/2)) (2^34 at f = 18).
// Accuracy: 1 ulp. Cost: 2·R_trunc + R_matmul rounds; one MatMul of [2k, n] by [n, 2k].
Result<mpc::Shared> GramWide(fxp::FixedPoint& fp, const mpc::Shared& a);

}  // namespace arca::frame

#endif  // ARCA_FRAME_STATISTIC_ARITHMETIC_H_
