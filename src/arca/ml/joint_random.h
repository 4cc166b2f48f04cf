// Randomness that no single party knows, made inside MPC.
//
// Every compute party (the input owners of its protocol: party 0 of plaintext, parties 0 and 1
// of dealer2pc, parties 0..2 of rep3) secret-shares its own uniform integers in [0, 2^bits);
// their sum is reduced modulo 2^bits obliviously. The result is uniform and independent of the
// contributions of any set of parties that leaves out one honest compute party, so no node,
// and no coalition the protocol tolerates, knows it or can steer it. The dealer of dealer2pc
// contributes nothing (it holds no shares) and follows with shapes only.
#ifndef ARCA_ML_JOINT_RANDOM_H_
#define ARCA_ML_JOINT_RANDOM_H_

#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"
#include "arca/mpc/runner.h"

namespace arca::ml {

// The parties that contribute randomness under `kind`: those that hold shares.
std::vector<int> ContributingParties(mpc::ProtocolKind kind);

// Shares of uniform integers in [0, 2^bits) (ring integers, not fixed point) of `shape`, for
// bits in 1..60. `own` is this party's contribution (its low `bits` bits are used): null draws
// it from fresh OS randomness, which is what every caller but a test wants. Cost: the inputs
// (no message on dealer2pc; one round of 16 bytes per element from each contributor on rep3)
// and one batch of comparisons with (contributors - 1) thresholds.
Result<mpc::Shared> JointUniform(mpc::Protocol& p, const mpc::Shape& shape, int bits,
                                 const mpc::RingTensor* own = nullptr);

}  // namespace arca::ml

#endif  // ARCA_ML_JOINT_RANDOM_H_
