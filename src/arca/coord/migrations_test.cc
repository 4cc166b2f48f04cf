#include "arca/coord/migrations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "arca/coord/schema.h"
#include "arca/coord/store.h"
#include "arca/coord/test_util.h"

namespace arca::coord {
namespace {

using ::testing::HasSubstr;

constexpr std::array<Migration, 3> kSteps = {{
    {.version = 1, .name = "a", .sql = "CREATE TABLE a (x INTEGER)"},
    {.version = 2, .name = "b", .sql = "CREATE TABLE b (y INTEGER); ALTER TABLE a ADD z TEXT"},
    {.version = 3, .name = "c", .sql = "CREATE INDEX a_by_z ON a (z)"},
}};

const UnixTime kTime = ParseTime("2026-02-03T04:05:06Z").value();

class MigrationsTest : public ::testing::Test {
 protected:
  SqliteDb Open() { return SqliteDb::Open(path_).value(); }

  static bool HasTable(SqliteDb& db, std::string_view name) {
    Statement query =
        db.Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", name).value();
    return query.Step().value();
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("test.db");
};

TEST_F(MigrationsTest, AppliesEveryStepOnceAndRecordsIt) {
  SqliteDb db = Open();
  EXPECT_EQ(SchemaVersion(db).value(), 0);
  ASSERT_TRUE(Migrate(db, kSteps, kTime).ok());
  EXPECT_EQ(SchemaVersion(db).value(), 3);
  EXPECT_TRUE(HasTable(db, "a"));
  EXPECT_TRUE(HasTable(db, "b"));
  Statement history = db.Query(
                            "SELECT group_concat(version || ':' || name || '@' || applied_at, ' ') "
                            "FROM schema_version")
                          .value();
  ASSERT_TRUE(history.Step().value());
  EXPECT_EQ(history.Text(0),
            "1:a@2026-02-03T04:05:06Z 2:b@2026-02-03T04:05:06Z 3:c@2026-02-03T04:05:06Z");

  // Again, and from a second connection: nothing left to do.
  ASSERT_TRUE(Migrate(db, kSteps, kTime).ok());
  SqliteDb other = Open();
  ASSERT_TRUE(Migrate(other, kSteps, kTime).ok());
  EXPECT_EQ(SchemaVersion(other).value(), 3);
}

TEST_F(MigrationsTest, UpgradesAnOlderDatabaseStepByStep) {
  {
    SqliteDb db = Open();
    ASSERT_TRUE(Migrate(db, std::span(kSteps).first(1), kTime).ok());
    ASSERT_TRUE(db.Run("INSERT INTO a (x) VALUES (42)").ok());
  }
  SqliteDb db = Open();
  EXPECT_EQ(SchemaVersion(db).value(), 1);
  ASSERT_TRUE(Migrate(db, kSteps, kTime).ok());
  EXPECT_EQ(SchemaVersion(db).value(), 3);
  Statement row = db.Query("SELECT x, z IS NULL FROM a").value();
  ASSERT_TRUE(row.Step().value());
  EXPECT_EQ(row.Int(0), 42);  // the old row survives and gains the new column
  EXPECT_EQ(row.Int(1), 1);
}

TEST_F(MigrationsTest, AFailingStepLeavesThePreviousVersionWhole) {
  constexpr std::array<Migration, 2> kBroken = {{
      kSteps[0],
      {.version = 2, .name = "b", .sql = "CREATE TABLE b (y INTEGER); CREATE TABEL oops"},
  }};
  SqliteDb db = Open();
  const Status status = Migrate(db, kBroken, kTime);
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("schema migration to version 2 ('b') failed"));
  EXPECT_THAT(status.message(), HasSubstr("stays at version 1"));
  EXPECT_THAT(status.message(), HasSubstr("syntax error"));
  EXPECT_EQ(SchemaVersion(db).value(), 1);
  EXPECT_TRUE(HasTable(db, "a"));
  EXPECT_FALSE(HasTable(db, "b")) << "the step's first statement must be rolled back too";
  // The fixed list then applies cleanly.
  ASSERT_TRUE(Migrate(db, kSteps, kTime).ok());
  EXPECT_TRUE(HasTable(db, "b"));
}

TEST_F(MigrationsTest, RefusesADatabaseNewerThanTheSteps) {
  {
    SqliteDb db = Open();
    ASSERT_TRUE(Migrate(db, kSteps, kTime).ok());
  }
  SqliteDb db = Open();
  const Status status = Migrate(db, std::span(kSteps).first(2), kTime);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("has schema version 3, newer than the 2 this build knows"));
  EXPECT_EQ(SchemaVersion(db).value(), 3);
}

TEST_F(MigrationsTest, RefusesADivergingHistory) {
  {
    SqliteDb db = Open();
    ASSERT_TRUE(Migrate(db, std::span(kSteps).first(2), kTime).ok());
  }
  std::array<Migration, 3> other = kSteps;
  other[1].name = "b from another branch";
  SqliteDb db = Open();
  const Status status = Migrate(db, other, kTime);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("records schema step 2 as 'b'"));
  EXPECT_EQ(SchemaVersion(db).value(), 2);
}

TEST_F(MigrationsTest, RefusesADatabaseItDidNotMake) {
  SqliteDb db = Open();
  ASSERT_TRUE(db.Exec("CREATE TABLE someone_elses (x INTEGER)").ok());
  const Status status = Migrate(db, kSteps, kTime);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("not an Arca coordinator database"));
}

TEST_F(MigrationsTest, RefusesMisnumberedSteps) {
  std::array<Migration, 3> gap = kSteps;
  gap[2].version = 4;
  SqliteDb db = Open();
  EXPECT_EQ(Migrate(db, gap, kTime).code(), StatusCode::kInternal);
  EXPECT_EQ(SchemaVersion(db).value(), 0);
}

// Schema step 4 (privacy budgets) on a database an older build left at version 3: the
// version-1 fixture (testdata/coord) migrated to 3, plus a version-3 job with pinned inputs.
TEST(CoordinatorSchemaTest, Step4KeepsEveryRowOfAVersion3Database) {
  const testing::TempDir dir;
  const std::string path = dir.File("coord.db");
  const std::vector<std::string> tables = {"parties",    "nodes",     "datasets", "plans",
                                           "approvals",  "jobs",      "results",  "audit_log",
                                           "job_inputs", "job_nodes", "models"};
  const auto counts = [&](SqliteDb& db) {
    std::vector<int64_t> out;
    for (const std::string& table : tables) {
      Statement count = db.Prepare("SELECT count(*) FROM " + table).value();
      EXPECT_TRUE(count.Step().value());
      out.push_back(count.Int(0));
    }
    return out;
  };
  std::vector<int64_t> before;
  {
    std::ifstream in(std::string(ARCA_COORD_TESTDATA) + "/store_v1.sql");
    std::stringstream dump;
    dump << in.rdbuf();
    SqliteDb db = SqliteDb::Open(path).value();
    ASSERT_TRUE(db.Exec(dump.str()).ok());
    ASSERT_TRUE(Migrate(db, CoordinatorSchema().first(3), kTime).ok());
    ASSERT_TRUE(db.Exec("INSERT INTO job_inputs (job_id, input, dataset_name, dataset_version, "
                        "supplied_by) VALUES (5, 'cancer-a', 'cancer-a', 2, 'owner')")
                    .ok());
    ASSERT_EQ(SchemaVersion(db).value(), 3);
    before = counts(db);
  }

  std::unique_ptr<Store> store = Store::Open(path, {.clock = [] { return kTime; }}).value();
  SqliteDb db = SqliteDb::Open(path).value();
  EXPECT_EQ(SchemaVersion(db).value(), 4);
  EXPECT_EQ(counts(db), before);
  // Old datasets have no budget and old jobs no charges: they behave as before.
  const Dataset dataset = store->GetDataset("cancer-a").value();
  EXPECT_EQ(dataset.version, 2);
  EXPECT_EQ(dataset.spec.budget, std::nullopt);
  EXPECT_EQ(dataset.spent, (PrivacyLoss{0, 0}));
  const Job job = store->GetJob(5).value();
  EXPECT_EQ(job.spec.inputs.size(), 1U);
  EXPECT_TRUE(job.spec.charges.empty());
  // The old job can still be cancelled (a pending job without charges refunds nothing), and
  // the old owner can put its dataset under a budget.
  ASSERT_TRUE(store->CancelJob(5, "insurer").ok());
  EXPECT_EQ(store->SetBudget("cancer-a", "hospital-a", {1, 0}, "hospital-a")->spec.budget,
            (PrivacyLoss{1, 0}));
  EXPECT_EQ(store->GetDatasetVersion("cancer-a", 1)->spec.budget, (PrivacyLoss{1, 0}));
  EXPECT_TRUE(store->VerifyAudit(std::nullopt)->intact);
}

TEST(CoordinatorSchemaTest, IsNumberedAndApplies) {
  const testing::TempDir dir;
  SqliteDb db = SqliteDb::Open(dir.File("coord.db")).value();
  ASSERT_TRUE(Migrate(db, CoordinatorSchema(), kTime).ok());
  EXPECT_EQ(SchemaVersion(db).value(), static_cast<int>(CoordinatorSchema().size()));
}

}  // namespace
}  // namespace arca::coord
