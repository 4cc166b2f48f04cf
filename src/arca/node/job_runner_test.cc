#include "arca/node/job_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "arca/client/receipt.h"
#include "arca/client/result_file.h"
#include "arca/crypto/hpke.h"
#include "arca/net/free_ports.h"
#include "arca/net/tcp_link.h"
#include "arca/node/plan_program.h"
#include "arca/node/share_upload.h"
#include "arca/node/test_util.h"
#include "arca/plan/canonical_json.h"

namespace arca::node {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int kRows = 500;
constexpr const char* kPlan = R"({"note": "a secure sum and mean, written by the test"})";

// The test's stand-in for the plan executor: the sum of `age` and the mean of `income`.
Result<JobOutputs> SumAndMean(mpc::Protocol& p, const LoadedInputs& inputs,
                              const JobProgress& progress) {
  const LoadedInput& in = inputs.inputs.at("hospital_a");
  ARCA_ASSIGN_OR_RETURN(mpc::Shared age_sum, p.Sum(in.columns[0], -1));
  progress(0.5);
  ARCA_ASSIGN_OR_RETURN(mpc::Shared income_sum, p.Sum(in.columns[1], -1));
  // mean = sum · round(2^31 / rows), truncated by 31 bits. The sum is below 2^39 (at 18
  // fractional bits) and the factor below 2^23, so the product stays below 2^62; the rounded
  // reciprocal is off by at most 2^-32 relative.
  constexpr int kBits = 31;
  const auto inverse =
      static_cast<uint64_t>(std::llround(std::ldexp(1.0, kBits) / static_cast<double>(in.rows)));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared scaled,
                        p.MulPublic(income_sum, mpc::RingTensor::Scalar(inverse)));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared mean, p.Truncate(scaled, kBits));
  progress(1.0);
  JobOutputs out;
  out.outputs.push_back({"age_sum", {"sum"}, 0, std::move(age_sum), 0, 0, {}});
  out.outputs.push_back({"income_mean", {"mean"}, in.frac_bits, std::move(mean), 0.5, 1e-6, {}});
  return out;
}

// One node in-process: its SIMULATED TEE, identity, store and runner.
struct TestNode {
  TestNode(const testing::SimRootFiles& root, const crypto::Sha384Digest& measurement,
           const std::string& dir, int index)
      : tee(root.root(), measurement, std::array<uint8_t, 32>{static_cast<uint8_t>(index)}),
        identity(tee::NodeIdentity::Generate()),
        state_dir(dir + "/node" + std::to_string(index)),
        store(*ShareStore::Open(
            state_dir + "/store",
            *tee::SealingKey::Derive(tee.SealingSecret(), measurement, "node store"))) {}

  JobRunner Runner(NetworkFactory network) const {
    JobRunnerOptions options;
    options.node_name = "node-" + state_dir.substr(state_dir.size() - 1);
    options.identity = &identity;
    options.attest = [this](ByteView report_data) -> Result<tee::Evidence> {
      tee::Evidence evidence;
      evidence.platform = tee::Platform::kSim;
      ARCA_ASSIGN_OR_RETURN(evidence.report, tee.Report(report_data, Now()));
      return evidence;
    };
    options.store = store.get();
    options.state_dir = state_dir;
    options.network = std::move(network);
    return JobRunner(std::move(options));
  }

  tee::SimTee tee;
  tee::NodeIdentity identity;
  std::string state_dir;
  std::unique_ptr<ShareStore> store;
};

// The parties' TCP mesh on 127.0.0.1, as the assignment names it.
Result<std::unique_ptr<net::Network>> TcpMesh(const JobAssignment& a) {
  std::vector<net::Endpoint> endpoints;
  for (const JobParty& party : a.parties) {
    ARCA_ASSIGN_OR_RETURN(net::Endpoint e, net::ParseEndpoint(party.mesh_endpoint));
    endpoints.push_back(e);
  }
  net::TcpOptions options;
  options.session = static_cast<uint64_t>(a.job);
  ARCA_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<net::Link>> links,
                        net::ConnectTcpMesh(a.party, endpoints, options));
  return std::make_unique<net::Network>(a.party, std::move(links));
}

std::string LevelName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

class JobRunnerTest : public ::testing::TestWithParam<std::string> {
 protected:
  JobRunnerTest()
      : dir_(testing::FreshTestDir("job_runner_test")),
        root_(dir_),
        measurement_(tee::MeasureProgram(AsBytes("arca-node"), AsBytes("{}"))) {
    for (int i = 0; i < 3; ++i)
      nodes_.push_back(std::make_unique<TestNode>(root_, measurement_, dir_, i));
    csv_ = testing::PeopleCsv(kRows);
    for (int i = 0; i < kRows; ++i) {
      age_sum_ += testing::AgeOfRow(i);
      income_mean_ += testing::IncomeOfRow(i) / kRows;
    }
  }

  // Uploads the table's share files for `level` to the nodes that hold parts.
  void Upload(const std::string& level) {
    const mpc::ProtocolKind protocol = *client::ProtocolOfLevel(level);
    const std::vector<int> holders = client::ShareFileNodes(protocol);
    std::vector<crypto::X25519Key> keys;
    keys.reserve(holders.size());
    for (const int n : holders)
      keys.push_back(nodes_[static_cast<size_t>(n)]->identity.hpke_key().public_key);
    const std::vector<Bytes> files = testing::MakeShareFiles(protocol, "hospital_a", 1, csv_, keys);
    locations_.assign(3, "");
    digests_.assign(3, "");
    for (size_t i = 0; i < holders.size(); ++i) {
      const TestNode& node = *nodes_[static_cast<size_t>(holders[i])];
      std::unique_ptr<ShareFileReceiver> receiver =
          *ShareFileReceiver::Begin(*node.store, node.identity.hpke_key(), holders[i],
                                    BlobKind::kDataset, Bytes(32, 1), files[i].size());
      ASSERT_TRUE(receiver->Append(files[i]).ok());
      const ReceivedShareFile received = *receiver->Finish();
      locations_[static_cast<size_t>(holders[i])] = received.location;
      digests_[static_cast<size_t>(holders[i])] = ToHex(received.sha256);
    }
  }

  json Assignment(const std::string& level, int party, const std::vector<uint16_t>& ports) const {
    json parties = json::array();
    for (size_t p = 0; p < ports.size(); ++p) {
      parties.push_back({{"node", "node-" + std::to_string(p)},
                         {"mesh_endpoint", "127.0.0.1:" + std::to_string(ports[p])},
                         {"signing_key", ToHex(nodes_[p]->identity.signing_key().RawPublicKey())}});
    }
    const auto p = static_cast<size_t>(party);
    return {{"job", 12},
            {"status", "running"},
            {"level", level},
            {"party", party},
            {"parties", parties},
            {"plan", kPlan},
            {"plan_hash", ToHex(crypto::Sha256(AsBytes(kPlan)))},
            {"inputs",
             {{"hospital_a",
               {{"dataset", "hospital_a"},
                {"version", 1},
                {"supplied_by", "owner"},
                {"location", locations_[p]},
                {"sha256", digests_[p]},
                {"schema", json::parse(testing::kSchema)},
                {"approvals", {3, 5}},
                {"rules", {{"min_rows", 10}}}}}}},
            {"consumer", "insurer"},
            {"result_key", ToHex(consumer_.public_key)}};
  }

  // Runs the job at every party of `level`, each in its own thread.
  std::vector<Result<JobResult>> RunAll(const std::string& level, const JobProgram& program,
                                        std::vector<CancelToken>* tokens = nullptr,
                                        const std::function<void(json&)>& edit = {}) {
    const int parties = mpc::PartiesOf(*client::ProtocolOfLevel(level));
    const std::vector<uint16_t> ports = *net::PickFreeLoopbackPorts(parties);
    std::vector<Result<JobResult>> results(static_cast<size_t>(parties),
                                           Result<JobResult>(InternalError("not run")));
    std::vector<std::thread> threads;
    threads.reserve(static_cast<size_t>(parties));
    for (int p = 0; p < parties; ++p) {
      threads.emplace_back([&, p] {
        json object = Assignment(level, p, ports);
        if (edit) edit(object);
        Result<JobAssignment> a = ParseJobAssignment(object);
        if (!a.ok()) {
          results[static_cast<size_t>(p)] = a.status();
          return;
        }
        const JobRunner runner = nodes_[static_cast<size_t>(p)]->Runner(TcpMesh);
        results[static_cast<size_t>(p)] = runner.Run(
            *a, program,
            [&, p](double f) {
              if (p == 0) progress_.push_back(f);
            },
            tokens == nullptr ? nullptr : &(*tokens)[static_cast<size_t>(p)]);
      });
    }
    for (std::thread& t : threads) t.join();
    return results;
  }

  std::string dir_;
  testing::SimRootFiles root_;
  crypto::Sha384Digest measurement_;
  std::vector<std::unique_ptr<TestNode>> nodes_;
  std::string csv_;
  int64_t age_sum_ = 0;
  double income_mean_ = 0;
  std::vector<std::string> locations_, digests_;
  crypto::hpke::KeyPair consumer_ = crypto::hpke::GenerateKeyPair();
  std::vector<double> progress_;
};

// The nodes run the job; the consumer combines their result files to the plaintext answer,
// and the receipt of their parts verifies (and names the result files).
TEST_P(JobRunnerTest, NodesRunAJobAndTheConsumerGetsThePlaintextAnswer) {
  const std::string level = GetParam();
  Upload(level);
  const std::vector<Result<JobResult>> results = RunAll(level, SumAndMean);
  std::vector<Bytes> files;
  json parts = json::array();
  for (size_t p = 0; p < results.size(); ++p) {
    ASSERT_TRUE(results[p].ok()) << "party " << p << ": " << results[p].status().ToString();
    EXPECT_EQ(results[p]->job, 12);
    if (!results[p]->result_file.empty()) {
      files.push_back(results[p]->result_file);
      EXPECT_EQ(*nodes_[p]->store->Get(results[p]->result_location), results[p]->result_file);
    }
    parts.push_back(results[p]->CompleteRequest()["receipt_part"]);
    EXPECT_FALSE(std::filesystem::exists(nodes_[p]->state_dir + "/jobs/12"));
  }
  if (level == "dealer2pc") {
    EXPECT_TRUE(results[2]->result_file.empty());  // the dealer sends nothing
    EXPECT_EQ(results[2]->CompleteRequest()["result_sha256"], "");
  }
  Result<std::vector<client::NamedOutput>> outputs =
      client::CombineResultFiles(files, consumer_.private_key);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  ASSERT_EQ(outputs->size(), 2u);
  EXPECT_EQ((*outputs)[0].values, std::vector<double>{static_cast<double>(age_sum_)});
  // Fixed point: 18 fractional bits (2^-18 = 3.8e-6 per value), the rounded reciprocal (2.5e3
  // relative 2^-23: 3e-4) and a truncation one unit off at most; 1e-3 is above all three.
  EXPECT_NEAR((*outputs)[1].values.at(0), income_mean_, 1e-3);

  ASSERT_FALSE(progress_.empty());
  EXPECT_TRUE(std::is_sorted(progress_.begin(), progress_.end()));
  EXPECT_EQ(progress_.back(), 1.0);

  const std::string receipt = *plan::CanonicalJson(json{{"job", 12}, {"parts", parts}});
  const tee::Policy policy = root_.Policy({ToHex(measurement_)});
  client::ReceiptCheckOptions options{true, files, {}};
  Result<client::VerifiedReceipt> verified = client::VerifyReceipt(receipt, policy, options);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->common.level, level);
  EXPECT_EQ(verified->common.privacy[1].epsilon, 0.5);
  EXPECT_EQ(verified->common.datasets[0].dataset, "hospital_a");
  // A result file with one changed byte is not the one the nodes signed for.
  options.result_files[0][options.result_files[0].size() / 2] ^= 1;
  EXPECT_THAT(client::VerifyReceipt(receipt, policy, options).status().message(),
              HasSubstr("is not one the nodes signed for"));
}

// A real plan through the executor (plan_program.h): statistics of the rows a filter keeps,
// combined by the consumer to what the plaintext rows give.
TEST_P(JobRunnerTest, APlanRunsThroughTheExecutor) {
  const std::string level = GetParam();
  const std::string plan_text =
      *plan::CanonicalJson(json::parse(testing::IncomeOver40Plan("hospital_a")));
  Upload(level);
  JobAssignment assignment;
  assignment.job = 12;
  assignment.plan = plan_text;
  const std::vector<Result<JobResult>> results =
      RunAll(level, PlanProgram(assignment), nullptr, [&](json& a) {
        a["plan"] = plan_text;
        a["plan_hash"] = ToHex(crypto::Sha256(AsBytes(plan_text)));
      });
  std::vector<Bytes> files;
  for (size_t p = 0; p < results.size(); ++p) {
    ASSERT_TRUE(results[p].ok()) << "party " << p << ": " << results[p].status().ToString();
    if (!results[p]->result_file.empty()) files.push_back(results[p]->result_file);
  }
  Result<std::vector<client::NamedOutput>> outputs =
      client::CombineResultFiles(files, consumer_.private_key);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  ASSERT_EQ(outputs->size(), 1u);
  const testing::IncomeStats expected = testing::IncomeOver40(kRows);
  const client::NamedOutput& income = (*outputs)[0];
  EXPECT_THAT(income.labels, ElementsAre("count", "mean", "max"));
  ASSERT_EQ(income.values.size(), 3u);
  EXPECT_EQ(income.values[0], expected.count);
  // The mean to the reciprocal's 2^-(f-1) relative error (docs/PLANS.md): 1e-2 at a mean of 2500.
  EXPECT_NEAR(income.values[1], expected.mean, 1e-2);
  EXPECT_NEAR(income.values[2], expected.max, 1e-5);
}

TEST(PlanProgramTest, RulesAreParsedAndErrorsNameTheField) {
  const Result<plan::AnalysisRules> rules =
      ParseAnalysisRules(json{{"aggregate_only", {"age"}}, {"min_rows", 10}});
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_THAT(rules->aggregate_only, ElementsAre("age"));
  EXPECT_EQ(rules->min_rows, 10);
  EXPECT_THAT(ParseAnalysisRules(json{{"min_rows", -1}}).status().message(),
              HasSubstr("field 'min_rows'"));
  EXPECT_THAT(ParseAnalysisRules(json{{"aggregate_only", "age"}}).status().message(),
              HasSubstr("field 'aggregate_only'"));
  EXPECT_THAT(ParseAnalysisRules(json{{"max_rows", 3}}).status().message(),
              HasSubstr("unknown rule"));
}

INSTANTIATE_TEST_SUITE_P(AllLevels, JobRunnerTest, ::testing::Values("tee", "dealer2pc", "rep3"),
                         LevelName);

class JobRunnerRefusalTest : public JobRunnerTest {};

TEST_F(JobRunnerRefusalTest, AnEditedPlanIsRefused) {
  Upload("dealer2pc");
  const std::vector<Result<JobResult>> results =
      RunAll("tee", SumAndMean, nullptr, [](json& a) { a["plan"] = std::string(kPlan) + " "; });
  EXPECT_THAT(results[0].status().message(),
              HasSubstr("node node-0 (party 0) in job 12, checking the plan: the plan's SHA-256 is "
                        "not the assignment's plan_hash"));
  EXPECT_FALSE(std::filesystem::exists(nodes_[0]->state_dir + "/jobs/12"));
}

TEST_F(JobRunnerRefusalTest, AnotherUploadThanTheAssignmentNamesIsRefused) {
  Upload("tee");
  const std::vector<Result<JobResult>> results = RunAll("tee", SumAndMean, nullptr, [](json& a) {
    a["inputs"]["hospital_a"]["sha256"] = std::string(64, 'e');
  });
  EXPECT_THAT(results[0].status().message(),
              HasSubstr("loading input 'hospital_a': the stored file at blob:"));
  EXPECT_THAT(results[0].status().message(), HasSubstr("refusing another upload"));
  // And a job meant for another node.
  const std::vector<Result<JobResult>> misrouted = RunAll("tee", SumAndMean, nullptr, [&](json& a) {
    a["parties"][0]["signing_key"] = ToHex(nodes_[1]->identity.signing_key().RawPublicKey());
  });
  EXPECT_THAT(misrouted[0].status().message(), HasSubstr("refusing a job meant for another node"));
}

// A job that fails at one party fails at every party; no marker is left. (The others see the
// failed party's abort, or the connection of a party that stopped because of it.)
TEST_F(JobRunnerRefusalTest, AFailureAtOnePartyStopsTheOthers) {
  Upload("rep3");
  const std::vector<Result<JobResult>> results =
      RunAll("rep3",
             [](mpc::Protocol& p, const LoadedInputs& inputs,
                const JobProgress& progress) -> Result<JobOutputs> {
               if (p.party() == 1)
                 return InvalidArgumentError("column 'income': a step of the plan failed");
               return SumAndMean(p, inputs, progress);
             });
  EXPECT_THAT(results[1].status().message(),
              HasSubstr("node node-1 (party 1) in job 12, running the plan: column 'income': a "
                        "step of the plan failed"));
  for (size_t p = 0; p < results.size(); ++p) {
    EXPECT_THAT(results[p].status().message(),
                HasSubstr("(party " + std::to_string(p) + ") in job 12, running the plan: "));
    EXPECT_FALSE(std::filesystem::exists(nodes_[p]->state_dir + "/jobs/12"));
  }
}

TEST_F(JobRunnerRefusalTest, ACancelledJobStopsAtEveryParty) {
  Upload("dealer2pc");
  std::vector<CancelToken> tokens(3);
  std::atomic<bool> running{false};
  std::thread canceller([&] {
    while (!running) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    tokens[1].Cancel();
  });
  // A program that would run for a very long time: products until cancelled.
  const std::vector<Result<JobResult>> results = RunAll(
      "dealer2pc",
      [&](mpc::Protocol& p, const LoadedInputs& inputs, const JobProgress&) -> Result<JobOutputs> {
        mpc::Shared x = inputs.inputs.at("hospital_a").columns[0];
        for (int i = 0; i < 1000000; ++i) {
          running = true;
          ARCA_ASSIGN_OR_RETURN(x, p.Mul(x, x));
        }
        return JobOutputs{};
      },
      &tokens);
  canceller.join();
  EXPECT_THAT(results[1].status().message(), HasSubstr("the job was cancelled"));
  for (const size_t p : {size_t{0}, size_t{2}}) {
    EXPECT_EQ(results[p].status().code(), StatusCode::kAborted) << p;
    EXPECT_THAT(results[p].status().message(), HasSubstr("party 1 aborted")) << p;
  }
}

// The marker says a job was running while the node stopped: on the next start it is reported
// failed, once.
TEST_F(JobRunnerRefusalTest, AJobInterruptedByARestartIsReportedFailed) {
  Upload("tee");
  bool marker_seen = false;
  const std::vector<Result<JobResult>> results =
      RunAll("tee",
             [&](mpc::Protocol& p, const LoadedInputs& inputs,
                 const JobProgress& progress) -> Result<JobOutputs> {
               marker_seen = std::filesystem::exists(nodes_[0]->state_dir + "/jobs/12");
               return SumAndMean(p, inputs, progress);
             });
  ASSERT_TRUE(results[0].ok()) << results[0].status().ToString();
  EXPECT_TRUE(marker_seen);
  const JobRunner runner = nodes_[0]->Runner(TcpMesh);
  EXPECT_TRUE(runner.RecoverInterrupted()->empty());
  // What a node killed mid-job leaves behind.
  testing::WriteFile(nodes_[0]->state_dir + "/jobs/12", {});
  testing::WriteFile(nodes_[0]->state_dir + "/jobs/7", {});
  const std::vector<InterruptedJob> interrupted = *runner.RecoverInterrupted();
  ASSERT_EQ(interrupted.size(), 2u);
  EXPECT_EQ(interrupted[0].job, 7);
  EXPECT_EQ(interrupted[1].job, 12);
  EXPECT_EQ(interrupted[1].error, "failed: the node restarted while the job ran");
  EXPECT_TRUE(runner.RecoverInterrupted()->empty());
}

TEST(WorkFeedTest, TheFeedIsParsedAndErrorsNameTheField) {
  const std::string key(64, 'a');
  const std::string feed = R"({"jobs": [{"job": 3, "status": "pending", "level": "rep3",
      "party": 3, "parties": []}], "destroy": []})";
  EXPECT_THAT(ParseWorkFeed(feed).status().message(),
              HasSubstr("work feed job 3: 'party' must be 0..2 at level rep3"));
  EXPECT_THAT(ParseWorkFeed(R"({"jobs": [{"job": 3, "status": "pending", "level": "fast"}]})")
                  .status()
                  .message(),
              HasSubstr("'level' must be tee, dealer2pc or rep3"));
  const Result<WorkFeed> destroy = ParseWorkFeed(
      R"({"jobs": [], "destroy": [{"location": "blob:00", "sha256": ")" + key + R"("}]})");
  ASSERT_TRUE(destroy.ok()) << destroy.status().ToString();
  EXPECT_EQ(destroy->destroy.at(0).sha256, key);
}

TEST_F(JobRunnerRefusalTest, DestroyOrdersDestroyOnlyWhatTheyName) {
  Upload("tee");
  const ShareStore& store = *nodes_[0]->store;
  EXPECT_THAT(ExecuteDestroyOrders(store, {{locations_[0], std::string(64, 'f')}}).message(),
              HasSubstr("SHA-256 is not the order's"));
  EXPECT_TRUE(store.Get(locations_[0]).ok());
  ASSERT_TRUE(ExecuteDestroyOrders(store, {{locations_[0], digests_[0]}}).ok());
  EXPECT_EQ(store.Get(locations_[0]).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(ExecuteDestroyOrders(store, {{locations_[0], digests_[0]}}).ok());
}

}  // namespace
}  // namespace arca::node
