#include "arca/coord/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "arca/coord/test_util.h"

namespace arca::coord {
namespace {

using testing::At;
using testing::Digest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Key;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Store::Open(dir_.File("coord.db"), {.clock = testing::TickingClock()}).value();
  }

  void RegisterBasics() {
    store_->RegisterParty({"hospital-a", "Hospital A", PartyRole::kOwner, Key(2)}, "operator")
        .value();
    store_->RegisterParty({"hospital-b", "Hospital B", PartyRole::kOwner, Key(3)}, "operator")
        .value();
    store_->RegisterParty({"lab", "Lab", PartyRole::kCode, Key(4)}, "operator").value();
    store_->RegisterParty({"insurer", "Insurer", PartyRole::kConsumer, Key(5)}, "operator").value();
    store_->RegisterNode(testing::NodeAt("node-0", NodeRole::kCompute, 0, 7000), "operator")
        .value();
    store_->RegisterNode(testing::NodeAt("node-1", NodeRole::kCompute, 1, 7001), "operator")
        .value();
    store_->RegisterNode(testing::NodeAt("node-2", NodeRole::kCompute, 2, 7002), "operator")
        .value();
    store_->RegisterNode(testing::NodeAt("dealer", NodeRole::kDealer, 0, 7003), "operator").value();
  }

  static DatasetSpec Spec(std::string name, std::string owner) {
    return {.name = std::move(name),
            .owner = std::move(owner),
            .schema = {{"columns", nlohmann::json::array()}},
            .row_count = 10,
            .locations = {At("node-0", "s/0"), At("node-1", "s/1")}};
  }

  Dataset AddDataset(std::string name = "cancer-a", std::string owner = "hospital-a") {
    return store_->AddDatasetVersion(Spec(std::move(name), std::move(owner)), "hospital-a").value();
  }

  crypto::Sha256Digest SubmitPlan() {
    return store_->SubmitPlan("lab", testing::kPlanJson, "lab").value().hash;
  }

  ApprovalSpec Approve(const crypto::Sha256Digest& plan) {
    return {.plan_hash = plan,
            .dataset = "cancer-a",
            .owner = "hospital-a",
            .consumers = {"insurer"},
            .levels = {SecurityLevel::kRep3},
            .rules = {{"min_rows", 5}}};
  }

  JobSpec NewJob(const crypto::Sha256Digest& plan) {
    return {.plan_hash = plan,
            .consumer = "insurer",
            .level = SecurityLevel::kRep3,
            .result_key = Key(9)};
  }

  AuditEntry LastAudit() {
    const int64_t seq = store_->CurrentAuditHead().value()->seq;
    return store_->AuditEntries(seq, 1).value().at(0);
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, RegistersAndReadsParties) {
  const Party party =
      store_->RegisterParty({"hospital-a", "Hospital A", PartyRole::kOwner, Key(2)}, "operator")
          .value();
  EXPECT_EQ(party.created_at, ParseTime("2026-01-01T00:00:01Z").value());  // 0 went to Open
  EXPECT_EQ(store_->GetParty("hospital-a").value(), party);
  store_->RegisterParty({"insurer", "Insurer", PartyRole::kConsumer, Key(5)}, "operator").value();
  const std::vector<Party> parties = store_->ListParties().value();
  ASSERT_EQ(parties.size(), 2U);
  EXPECT_EQ(parties[0].spec.id, "hospital-a");
  EXPECT_EQ(parties[1].spec.role, PartyRole::kConsumer);

  const AuditEntry entry = LastAudit();
  EXPECT_EQ(entry.actor, "operator");
  EXPECT_EQ(entry.action, "party.register");
  EXPECT_EQ(entry.subject, "party/insurer");
  EXPECT_EQ(entry.subject_hash, ToHex(crypto::Sha256(Key(5))));  // the key's fingerprint
  EXPECT_EQ(entry.details, R"({"display_name":"Insurer","role":"consumer"})");
}

TEST_F(StoreTest, RefusesBadOrDuplicateParties) {
  store_->RegisterParty({"lab", "Lab", PartyRole::kCode, Key(4)}, "operator").value();
  const Status duplicate =
      store_->RegisterParty({"lab", "Other lab", PartyRole::kCode, Key(7)}, "operator").status();
  EXPECT_EQ(duplicate.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(duplicate.message(), "party 'lab' is already registered");
  const Status bad_id =
      store_->RegisterParty({"a b", "A", PartyRole::kCode, Key(4)}, "operator").status();
  EXPECT_EQ(bad_id.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_id.message(), HasSubstr("party id 'a b' is not valid"));
  EXPECT_EQ(store_->RegisterParty({"-x", "A", PartyRole::kCode, Key(4)}, "op").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_THAT(
      store_->RegisterParty({"a\nb", "A", PartyRole::kCode, Key(4)}, "op").status().message(),
      HasSubstr("party id 'a?b' is not valid"))
      << "the message stays one printable line";
  EXPECT_EQ(store_->RegisterParty({std::string(129, 'a'), "A", PartyRole::kCode, Key(4)}, "op")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_THAT(
      store_->RegisterParty({"x", "X", PartyRole::kCode, Bytes(31)}, "op").status().message(),
      HasSubstr("has 31 bytes; an Ed25519 key has 32"));
  EXPECT_EQ(store_->RegisterParty({"x", "", PartyRole::kCode, Key(4)}, "op").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->RegisterParty({"x", "X", PartyRole::kCode, Key(4)}, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->RegisterParty({"x", "caf\xe9", PartyRole::kCode, Key(4)}, "op").status().code(),
            StatusCode::kInvalidArgument);
  const Status missing = store_->GetParty("nobody").status();
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "party 'nobody' is not registered");
  EXPECT_EQ(store_->ListParties().value().size(), 1U);
  EXPECT_EQ(store_->CurrentAuditHead().value()->seq, 1) << "refusals leave no audit entry";
}

TEST_F(StoreTest, RecordsNodeEvidenceAndStatus) {
  RegisterBasics();
  const Node fresh = store_->GetNode("node-0").value();
  EXPECT_EQ(fresh.status, NodeStatus::kRegistered);
  EXPECT_TRUE(fresh.evidence.empty());
  EXPECT_EQ(fresh.spec.endpoint, "127.0.0.1:7000");

  const Bytes evidence = {0x00, 0x01, 0xfe};
  ASSERT_TRUE(store_
                  ->RecordNodeEvidence("node-0", evidence, R"({"verdict":"accepted"})",
                                       NodeStatus::kAttested, "operator")
                  .ok());
  const Node attested = store_->GetNode("node-0").value();
  EXPECT_EQ(attested.evidence, evidence);
  EXPECT_EQ(attested.attestation, R"({"verdict":"accepted"})");
  EXPECT_EQ(attested.status, NodeStatus::kAttested);
  EXPECT_EQ(attested.registered_at, fresh.registered_at);
  EXPECT_GT(attested.updated_at, fresh.updated_at);
  EXPECT_EQ(LastAudit().subject_hash, ToHex(crypto::Sha256(evidence)));

  ASSERT_TRUE(store_->SetNodeStatus("node-0", NodeStatus::kOffline, "operator").ok());
  EXPECT_EQ(store_->GetNode("node-0").value().status, NodeStatus::kOffline);
  EXPECT_EQ(store_->GetNode("node-0").value().evidence, evidence);
  EXPECT_EQ(LastAudit().details, R"({"status":"offline"})");

  EXPECT_EQ(store_->RecordNodeEvidence("node-0", evidence, "not json", NodeStatus::kAttested, "op")
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->RecordNodeEvidence("node-0", {}, "{}", NodeStatus::kAttested, "op").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetNodeStatus("node-9", NodeStatus::kOffline, "op").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->RegisterNode(testing::NodeAt("node-0", NodeRole::kCompute, 2, 1), "op")
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->RegisterNode(testing::NodeAt("node-3", NodeRole::kCompute, 1, 7004), "op")
                .status()
                .message(),
            "compute node 1 is already registered as 'node-1'");
  EXPECT_EQ(store_->RegisterNode(testing::NodeAt("insurer", NodeRole::kCompute, 1, 7004), "op")
                .status()
                .message(),
            "party 'insurer' is already registered");
  NodeSpec bad = testing::NodeAt("node-3", NodeRole::kDealer, 1, 7004);
  EXPECT_THAT(store_->RegisterNode(bad, "op").status().message(),
              HasSubstr("needs an index in 0..0 as a dealer node"));
  bad = testing::NodeAt("node-3", NodeRole::kCompute, 3, 7004);
  bad.endpoint = "";
  EXPECT_EQ(store_->RegisterNode(bad, "op").status().code(), StatusCode::kInvalidArgument);
  bad = testing::NodeAt("node-3", NodeRole::kCompute, 3, 7004);
  bad.signing_key = Bytes(31);
  EXPECT_THAT(store_->RegisterNode(bad, "op").status().message(),
              HasSubstr("an Ed25519 key has 32"));
  EXPECT_EQ(store_->ListNodes().value().size(), 4U);
  const Node node = store_->GetNode("node-2").value();
  EXPECT_EQ(node.spec, testing::NodeAt("node-2", NodeRole::kCompute, 2, 7002));
}

TEST_F(StoreTest, VersionsAndWithdrawsDatasets) {
  RegisterBasics();
  const Dataset first = AddDataset();
  EXPECT_EQ(first.version, 1);
  EXPECT_FALSE(first.withdrawn);
  const Dataset second = AddDataset();
  EXPECT_EQ(second.version, 2);
  EXPECT_EQ(store_->GetDataset("cancer-a").value(), second);
  EXPECT_EQ(store_->GetDatasetVersion("cancer-a", 1).value(), first);
  EXPECT_THAT(second.spec.locations, ElementsAre(At("node-0", "s/0"), At("node-1", "s/1")));
  const AuditEntry added = LastAudit();
  EXPECT_EQ(added.action, "dataset.add");
  EXPECT_THAT(added.details, HasSubstr(R"("version":2)"));
  EXPECT_THAT(added.details, HasSubstr(ToHex(Digest("s/1"))));

  const Status stolen =
      store_->AddDatasetVersion(Spec("cancer-a", "hospital-b"), "hospital-b").status();
  EXPECT_EQ(stolen.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(stolen.message(),
            "dataset 'cancer-a' belongs to 'hospital-a'; 'hospital-b' cannot add a version of it");
  DatasetSpec spec{.name = "other", .owner = "hospital-b", .row_count = 1};
  EXPECT_THAT(store_->AddDatasetVersion(spec, "op").status().message(),
              HasSubstr("has no locations"));
  spec.locations = {At("node-0", "x"), At("node-0", "y")};
  EXPECT_THAT(store_->AddDatasetVersion(spec, "op").status().message(),
              HasSubstr("names node 'node-0' twice"));
  spec.locations = {At("node-7", "x")};
  EXPECT_EQ(store_->AddDatasetVersion(spec, "op").status().code(), StatusCode::kNotFound);
  spec.locations = {At("node-0", "")};
  EXPECT_EQ(store_->AddDatasetVersion(spec, "op").status().code(), StatusCode::kInvalidArgument);
  spec.locations = {At("node-0", "x")};
  spec.row_count = -1;
  EXPECT_EQ(store_->AddDatasetVersion(spec, "op").status().code(), StatusCode::kInvalidArgument);
  spec.row_count = 1;
  spec.owner = "nobody";
  EXPECT_EQ(store_->AddDatasetVersion(spec, "op").status().code(), StatusCode::kNotFound);

  ASSERT_TRUE(store_->WithdrawDataset("cancer-a", "hospital-a").ok());
  EXPECT_TRUE(store_->GetDatasetVersion("cancer-a", 1).value().withdrawn);
  EXPECT_TRUE(store_->GetDataset("cancer-a").value().withdrawn);
  EXPECT_EQ(store_->WithdrawDataset("cancer-a", "hospital-a").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->WithdrawDataset("nothing", "hospital-a").code(), StatusCode::kNotFound);
  const Dataset third = AddDataset();  // a fresh upload after a withdrawal
  EXPECT_EQ(third.version, 3);
  EXPECT_FALSE(third.withdrawn);

  AddDataset("cancer-b", "hospital-b");
  const std::vector<Dataset> all = store_->ListDatasets().value();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0], third);
  EXPECT_EQ(all[1].spec.name, "cancer-b");
  EXPECT_EQ(store_->GetDatasetVersion("cancer-a", 4).status().message(),
            "dataset 'cancer-a' has no version 4");
}

TEST_F(StoreTest, KeepsPlansUnderTheirHash) {
  RegisterBasics();
  const Plan plan = store_->SubmitPlan("lab", testing::kPlanJson, "lab").value();
  EXPECT_EQ(plan.hash, Digest(testing::kPlanJson));
  EXPECT_EQ(store_->GetPlan(plan.hash).value(), plan);
  EXPECT_EQ(LastAudit().subject, "plan/" + ToHex(plan.hash));
  EXPECT_EQ(LastAudit().subject_hash, ToHex(plan.hash));

  EXPECT_EQ(store_->SubmitPlan("lab", testing::kPlanJson, "lab").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->SubmitPlan("lab", "[1]", "lab").status().message(),
            "plan is not a JSON object");
  EXPECT_EQ(store_->SubmitPlan("lab", "{", "lab").status().message(), "plan is not JSON");
  EXPECT_EQ(store_->SubmitPlan("nobody", "{}", "lab").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetPlan(Digest("other")).status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, ApprovalsForListsOnlyApprovalsInForce) {
  RegisterBasics();
  AddDataset();
  const crypto::Sha256Digest plan = SubmitPlan();
  const Approval kept = store_->GrantApproval(Approve(plan), "hospital-a").value();
  ApprovalSpec second = Approve(plan);
  second.consumers = {"lab", "insurer"};
  second.levels = {SecurityLevel::kTee, SecurityLevel::kDealer2pc};
  const Approval revoked = store_->GrantApproval(second, "hospital-a").value();
  EXPECT_THAT(revoked.spec.consumers, ElementsAre("insurer", "lab"));  // sorted
  EXPECT_EQ(store_->GetApproval(revoked.id).value(), revoked);
  ASSERT_TRUE(store_->RevokeApproval(revoked.id, "hospital-a").ok());
  EXPECT_EQ(LastAudit().action, "approval.revoke");
  EXPECT_EQ(LastAudit().subject_hash, ToHex(plan));

  EXPECT_THAT(store_->ApprovalsFor(plan, "cancer-a").value(), ElementsAre(kept));
  EXPECT_TRUE(store_->ApprovalsFor(plan, "cancer-b").value().empty());
  EXPECT_TRUE(store_->ApprovalsFor(Digest("other plan"), "cancer-a").value().empty());
  const std::vector<Approval> all = store_->ListApprovals(plan).value();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_TRUE(all[1].revoked);
  EXPECT_TRUE(all[1].revoked_at.has_value());
  EXPECT_THAT(all[1].spec.levels, ElementsAre(SecurityLevel::kTee, SecurityLevel::kDealer2pc));
  EXPECT_EQ(store_->RevokeApproval(revoked.id, "hospital-a").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->RevokeApproval(99, "hospital-a").code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, RefusesApprovalsThatCannotHold) {
  RegisterBasics();
  AddDataset();
  const crypto::Sha256Digest plan = SubmitPlan();
  ApprovalSpec spec = Approve(plan);
  spec.owner = "hospital-b";
  EXPECT_EQ(store_->GrantApproval(spec, "hospital-b").status().message(),
            "'hospital-b' does not own dataset 'cancer-a' (its owner is 'hospital-a'), so it "
            "cannot approve its use");
  spec = Approve(Digest("unknown plan"));
  EXPECT_EQ(store_->GrantApproval(spec, "hospital-a").status().code(), StatusCode::kNotFound);
  spec = Approve(plan);
  spec.dataset = "missing";
  EXPECT_EQ(store_->GrantApproval(spec, "hospital-a").status().code(), StatusCode::kNotFound);
  spec = Approve(plan);
  spec.consumers = {"nobody"};
  EXPECT_EQ(store_->GrantApproval(spec, "hospital-a").status().code(), StatusCode::kNotFound);
  spec.consumers = {"insurer", "insurer"};
  EXPECT_EQ(store_->GrantApproval(spec, "hospital-a").status().code(),
            StatusCode::kInvalidArgument);
  spec.consumers = {};
  EXPECT_EQ(store_->GrantApproval(spec, "hospital-a").status().code(),
            StatusCode::kInvalidArgument);
  spec = Approve(plan);
  spec.levels = {};
  EXPECT_EQ(store_->GrantApproval(spec, "hospital-a").status().code(),
            StatusCode::kInvalidArgument);
  spec.levels = {SecurityLevel::kRep3, SecurityLevel::kRep3};
  EXPECT_EQ(store_->GrantApproval(spec, "hospital-a").status().code(),
            StatusCode::kInvalidArgument);
  spec = Approve(plan);
  spec.rules = nlohmann::json::array();
  EXPECT_EQ(store_->GrantApproval(spec, "hospital-a").status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_->WithdrawDataset("cancer-a", "hospital-a").ok());
  EXPECT_THAT(store_->GrantApproval(Approve(plan), "hospital-a").status().message(),
              HasSubstr("withdrawn"));
  EXPECT_TRUE(store_->ListApprovals(plan).value().empty());
}

TEST_F(StoreTest, JobsMoveOnlyForward) {
  RegisterBasics();
  const crypto::Sha256Digest plan = SubmitPlan();
  const Job created = store_->CreateJob(NewJob(plan), "insurer").value();
  EXPECT_EQ(created.status, JobStatus::kPending);
  EXPECT_EQ(store_->GetJob(created.id).value(), created);
  const int64_t id = created.id;
  EXPECT_EQ(store_->SetJobProgress(id, 0.1).message(),
            "job 1 is pending; only a running job reports progress");
  EXPECT_EQ(store_->CompleteJob(id, {At("node-0", "r")}, "{}", "op").message(),
            "job 1 is pending; it cannot become succeeded");

  ASSERT_TRUE(store_->StartJob(id, "operator").ok());
  const Job running = store_->GetJob(id).value();
  EXPECT_EQ(running.status, JobStatus::kRunning);
  ASSERT_TRUE(running.started_at.has_value());
  EXPECT_EQ(store_->StartJob(id, "operator").message(),
            "job 1 is running; it cannot become running");
  const size_t audited = static_cast<size_t>(store_->CurrentAuditHead().value()->seq);
  ASSERT_TRUE(store_->SetJobProgress(id, 0.5).ok());
  EXPECT_EQ(store_->GetJob(id).value().progress, 0.5);
  EXPECT_EQ(static_cast<size_t>(store_->CurrentAuditHead().value()->seq), audited)
      << "progress is not audited";
  for (const double bad : {-0.1, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_EQ(store_->SetJobProgress(id, bad).code(), StatusCode::kInvalidArgument);
  }

  const std::string receipt = R"({"plan":"x"})";
  EXPECT_EQ(store_->CompleteJob(id, {At("node-0", "r")}, "[]", "op").code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(
      store_->CompleteJob(id, {At("node-0", "r/0"), At("node-1", "r/1")}, receipt, "operator")
          .ok());
  const Job done = store_->GetJob(id).value();
  EXPECT_EQ(done.status, JobStatus::kSucceeded);
  EXPECT_EQ(done.progress, 1);
  EXPECT_TRUE(done.finished_at.has_value());
  const JobResult result = store_->GetResult(id).value();
  EXPECT_EQ(result.receipt, receipt);
  EXPECT_THAT(result.locations, ElementsAre(At("node-0", "r/0"), At("node-1", "r/1")));
  const AuditEntry succeeded = LastAudit();
  EXPECT_EQ(succeeded.action, "job.succeed");
  EXPECT_EQ(succeeded.subject, "job/1");
  EXPECT_EQ(succeeded.subject_hash, ToHex(plan));
  EXPECT_THAT(succeeded.details, HasSubstr(ToHex(Digest(receipt))));
  EXPECT_EQ(store_->FailJob(id, "late", "op").message(),
            "job 1 is succeeded; it cannot become failed");
  EXPECT_EQ(store_->CancelJob(id, "op").code(), StatusCode::kFailedPrecondition);

  const int64_t cancelled = store_->CreateJob(NewJob(plan), "insurer").value().id;
  ASSERT_TRUE(store_->CancelJob(cancelled, "insurer").ok());
  EXPECT_EQ(store_->StartJob(cancelled, "op").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetResult(cancelled).status().code(), StatusCode::kNotFound);

  const int64_t failed = store_->CreateJob(NewJob(plan), "insurer").value().id;
  ASSERT_TRUE(store_->StartJob(failed, "op").ok());
  ASSERT_TRUE(store_->SetJobProgress(failed, 0.3).ok());
  EXPECT_EQ(store_->FailJob(failed, "", "op").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_->FailJob(failed, "node-1 stopped answering during 'mean'", "op").ok());
  const Job failed_job = store_->GetJob(failed).value();
  EXPECT_EQ(failed_job.error, "node-1 stopped answering during 'mean'");
  EXPECT_EQ(failed_job.progress, 0.3) << "a failed job keeps how far it got";
  EXPECT_THAT(LastAudit().details, HasSubstr("stopped answering"));

  EXPECT_EQ(store_->GetJob(42).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->StartJob(42, "op").code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, RefusesJobsThatCannotRun) {
  RegisterBasics();
  const crypto::Sha256Digest plan = SubmitPlan();
  JobSpec spec = NewJob(plan);
  spec.result_key = Bytes(16);
  EXPECT_THAT(store_->CreateJob(spec, "insurer").status().message(),
              HasSubstr("an X25519 public key has 32"));
  EXPECT_EQ(store_->CreateJob(NewJob(Digest("x")), "insurer").status().code(),
            StatusCode::kNotFound);
  spec = NewJob(plan);
  spec.consumer = "nobody";
  EXPECT_EQ(store_->CreateJob(spec, "insurer").status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, ListsJobsByConsumerPlanAndStatus) {
  RegisterBasics();
  const crypto::Sha256Digest plan = SubmitPlan();
  const crypto::Sha256Digest other = store_->SubmitPlan("lab", R"({"b":1})", "lab").value().hash;
  const int64_t a = store_->CreateJob(NewJob(plan), "insurer").value().id;
  JobSpec by_lab = NewJob(other);
  by_lab.consumer = "lab";
  const int64_t b = store_->CreateJob(by_lab, "lab").value().id;
  const int64_t c = store_->CreateJob(NewJob(other), "insurer").value().id;
  ASSERT_TRUE(store_->StartJob(c, "op").ok());

  const auto ids = [&](const JobFilter& filter) {
    std::vector<int64_t> out;
    const std::vector<Job> jobs = store_->ListJobs(filter).value();
    out.reserve(jobs.size());
    for (const Job& job : jobs) out.push_back(job.id);
    return out;
  };
  EXPECT_THAT(ids({}), ElementsAre(a, b, c));
  EXPECT_THAT(ids({.consumer = "insurer"}), ElementsAre(a, c));
  EXPECT_THAT(ids({.plan_hash = other}), ElementsAre(b, c));
  EXPECT_THAT(ids({.status = JobStatus::kRunning}), ElementsAre(c));
  EXPECT_THAT(ids({.consumer = "lab", .status = JobStatus::kRunning}), ElementsAre());
}

TEST_F(StoreTest, AuditsEveryMutationInOrder) {
  testing::Populate(*store_);
  const std::vector<AuditEntry> entries = store_->AuditEntries(1, 1000).value();
  std::vector<std::string> actions;
  actions.reserve(entries.size());
  for (const AuditEntry& entry : entries) {
    actions.push_back(entry.action);
  }
  const std::vector<std::string> expected = {
      "party.register", "party.register", "party.register", "party.register",  "party.register",
      "node.register",  "node.register",  "node.register",  "node.evidence",   "node.evidence",
      "node.evidence",  "dataset.add",    "dataset.add",    "dataset.add",     "dataset.withdraw",
      "plan.submit",    "approval.grant", "approval.grant", "approval.revoke", "job.create",
      "job.create",     "job.create",     "job.create",     "job.create",      "job.start",
      "job.succeed",    "job.start",      "job.fail",       "job.cancel",      "job.start"};
  EXPECT_EQ(actions, expected);
  const AuditVerification verification = store_->VerifyAudit(std::nullopt).value();
  EXPECT_TRUE(verification.intact) << verification.problem;
  EXPECT_EQ(verification.entries, static_cast<int64_t>(expected.size()));
}

TEST(RecordNamesTest, RoundTripAndListTheAcceptedNames) {
  for (const JobStatus status : {JobStatus::kPending, JobStatus::kRunning, JobStatus::kSucceeded,
                                 JobStatus::kFailed, JobStatus::kCancelled}) {
    EXPECT_EQ(ParseJobStatus(Name(status)).value(), status);
  }
  for (const SecurityLevel level :
       {SecurityLevel::kTee, SecurityLevel::kDealer2pc, SecurityLevel::kRep3}) {
    EXPECT_EQ(ParseSecurityLevel(Name(level)).value(), level);
  }
  EXPECT_EQ(ParsePartyRole("admin").status().message(),
            "unknown party role 'admin': expected one of owner, code, consumer, platform");
  EXPECT_EQ(ParseNodeRole(Name(NodeRole::kDealer)).value(), NodeRole::kDealer);
  EXPECT_EQ(ParseNodeStatus(Name(NodeStatus::kOffline)).value(), NodeStatus::kOffline);
}

}  // namespace
}  // namespace arca::coord
