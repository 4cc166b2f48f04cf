#include "arca/coord/sqlite_db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "arca/coord/test_util.h"

namespace arca::coord {
namespace {

using ::testing::HasSubstr;

class SqliteDbTest : public ::testing::Test {
 protected:
  SqliteDb Open() { return SqliteDb::Open(path_).value(); }

  testing::TempDir dir_;
  std::string path_ = dir_.File("test.db");
};

TEST_F(SqliteDbTest, BoundValuesRoundTripExactly) {
  SqliteDb db = Open();
  ASSERT_TRUE(db.Exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n ANY)").ok());
  constexpr char kText[] = "a\0'b\"; DROP TABLE t; --";
  const std::string text_with_nul(kText, sizeof(kText) - 1);
  const Bytes blob = {0x00, 0xff, 0x27};
  ASSERT_EQ(db.Run("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)", int64_t{-1} << 62, 0.25,
                   text_with_nul, blob, SqlNull())
                .value(),
            1);
  ASSERT_EQ(
      db.Run("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)", 0, 0.0, "", Bytes(), SqlNull()).value(),
      1);

  Statement query = db.Query("SELECT i, d, s, b, n FROM t ORDER BY rowid").value();
  ASSERT_TRUE(query.Step().value());
  EXPECT_EQ(query.Int(0), int64_t{-1} << 62);
  EXPECT_EQ(query.Double(1), 0.25);
  EXPECT_EQ(query.Text(2), text_with_nul);  // a value, never SQL
  EXPECT_EQ(query.Blob(3), blob);
  EXPECT_TRUE(query.IsNull(4));
  ASSERT_TRUE(query.Step().value());
  EXPECT_FALSE(query.IsNull(2));  // an empty string is not NULL
  EXPECT_FALSE(query.IsNull(3));  // nor is an empty blob
  EXPECT_EQ(query.Text(2), "");
  EXPECT_TRUE(query.Blob(3).empty());
  EXPECT_FALSE(query.Step().value());
}

TEST_F(SqliteDbTest, PrepareTakesExactlyOneStatement) {
  SqliteDb db = Open();
  const Result<Statement> two = db.Prepare("SELECT 1; SELECT 2");
  EXPECT_EQ(two.status().code(), StatusCode::kInternal);
  EXPECT_THAT(two.status().message(), HasSubstr("one SQL statement"));
  EXPECT_EQ(db.Prepare("").status().code(), StatusCode::kInternal);
  EXPECT_THAT(db.Prepare("SELEKT 1").status().message(), HasSubstr("syntax error"));
  EXPECT_EQ(db.Query("SELECT ?1", 1, 2).status().code(), StatusCode::kInternal)
      << "binding more values than parameters is a programming error";
}

TEST_F(SqliteDbTest, RunRefusesAStatementThatReturnsRows) {
  SqliteDb db = Open();
  EXPECT_EQ(db.Run("SELECT 1").status().code(), StatusCode::kInternal);
}

TEST_F(SqliteDbTest, OpensWithWalForeignKeysAndFullSync) {
  SqliteDb db = Open();
  Statement mode = db.Query("PRAGMA journal_mode").value();
  ASSERT_TRUE(mode.Step().value());
  EXPECT_EQ(mode.Text(0), "wal");
  Statement keys = db.Query("PRAGMA foreign_keys").value();
  ASSERT_TRUE(keys.Step().value());
  EXPECT_EQ(keys.Int(0), 1);
  Statement sync = db.Query("PRAGMA synchronous").value();
  ASSERT_TRUE(sync.Step().value());
  EXPECT_EQ(sync.Int(0), 2);  // FULL

  ASSERT_TRUE(db.Exec("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                      "CREATE TABLE child (parent INTEGER REFERENCES parent (id))")
                  .ok());
  const Result<int64_t> orphan = db.Run("INSERT INTO child VALUES (?1)", 7);
  EXPECT_EQ(orphan.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(orphan.status().message(), HasSubstr("FOREIGN KEY constraint failed"));
}

TEST_F(SqliteDbTest, TransactionRollsBackUnlessCommitted) {
  SqliteDb db = Open();
  ASSERT_TRUE(db.Exec("CREATE TABLE t (x INTEGER)").ok());
  {
    Transaction transaction = db.BeginWrite().value();
    ASSERT_TRUE(db.Run("INSERT INTO t VALUES (1)").ok());
  }  // dropped: rolled back
  {
    Transaction transaction = db.BeginWrite().value();
    ASSERT_TRUE(db.Run("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(transaction.Commit().ok());
    EXPECT_EQ(transaction.Commit().code(), StatusCode::kInternal);  // already ended
  }
  {
    Transaction transaction = db.BeginWrite().value();
    ASSERT_TRUE(db.Run("INSERT INTO t VALUES (3)").ok());
    ASSERT_TRUE(transaction.Rollback().ok());
  }
  Statement query = db.Query("SELECT group_concat(x) FROM t").value();
  ASSERT_TRUE(query.Step().value());
  EXPECT_EQ(query.Text(0), "2");
}

TEST_F(SqliteDbTest, ReadersSeeTheirSnapshotWhileAWriterCommits) {
  SqliteDb writer = Open();
  ASSERT_TRUE(writer.Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)").ok());
  SqliteDb reader = SqliteDb::Open(path_, {.busy_timeout_ms = 0, .read_only = true}).value();

  const auto count = [&reader] {
    Statement query = reader.Query("SELECT count(*) FROM t").value();
    EXPECT_TRUE(query.Step().value());
    return query.Int(0);
  };
  Transaction snapshot = reader.BeginRead().value();
  EXPECT_EQ(count(), 1);
  // With a rollback journal this commit would wait for the reader; with WAL it goes through.
  ASSERT_TRUE(writer.Run("INSERT INTO t VALUES (2)").ok());
  EXPECT_EQ(count(), 1);
  ASSERT_TRUE(snapshot.Commit().ok());
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(reader.Run("INSERT INTO t VALUES (3)").status().code(), StatusCode::kPermissionDenied);
}

TEST_F(SqliteDbTest, SecondWriterTimesOutAsUnavailable) {
  SqliteDb first = Open();
  ASSERT_TRUE(first.Exec("CREATE TABLE t (x INTEGER)").ok());
  SqliteDb second = SqliteDb::Open(path_, {.busy_timeout_ms = 50}).value();
  Transaction holding = first.BeginWrite().value();
  const Result<Transaction> blocked = second.BeginWrite();
  EXPECT_EQ(blocked.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(blocked.status().message(), HasSubstr("locked"));
  ASSERT_TRUE(holding.Commit().ok());
  EXPECT_TRUE(second.BeginWrite().ok());
}

TEST_F(SqliteDbTest, ClearErrorsForMissingAndForeignFiles) {
  const Result<SqliteDb> missing =
      SqliteDb::Open(dir_.File("missing.db"), {.busy_timeout_ms = 0, .read_only = true});
  EXPECT_EQ(missing.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(missing.status().message(), HasSubstr("missing.db"));

  const std::string text = dir_.File("notes.txt");
  std::ofstream(text) << "this is not a database, but it is long enough to look like a header";
  const Result<SqliteDb> foreign = SqliteDb::Open(text);
  EXPECT_EQ(foreign.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(foreign.status().message(), HasSubstr("not a database"));
  EXPECT_THAT(foreign.status().message(), HasSubstr("notes.txt"));
}

}  // namespace
}  // namespace arca::coord
