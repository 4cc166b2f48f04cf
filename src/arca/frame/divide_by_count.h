// Dividing fixed-point values by secret counts with relative precision at every count: the one
// division by counts of means, variances, covariances and expressions.
//
// fxp::Reciprocal(c) of a count carries f significant bits but also up to 2 ulp of absolute
// error, which is most of 1/c for large c (1/10^4 is 26 ulp at f = 18). Here the count is
// first normalised by a power of two chosen on shares: with K bits (counts < 2^K) and
// e = floor(log2 c), s = 2^(K-1-e) puts c·s in [2^(K-1), 2^K), and
//   x / c = u · (2^K / (c·s)),   u = x·s / 2^K,
// where 2^K/(c·s) in (1, 2] is one Reciprocal of a value in [1/2, 1) at full relative
// precision. Neither product may leave the ring, so both are taken in exact parts: x is split
// as hi·2^K + lo (hi = Truncate(x, K), |lo| < 2^K), u = hi·s + lo·s / 2^K; u is split at f
// the same way for its product with the reciprocal. A count of 0 divides by 1 (the caller
// marks such results null).
//
// Accuracy (f fractional bits, ulp 2^-f): |result - x/max(c,1)| <= 2^-(f-3)·|x/c| + 4 ulp
// (2^-15 relative at f = 18): the reciprocal's 2^-(f-1) relative and 2 ulp on a value in
// (1, 2], one ulp of truncation of its input, one of u, one of the final product.
// Range: |x| < 2^(61 - f) as a value (half the fixed-point range); the result is at most |x|.
// Counts 0 <= c < 2^K, K <= 30 (so that lo·s < 2^60).
//
// Cost for n elements (R_x the rounds of one call of x): R_lt + 4·R_trunc + 2·R_mul +
// R_recip, in this order: one LessThanPublic of K thresholds on n counts (a K x n bit
// matrix), a Truncate of n, a Mul of 3n, a Truncate of 2n, a Reciprocal of n, a Truncate of n,
// a Mul of 2n, a Truncate of n. Nothing is revealed.
#ifndef ARCA_FRAME_DIVIDE_BY_COUNT_H_
#define ARCA_FRAME_DIVIDE_BY_COUNT_H_

#include <cstdint>

#include "arca/base/status.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

// The largest count_bits DivideByCount takes.
inline constexpr int kMaxCountBits = 30;

// x / max(c, 1) elementwise, for x fixed point and c ring integers in [0, 2^count_bits) of the
// same shape (any rank); the result has that shape. An error if the shapes differ or
// count_bits is not in [1, kMaxCountBits].
Result<mpc::Shared> DivideByCount(fxp::FixedPoint& fp, const mpc::Shared& x, const mpc::Shared& c,
                                  int count_bits);

// The bits K such that every count of at most `rows` is below 2^K.
int CountBits(int64_t rows);

}  // namespace arca::frame

#endif  // ARCA_FRAME_DIVIDE_BY_COUNT_H_
