// Helpers shared by the coord tests, and by the tests of the layers above that run a coordinator
// (cli): a scratch directory, a deterministic clock, a plan the API accepts, and a store filled
// with one of everything.
#ifndef ARCA_COORD_TEST_UTIL_H_
#define ARCA_COORD_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "arca/base/time.h"
#include "arca/coord/store.h"
#include "arca/crypto/hash.h"
#include "arca/crypto/signing_key.h"

namespace arca::coord::testing {

// A fresh directory, removed with everything in it when the object goes away.
class TempDir {
 public:
  TempDir() : path_(::testing::TempDir() + "arca_coord_XXXXXX") {
    if (::mkdtemp(path_.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { std::filesystem::remove_all(path_); }

  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// 2026-01-01T00:00:00Z, then one second later on every call.
inline std::function<UnixTime()> TickingClock() {
  auto next = std::make_shared<UnixTime>(std::chrono::sys_days{std::chrono::January / 1 / 2026});
  return [next] {
    const UnixTime now = *next;
    *next += std::chrono::seconds(1);
    return now;
  };
}

inline Bytes Key(uint8_t fill) { return Bytes(32, fill); }
// The raw Ed25519 public key of `key`, as a party or a node registers it.
inline Bytes PublicKeyBytes(const crypto::SigningKey& key) {
  const auto raw = key.RawPublicKey();
  return Bytes(raw.begin(), raw.end());
}
inline crypto::Sha256Digest Digest(std::string_view text) { return crypto::Sha256(AsBytes(text)); }

inline CiphertextLocation At(std::string node, std::string location) {
  const crypto::Sha256Digest sha256 = Digest(location);
  return {.node_id = std::move(node), .location = std::move(location), .sha256 = sha256};
}

// A node listening on 127.0.0.1:port, its MPC links on port + 100, its key filled with `port`.
inline NodeSpec NodeAt(std::string id, NodeRole role, int64_t index, int port) {
  return {.id = std::move(id),
          .role = role,
          .endpoint = "127.0.0.1:" + std::to_string(port),
          .signing_key = Key(static_cast<uint8_t>(port)),
          .index = index,
          .mesh_endpoint = "127.0.0.1:" + std::to_string(port + 100)};
}

// A plan the API accepts: the count and mean of dataset "hospital_a"'s mean_radius, for
// "insurer", at dealer2pc or rep3.
inline constexpr std::string_view kMeanRadiusPlan = R"({
  "version": 1, "name": "Mean radius",
  "inputs": {"hospital_a": {"columns": ["mean_radius"]}},
  "nodes": [
    {"id": "rows", "op": "column", "dataset": "hospital_a", "columns": ["mean_radius"]},
    {"id": "radius", "op": "stats", "inputs": ["rows"], "column": "mean_radius",
     "statistics": ["count", "mean"]}],
  "outputs": [{"name": "radius", "node": "radius", "recipients": ["insurer"]}],
  "levels": ["dealer2pc", "rep3"]})";

inline constexpr std::string_view kPlanJson = R"({"inputs":["cancer-a"],"ops":["mean"]})";

// Two owners, a code owner, a consumer and the operator; two compute nodes and a dealer with
// evidence; two datasets (one with two versions, one withdrawn); a plan; an approval in force
// and a revoked one; and a job in every state, the succeeded one with its result. Returns the
// plan hash. Dies on the first failure (value() of an error throws).
inline crypto::Sha256Digest Populate(Store& store) {
  const std::string op = "operator";
  for (const PartySpec& party : std::vector<PartySpec>{{.id = "operator",
                                .display_name = "Platform",
                                .role = PartyRole::kPlatform,
                                .public_key = Key(1)},
                                                       {.id = "hospital-a",
                                                       .display_name = "Hospital A",
                                                       .role = PartyRole::kOwner,
                                                       .public_key = Key(2)},
                                                       {.id = "hospital-b",
                                                       .display_name = "Hôpital B",
                                                       .role = PartyRole::kOwner,
                                                       .public_key = Key(3)},
                                                       {.id = "lab",
                                                       .display_name = "Research lab",
                                                       .role = PartyRole::kCode,
                                                       .public_key = Key(4)},
                                                       {.id = "insurer",
                                                       .display_name = "Insurer",
                                                       .role = PartyRole::kConsumer,
                                                       .public_key = Key(5)}}) {
    store.RegisterParty(party, op).value();
  }
  store.RegisterNode(NodeAt("node-0", NodeRole::kCompute, 0, 7000), op).value();
  store.RegisterNode(NodeAt("node-1", NodeRole::kCompute, 1, 7001), op).value();
  store.RegisterNode(NodeAt("dealer", NodeRole::kDealer, 0, 7002), op).value();
  const std::string statement = R"({"verdict":"accepted"})";
  EXPECT_TRUE(
      store
          .RecordNodeEvidence("node-0", AsBytes("evidence 0"), statement, NodeStatus::kAttested, op)
          .ok());
  EXPECT_TRUE(
      store
          .RecordNodeEvidence("node-1", AsBytes("evidence 1"), statement, NodeStatus::kAttested, op)
          .ok());
  EXPECT_TRUE(store
                  .RecordNodeEvidence("dealer", AsBytes("evidence d"), R"({"verdict":"rejected"})",
                                      NodeStatus::kRejected, op)
                  .ok());

  const nlohmann::json schema = {{"columns", {{{"name", "age"}, {"type", "integer"}}}}};
  for (const std::string version : {"1", "2"}) {
    store
        .AddDatasetVersion({.name = "cancer-a",
                            .owner = "hospital-a",
                            .schema = schema,
                            .row_count = 284,
                            .locations = {At("node-0", "shares/a" + version + "/0"),
                                          At("node-1", "shares/a" + version + "/1")}},
                           "hospital-a")
        .value();
  }
  store
      .AddDatasetVersion({.name = "cancer-b",
                          .owner = "hospital-b",
                          .schema = schema,
                          .row_count = 285,
                          .locations = {At("node-0", "shares/b/0"), At("node-1", "shares/b/1")}},
                         "hospital-b")
      .value();
  EXPECT_TRUE(store.WithdrawDataset("cancer-b", "hospital-b").ok());

  const crypto::Sha256Digest plan = store.SubmitPlan("lab", kPlanJson, "lab").value().hash;
  store
      .GrantApproval({.plan_hash = plan,
                      .dataset = "cancer-a",
                      .owner = "hospital-a",
                      .consumers = {"insurer"},
                      .levels = {SecurityLevel::kDealer2pc, SecurityLevel::kRep3},
                      .rules = {{"min_rows", 20}}},
                     "hospital-a")
      .value();
  const int64_t revoked = store
                              .GrantApproval({.plan_hash = plan,
                                              .dataset = "cancer-a",
                                              .owner = "hospital-a",
                                              .consumers = {"lab", "insurer"},
                                              .levels = {SecurityLevel::kTee},
                                              .rules = nlohmann::json::object()},
                                             "hospital-a")
                              .value()
                              .id;
  EXPECT_TRUE(store.RevokeApproval(revoked, "hospital-a").ok());

  std::vector<int64_t> jobs(5);
  for (int64_t& job : jobs) {
    job = store
              .CreateJob({.plan_hash = plan,
                          .consumer = "insurer",
                          .level = SecurityLevel::kDealer2pc,
                          .result_key = Key(9)},
                         "insurer")
              .value()
              .id;
  }
  EXPECT_TRUE(store.StartJob(jobs[0], op).ok());
  EXPECT_TRUE(store
                  .CompleteJob(jobs[0], {At("node-0", "results/1/0"), At("node-1", "results/1/1")},
                               R"({"plan":"...","signatures":[]})", op)
                  .ok());
  EXPECT_TRUE(store.StartJob(jobs[1], op).ok());
  EXPECT_TRUE(store.FailJob(jobs[1], "node-1 stopped answering during 'mean'", op).ok());
  EXPECT_TRUE(store.CancelJob(jobs[2], "insurer").ok());
  EXPECT_TRUE(store.StartJob(jobs[3], op).ok());
  EXPECT_TRUE(store.SetJobProgress(jobs[3], 0.25).ok());
  return plan;
}

}  // namespace arca::coord::testing

#endif  // ARCA_COORD_TEST_UTIL_H_
