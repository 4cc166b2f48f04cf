// The store's records for the API (schema version 3): dataset levels, models, and jobs run by
// their nodes part by part.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arca/coord/store.h"
#include "arca/coord/test_util.h"

namespace arca::coord {
namespace {

using testing::At;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Key;
using testing::NodeAt;

class StorePartsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Store::Open(dir_.File("coord.db"), {.clock = testing::TickingClock()}).value();
    for (const PartySpec& party :
         std::vector<PartySpec>{{"hospital-a", "Hospital A", PartyRole::kOwner, Key(2)},
                                {"lab", "Lab", PartyRole::kCode, Key(4)},
                                {"insurer", "Insurer", PartyRole::kConsumer, Key(5)}}) {
      store_->RegisterParty(party, "operator").value();
    }
    store_->RegisterNode(NodeAt("node-0", NodeRole::kCompute, 0, 7000), "operator").value();
    store_->RegisterNode(NodeAt("node-1", NodeRole::kCompute, 1, 7001), "operator").value();
    store_->RegisterNode(NodeAt("dealer", NodeRole::kDealer, 0, 7002), "operator").value();
    plan_ = store_->SubmitPlan("lab", testing::kPlanJson, "lab").value().hash;
    store_
        ->AddDatasetVersion({.name = "cancer-a",
                             .owner = "hospital-a",
                             .row_count = 5,
                             .locations = {At("node-0", "a/0"), At("node-1", "a/1")}},
                            "hospital-a")
        .value();
  }

  Job NewJob(SecurityLevel level = SecurityLevel::kDealer2pc) {
    return store_
        ->CreateJob({.plan_hash = plan_,
                     .consumer = "insurer",
                     .level = level,
                     .result_key = Key(9),
                     .inputs = {{.input = "cancer-a", .dataset = "cancer-a", .version = 1}}},
                    "insurer")
        .value();
  }

  static StoredModelPart Part(const std::string& location) {
    return {.name = "risk",
            .kind = ModelKind::kLogistic,
            .features = {"age", "size"},
            .location = location,
            .sha256 = testing::Digest(location)};
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  crypto::Sha256Digest plan_{};
};

TEST_F(StorePartsTest, ADatasetVersionLivesOnTheComputeNodesOfItsLevel) {
  DatasetSpec spec{.name = "b", .owner = "hospital-a", .locations = {At("node-0", "b/0")}};
  EXPECT_THAT(store_->AddDatasetVersion(spec, "hospital-a").status().message(),
              HasSubstr("has 1 location(s); level dealer2pc needs one on each of its 2"));
  spec.locations = {At("node-0", "b/0"), At("dealer", "b/d")};
  EXPECT_THAT(store_->AddDatasetVersion(spec, "hospital-a").status().message(),
              HasSubstr("node 'dealer', which is not one of the 2 compute node(s)"));
  spec.level = SecurityLevel::kTee;
  spec.locations = {At("node-1", "b/1")};
  EXPECT_THAT(store_->AddDatasetVersion(spec, "hospital-a").status().message(),
              HasSubstr("node 'node-1', which is not one of the 1 compute node(s) of level tee"));
  spec.locations = {At("node-0", "b/0")};
  const Dataset tee = store_->AddDatasetVersion(spec, "hospital-a").value();
  EXPECT_EQ(store_->GetDataset("b").value(), tee);
  EXPECT_EQ(tee.spec.level, SecurityLevel::kTee);
}

TEST_F(StorePartsTest, AssignsTheLevelsNodesInPartyOrder) {
  const Job job = NewJob();
  ASSERT_EQ(job.parties.size(), 3U);
  EXPECT_EQ(job.parties[0].node_id, "node-0");
  EXPECT_EQ(job.parties[1].node_id, "node-1");
  EXPECT_EQ(job.parties[2].node_id, "dealer");
  EXPECT_EQ(job.parties[2].party, 2);
  EXPECT_EQ(store_->GetJob(job.id).value(), job);
  EXPECT_THAT(job.spec.inputs, ElementsAre(JobInput{"cancer-a", "cancer-a", 1}));
  EXPECT_THAT(store_
                  ->CreateJob({.plan_hash = plan_,
                               .consumer = "insurer",
                               .level = SecurityLevel::kRep3,
                               .result_key = Key(9)},
                              "insurer")
                  .status()
                  .message(),
              HasSubstr("level rep3 needs compute node 2 (party 2), and none is registered"));
  EXPECT_EQ(store_
                ->CreateJob({.plan_hash = plan_,
                             .consumer = "insurer",
                             .result_key = Key(9),
                             .inputs = {{.input = "x", .dataset = "cancer-a", .version = 7}}},
                            "insurer")
                .status()
                .code(),
            StatusCode::kNotFound);
}

TEST_F(StorePartsTest, AJobSucceedsWhenEveryPartyCompletes) {
  const Job job = NewJob();
  EXPECT_THAT(store_->CompleteJobPart(job.id, "node-0", "{}", {}, "node-0").status().message(),
              HasSubstr("without having uploaded its result"));
  EXPECT_EQ(store_->GetJob(job.id).value().status, JobStatus::kPending)
      << "a refused report changes nothing";
  ASSERT_TRUE(store_->RecordJobResult(job.id, "node-0", testing::Digest("r0"), 10, "node-0").ok());
  EXPECT_EQ(store_->GetJob(job.id).value().status, JobStatus::kRunning);
  ASSERT_TRUE(store_->RecordJobResult(job.id, "node-1", testing::Digest("r1"), 11, "node-1").ok());
  Job now =
      store_->CompleteJobPart(job.id, "node-0", R"({"p":0})", {Part("m/0")}, "node-0").value();
  EXPECT_EQ(now.status, JobStatus::kRunning);
  EXPECT_EQ(now.parties[0].state, JobNodeState::kCompleted);
  EXPECT_THAT(store_->CompleteJobPart(job.id, "node-0", "{}", {}, "node-0").status().message(),
              HasSubstr("has already reported job 1 completed"));
  EXPECT_THAT(store_->CompleteJobPart(job.id, "node-9", "{}", {}, "node-9").status().message(),
              HasSubstr("takes no part in job 1"));
  now = store_->CompleteJobPart(job.id, "dealer", R"({"p":2})", {}, "dealer").value();
  EXPECT_EQ(now.status, JobStatus::kRunning);
  const Result<Job> last =
      store_->CompleteJobPart(job.id, "node-1", R"({"p":1})", {Part("m/1")}, "node-1");
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  now = *last;
  EXPECT_EQ(now.status, JobStatus::kSucceeded);

  const JobResult result = store_->GetResult(job.id).value();
  EXPECT_EQ(result.receipt, R"({"job":1,"parts":[{"p":0},{"p":1},{"p":2}]})");
  EXPECT_THAT(result.locations,
              ElementsAre(CiphertextLocation{"node-0", "results/1/node-0", testing::Digest("r0")},
                          CiphertextLocation{"node-1", "results/1/node-1", testing::Digest("r1")}));
  const Model model = store_->GetModel("risk").value();
  EXPECT_EQ(model.spec.owner_job, job.id);
  EXPECT_EQ(model.spec.owner_party, "");
  EXPECT_EQ(model.spec.level, SecurityLevel::kDealer2pc);
  EXPECT_THAT(model.spec.consumers, ElementsAre("insurer"));
  EXPECT_THAT(model.spec.locations, ElementsAre(At("node-0", "m/0"), At("node-1", "m/1")));
  EXPECT_TRUE(store_->VerifyAudit(std::nullopt).value().intact);
}

TEST_F(StorePartsTest, NodesThatDisagreeOnStoredModelsFailTheJob) {
  const Job job = NewJob();
  for (const std::string node : {"node-0", "node-1"}) {
    ASSERT_TRUE(store_->RecordJobResult(job.id, node, testing::Digest(node), 1, node).ok());
  }
  StoredModelPart other = Part("m/1");
  other.features = {"size", "age"};
  ASSERT_TRUE(store_->CompleteJobPart(job.id, "node-0", "{}", {Part("m/0")}, "node-0").ok());
  ASSERT_TRUE(store_->CompleteJobPart(job.id, "dealer", "{}", {}, "dealer").ok());
  const Job done = store_->CompleteJobPart(job.id, "node-1", "{}", {other}, "node-1").value();
  EXPECT_EQ(done.status, JobStatus::kFailed);
  EXPECT_EQ(done.error, "the nodes disagree on the models the job stored");
  EXPECT_EQ(store_->GetModel("risk").status().code(), StatusCode::kNotFound);
}

TEST_F(StorePartsTest, ANodeFailureFailsTheJobAndShowsInTheNodesWork) {
  const Job job = NewJob();
  const Job other = NewJob();
  const UnixTime start = store_->GetJob(job.id).value().created_at;
  EXPECT_EQ(store_->JobsForNode("node-1", start).value().size(), 2U);
  ASSERT_TRUE(store_->FailJobPart(job.id, "node-1", "lost its peer during 'mean'", "node-1").ok());
  const Job failed = store_->GetJob(job.id).value();
  EXPECT_EQ(failed.status, JobStatus::kFailed);
  EXPECT_EQ(failed.error, "node 'node-1': lost its peer during 'mean'");
  EXPECT_EQ(failed.parties[1].state, JobNodeState::kFailed);
  // node-0 still has to hear that it should stop; node-1 reported it and is done with it.
  std::vector<Job> work = store_->JobsForNode("node-0", start).value();
  ASSERT_EQ(work.size(), 2U);
  EXPECT_EQ(work[0].status, JobStatus::kFailed);
  EXPECT_EQ(store_->JobsForNode("node-1", start).value().size(), 1U);
  // Long after, a finished job is no longer fed.
  EXPECT_EQ(store_->JobsForNode("node-0", start + std::chrono::hours(1)).value().size(), 1U);
  ASSERT_TRUE(store_->CancelJob(other.id, "insurer").ok());
  EXPECT_EQ(store_->JobsForNode("dealer", start).value().size(), 2U);
  EXPECT_TRUE(store_->JobsForNode("dealer", start + std::chrono::hours(1)).value().empty());
  EXPECT_EQ(store_->FailJobPart(other.id, "node-0", "x", "node-0").code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(StorePartsTest, ModelsAreAddedOnceAndWithdrawnLocationsAreListed) {
  const ModelSpec spec{.name = "m1",
                       .owner_party = "lab",
                       .kind = ModelKind::kLinear,
                       .features = {"x"},
                       .intercept = false,
                       .level = SecurityLevel::kTee,
                       .locations = {At("node-0", "m1/0")},
                       .consumers = {"insurer"}};
  const Result<Model> added = store_->AddModel(spec, "lab");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  const Model& model = *added;
  EXPECT_EQ(store_->GetModel("m1").value(), model);
  EXPECT_THAT(store_->AddModel(spec, "lab").status().message(), HasSubstr("already exists"));
  ModelSpec bad = spec;
  bad.name = "m2";
  bad.owner_job = 1;
  EXPECT_THAT(store_->AddModel(bad, "lab").status().message(), HasSubstr("exactly one owner"));
  bad.owner_job.reset();
  bad.consumers = {"nobody"};
  EXPECT_EQ(store_->AddModel(bad, "lab").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListModels().value().size(), 1U);

  EXPECT_TRUE(store_->WithdrawnLocations("node-0").value().empty());
  ASSERT_TRUE(store_->WithdrawModel("m1", "lab").ok());
  ASSERT_TRUE(store_->WithdrawDataset("cancer-a", "hospital-a").ok());
  EXPECT_THAT(store_->WithdrawnLocations("node-0").value(),
              ElementsAre(At("node-0", "a/0"), At("node-0", "m1/0")));
  EXPECT_THAT(store_->WithdrawnLocations("node-1").value(), ElementsAre(At("node-1", "a/1")));
  EXPECT_TRUE(store_->WithdrawnLocations("dealer").value().empty());
  EXPECT_EQ(store_->WithdrawModel("m1", "lab").code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace arca::coord
