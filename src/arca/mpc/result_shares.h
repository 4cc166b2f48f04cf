// Outputs for a consumer: the part of a shared output each party sends, and how the consumer
// combines the parts into the value (DESIGN.md, "Data flow" step 5).
//
//   protocol   who sends                      part                     combine
//   plaintext  party 0                        the value x              x
//   dealer2pc  parties 0 and 1 (not dealer)   its additive share x_i   x_0 + x_1
//   rep3       parties 0, 1 and 2             its first component s_i  s_0 + s_1 + s_2
//
// Before a part leaves, the parties add a fresh zero-sharing to it (each pair of senders
// draws the same mask from the PRG they share; one adds it, the other subtracts it), so the
// parts a consumer receives are uniformly random apart from their sum: they reveal the output
// and nothing about how the computation reached it. No message is exchanged.
#ifndef ARCA_MPC_RESULT_SHARES_H_
#define ARCA_MPC_RESULT_SHARES_H_

#include <optional>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"
#include "arca/mpc/ring_tensor.h"
#include "arca/mpc/runner.h"
#include "arca/mpc/shared.h"

namespace arca::mpc {

// The parties that send parts, in the order Combine takes them.
std::vector<int> ResultParties(ProtocolKind kind);

// This party's part of `x`, or nullopt where the party sends nothing (the dealer). Every party
// of the session calls it for the same outputs in the same order (it draws from the pairwise
// streams).
Result<std::optional<RingTensor>> ResultPart(Protocol& protocol, const Shared& x);

// The value from the parts of ResultParties(kind), in that order; they must have one shape.
Result<RingTensor> Combine(ProtocolKind kind, const std::vector<RingTensor>& parts);

}  // namespace arca::mpc

#endif  // ARCA_MPC_RESULT_SHARES_H_
