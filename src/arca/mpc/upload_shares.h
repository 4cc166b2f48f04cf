// Shares made outside any session: how a data owner's machine splits a tensor before an
// upload, and how a node turns the parts it received back into the Shared its protocol
// computes on.
//
// The parts are each protocol's own representation (shared.h), in its order:
//   dealer2pc  x = x_0 + x_1: party 0 holds (x_0), party 1 holds (x_1), the dealer (party 2)
//              nothing; it imports shapes only.
//   rep3       x = s_0 + s_1 + s_2: party i holds (s_i, s_{i+1 mod 3}) (rep3_protocol.h).
//   plaintext  party 0 holds (x) itself: no secrecy; the `tee` level is this inside one
//              attested node.
// The masks come from a PRG keyed with fresh OS randomness on every split, so the parts any
// one party of dealer2pc or rep3 holds are uniformly random and independent of x.
#ifndef ARCA_MPC_UPLOAD_SHARES_H_
#define ARCA_MPC_UPLOAD_SHARES_H_

#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/ring_tensor.h"
#include "arca/mpc/runner.h"
#include "arca/mpc/shared.h"

namespace arca::mpc {

// One party's parts of one tensor, in the order its protocol keeps them.
using Parts = std::vector<RingTensor>;

// How many parts of each tensor party `party` holds under `kind`: 1 for plaintext and the
// compute parties of dealer2pc, 0 for the dealer, 2 for every party of rep3.
int PartsHeldBy(ProtocolKind kind, int party);

// Every party's parts of `value`: element p holds party p's (empty for the dealer).
std::vector<Parts> SplitForUpload(ProtocolKind kind, const RingTensor& value);

// Party `party`'s Shared of a tensor of `shape` from the parts it was sent. The count and
// shapes of the parts must match the protocol; shares are marked secret (oblivious.h).
Result<Shared> ImportUploaded(ProtocolKind kind, int party, const Shape& shape, Parts parts);

}  // namespace arca::mpc

#endif  // ARCA_MPC_UPLOAD_SHARES_H_
