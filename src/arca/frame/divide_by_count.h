// Dividing fixed-point values by secret counts with relative precision at every count.
//
// fxp::Reciprocal(c) of a count carries f significant bits but also up to 2 ulp of absolute
// error, which is most of 1/c for large c (1/10^4 is 26 ulp at f = 18). Here the count is
// first normalised by a power of two chosen on shares: with K bits (counts < 2^K) and
// e = floor(log2 c), s = 2^(K-1-e) puts c·s in [2^(K-1), 2^K), and
//   x / c = (x·s / 2^K) · (2^K / (c·s)),
// where x·s is an exact ring product, x·s / 2^K has magnitude at most |x/c| (one ulp of
// truncation), and 2^K/(c·s) in (1, 2] is one Reciprocal of a value in [1/2, 1) at full
// relative precision. A count of 0 divides by 1 (the caller marks such results null).
//
// Accuracy: |result - x/max(c,1)| <= 2^-15·|x/c| + 4 ulp (Reciprocal's 2^-(f-1) relative and
// 2 ulp on a value in (1, 2], one ulp of truncation of x·s/2^K, one of the final product).
// Range: 0 <= c < 2^K and |x / max(c, 1)| < 2^(62 - 2f - 1) (2^25 at f = 18), and
// |x|·2^(K-1)/max(c,1) < 2^(62 - f) for the exact product x·s.
//
// Cost for n elements: one LessThanPublic of K thresholds on n counts (a K x n bit matrix),
// one Mul of 2n elements, one or two Truncates of n, one Reciprocal of n, one fxp Mul of n.
// Nothing is revealed.
#ifndef ARCA_FRAME_DIVIDE_BY_COUNT_H_
#define ARCA_FRAME_DIVIDE_BY_COUNT_H_

#include "arca/base/status.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

// x / max(c, 1) elementwise, for x fixed point and c ring integers in [0, 2^count_bits), both
// of shape [n]. An error if the shapes differ or count_bits is not in [1, 40].
Result<mpc::Shared> DivideByCount(fxp::FixedPoint& fp, const mpc::Shared& x, const mpc::Shared& c,
                                  int count_bits);

// The bits K such that every count of at most `rows` is below 2^K.
int CountBits(int64_t rows);

}  // namespace arca::frame

#endif  // ARCA_FRAME_DIVIDE_BY_COUNT_H_
