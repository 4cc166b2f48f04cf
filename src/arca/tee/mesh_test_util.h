// Test support for attested links: SIMULATED nodes and what the process holds open.
//
// Header-only, for the tee tests (attested_link_test.cc, attested_mesh_test.cc).
#ifndef ARCA_TEE_MESH_TEST_UTIL_H_
#define ARCA_TEE_MESH_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "arca/tee/attested_tls.h"
#include "arca/tee/sim_tee.h"

namespace arca::tee::testing {

// Evidence from `tee` (SIMULATED) for whatever report_data the channel asks.
inline AttestedSelf SimSelf(const NodeIdentity& identity, const SimTee& tee) {
  return {&identity, [&tee](ByteView report_data) -> Result<Evidence> {
            Evidence evidence;
            evidence.platform = Platform::kSim;
            ARCA_ASSIGN_OR_RETURN(evidence.report, tee.Report(report_data, Now()));
            return evidence;
          }};
}

// SIMULATED nodes that run the same measured program, each on its own simulated machine with
// its own identity, under one SIMULATED root, and a policy that accepts exactly them.
class SimNodes {
 public:
  explicit SimNodes(int count)
      : root_(*SimRoot::Create(crypto::SigningKey::Generate())),
        measurement_(MeasureProgram(AsBytes("arca-node"), AsBytes("{}"))) {
    for (int i = 0; i < count; ++i) {
      tees_.emplace_back(root_, measurement_, std::array<uint8_t, 32>{static_cast<uint8_t>(i)});
      identities_.push_back(NodeIdentity::Generate());
    }
    // ctest runs tests in parallel: each writes its root to its own directory.
    const std::string dir = ::testing::TempDir() + "/arca_mesh_" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/sim-root.pem") << root_.certificate().Pem();
    policy_ = *Policy::Parse(R"({"version": 1, "platforms": {"sim": {"measurements": [")" +
                                 ToHex(measurement_) +
                                 R"("], "trust_anchors": [{"file": "sim-root.pem", "sha256": ")" +
                                 ToHex(root_.certificate().Fingerprint()) + R"("}]}}})",
                             dir);
    std::filesystem::remove_all(dir);
  }

  // Node `i` proving itself and checking its peer against the policy.
  AttestedTlsOptions Mutual(int i) const {
    return {SimSelf(identity(i), tee(i)), PeerCheck{&policy_, {}, Now}, std::chrono::seconds(10)};
  }
  Bytes IdentityKey(int i) const {
    const auto key = identity(i).signing_key().RawPublicKey();
    return {key.begin(), key.end()};
  }
  std::vector<Bytes> IdentityKeys() const {
    std::vector<Bytes> keys;
    keys.reserve(identities_.size());
    for (int i = 0; i < static_cast<int>(identities_.size()); ++i) keys.push_back(IdentityKey(i));
    return keys;
  }
  const NodeIdentity& identity(int i) const { return identities_.at(static_cast<size_t>(i)); }
  const SimTee& tee(int i) const { return tees_.at(static_cast<size_t>(i)); }
  const SimRoot& root() const { return root_; }
  const crypto::Sha384Digest& measurement() const { return measurement_; }
  const Policy& policy() const { return policy_; }

 private:
  SimRoot root_;
  crypto::Sha384Digest measurement_;
  std::deque<SimTee> tees_;  // deques: AttestedSelf points into them
  std::deque<NodeIdentity> identities_;
  Policy policy_;
};

// Threads and file descriptors of this process, to show that nothing is left behind.
inline size_t CountEntries(const char* directory) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(directory)) ++n;
  return n;
}
inline size_t ThreadCount() { return CountEntries("/proc/self/task"); }
// The thread count once it is `expected` or a second has passed. pthread_join returns when the
// kernel clears the thread's id, a moment before its entry leaves /proc/self/task, so a count
// taken right after the last join may still include a thread that has ended.
inline size_t SettledThreadCount(size_t expected) {
  for (int i = 0; i < 100 && ThreadCount() != expected; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ThreadCount();
}
inline size_t OpenFdCount() { return CountEntries("/proc/self/fd"); }

}  // namespace arca::tee::testing

#endif  // ARCA_TEE_MESH_TEST_UTIL_H_
