#include "arca/node/peer_policy.h"

#include "arca/node/node_config.h"

namespace arca::node {

Result<tee::Policy> PeerPolicy(const tee::SimRoot& root) {
  tee::PlatformPolicy sim;
  for (const char* role : {"compute", "dealer"}) {
    ARCA_ASSIGN_OR_RETURN(const crypto::Sha384Digest measurement, MeasureThisProgram(role));
    sim.measurements.insert(ToHex(measurement));
  }
  sim.anchors.push_back(root.certificate());
  tee::Policy policy;
  policy.platforms.emplace(tee::Platform::kSim, std::move(sim));
  // Statements name the policy by digest; this one is named by what it accepts.
  std::string description = "arca node peers: sim root " + ToHex(root.certificate().Fingerprint());
  for (const std::string& m : policy.platforms.at(tee::Platform::kSim).measurements) {
    description += " " + m;
  }
  policy.digest = crypto::Sha256(AsBytes(description));
  return policy;
}

}  // namespace arca::node
