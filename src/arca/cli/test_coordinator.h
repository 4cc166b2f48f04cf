// For the cli tests: a real coordinator (coord::ApiServer, over TLS on 127.0.0.1) in this
// process. An owner ("hospital") has registered its dataset "hospital_a" for dealer2pc and
// approved the code owner's ("lab") plan for the consumer "insurer" (not for "bank"). The
// nodes (node-0, node-1, dealer) are registered, and the test plays their part through the
// API as real nodes would: progress, result upload, completion, failure. The scratch directory,
// the plan and the key encoding are coord::testing's, which the coord tests use too.
#ifndef ARCA_CLI_TEST_COORDINATOR_H_
#define ARCA_CLI_TEST_COORDINATOR_H_

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "arca/client/coordinator_client.h"
#include "arca/coord/api_server.h"
#include "arca/coord/test_util.h"
#include "arca/crypto/hash.h"

namespace arca::cli::testing {

class TestCoordinator {
 public:
  TestCoordinator() {
    for (const std::string id :
         {"platform", "hospital", "lab", "insurer", "bank", "node-0", "node-1", "dealer"}) {
      keys_.emplace(id, crypto::SigningKey::Generate());
    }
    server_ =
        coord::ApiServer::Start({.state_dir = dir_.File("state"),
                                 .admin_key = coord::testing::PublicKeyBytes(keys_.at("platform"))})
            .value();
    client::CoordinatorClient& platform = Client("platform");
    for (const auto& [id, role] : std::map<std::string, std::string>{{"hospital", "owner"},
                                                                     {"lab", "code"},
                                                                     {"insurer", "consumer"},
                                                                     {"bank", "consumer"}}) {
      EXPECT_TRUE(
          platform.RegisterParty({id, id, role, coord::testing::PublicKeyBytes(keys_.at(id))})
              .ok());
    }
    int port = 7000;
    for (const auto& [id, role, index] :
         {std::tuple<std::string, std::string, int64_t>{"node-0", "compute", 0},
          {"node-1", "compute", 1},
          {"dealer", "dealer", 0}}) {
      EXPECT_TRUE(platform
                      .RegisterNode({id, role, index, "127.0.0.1:" + std::to_string(port),
                                     "127.0.0.1:" + std::to_string(port + 100),
                                     coord::testing::PublicKeyBytes(keys_.at(id))})
                      .ok());
      ++port;
    }
    const nlohmann::json schema = {{"columns", {{{"name", "mean_radius"}, {"type", "decimal"}}}}};
    EXPECT_TRUE(Client("hospital")
                    .AddDataset({"hospital_a",
                                 "dealer2pc",
                                 schema,
                                 100,
                                 {{"node-0", "a/0", crypto::Sha256(AsBytes("a0"))},
                                  {"node-1", "a/1", crypto::Sha256(AsBytes("a1"))}}})
                    .ok());
    plan_hash_ = Client("lab")
                     .SubmitPlan(coord::testing::kMeanRadiusPlan)
                     .value()
                     .at("hash")
                     .get<std::string>();
    EXPECT_TRUE(Client("hospital")
                    .GrantApproval({plan_hash_, "hospital_a", {"insurer"}, {"dealer2pc"}})
                    .ok());
  }

  // A client signed by `id` (a party or a node), made once.
  client::CoordinatorClient& Client(const std::string& id) {
    auto& client = clients_[id];
    if (!client) {
      client = client::CoordinatorClient::Create({.port = server_->port(),
                                                  .certificate_pem = server_->certificate().Pem(),
                                                  .signer = id,
                                                  .key = keys_.at(id)})
                   .value();
    }
    return *client;
  }

  // The insurer's job of the plan, its results sealed to `result_key` (X25519 public).
  int64_t CreateJob(ByteView result_key) {
    return Client("insurer")
        .CreateJob({plan_hash_, "dealer2pc", Bytes(result_key.begin(), result_key.end())})
        .value()
        .at("id")
        .get<int64_t>();
  }

  // Uploads `result` as `node`'s result file and completes its part (the dealer: no file).
  void Complete(int64_t job, const std::string& node, const Bytes& result = {}) {
    std::string sha256;
    if (node != "dealer") {
      const std::string path = dir_.File(node + ".upload");
      std::ofstream(path, std::ios::binary)
          .write(reinterpret_cast<const char*>(result.data()),
                 static_cast<std::streamsize>(result.size()));
      EXPECT_TRUE(Client(node).UploadResult(job, node, path).ok());
      sha256 = ToHex(crypto::Sha256(result));
    }
    const Result<nlohmann::json> done =
        Client(node).CompleteJob(job, {.result_sha256 = sha256, .receipt_part = {{"node", node}}});
    EXPECT_TRUE(done.ok()) << done.status().ToString();
  }

  // The coordinator flags of an `arca` command signed by `id`, with its key and the pinned
  // certificate written to files.
  std::vector<std::string> Flags(const std::string& id) {
    const std::string key_path = dir_.File(id + ".key");
    const crypto::Ed25519Seed seed = keys_.at(id).Seed();
    std::ofstream(key_path, std::ios::binary)
        .write(reinterpret_cast<const char*>(seed.data()),
               static_cast<std::streamsize>(seed.size()));
    std::ofstream(dir_.File("coordinator.crt")) << server_->certificate().Pem();
    return {"--coordinator",
            "127.0.0.1:" + std::to_string(server_->port()),
            "--coordinator-cert",
            dir_.File("coordinator.crt"),
            "--as",
            id,
            "--key",
            key_path};
  }

  const std::string& plan_hash() const { return plan_hash_; }
  const coord::testing::TempDir& dir() const { return dir_; }

 private:
  coord::testing::TempDir dir_;
  std::map<std::string, crypto::SigningKey> keys_;
  std::unique_ptr<coord::ApiServer> server_;
  std::map<std::string, std::unique_ptr<client::CoordinatorClient>> clients_;
  std::string plan_hash_;
};

}  // namespace arca::cli::testing

#endif  // ARCA_CLI_TEST_COORDINATOR_H_
