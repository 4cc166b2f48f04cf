// Whom a node links to in a job: another node of the same program on the same (SIMULATED)
// platform, whatever its role.
//
// The policy accepts the SIMULATED platform anchored at this node's own root, and the
// measurements of this very binary as a compute node and as a dealer (node_config.h: the
// measurement covers the program and the role). Which node stands behind each party is then
// fixed by the attested identity key the job names for it (tee/attested_mesh.h).
#ifndef ARCA_NODE_PEER_POLICY_H_
#define ARCA_NODE_PEER_POLICY_H_

#include "arca/base/status.h"
#include "arca/tee/policy.h"
#include "arca/tee/sim_tee.h"

namespace arca::node {

Result<tee::Policy> PeerPolicy(const tee::SimRoot& root);

}  // namespace arca::node

#endif  // ARCA_NODE_PEER_POLICY_H_
