// Fixed-point arithmetic that statistics need beyond fxp::FixedPoint: divisions by counts and
// squares that keep f significant bits over the whole range of the values.
//
// FixedPoint::Mul needs |a·b| < 2^(62-2f) (6.7e7 at f = 18) because the product carries 2f
// fractional bits before its truncation; a sum of squares or a mean of large sums would
// overflow it. The functions here split an operand x exactly into hi·2^s + lo (hi =
// Truncate(x, s), lo = x - hi·2^s computed locally, |lo| < 2^s) and multiply the parts, so
// every product stays below 2^62 while the result keeps the precision of one product.
//
// f is fp.frac_bits(); "ulp" is 2^-f. R_mul, R_trunc and R_recip are the rounds of one
// Protocol::Mul, one Protocol::Truncate and one FixedPoint::Reciprocal.
#ifndef ARCA_FRAME_STATISTIC_ARITHMETIC_H_
#define ARCA_FRAME_STATISTIC_ARITHMETIC_H_

#include <cstdint>

#include "arca/base/status.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

// sums / counts elementwise: `sums` fixed point, `counts` ring integers of the same shape in
// [1, max_count] (max_count public, e.g. the table's rows; callers clamp empty groups to 1).
//
// With K = min(f, ceil(log2 max_count)), R = 2^K / count is one Reciprocal (R >= 1 while
// count <= 2^K, so it carries f significant bits), and sums·R / 2^K is taken in two exact
// parts. Accuracy: 2^-(f-2)·|result|·max(1, count/2^f) + 2 ulp. Range: |result| <
// 2^(123 - 3f - 2K) (2^33 at f = 18 and large tables, all of the fixed-point range for
// tables below 2^10 rows).
// Cost: R_recip + R_mul + 3·R_trunc rounds (2·R_trunc when K + f <= 61 - K - f); bytes of a
// Reciprocal of k elements and a product of 2k, k = sums.numel().
Result<mpc::Shared> DivideByCounts(fxp::FixedPoint& fp, const mpc::Shared& sums,
                                   const mpc::Shared& counts, int64_t max_count);

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
