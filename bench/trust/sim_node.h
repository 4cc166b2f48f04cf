// A SIMULATED node for the trust benchmarks: root, TEE, identity and a policy accepting it.
// Nodes made from one root accept each other (the MPC links' benchmark).
#ifndef ARCA_BENCH_TRUST_SIM_NODE_H_
#define ARCA_BENCH_TRUST_SIM_NODE_H_

#include <string>

#include "arca/tee/attested_tls.h"
#include "arca/tee/sim_tee.h"

namespace arca::bench {

class SimNode {
 public:
  // A node with a root of its own.
  SimNode();
  // A node on simulated machine `chip` under `root`.
  SimNode(tee::SimRoot root, uint8_t chip);
  tee::AttestedSelf Self() const;
  tee::PeerCheck Check() const { return {&policy_, {}, Now}; }
  const tee::Policy& policy() const { return policy_; }
  const tee::SimTee& tee() const { return tee_; }
  const tee::NodeIdentity& identity() const { return identity_; }

 private:
  tee::SimRoot root_;
  tee::SimTee tee_;
  tee::NodeIdentity identity_ = tee::NodeIdentity::Generate();
  tee::Policy policy_;
};

}  // namespace arca::bench

#endif  // ARCA_BENCH_TRUST_SIM_NODE_H_
