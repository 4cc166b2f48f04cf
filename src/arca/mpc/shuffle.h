// Oblivious shuffle of rows for helper-assisted two-party kernels (see assisted.h).
//
// Applies pi = pi_B o pi_AB o pi_A to the rows of x, where H and A know pi_A, A and B know
// pi_AB, and H and B know pi_B: every party, the helper included, misses one of the three, so
// none knows pi.
//   1. B sends x_B - M_B to A (M_B from B's stream with H). A's share becomes
//      pi_A(x_A + x_B - M_B) - R_A; H sends B pi_A(M_B) + R_A, which is B's share.
//   2. Both apply pi_AB to their shares (no message).
//   3. Symmetrically with the roles of A and B exchanged, for pi_B.
// Latency: 2 rounds, each party sending in one of them; each sends |x| elements and H sends
// |x| to each.
#ifndef ARCA_MPC_SHUFFLE_H_
#define ARCA_MPC_SHUFFLE_H_

#include "arca/mpc/assisted.h"

namespace arca::mpc {

// A, B: shares of the shuffled rows; H: empty. Takes `share` (empty at H), which is dropped
// once masked.
Result<RingTensor> ShuffleShares(Assisted& ctx, RingTensor share, const Shape& shape);
AssistedCost ShuffleCost(const Shape& shape);

}  // namespace arca::mpc

#endif  // ARCA_MPC_SHUFFLE_H_
