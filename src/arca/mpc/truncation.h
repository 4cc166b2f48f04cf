// Fixed-point truncation for helper-assisted two-party kernels (see assisted.h).
//
// Computes floor(x / 2^f) or one more, for |x| < 2^62, in one round with one element sent each
// way, and with x perfectly hidden. The parties open c = x' + r where x' = x + 2^62 lies in
// [0, 2^63) and r is uniform over the whole ring. Writing r = r63·2^63 + r_low, the wrap of
// x' + r past 2^64 is exactly r63·(1 - c63), so with shares of r_low >> f and of the bit r63
// (from H) the shares of x' >> f are linear in public c:
//   x' >> f = (c_low >> f) - (r_low >> f) + 2^(63-f)·(c63 XOR r63) - borrow,
// where borrow in {0, 1} is dropped (an unbiased stochastic rounding of the last bit).
#ifndef ARCA_MPC_TRUNCATION_H_
#define ARCA_MPC_TRUNCATION_H_

#include "arca/mpc/assisted.h"

namespace arca::mpc {

// A, B: shares of the truncated value; H: empty. `share` is null at H.
Result<RingTensor> TruncateShares(Assisted& ctx, const RingTensor* share, const Shape& shape,
                                  int bits);
AssistedCost TruncateCost(int64_t n);

}  // namespace arca::mpc

#endif  // ARCA_MPC_TRUNCATION_H_
