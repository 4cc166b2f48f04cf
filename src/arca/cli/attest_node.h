// Attesting a node from this machine: attested TLS to its endpoint, its evidence judged by the
// caller's own policy (what `arca owner verify-nodes` and `arca platform attest-nodes` do).
#ifndef ARCA_CLI_ATTEST_NODE_H_
#define ARCA_CLI_ATTEST_NODE_H_

#include <string>

#include "arca/base/status.h"
#include "arca/tee/attestation.h"
#include "arca/tee/policy.h"

namespace arca::cli {

// The statement of the node at `endpoint` ("IP:PORT"), or why it was refused.
Result<tee::Statement> AttestNode(const std::string& endpoint, const tee::Policy& policy);

}  // namespace arca::cli

#endif  // ARCA_CLI_ATTEST_NODE_H_
