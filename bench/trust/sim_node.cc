#include "bench/trust/sim_node.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace arca::bench {

SimNode::SimNode() : SimNode(*tee::SimRoot::Create(crypto::SigningKey::Generate()), 1) {}

SimNode::SimNode(tee::SimRoot root, uint8_t chip)
    : root_(std::move(root)),
      tee_(root_, tee::MeasureProgram(AsBytes("arca-node"), AsBytes("{}")), {chip}) {
  const std::string dir = std::filesystem::temp_directory_path().string() + "/arca-bench-trust-" +
                          std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/sim-root.pem") << root_.certificate().Pem();
  Result<tee::Policy> policy = tee::Policy::Parse(
      R"({"version": 1, "platforms": {"sim": {"measurements": [")" + ToHex(tee_.measurement()) +
          R"("], "trust_anchors": [{"file": "sim-root.pem", "sha256": ")" +
          ToHex(root_.certificate().Fingerprint()) + R"("}]}}})",
      dir);
  std::filesystem::remove_all(dir);
  if (!policy.ok()) std::abort();
  policy_ = *std::move(policy);
}

tee::AttestedSelf SimNode::Self() const {
  return {&identity_, [this](ByteView report_data) -> Result<tee::Evidence> {
            tee::Evidence evidence;
            evidence.platform = tee::Platform::kSim;
            ARCA_ASSIGN_OR_RETURN(evidence.report, tee_.Report(report_data, Now()));
            return evidence;
          }};
}

}  // namespace arca::bench
