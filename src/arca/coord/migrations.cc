#include "arca/coord/migrations.h"

#include <fmt/format.h>

#include <cstdint>
#include <string>

namespace arca::coord {
namespace {

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "  version    INTEGER PRIMARY KEY,"
    "  name       TEXT NOT NULL,"
    "  applied_at TEXT NOT NULL)";

Result<bool> HasTable(SqliteDb& db, std::string_view table) {
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db.Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", table));
  return query.Step();
}

Result<int64_t> TableCount(SqliteDb& db) {
  ARCA_ASSIGN_OR_RETURN(Statement query,
                        db.Query("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                 "AND name NOT LIKE 'sqlite_%'"));
  ARCA_RETURN_IF_ERROR(query.Step().status());
  return query.Int(0);
}

Status CheckSteps(std::span<const Migration> steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].version != static_cast<int>(i) + 1) {
      return InternalError(
          fmt::format("migration step at position {} has version {}; steps "
                      "must be numbered 1, 2, 3, ...",
                      i + 1, steps[i].version));
    }
  }
  return OkStatus();
}

// Every recorded step must be the same-numbered step of `steps` (compared by name), so that a
// file from a diverging build is refused rather than half-understood.
Status CheckHistory(SqliteDb& db, std::span<const Migration> steps) {
  ARCA_ASSIGN_OR_RETURN(Statement query,
                        db.Query("SELECT version, name FROM schema_version ORDER BY version"));
  while (true) {
    ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
    if (!row) return OkStatus();
    const int64_t version = query.Int(0);
    if (version < 1 || version > static_cast<int64_t>(steps.size())) continue;
    const std::string name = query.Text(1);
    const std::string_view expected = steps[static_cast<size_t>(version - 1)].name;
    if (name != expected) {
      return FailedPreconditionError(
          fmt::format("database '{}' records schema step {} as '{}', but this build's step {} "
                      "is '{}': the file was made by a diverging build",
                      db.path(), version, name, version, expected));
    }
  }
}

}  // namespace

Result<int> SchemaVersion(SqliteDb& db) {
  ARCA_ASSIGN_OR_RETURN(const bool has_table, HasTable(db, "schema_version"));
  if (!has_table) return 0;
  ARCA_ASSIGN_OR_RETURN(Statement query,
                        db.Query("SELECT coalesce(max(version), 0) FROM schema_version"));
  ARCA_RETURN_IF_ERROR(query.Step().status());
  const int64_t version = query.Int(0);
  if (version < 0 || version > INT32_MAX) {
    return DataLossError(
        fmt::format("database '{}' records an impossible schema version {}", db.path(), version));
  }
  return static_cast<int>(version);
}

Status Migrate(SqliteDb& db, std::span<const Migration> steps, UnixTime now) {
  ARCA_RETURN_IF_ERROR(CheckSteps(steps));
  const int latest = static_cast<int>(steps.size());
  while (true) {
    ARCA_ASSIGN_OR_RETURN(Transaction transaction, db.BeginWrite());
    ARCA_ASSIGN_OR_RETURN(const bool has_table, HasTable(db, "schema_version"));
    if (!has_table) {
      ARCA_ASSIGN_OR_RETURN(const int64_t tables, TableCount(db));
      if (tables > 0) {
        return FailedPreconditionError(
            fmt::format("database '{}' has tables but no schema_version table: it is not an Arca "
                        "coordinator database",
                        db.path()));
      }
      ARCA_RETURN_IF_ERROR(db.Exec(kCreateVersionTable));
    }
    ARCA_ASSIGN_OR_RETURN(const int version, SchemaVersion(db));
    if (version > latest) {
      return FailedPreconditionError(
          fmt::format("database '{}' has schema version {}, newer than the {} this build knows: "
                      "open it with a newer arca-coordinator",
                      db.path(), version, latest));
    }
    ARCA_RETURN_IF_ERROR(CheckHistory(db, steps));
    if (version == latest) return transaction.Commit();

    const Migration& step = steps[static_cast<size_t>(version)];
    Status status = db.Exec(step.sql);
    if (status.ok()) {
      status = db.Run("INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)",
                      step.version, step.name, FormatTime(now))
                   .status();
    }
    if (status.ok()) status = transaction.Commit();
    if (!status.ok()) {
      return status.WithContext(fmt::format(
          "schema migration to version {} ('{}') failed; database '{}' stays at version {}",
          step.version, step.name, db.path(), version));
    }
  }
}

}  // namespace arca::coord
