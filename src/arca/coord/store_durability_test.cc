// What the store guarantees beyond single calls: all-or-nothing mutations, records that survive
// a restart, concurrent use, and upgrades of databases made by older builds.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "arca/coord/migrations.h"
#include "arca/coord/schema.h"
#include "arca/coord/store.h"
#include "arca/coord/test_util.h"

namespace arca::coord {
namespace {

using testing::At;
using ::testing::HasSubstr;
using testing::Key;

class StoreDurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    store_ = Store::Open(path_, {.clock = testing::TickingClock()}).value();
  }

  // Runs SQL on a connection of its own, as another process with access to the file would.
  void Raw(std::string_view sql) {
    SqliteDb db = SqliteDb::Open(path_).value();
    ASSERT_TRUE(db.Exec(sql).ok()) << sql;
  }

  int64_t RawCount(std::string_view table) {
    SqliteDb db = SqliteDb::Open(path_).value();
    Statement query = db.Prepare(fmt::format("SELECT count(*) FROM {}", table)).value();
    EXPECT_TRUE(query.Step().value());
    return query.Int(0);
  }

  // Makes every insert into `table` (matching `when`) fail, as a full disk or a crash would.
  void InjectFailure(std::string_view table, std::string_view when = "1") {
    Raw(
        fmt::format("CREATE TRIGGER inject BEFORE INSERT ON {} WHEN {} "
                    "BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
                    table, when));
  }
  void StopInjecting() { Raw("DROP TRIGGER inject"); }

  std::optional<AuditHead> Head() { return store_->CurrentAuditHead().value(); }

  testing::TempDir dir_;
  std::string path_ = dir_.File("coord.db");
  std::unique_ptr<Store> store_;
};

TEST_F(StoreDurabilityTest, AFailedAuditAppendUndoesTheMutation) {
  InjectFailure("audit_log");
  const Status status =
      store_->RegisterParty({"lab", "Lab", PartyRole::kCode, Key(4)}, "operator").status();
  EXPECT_THAT(status.message(), HasSubstr("cannot append to the audit log"));
  EXPECT_THAT(status.message(), HasSubstr("injected failure"));
  EXPECT_EQ(store_->GetParty("lab").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(RawCount("parties"), 0);
  EXPECT_EQ(Head(), std::nullopt);

  StopInjecting();
  ASSERT_TRUE(store_->RegisterParty({"lab", "Lab", PartyRole::kCode, Key(4)}, "operator").ok());
  EXPECT_EQ(Head()->seq, 1);
}

TEST_F(StoreDurabilityTest, AFailureHalfwayThroughADatasetLeavesNoPartOfIt) {
  testing::Populate(*store_);
  const std::optional<AuditHead> before = Head();
  const int64_t locations = RawCount("dataset_locations");
  InjectFailure("dataset_locations", "NEW.node_id = 'node-1'");  // after node-0's row went in
  const Status status =
      store_
          ->AddDatasetVersion({.name = "fresh",
                               .owner = "hospital-a",
                               .row_count = 3,
                               .locations = {At("node-0", "f/0"), At("node-1", "f/1")}},
                              "hospital-a")
          .status();
  EXPECT_THAT(status.message(), HasSubstr("injected failure"));
  EXPECT_EQ(store_->GetDataset("fresh").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(RawCount("dataset_locations"), locations);
  EXPECT_EQ(Head(), before);
  EXPECT_TRUE(store_->VerifyAudit(before).value().intact);
}

TEST_F(StoreDurabilityTest, AFailedResultLeavesTheJobRunningAndUnaudited) {
  const crypto::Sha256Digest plan = testing::Populate(*store_);
  const int64_t running = store_->ListJobs({.status = JobStatus::kRunning}).value().at(0).id;
  const std::optional<AuditHead> before = Head();
  // Completing writes the job's new state and its audit entry before the result rows; the
  // failure on the last row must take both back.
  InjectFailure("result_locations", "NEW.node_id = 'node-1'");
  EXPECT_THAT(
      store_->CompleteJob(running, {At("node-0", "r/0"), At("node-1", "r/1")}, "{}", "operator")
          .message(),
      HasSubstr("injected failure"));
  const Job job = store_->GetJob(running).value();
  EXPECT_EQ(job.status, JobStatus::kRunning);
  EXPECT_EQ(job.finished_at, std::nullopt);
  EXPECT_EQ(store_->GetResult(running).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Head(), before);

  StopInjecting();
  InjectFailure("approval_consumers", "NEW.consumer = 'lab'");  // after 'insurer' went in
  EXPECT_FALSE(store_
                   ->GrantApproval({.plan_hash = plan,
                                    .dataset = "cancer-a",
                                    .owner = "hospital-a",
                                    .consumers = {"insurer", "lab"},
                                    .levels = {SecurityLevel::kRep3}},
                                   "hospital-a")
                   .ok());
  EXPECT_EQ(store_->ListApprovals(plan).value().size(), 2U);
  EXPECT_EQ(Head(), before);
}

TEST_F(StoreDurabilityTest, ARestartKeepsEveryRecord) {
  const crypto::Sha256Digest plan = testing::Populate(*store_);
  const std::vector<Party> parties = store_->ListParties().value();
  const std::vector<Node> nodes = store_->ListNodes().value();
  const std::vector<Dataset> datasets = store_->ListDatasets().value();
  const Dataset first_version = store_->GetDatasetVersion("cancer-a", 1).value();
  const Plan plan_record = store_->GetPlan(plan).value();
  const std::vector<Approval> approvals = store_->ListApprovals(plan).value();
  const std::vector<Job> jobs = store_->ListJobs({}).value();
  const JobResult result = store_->GetResult(jobs.at(0).id).value();
  const std::vector<AuditEntry> audit = store_->AuditEntries(1, 1000).value();
  const std::optional<AuditHead> head = Head();

  Reopen();
  EXPECT_EQ(store_->ListParties().value(), parties);
  EXPECT_EQ(store_->ListNodes().value(), nodes);
  EXPECT_EQ(store_->ListDatasets().value(), datasets);
  EXPECT_EQ(store_->GetDatasetVersion("cancer-a", 1).value(), first_version);
  EXPECT_EQ(store_->GetPlan(plan).value(), plan_record);
  EXPECT_EQ(store_->ListApprovals(plan).value(), approvals);
  EXPECT_EQ(store_->ListJobs({}).value(), jobs);
  EXPECT_EQ(store_->GetResult(jobs.at(0).id).value(), result);
  EXPECT_EQ(store_->AuditEntries(1, 1000).value(), audit);
  EXPECT_EQ(Head(), head);
  EXPECT_TRUE(store_->VerifyAudit(head).value().intact);

  // And the chain carries on from where it was.
  ASSERT_TRUE(store_->CancelJob(jobs.back().id, "insurer").ok());
  EXPECT_EQ(Head()->seq, head->seq + 1);
  EXPECT_TRUE(store_->VerifyAudit(head).value().intact);
}

TEST_F(StoreDurabilityTest, ThreadsShareOneStore) {
  const crypto::Sha256Digest plan = testing::Populate(*store_);
  const int64_t jobs_before = static_cast<int64_t>(store_->ListJobs({}).value().size());
  const int64_t seq_before = Head()->seq;
  constexpr int64_t kThreads = 4;
  constexpr int64_t kJobsEach = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kJobsEach; ++i) {
        const Result<Job> job = store_->CreateJob(
            {.plan_hash = plan, .consumer = "insurer", .result_key = Key(9)}, "insurer");
        if (!job.ok() || !store_->StartJob(job->id, "operator").ok()) ++failures;
        if (!store_->ListJobs({.consumer = "insurer"}).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(static_cast<int64_t>(store_->ListJobs({}).value().size()),
            jobs_before + kThreads * kJobsEach);
  EXPECT_EQ(Head()->seq, seq_before + 2 * kThreads * kJobsEach);
  EXPECT_TRUE(store_->VerifyAudit(std::nullopt).value().intact);
}

TEST_F(StoreDurabilityTest, OtherConnectionsReadWhileOneWrites) {
  const crypto::Sha256Digest plan = testing::Populate(*store_);
  constexpr int kWrites = 30;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      if (!store_
               ->CreateJob({.plan_hash = plan, .consumer = "insurer", .result_key = Key(9)},
                           "insurer")
               .ok()) {
        ++failures;
      }
    }
    done = true;
  });
  constexpr int kReaders = 3;
  std::vector<std::thread> readers;
  readers.reserve(kReaders);
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      // Each reader is its own connection, as another process would be.
      std::unique_ptr<Store> reader = Store::Open(path_).value();
      size_t seen = 0;
      bool last_round = false;
      while (!last_round) {
        last_round = done.load();
        const Result<std::vector<Job>> jobs = reader->ListJobs({});
        const Result<AuditVerification> audit = reader->VerifyAudit(std::nullopt);
        if (!jobs.ok() || !audit.ok() || !audit->intact || jobs->size() < seen) {
          ++failures;
          return;
        }
        seen = jobs->size();
      }
    });
  }
  writer.join();
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(StoreDurabilityTest, RefusesADatabaseFromANewerBuild) {
  store_.reset();
  Raw("INSERT INTO schema_version VALUES (5, 'from the future', '2030-01-01T00:00:00Z')");
  const Result<std::unique_ptr<Store>> newer = Store::Open(path_);
  EXPECT_EQ(newer.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(newer.status().message(),
              HasSubstr("has schema version 5, newer than the 4 this build knows"));
}

TEST_F(StoreDurabilityTest, TheAuditLogRefusesUpdatesAndDeletes) {
  testing::Populate(*store_);
  SqliteDb db = SqliteDb::Open(path_).value();
  EXPECT_THAT(db.Exec("UPDATE audit_log SET actor = 'x' WHERE seq = 1").message(),
              HasSubstr("audit_log is append-only"));
  EXPECT_THAT(db.Exec("DELETE FROM audit_log WHERE seq = 30").message(),
              HasSubstr("audit_log is append-only"));
  EXPECT_TRUE(store_->VerifyAudit(std::nullopt).value().intact);
}

// testdata/coord/store_v1.sql is a database written by the schema-1 build (testing::Populate
// with the ticking clock), dumped with `sqlite3 FILE .dump`.
class StoreUpgradeTest : public StoreDurabilityTest {
 protected:
  void SetUp() override {
    std::ifstream in(std::string(ARCA_COORD_TESTDATA) + "/store_v1.sql");
    ASSERT_TRUE(in.good());
    std::stringstream dump;
    dump << in.rdbuf();
    SqliteDb db = SqliteDb::Open(path_).value();
    ASSERT_TRUE(db.Exec(dump.str()).ok());
    ASSERT_EQ(SchemaVersion(db).value(), 1);
  }

  static std::string Schema(const std::string& path) {
    SqliteDb db = SqliteDb::Open(path).value();
    Statement query = db.Prepare(
                            "SELECT group_concat(type || ' ' || name || ': ' || sql, '\n') "
                            "FROM (SELECT * FROM sqlite_master ORDER BY name)")
                          .value();
    EXPECT_TRUE(query.Step().value());
    return query.Text(0);
  }

  // The fixture's last audit entry, as its build reported it.
  const AuditHead kV1Head{
      .seq = 30, .entry_hash = "15c341d2a64457874d4abbf7c61ddb451fe32d5853000371c68f322b8c8894a6"};
};

TEST_F(StoreUpgradeTest, MigratesAVersion1DatabaseAndKeepsEverything) {
  Reopen();
  SqliteDb db = SqliteDb::Open(path_).value();
  EXPECT_EQ(SchemaVersion(db).value(), 4);

  EXPECT_EQ(store_->GetParty("hospital-b").value().spec.display_name, "Hôpital B");
  EXPECT_EQ(store_->GetNode("dealer").value().status, NodeStatus::kRejected);
  const Dataset dataset = store_->GetDataset("cancer-a").value();
  EXPECT_EQ(dataset.version, 2);
  EXPECT_EQ(dataset.spec.row_count, 284);
  EXPECT_TRUE(store_->GetDataset("cancer-b").value().withdrawn);
  const crypto::Sha256Digest plan = testing::Digest(testing::kPlanJson);
  EXPECT_EQ(store_->GetPlan(plan).value().canonical_json, testing::kPlanJson);
  EXPECT_EQ(store_->ApprovalsFor(plan, "cancer-a").value().size(), 1U);
  const std::vector<Job> jobs = store_->ListJobs({}).value();
  ASSERT_EQ(jobs.size(), 5U);
  EXPECT_EQ(jobs[0].status, JobStatus::kSucceeded);
  EXPECT_EQ(jobs[3].progress, 0.25);
  EXPECT_EQ(store_->GetResult(jobs[0].id).value().locations.size(), 2U);

  // The chain an older build wrote still verifies: the entry format has not drifted.
  const AuditVerification verification = store_->VerifyAudit(kV1Head).value();
  EXPECT_TRUE(verification.intact) << verification.problem;
  EXPECT_EQ(verification.head, kV1Head);
  ASSERT_TRUE(store_->StartJob(jobs[4].id, "operator").ok());
  EXPECT_TRUE(store_->VerifyAudit(kV1Head).value().intact);
  // Version 2's guard now protects the old rows.
  EXPECT_FALSE(db.Exec("DELETE FROM audit_log WHERE seq = 1").ok());

  // Version 3's columns take their defaults on old rows: nodes without a key or index (they
  // cannot authenticate), dealer2pc datasets, jobs without inputs or parties.
  const Node old_node = store_->GetNode("node-0").value();
  EXPECT_TRUE(old_node.spec.signing_key.empty());
  EXPECT_EQ(old_node.spec.index, std::nullopt);
  EXPECT_EQ(old_node.spec.mesh_endpoint, "");
  EXPECT_EQ(dataset.spec.level, SecurityLevel::kDealer2pc);
  EXPECT_TRUE(jobs[0].spec.inputs.empty());
  EXPECT_TRUE(jobs[0].parties.empty());
  // New nodes take the indexes; old datasets stay readable and new records fit beside them.
  ASSERT_TRUE(
      store_->RegisterNode(testing::NodeAt("c0", NodeRole::kCompute, 0, 7100), "operator").ok());
  ASSERT_TRUE(store_
                  ->AddDatasetVersion({.name = "fresh",
                                       .owner = "hospital-a",
                                       .row_count = 1,
                                       .locations = {At("c0", "f/0")},
                                       .level = SecurityLevel::kTee},
                                      "hospital-a")
                  .ok());
  ASSERT_TRUE(store_
                  ->CreateJob({.plan_hash = plan,
                               .consumer = "insurer",
                               .level = SecurityLevel::kTee,
                               .result_key = Key(9),
                               .inputs = {{.input = "fresh", .dataset = "fresh", .version = 1}}},
                              "insurer")
                  .ok());
  EXPECT_TRUE(store_->VerifyAudit(kV1Head).value().intact);
}

TEST_F(StoreUpgradeTest, AnUpgradedDatabaseHasTheSameSchemaAsANewOne) {
  Reopen();
  const std::string fresh = dir_.File("fresh.db");
  ASSERT_TRUE(Store::Open(fresh).ok());
  EXPECT_EQ(Schema(path_), Schema(fresh));
}

}  // namespace
}  // namespace arca::coord
