// The platform in one process, over its real transports: the coordinator's HTTPS API, four
// nodes (compute 0-2 and the dealer) each with its coordinator agent, attested uploads, and
// jobs that the nodes find in the work feed and run over attested MPC links. The consumer
// fetches the result files and combines them to what the plaintext rows give.
#include "arca/node/coordinator_agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "arca/client/level_upload.h"
#include "arca/client/model_weights.h"
#include "arca/client/node_upload.h"
#include "arca/client/receipt.h"
#include "arca/client/result_file.h"
#include "arca/coord/api_server.h"
#include "arca/crypto/hpke.h"
#include "arca/node/test_util.h"

namespace arca::node {
namespace {

using nlohmann::json;

constexpr int kRows = 300;

Bytes Raw(const crypto::SigningKey& key) {
  const auto raw = key.RawPublicKey();
  return Bytes(raw.begin(), raw.end());
}

class PlatformTest : public ::testing::Test {
 protected:
  PlatformTest() : dir_(testing::FreshTestDir("coordinator_agent_test")), root_(dir_) {}

  void SetUp() override {
    coordinator_ =
        *coord::ApiServer::Start({.state_dir = dir_ + "/coordinator", .admin_key = Raw(platform_)});
    std::ofstream(dir_ + "/coordinator.crt") << coordinator_->certificate().Pem();
    Register("clinic", "owner", owner_);
    Register("insurer", "consumer", consumer_);
    Register("lab", "code", lab_);
    const char* roles[] = {"compute", "compute", "compute", "dealer"};
    for (int n = 0; n < 4; ++n) {
      const std::string id = n < 3 ? fmt::format("node-{}", n) : "dealer";
      const NodeConfig config = *NodeConfig::Parse(AsBytes(fmt::format(
          R"({{"role": "{}", "index": {}, "listen": "127.0.0.1:0", "state_dir": "{}/{}",
              "sim_root_key": "{}", "node_id": "{}", "mesh_listen": "127.0.0.1:0",
              "coordinator": {{"address": "127.0.0.1:{}", "certificate": "{}/coordinator.crt"}}}})",
          roles[n], n < 3 ? n : 0, dir_, id, root_.key_path(), id, coordinator_->port(), dir_)));
      servers_.push_back(*NodeServer::Start(config));
      agents_.push_back(*CoordinatorAgent::Start(*servers_.back(), config,
                                                 {.poll_interval = std::chrono::milliseconds(50)}));
      const Result<json> node =
          Client("platform", platform_)
              ->RegisterNode({
                  .id = id,
                  .role = roles[n],
                  .index = n < 3 ? n : 0,
                  .endpoint = fmt::format("127.0.0.1:{}", servers_.back()->port()),
                  .mesh_endpoint = fmt::format("127.0.0.1:{}", agents_.back()->mesh_port()),
                  .signing_key = Raw(servers_.back()->identity().signing_key()),
              });
      ASSERT_TRUE(node.ok()) << node.status().ToString();
    }
    policy_ = root_.Policy({ToHex(*MeasureThisProgram("compute"))});
  }

  void TearDown() override {
    agents_.clear();
    servers_.clear();
  }

  std::unique_ptr<client::CoordinatorClient> Client(const std::string& id,
                                                    const crypto::SigningKey& key) {
    return *client::CoordinatorClient::Create({.port = coordinator_->port(),
                                               .certificate_pem = coordinator_->certificate().Pem(),
                                               .signer = id,
                                               .key = key});
  }

  void Register(const std::string& id, const std::string& role, const crypto::SigningKey& key) {
    ASSERT_TRUE(
        Client("platform", platform_)
            ->RegisterParty({.id = id, .display_name = id, .role = role, .public_key = Raw(key)})
            .ok());
  }

  // An upload of the test's rows as `dataset` for `level`, by `party`: share files sealed to
  // the attested keys of the level's compute nodes, then the dataset's record with their
  // digests.
  void Upload(const std::string& level, int version, const std::string& dataset = "clinic",
              const std::string& party = "clinic") {
    const mpc::ProtocolKind protocol = *client::ProtocolOfLevel(level);
    const std::vector<int> nodes = client::ShareFileNodes(protocol);
    std::vector<std::unique_ptr<tee::AttestedChannel>> channels;
    std::vector<crypto::X25519Key> keys;
    for (const int n : nodes) {
      channels.push_back(
          *client::ConnectToNode({"127.0.0.1", servers_[static_cast<size_t>(n)]->port()}, policy_));
      crypto::X25519Key key{};
      std::copy(channels.back()->peer_hpke_key().begin(), channels.back()->peer_hpke_key().end(),
                key.begin());
      keys.push_back(key);
    }
    const std::vector<Bytes> files = testing::MakeShareFiles(
        protocol, dataset, static_cast<uint64_t>(version), testing::PeopleCsv(kRows), keys);
    const crypto::SigningKey& key = party == "clinic" ? owner_ : consumer_;
    client::DatasetUpload record{.name = dataset,
                                 .level = level,
                                 .schema = json::parse(testing::kSchema),
                                 .row_count = kRows,
                                 .locations = {}};
    for (size_t i = 0; i < nodes.size(); ++i) {
      const std::string path = fmt::format("{}/share-{}-{}-{}", dir_, dataset, level, i);
      testing::WriteFile(path, files[i]);
      const Result<client::UploadAnswer> answer =
          client::UploadShareFile(*channels[i], path, "dataset", key, {});
      ASSERT_TRUE(answer.ok()) << answer.status().ToString();
      record.locations.push_back({.node = fmt::format("node-{}", nodes[i]),
                                  .location = answer->location,
                                  .sha256 = answer->sha256});
    }
    const Result<json> added = Client(party, key)->AddDataset(record);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    ASSERT_EQ(added->at("version"), version);
  }

  // Waits for the job to end; its final record.
  json Await(int64_t job) {
    const auto consumer = Client("insurer", consumer_);
    for (int i = 0; i < 1200; ++i) {
      const Result<json> answer = consumer->GetJob(job);
      EXPECT_TRUE(answer.ok()) << answer.status().ToString();
      if (!answer.ok()) return {};
      const json& record = *answer;
      const std::string status = record.at("status");
      if (status != "pending" && status != "running") return record;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "job " << job << " did not end";
    return {};
  }

  std::vector<client::NamedOutput> Fetch(int64_t job) {
    const auto consumer = Client("insurer", consumer_);
    const Result<json> answer = consumer->GetReceipt(job);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    if (!answer.ok()) return {};
    const json& receipt = *answer;
    std::vector<Bytes> files;
    for (const json& result : receipt.at("results")) {
      const std::string path = fmt::format("{}/result-{}-{}", dir_, job, files.size());
      const Status fetched = consumer->FetchResult(job, result.at("node").get<std::string>(), path);
      EXPECT_TRUE(fetched.ok()) << fetched.ToString();
      files.push_back(*ReadFileBytes(path));
    }
    EXPECT_EQ(receipt.at("receipt").at("parts").size(), files.size() == 2 ? 3u : files.size());
    Result<std::vector<client::NamedOutput>> outputs =
        client::CombineResultFiles(files, result_key_.private_key);
    EXPECT_TRUE(outputs.ok()) << outputs.status().ToString();
    return outputs.ok() ? *std::move(outputs) : std::vector<client::NamedOutput>{};
  }

  const std::string dir_;
  const testing::SimRootFiles root_;
  const crypto::SigningKey platform_ = crypto::SigningKey::Generate();
  const crypto::SigningKey owner_ = crypto::SigningKey::Generate();
  const crypto::SigningKey consumer_ = crypto::SigningKey::Generate();
  const crypto::SigningKey lab_ = crypto::SigningKey::Generate();
  const crypto::X25519KeyPair result_key_ = crypto::GenerateX25519KeyPair();
  std::unique_ptr<coord::ApiServer> coordinator_;
  std::vector<std::unique_ptr<NodeServer>> servers_;
  std::vector<std::unique_ptr<CoordinatorAgent>> agents_;
  tee::Policy policy_;
};

TEST_F(PlatformTest, AnApprovedPlanRunsAtEveryLevelAndTheConsumerGetsThePlaintextAnswer) {
  const Result<json> plan = Client("lab", lab_)->SubmitPlan(testing::IncomeOver40Plan("clinic"));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const std::string plan_hash = plan->at("hash");
  const testing::IncomeStats expected = testing::IncomeOver40(kRows);
  int version = 0;
  for (const std::string level : {"tee", "dealer2pc", "rep3"}) {
    SCOPED_TRACE(level);
    Upload(level, ++version);
    if (version == 1) {
      const Result<json> approval = Client("clinic", owner_)
                                        ->GrantApproval({.plan_hash = plan_hash,
                                                         .dataset = "clinic",
                                                         .consumers = {"insurer"},
                                                         .levels = {"tee", "dealer2pc", "rep3"}});
      ASSERT_TRUE(approval.ok()) << approval.status().ToString();
    }
    const Result<json> job = Client("insurer", consumer_)
                                 ->CreateJob({.plan_hash = plan_hash,
                                              .level = level,
                                              .result_key = Bytes(result_key_.public_key.begin(),
                                                                  result_key_.public_key.end())});
    ASSERT_TRUE(job.ok()) << job.status().ToString();
    const int64_t id = job->at("id");
    const json done = Await(id);
    ASSERT_EQ(done.at("status"), "succeeded") << done.dump();
    const std::vector<client::NamedOutput> outputs = Fetch(id);
    ASSERT_EQ(outputs.size(), 1u);
    ASSERT_EQ(outputs[0].values.size(), 3u);
    EXPECT_EQ(outputs[0].values[0], expected.count);
    EXPECT_NEAR(outputs[0].values[1], expected.mean, 1e-2);  // the reciprocal's 2^-(f-1)
    EXPECT_NEAR(outputs[0].values[2], expected.max, 1e-5);
  }
  // Every node recorded its evidence (SIMULATED) for `arca platform nodes`.
  const Result<json> nodes = Client("platform", platform_)->ListNodes();
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  for (const json& node : nodes->at("nodes")) {
    EXPECT_EQ(node.at("attestation").at("platform"), "sim") << node.dump();
  }
}

// A plan that releases a table: the consumer reads the rows back by the table's layout.
TEST_F(PlatformTest, AReleasedTableReachesTheConsumerAsRows) {
  const Result<json> plan = Client("lab", lab_)->SubmitPlan(R"({
    "version": 1, "name": "The three highest incomes",
    "inputs": {"clinic": {"columns": ["age", "income"]}},
    "nodes": [
      {"id": "rows", "op": "column", "dataset": "clinic", "columns": ["age", "income"]},
      {"id": "sorted", "op": "sort", "inputs": ["rows"],
       "by": [{"column": "income", "ascending": false}]},
      {"id": "top", "op": "head", "inputs": ["sorted"], "n": 3}],
    "outputs": [{"name": "top", "node": "top", "recipients": ["insurer"]}],
    "levels": ["dealer2pc"]})");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  Upload("dealer2pc", 1);
  ASSERT_TRUE(Client("clinic", owner_)
                  ->GrantApproval({.plan_hash = plan->at("hash"),
                                   .dataset = "clinic",
                                   .consumers = {"insurer"},
                                   .levels = {"dealer2pc"}})
                  .ok());
  const Result<json> job = Client("insurer", consumer_)
                               ->CreateJob({.plan_hash = plan->at("hash"),
                                            .level = "dealer2pc",
                                            .result_key = Bytes(result_key_.public_key.begin(),
                                                                result_key_.public_key.end())});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  const json done = Await(job->at("id"));
  ASSERT_EQ(done.at("status"), "succeeded") << done.dump();
  const std::vector<client::NamedOutput> outputs = Fetch(job->at("id"));
  ASSERT_EQ(outputs.size(), 1u);
  ASSERT_TRUE(outputs[0].table.has_value());
  const frame::PlainTable& top = *outputs[0].table;
  std::vector<std::pair<double, double>> rows;  // (income, age), highest income first
  rows.reserve(kRows);
  for (int i = 0; i < kRows; ++i) rows.emplace_back(testing::IncomeOfRow(i), testing::AgeOfRow(i));
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  ASSERT_EQ(top.rows(), 3);
  ASSERT_EQ(top.columns.size(), 2u);
  for (size_t r = 0; r < 3; ++r) {
    EXPECT_TRUE(top.valid[r]);
    EXPECT_EQ(top.columns[0].values[r], rows[r].second) << r;  // age
    EXPECT_NEAR(top.columns[1].values[r], rows[r].first, 1e-5) << r;
  }
}

// A model trained on the clinic's rows and kept on the nodes (`store_as`) scores the
// consumer's own rows in a later job; the weights reach nobody in the clear but the consumer
// to whom the training plan released them too, for the test's comparison.
TEST_F(PlatformTest, AModelKeptOnTheNodesScoresTheConsumersRows) {
  const std::string train = R"({
    "version": 1, "name": "Income by age",
    "inputs": {"clinic": {"columns": ["age", "income"]}},
    "nodes": [
      {"id": "rows", "op": "column", "dataset": "clinic", "columns": ["age", "income"]},
      {"id": "model", "op": "train_linear", "inputs": ["rows"], "features": ["age"],
       "label": "income", "iterations": 60, "learning_rate": 0.5, "standardize": true,
       "store_as": "income-by-age"}],
    "outputs": [{"name": "model", "node": "model", "recipients": ["insurer"]}],
    "levels": ["dealer2pc"]})";
  const std::string score = R"({
    "version": 1, "name": "Income of the insurer's people",
    "inputs": {"people": {"columns": ["age"], "supplied_by": "consumer"}},
    "nodes": [
      {"id": "rows", "op": "column", "dataset": "people", "columns": ["age"]},
      {"id": "income", "op": "infer", "inputs": ["rows"], "model": "income-by-age",
       "features": ["age"]}],
    "outputs": [{"name": "income", "node": "income", "recipients": ["insurer"]}],
    "levels": ["dealer2pc"]})";
  const auto lab = Client("lab", lab_);
  const auto insurer = Client("insurer", consumer_);
  const std::string train_hash = lab->SubmitPlan(train)->at("hash");
  const std::string score_hash = lab->SubmitPlan(score)->at("hash");
  Upload("dealer2pc", 1);
  ASSERT_TRUE(Client("clinic", owner_)
                  ->GrantApproval({.plan_hash = train_hash,
                                   .dataset = "clinic",
                                   .consumers = {"insurer"},
                                   .levels = {"dealer2pc"}})
                  .ok());
  const Bytes result_key(result_key_.public_key.begin(), result_key_.public_key.end());
  const int64_t trained =
      insurer->CreateJob({.plan_hash = train_hash, .level = "dealer2pc", .result_key = result_key})
          ->at("id");
  ASSERT_EQ(Await(trained).at("status"), "succeeded");
  const std::vector<client::NamedOutput> model = Fetch(trained);
  ASSERT_EQ(model.size(), 1u);
  ASSERT_EQ(model[0].values.size(), 2u);  // age, intercept
  const Result<json> stored = insurer->GetModel("income-by-age");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->at("level"), "dealer2pc");
  EXPECT_EQ(stored->at("locations").size(), 2u);

  Upload("dealer2pc", 1, "people", "insurer");
  const Result<json> scored_job = insurer->CreateJob({.plan_hash = score_hash,
                                                      .level = "dealer2pc",
                                                      .result_key = result_key,
                                                      .inputs = {{"people", "people"}}});
  ASSERT_TRUE(scored_job.ok()) << scored_job.status().ToString();
  const json done = Await(scored_job->at("id"));
  ASSERT_EQ(done.at("status"), "succeeded") << done.dump();
  const std::vector<client::NamedOutput> income = Fetch(scored_job->at("id"));
  ASSERT_EQ(income.size(), 1u);
  ASSERT_EQ(income[0].values.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; i += 37) {
    const double age = testing::AgeOfRow(i);
    // The released weights and the kept ones are the same numbers: the product differs only
    // by its truncation (2^-18 relative, times the magnitude).
    EXPECT_NEAR(income[0].values[static_cast<size_t>(i)],
                model[0].values[0] * age + model[0].values[1], 0.05)
        << "row " << i;
  }
}

// A code owner's proprietary model, uploaded secret-shared (what `arca code upload-model`
// does), scores the consumer's rows at rep3: the predictions are the linear model's.
TEST_F(PlatformTest, ACodeOwnersUploadedModelScoresTheConsumersRows) {
  const auto lab = Client("lab", lab_);
  const client::ModelWeights weights =
      *client::ParseModelWeights("feature,weight\nage,2.5\nintercept,-10.25\n");
  const Result<std::vector<client::Location>> locations = client::UploadToLevel(
      *lab, policy_, lab_, {.level = "rep3", .kind = "model", .name = "wage-v1", .version = 1},
      client::ModelWeights::TableSchema(), *weights.Table(), {});
  ASSERT_TRUE(locations.ok()) << locations.status().ToString();
  ASSERT_EQ(locations->size(), 3u);
  const Result<json> model = lab->AddModel({.name = "wage-v1",
                                            .kind = "linear",
                                            .features = weights.features,
                                            .intercept = weights.intercept,
                                            .level = "rep3",
                                            .locations = *locations,
                                            .consumers = {"insurer"}});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const std::string score_hash = lab->SubmitPlan(R"({
    "version": 1, "name": "Wages of the insurer's people",
    "inputs": {"people": {"columns": ["age"], "supplied_by": "consumer"}},
    "nodes": [
      {"id": "rows", "op": "column", "dataset": "people", "columns": ["age"]},
      {"id": "wage", "op": "infer", "inputs": ["rows"], "model": "wage-v1", "features": ["age"]}],
    "outputs": [{"name": "wage", "node": "wage", "recipients": ["insurer"]}],
    "levels": ["rep3"]})")
                                     ->at("hash");
  Upload("rep3", 1, "people", "insurer");
  const Result<json> job = Client("insurer", consumer_)
                               ->CreateJob({.plan_hash = score_hash,
                                            .level = "rep3",
                                            .result_key = Bytes(result_key_.public_key.begin(),
                                                                result_key_.public_key.end()),
                                            .inputs = {{"people", "people"}}});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  const json done = Await(job->at("id"));
  ASSERT_EQ(done.at("status"), "succeeded") << done.dump();
  const std::vector<client::NamedOutput> wages = Fetch(job->at("id"));
  ASSERT_EQ(wages.size(), 1u);
  ASSERT_EQ(wages[0].values.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {
    // One truncated product: 2^-18 relative to the magnitude, and the encoding's 2^-19.
    EXPECT_NEAR(wages[0].values[static_cast<size_t>(i)], 2.5 * testing::AgeOfRow(i) - 10.25, 1e-3)
        << "row " << i;
  }
}

TEST_F(PlatformTest, ACancelledJobStopsOnEveryNode) {
  const Result<json> plan = Client("lab", lab_)->SubmitPlan(testing::IncomeOver40Plan("clinic"));
  ASSERT_TRUE(plan.ok());
  Upload("rep3", 1);
  ASSERT_TRUE(Client("clinic", owner_)
                  ->GrantApproval({.plan_hash = plan->at("hash"),
                                   .dataset = "clinic",
                                   .consumers = {"insurer"},
                                   .levels = {"rep3"}})
                  .ok());
  // Node 2 stops taking part, so the job waits for its links; the consumer cancels it.
  agents_[2].reset();
  const int64_t id = Client("insurer", consumer_)
                         ->CreateJob({.plan_hash = plan->at("hash"),
                                      .level = "rep3",
                                      .result_key = Bytes(result_key_.public_key.begin(),
                                                          result_key_.public_key.end())})
                         ->at("id");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(Client("insurer", consumer_)->CancelJob(id).ok());
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(Await(id).at("status"), "cancelled");
  // The agents of nodes 0 and 1 stop their part; tearing them down does not wait for it.
  agents_[0].reset();
  agents_[1].reset();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(20));
}

}  // namespace
}  // namespace arca::node
