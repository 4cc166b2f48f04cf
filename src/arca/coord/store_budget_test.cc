// The store's privacy budgets (schema version 4): setting them, charging jobs in the job's own
// transaction (also from several connections at once), and refunds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "arca/coord/store.h"
#include "arca/coord/test_util.h"

namespace arca::coord {
namespace {

using testing::At;
using ::testing::HasSubstr;
using testing::Key;
using testing::NodeAt;

class StoreBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Store::Open(path_, {.clock = testing::TickingClock()}).value();
    for (const PartySpec& party :
         std::vector<PartySpec>{{"hospital-a", "Hospital A", PartyRole::kOwner, Key(2)},
                                {"hospital-b", "Hospital B", PartyRole::kOwner, Key(3)},
                                {"lab", "Lab", PartyRole::kCode, Key(4)},
                                {"insurer", "Insurer", PartyRole::kConsumer, Key(5)}}) {
      store_->RegisterParty(party, "operator").value();
    }
    store_->RegisterNode(NodeAt("node-0", NodeRole::kCompute, 0, 7000), "operator").value();
    store_->RegisterNode(NodeAt("node-1", NodeRole::kCompute, 1, 7001), "operator").value();
    store_->RegisterNode(NodeAt("dealer", NodeRole::kDealer, 0, 7002), "operator").value();
    plan_ = store_->SubmitPlan("lab", testing::kPlanJson, "lab").value().hash;
  }

  Dataset AddDataset(const std::string& name, std::optional<PrivacyLoss> budget,
                     const std::string& owner = "hospital-a") {
    return store_
        ->AddDatasetVersion({.name = name,
                             .owner = owner,
                             .row_count = 5,
                             .locations = {At("node-0", name + "/0"), At("node-1", name + "/1")},
                             .budget = budget},
                            owner)
        .value();
  }

  // A job reading `datasets` (version 1 of each), charging each of `charges`.
  JobSpec Spec(const std::vector<std::string>& datasets, std::vector<BudgetCharge> charges) {
    JobSpec spec{.plan_hash = plan_, .consumer = "insurer", .result_key = Key(9)};
    for (const std::string& dataset : datasets) {
      spec.inputs.push_back({.input = dataset, .dataset = dataset, .version = 1});
    }
    spec.charges = std::move(charges);
    return spec;
  }

  // A charge on `dataset` of two outputs, 'm' and 's', of `epsilon` / 2 each.
  static BudgetCharge Charge(const std::string& dataset, double epsilon, double delta = 0) {
    return {.dataset = dataset, .outputs = {{"m", {epsilon / 2, delta}}, {"s", {epsilon / 2, 0}}}};
  }

  PrivacyLoss Spent(const std::string& dataset) { return store_->GetDataset(dataset)->spent; }

  int64_t Seq() { return store_->CurrentAuditHead().value()->seq; }

  AuditEntry LastAudit() { return store_->AuditEntries(Seq(), 1).value().at(0); }

  testing::TempDir dir_;
  std::string path_ = dir_.File("coord.db");
  std::unique_ptr<Store> store_;
  crypto::Sha256Digest plan_{};
};

TEST_F(StoreBudgetTest, ChargesJobsUntilTheBudgetIsSpent) {
  const Dataset added = AddDataset("cancer-a", PrivacyLoss{1, 0});
  EXPECT_EQ(added.spec.budget, (PrivacyLoss{1, 0}));
  EXPECT_EQ(added.spent, (PrivacyLoss{0, 0}));
  EXPECT_EQ(LastAudit().action, "dataset.budget");

  const Job first =
      store_->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.4)}), "insurer").value();
  EXPECT_EQ(store_->GetJob(first.id).value(), first);
  ASSERT_EQ(first.spec.charges.size(), 1U);
  EXPECT_EQ(first.spec.charges[0], Charge("cancer-a", 0.4));
  EXPECT_EQ(Spent("cancer-a"), (PrivacyLoss{0.4, 0}));
  const AuditEntry charged = LastAudit();
  EXPECT_EQ(charged.action, "budget.charge");
  EXPECT_EQ(charged.subject, "dataset/cancer-a");
  EXPECT_EQ(charged.subject_hash, ToHex(plan_));
  EXPECT_EQ(charged.details,
            R"({"charge":{"delta":0.0,"epsilon":0.4},"job":1,)"
            R"("outputs":{"m":{"delta":0.0,"epsilon":0.2},"s":{"delta":0.0,"epsilon":0.2}}})");

  ASSERT_TRUE(store_->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.4)}), "insurer").ok());
  EXPECT_DOUBLE_EQ(Spent("cancer-a").epsilon, 0.8);
  const int64_t seq = Seq();
  const Status over =
      store_->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.4)}), "insurer").status();
  EXPECT_EQ(over.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(over.message(),
            "dataset 'cancer-a' has ε 0.2 of its privacy budget 1 left; this plan needs ε 0.4 "
            "(outputs 'm' 0.2, 's' 0.2)");
  EXPECT_EQ(store_->ListJobs({}).value().size(), 2U) << "a refused job leaves no record";
  EXPECT_EQ(Seq(), seq) << "and no audit entry";
  // What is left still fits.
  ASSERT_TRUE(store_->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.2)}), "insurer").ok());
  EXPECT_FALSE(store_->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.01)}), "insurer").ok());
  // δ is a budget of its own: none was set, so none may be spent.
  AddDataset("cancer-b", PrivacyLoss{5, 0});
  EXPECT_THAT(store_->CreateJob(Spec({"cancer-b"}, {Charge("cancer-b", 0.5, 1e-6)}), "insurer")
                  .status()
                  .message(),
              HasSubstr("has δ 0 of its privacy budget 0 left; this plan needs δ 1e-06"));
}

TEST_F(StoreBudgetTest, ChargesOnlyBudgetedOwnerInputsAndEachOfThem) {
  AddDataset("cancer-a", PrivacyLoss{1, 1e-5});
  AddDataset("cancer-b", std::nullopt, "hospital-b");
  // A budgeted input without its charge: the budget came after admission.
  EXPECT_EQ(store_->CreateJob(Spec({"cancer-a", "cancer-b"}, {}), "insurer").status().message(),
            "dataset 'cancer-a' came under a privacy budget while the job was admitted; create "
            "the job again");
  EXPECT_EQ(store_
                ->CreateJob(Spec({"cancer-a", "cancer-b"},
                                 {Charge("cancer-a", 0.5), Charge("cancer-b", 0.5)}),
                            "insurer")
                .status()
                .message(),
            "the job charges dataset 'cancer-b', which has no privacy budget");
  EXPECT_EQ(store_->CreateJob(Spec({"cancer-b"}, {Charge("cancer-a", 0.5)}), "insurer")
                .status()
                .message(),
            "the job charges dataset 'cancer-a', which is not one of its owner inputs");
  EXPECT_EQ(store_
                ->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.5), Charge("cancer-a", 0.5)}),
                            "insurer")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  const Status negative =
      store_->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", -0.5)}), "insurer").status();
  EXPECT_EQ(negative.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(negative.message(),
            "charge of output 'm' on dataset 'cancer-a': epsilon must be a number > 0, not -0.25");
  // A consumer's own rows are never charged, even if a budget was set on their name.
  JobSpec consumer_rows = Spec({"cancer-a"}, {});
  consumer_rows.inputs[0].supplied_by = InputSupplier::kConsumer;
  EXPECT_TRUE(store_->CreateJob(consumer_rows, "insurer").ok());
  EXPECT_EQ(store_->ListJobs({}).value().size(), 1U);

  const Job job =
      store_->CreateJob(Spec({"cancer-a", "cancer-b"}, {Charge("cancer-a", 0.5, 1e-6)}), "insurer")
          .value();
  EXPECT_EQ(Spent("cancer-a"), (PrivacyLoss{0.5, 1e-6}));
  EXPECT_EQ(Spent("cancer-b"), (PrivacyLoss{0, 0}));
  EXPECT_EQ(store_->GetDataset("cancer-b")->spec.budget, std::nullopt);
  EXPECT_EQ(store_->GetJob(job.id)->spec.charges.size(), 1U);
}

TEST_F(StoreBudgetTest, GivesChargesBackOnlyToJobsNoNodeStarted) {
  AddDataset("cancer-a", PrivacyLoss{2, 0});
  const auto create = [&] {
    return store_->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.5)}), "insurer")->id;
  };
  // Cancelled while pending: given back.
  const int64_t cancelled = create();
  EXPECT_DOUBLE_EQ(Spent("cancer-a").epsilon, 0.5);
  ASSERT_TRUE(store_->CancelJob(cancelled, "insurer").ok());
  EXPECT_DOUBLE_EQ(Spent("cancer-a").epsilon, 0);
  EXPECT_TRUE(store_->GetJob(cancelled)->spec.charges.at(0).refunded);
  const AuditEntry refund = LastAudit();
  EXPECT_EQ(refund.action, "budget.refund");
  EXPECT_EQ(refund.subject, "dataset/cancer-a");
  EXPECT_EQ(refund.details,
            R"({"charge":{"delta":0.0,"epsilon":0.5},"job":1,"job_status":"cancelled"})");
  // Failed while pending: given back.
  const int64_t failed_pending = create();
  ASSERT_TRUE(store_->FailJob(failed_pending, "no node could take it", "operator").ok());
  EXPECT_DOUBLE_EQ(Spent("cancer-a").epsilon, 0);

  // Started, then failed (by a node, as the API reports it) or cancelled: charged.
  const int64_t failed = create();
  ASSERT_TRUE(
      store_->FailJobPart(failed, "node-1", "output 'm' would rest on too few rows", "node-1")
          .ok());
  const int64_t cancelled_running = create();
  ASSERT_TRUE(store_->StartJob(cancelled_running, "node-0").ok());
  ASSERT_TRUE(store_->CancelJob(cancelled_running, "insurer").ok());
  // Succeeded: final.
  const int64_t succeeded = create();
  ASSERT_TRUE(store_->StartJob(succeeded, "node-0").ok());
  ASSERT_TRUE(store_->CompleteJob(succeeded, {At("node-0", "r/0")}, "{}", "operator").ok());
  EXPECT_DOUBLE_EQ(Spent("cancer-a").epsilon, 1.5);
  for (const int64_t id : {failed, cancelled_running, succeeded}) {
    EXPECT_FALSE(store_->GetJob(id)->spec.charges.at(0).refunded) << "job " << id;
  }
  const std::vector<AuditEntry> entries = store_->AuditEntries(1, 1000).value();
  EXPECT_EQ(std::count_if(entries.begin(), entries.end(),
                          [](const AuditEntry& e) { return e.action == "budget.refund"; }),
            2);
  EXPECT_TRUE(store_->VerifyAudit(std::nullopt)->intact);
}

TEST_F(StoreBudgetTest, TheOwnerRaisesAndLowersTheBudgetOfEveryVersion) {
  AddDataset("cancer-a", std::nullopt);
  EXPECT_EQ(store_->SetBudget("cancer-a", "hospital-b", {1, 0}, "hospital-b").status().message(),
            "'hospital-b' does not own dataset 'cancer-a' (its owner is 'hospital-a'), so it "
            "cannot set its privacy budget");
  EXPECT_EQ(store_->SetBudget("missing", "hospital-a", {1, 0}, "hospital-a").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->SetBudget("cancer-a", "hospital-a", {0, 0}, "hospital-a").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetBudget("cancer-a", "hospital-a", {1, 1}, "hospital-a").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetDataset("cancer-a")->spec.budget, std::nullopt) << "refusals change nothing";

  const Dataset set = store_->SetBudget("cancer-a", "hospital-a", {1, 0}, "hospital-a").value();
  EXPECT_EQ(set.spec.budget, (PrivacyLoss{1, 0}));
  EXPECT_EQ(LastAudit().details, R"({"budget":{"delta":0.0,"epsilon":1.0},"previous":null,)"
                                 R"("spent":{"delta":0.0,"epsilon":0.0}})");
  ASSERT_TRUE(store_->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.8)}), "insurer").ok());
  EXPECT_FALSE(store_->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.8)}), "insurer").ok());
  // Raised: the ledger stays, what is left grows.
  ASSERT_TRUE(store_->SetBudget("cancer-a", "hospital-a", {2, 1e-6}, "hospital-a").ok());
  EXPECT_EQ(LastAudit().details,
            R"({"budget":{"delta":1e-06,"epsilon":2.0},"previous":{"delta":0.0,"epsilon":1.0},)"
            R"("spent":{"delta":0.0,"epsilon":0.8}})");
  ASSERT_TRUE(store_->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.8)}), "insurer").ok());
  // Lowered below what was spent: nothing is taken back, nothing more fits.
  const Dataset lowered = store_->SetBudget("cancer-a", "hospital-a", {1, 0}, "hospital-a").value();
  EXPECT_DOUBLE_EQ(lowered.spent.epsilon, 1.6);
  EXPECT_THAT(store_->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.1)}), "insurer")
                  .status()
                  .message(),
              HasSubstr("has ε 0 of its privacy budget 1 left"));

  // A new version shares the budget and the ledger; one that names a budget changes it.
  EXPECT_EQ(AddDataset("cancer-a", std::nullopt).spec.budget, (PrivacyLoss{1, 0}));
  EXPECT_DOUBLE_EQ(store_->GetDatasetVersion("cancer-a", 1)->spent.epsilon, 1.6);
  const Dataset third = AddDataset("cancer-a", PrivacyLoss{3, 0});
  EXPECT_EQ(third.version, 3);
  EXPECT_EQ(third.spec.budget, (PrivacyLoss{3, 0}));
  EXPECT_DOUBLE_EQ(third.spent.epsilon, 1.6);
  EXPECT_EQ(store_->GetDatasetVersion("cancer-a", 1)->spec.budget, (PrivacyLoss{3, 0}));
  EXPECT_EQ(store_->ListDatasets().value().at(0), store_->GetDataset("cancer-a").value());
  DatasetSpec bad{.name = "cancer-a",
                  .owner = "hospital-a",
                  .locations = {At("node-0", "x/0"), At("node-1", "x/1")},
                  .budget = PrivacyLoss{-1, 0}};
  EXPECT_EQ(store_->AddDatasetVersion(bad, "hospital-a").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetDataset("cancer-a")->version, 3) << "a refused budget adds no version";
}

TEST_F(StoreBudgetTest, OnlyADataOwnersDatasetTakesABudget) {
  const std::string refusal =
      "'insurer' (consumer) uploads its own rows for inference; only a data owner's dataset "
      "takes a privacy budget";
  const DatasetSpec rows{.name = "insurer-rows",
                         .owner = "insurer",
                         .locations = {At("node-0", "r/0"), At("node-1", "r/1")},
                         .budget = PrivacyLoss{1, 0}};
  const Status upload = store_->AddDatasetVersion(rows, "insurer").status();
  EXPECT_EQ(upload.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(upload.message(), refusal);
  EXPECT_EQ(store_->GetDataset("insurer-rows").status().code(), StatusCode::kNotFound)
      << "a refused upload adds no version";

  AddDataset("insurer-rows", std::nullopt, "insurer");
  const Status set = store_->SetBudget("insurer-rows", "insurer", {1, 0}, "insurer").status();
  EXPECT_EQ(set.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(set.message(), refusal);
  EXPECT_EQ(store_->GetDataset("insurer-rows")->spec.budget, std::nullopt);
}

// Two processes' worth of connections, creating jobs at once: however the transactions
// interleave, the budget's charges never add up to more than it.
TEST_F(StoreBudgetTest, ConcurrentJobsNeverSpendMoreThanTheBudget) {
  AddDataset("cancer-a", PrivacyLoss{1, 0});
  constexpr int kThreads = 4;
  constexpr int kJobsEach = 5;
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::atomic<int> unexpected{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::unique_ptr<Store> store = Store::Open(path_).value();  // a connection of its own
      start.arrive_and_wait();
      for (int i = 0; i < kJobsEach; ++i) {
        const Result<Job> job =
            store->CreateJob(Spec({"cancer-a"}, {Charge("cancer-a", 0.3)}), "insurer");
        if (job.ok()) {
          ++created;
        } else if (job.status().code() == StatusCode::kFailedPrecondition) {
          ++refused;
        } else {
          ++unexpected;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(created.load(), 3) << "three charges of 0.3 fit in a budget of 1, a fourth does not";
  EXPECT_EQ(refused.load(), kThreads * kJobsEach - 3);
  EXPECT_DOUBLE_EQ(Spent("cancer-a").epsilon, 0.9);
  EXPECT_EQ(store_->ListJobs({}).value().size(), 3U);
  EXPECT_TRUE(store_->VerifyAudit(std::nullopt)->intact);
}

}  // namespace
}  // namespace arca::coord
