// Functions of a positive value through its binary normalisation, x = m · 2^e with m in
// [1, 2): the reciprocal, the logarithm, the square root and its inverse.
//
// One batch of comparisons against the powers of two gives e as a one-hot row (no party
// learns it). Multiplying x by the integer 2^(K-1-k), selected from that row, makes m exact;
// a polynomial in m - 1.5 (degree 8 at f = 18, chosen for half an ulp) gives f(m); the result
// is f(m) scaled by a factor selected from the same row (2^-e, 2^(e/2), ...) or, for the
// logarithm, plus e·ln 2.
#ifndef ARCA_FXP_NORMALIZED_H_
#define ARCA_FXP_NORMALIZED_H_

#include "arca/mpc/protocol.h"

namespace arca::fxp {

enum class NormalizedFunction { kReciprocal, kLog, kSqrt, kInvSqrt };

// The largest input, 2^(MaxInputLog2): inputs x·2^f must lie in [1, 2^(62 - f)).
int MaxInputLog2(int frac_bits);

// f(x) at `frac_bits` for x > 0 at `frac_bits`. Rounds: comparisons (6) + 2 (normalise) +
// 2 per doubling of the degree (6 at f = 18) + 1, and 4 more for the scaled functions.
Result<mpc::Shared> EvaluateNormalized(mpc::Protocol& p, NormalizedFunction fn,
                                       const mpc::Shared& x, int frac_bits);

}  // namespace arca::fxp

#endif  // ARCA_FXP_NORMALIZED_H_
