#include "arca/coord/audit_log.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arca/coord/migrations.h"
#include "arca/coord/schema.h"
#include "arca/coord/test_util.h"

namespace arca::coord {
namespace {

using ::testing::HasSubstr;

const UnixTime kTime = ParseTime("2026-01-01T00:00:00Z").value();

// The hand-verification query of docs/COORDINATOR_STORE.md: the preimage of entry ?1 built by
// SQLite alone.
constexpr std::string_view kPreimageSql =
    "SELECT prev_hash || '{\"action\":' || json_quote(action) || ',\"actor\":' || "
    "json_quote(actor) || ',\"details\":' || details || ',\"seq\":' || seq || ',\"subject\":' || "
    "json_quote(subject) || ',\"subject_hash\":' || json_quote(subject_hash) || ',\"time\":' || "
    "json_quote(time) || '}' FROM audit_log WHERE seq = ?1";

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenFresh("audit.db"); }

  // A new database file at the latest schema, with an empty log.
  void OpenFresh(std::string_view name) {
    path_ = dir_.File(name);
    db_ = std::make_unique<SqliteDb>(SqliteDb::Open(path_).value());
    ASSERT_TRUE(Migrate(*db_, CoordinatorSchema(), kTime).ok());
  }

  Result<AuditEntry> Append(const AuditEvent& event) {
    ARCA_ASSIGN_OR_RETURN(Transaction transaction, db_->BeginWrite());
    ARCA_ASSIGN_OR_RETURN(AuditEntry entry, AppendAuditEntry(*db_, kTime, event));
    ARCA_RETURN_IF_ERROR(transaction.Commit());
    return entry;
  }

  // Entries 1..n, each about its own plan.
  std::vector<AuditEntry> AppendMany(int n) {
    std::vector<AuditEntry> entries;
    for (int i = 1; i <= n; ++i) {
      const crypto::Sha256Digest plan = crypto::Sha256(AsBytes(std::to_string(i)));
      entries.push_back(Append({.actor = "lab",
                                .action = "plan.submit",
                                .subject = "plan/" + ToHex(plan),
                                .subject_hash = plan,
                                .details = {{"n", i}}})
                            .value());
    }
    return entries;
  }

  // What someone with write access to the file can do: drop the guard triggers, then edit.
  void Tamper(std::string_view sql) {
    SqliteDb attacker = SqliteDb::Open(path_).value();
    ASSERT_TRUE(attacker
                    .Exec("DROP TRIGGER IF EXISTS audit_log_no_update;"
                          "DROP TRIGGER IF EXISTS audit_log_no_delete")
                    .ok());
    ASSERT_TRUE(attacker.Exec(sql).ok()) << sql;
  }

  AuditVerification Verify(const std::optional<AuditHead>& known_head = std::nullopt) {
    return VerifyAuditChain(*db_, known_head).value();
  }

  void ExpectBrokenAt(const AuditVerification& verification, int64_t seq,
                      std::string_view problem) {
    EXPECT_FALSE(verification.intact);
    EXPECT_EQ(verification.first_broken_seq, seq);
    EXPECT_THAT(verification.problem, HasSubstr(problem));
  }

  testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<SqliteDb> db_;
};

TEST_F(AuditLogTest, CanonicalFormAndHashAreExactlyTheDocumentedOnes) {
  const AuditEntry entry{.seq = 1,
                         .time = "2026-01-01T00:00:00Z",
                         .actor = "lab \"x\"",
                         .action = "plan.submit",
                         .subject = "plan/ab",
                         .subject_hash = "",
                         .details = R"({"k":1})",
                         .prev_hash = std::string(kAuditGenesisHash),
                         .entry_hash = ""};
  EXPECT_EQ(AuditCanonicalFields(entry),
            R"({"action":"plan.submit","actor":"lab \"x\"","details":{"k":1},"seq":1,)"
            R"("subject":"plan/ab","subject_hash":"","time":"2026-01-01T00:00:00Z"})");
  EXPECT_EQ(AuditPreimage(entry), std::string(kAuditGenesisHash) + AuditCanonicalFields(entry));
  // Computed independently: printf '%s' '<preimage>' | sha256sum
  EXPECT_EQ(ToHex(AuditEntryHash(entry)),
            "f4ea298243b20c36248ab2eff8ad36ca0f1ad2d0a72af5ea06012692937cc992");
}

TEST_F(AuditLogTest, ChainsEntriesFromGenesis) {
  const std::vector<AuditEntry> entries = AppendMany(3);
  EXPECT_EQ(entries[0].seq, 1);
  EXPECT_EQ(entries[0].prev_hash, kAuditGenesisHash);
  EXPECT_EQ(entries[0].time, "2026-01-01T00:00:00Z");
  EXPECT_EQ(entries[0].details, R"({"n":1})");
  EXPECT_EQ(entries[0].subject_hash, ToHex(crypto::Sha256(AsBytes("1"))));
  for (size_t i = 1; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, static_cast<int64_t>(i) + 1);
    EXPECT_EQ(entries[i].prev_hash, entries[i - 1].entry_hash);
  }
  for (const AuditEntry& entry : entries) {
    EXPECT_EQ(entry.entry_hash, ToHex(AuditEntryHash(entry)));
  }
  EXPECT_EQ(ReadAuditEntries(*db_, 1, 100).value(), entries);
  EXPECT_EQ(ReadAuditEntries(*db_, 2, 1).value(), std::vector<AuditEntry>{entries[1]});
  EXPECT_EQ(ReadAuditHead(*db_).value(),
            (AuditHead{.seq = 3, .entry_hash = entries[2].entry_hash}));

  const AuditVerification verification = Verify(AuditHead{3, entries[2].entry_hash});
  EXPECT_TRUE(verification.intact) << verification.problem;
  EXPECT_EQ(verification.entries, 3);
  EXPECT_EQ(verification.head, (AuditHead{3, entries[2].entry_hash}));
  EXPECT_TRUE(Verify(AuditHead{1, entries[0].entry_hash}).intact) << "the log grew since";
}

TEST_F(AuditLogTest, AnEmptyLogIsIntact) {
  EXPECT_EQ(ReadAuditHead(*db_).value(), std::nullopt);
  const AuditVerification verification = Verify();
  EXPECT_TRUE(verification.intact);
  EXPECT_EQ(verification.entries, 0);
  EXPECT_EQ(verification.head, std::nullopt);
}

TEST_F(AuditLogTest, TheDocumentedSqlRebuildsEveryPreimage) {
  const std::string awkward = std::string("quote \" backslash \\ controls \b\t\n\f\r") + '\x01' +
                              '\x1f' + " del \x7f utf-8 \xc3\xa9 \xf0\x9f\x99\x82";
  ASSERT_TRUE(Append({.actor = awkward,
                      .action = "party.register",
                      .subject = awkward,
                      .subject_hash = std::nullopt,
                      .details = {{"text", awkward}, {"list", {1, 2.5, nullptr, true}}}})
                  .ok());
  AppendMany(2);
  const std::vector<AuditEntry> entries = ReadAuditEntries(*db_, 1, 100).value();
  ASSERT_EQ(entries.size(), 3U);
  for (const AuditEntry& entry : entries) {
    Statement query = db_->Query(kPreimageSql, entry.seq).value();
    ASSERT_TRUE(query.Step().value());
    EXPECT_EQ(query.Text(0), AuditPreimage(entry)) << "entry " << entry.seq;
  }
}

TEST_F(AuditLogTest, DetectsAnEditedField) {
  int round = 0;
  for (const std::string_view edit :
       {"time = '2020-01-01T00:00:00Z'", "actor = 'someone else'", "action = 'plan.withdraw'",
        "subject = 'plan/other'", "subject_hash = ''", "details = '{\"n\":20}'",
        "details = '{ \"n\":2}'", "entry_hash = replace(entry_hash, 'a', 'b')"}) {
    SCOPED_TRACE(edit);
    OpenFresh("edit" + std::to_string(++round) + ".db");
    AppendMany(3);
    Tamper(fmt::format("UPDATE audit_log SET {} WHERE seq = 2", edit));
    ExpectBrokenAt(Verify(), 2, "audit entry 2 was altered: its contents hash to");
  }
}

TEST_F(AuditLogTest, DetectsAnEditWhoseHashWasRecomputed) {
  const std::vector<AuditEntry> entries = AppendMany(3);
  AuditEntry forged = entries[1];
  forged.actor = "someone else";
  forged.entry_hash = ToHex(AuditEntryHash(forged));
  Tamper(
      fmt::format("UPDATE audit_log SET actor = 'someone else', entry_hash = '{}' "
                  "WHERE seq = 2",
                  forged.entry_hash));
  ExpectBrokenAt(Verify(), 3, "audit entry 3 does not follow entry 2: its prev_hash");
}

TEST_F(AuditLogTest, DetectsAnEditedPrevHash) {
  AppendMany(3);
  Tamper(fmt::format("UPDATE audit_log SET prev_hash = '{}' WHERE seq = 2", kAuditGenesisHash));
  ExpectBrokenAt(Verify(), 2, "audit entry 2 does not follow entry 1");
}

TEST_F(AuditLogTest, DetectsADeletedEntry) {
  AppendMany(5);
  Tamper("DELETE FROM audit_log WHERE seq = 3");
  ExpectBrokenAt(Verify(), 3, "audit entry 3 is missing: the log jumps from seq 2 to 4");
}

TEST_F(AuditLogTest, DetectsADeletedFirstEntry) {
  AppendMany(3);
  Tamper("DELETE FROM audit_log WHERE seq = 1");
  ExpectBrokenAt(Verify(), 1, "audit entry 1 is missing: the log starts at seq 2");
}

TEST_F(AuditLogTest, DetectsADeletionHiddenByRenumbering) {
  AppendMany(5);
  Tamper("DELETE FROM audit_log WHERE seq = 3; UPDATE audit_log SET seq = seq - 1 WHERE seq > 3");
  ExpectBrokenAt(Verify(), 3, "audit entry 3 does not follow entry 2");
}

TEST_F(AuditLogTest, DetectsReorderedEntries) {
  AppendMany(4);
  Tamper(
      "UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3;"
      "UPDATE audit_log SET seq = 3 WHERE seq = -2");
  ExpectBrokenAt(Verify(), 2, "audit entry 2 does not follow entry 1");
}

TEST_F(AuditLogTest, DetectsAnInsertedEntry) {
  AppendMany(2);
  Tamper(
      fmt::format("INSERT INTO audit_log VALUES (0, '2026-01-01T00:00:00Z', 'x', 'y', '', "
                  "'', '{{}}', '{}', '{}')",
                  kAuditGenesisHash, kAuditGenesisHash));
  ExpectBrokenAt(Verify(), 0, "audit log holds an entry numbered 0; entries are numbered from 1");
}

TEST_F(AuditLogTest, DetectsATruncatedTailOnlyWithTheKnownHead) {
  const std::vector<AuditEntry> entries = AppendMany(5);
  const AuditHead known{.seq = 5, .entry_hash = entries[4].entry_hash};
  Tamper("DELETE FROM audit_log WHERE seq >= 4");
  // On its own, a shorter chain is a valid chain: that is what the known head is for.
  EXPECT_TRUE(Verify().intact);
  const AuditVerification verification = Verify(known);
  ExpectBrokenAt(verification, 4,
                 "the audit log ends at seq 3, before the known head at seq 5: entries 4 to 5 "
                 "were removed from its end");
  EXPECT_EQ(verification.entries, 3);
  EXPECT_EQ(verification.head, (AuditHead{3, entries[2].entry_hash}));
}

TEST_F(AuditLogTest, DetectsARewrittenTailWithTheKnownHead) {
  const std::vector<AuditEntry> entries = AppendMany(3);
  const AuditHead known{.seq = 3, .entry_hash = entries[2].entry_hash};
  Tamper("DELETE FROM audit_log WHERE seq = 3");
  ASSERT_TRUE(Append({.actor = "lab", .action = "plan.submit"}).ok());  // a different entry 3
  EXPECT_TRUE(Verify().intact);
  ExpectBrokenAt(Verify(known), 3, "audit entry 3 is not the known head");
}

TEST_F(AuditLogTest, DetectsAnEmptiedLogWithTheKnownHead) {
  const std::vector<AuditEntry> entries = AppendMany(2);
  Tamper("DELETE FROM audit_log");
  ExpectBrokenAt(Verify(AuditHead{2, entries[1].entry_hash}), 1,
                 "the audit log ends at seq 0, before the known head at seq 2");
  EXPECT_EQ(VerifyAuditChain(*db_, AuditHead{0, ""}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AuditLogTest, RefusesEventsItCannotRecordFaithfully) {
  const std::string not_utf8 = "caf\xe9";
  for (const AuditEvent& event : std::vector<AuditEvent>{
           {.actor = "", .action = "a"},
           {.actor = "x", .action = ""},
           {.actor = not_utf8, .action = "a"},
           {.actor = "x", .action = "a", .subject = not_utf8},
           {.actor = "x", .action = "a", .details = nlohmann::json::array()},
           {.actor = "x", .action = "a", .details = {{"name", not_utf8}}},
       }) {
    EXPECT_EQ(Append(event).status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(ReadAuditHead(*db_).value(), std::nullopt);
}

}  // namespace
}  // namespace arca::coord
