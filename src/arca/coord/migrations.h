// Versioned schema: an ordered list of migration steps, each applied once, in its own
// transaction.
//
// The table `schema_version(version, name, applied_at)` holds one row per applied step. A
// database's version is the largest one recorded (0 for a new, empty file). Migrate() applies
// the steps above it, one transaction per step (the step's SQL and its schema_version row
// commit together or not at all), so a crash or a failing step leaves the database at the last
// complete version. Each step re-reads the version inside its write transaction, so two
// processes opening the same file at once apply every step exactly once.
//
// Rules for the step lists (they make old files upgradable forever): steps are numbered 1, 2,
// 3, ...; a released step is never edited, renumbered or removed; a change is always a new
// step at the end.
#ifndef ARCA_COORD_MIGRATIONS_H_
#define ARCA_COORD_MIGRATIONS_H_

#include <span>
#include <string_view>

#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/coord/sqlite_db.h"

namespace arca::coord {

struct Migration {
  int version = 0;        // 1-based position in the list
  std::string_view name;  // one line saying what the step does; recorded in schema_version
  std::string_view sql;   // constant DDL, one or more statements
};

// The version recorded in `db`; 0 for an empty database.
Result<int> SchemaVersion(SqliteDb& db);

// Brings `db` to the last version of `steps`. Errors:
// - the database is newer than `steps` know (failed precondition, naming both versions);
// - a recorded step's name differs from the same-numbered step here: the file was made by
//   another, diverging build (failed precondition);
// - the file holds tables but no schema_version: it is not a database these steps made;
// - a step fails: the database stays at the version before it, and the error names the step.
// `now` is recorded as each step's applied_at.
Status Migrate(SqliteDb& db, std::span<const Migration> steps, UnixTime now);

}  // namespace arca::coord

#endif  // ARCA_COORD_MIGRATIONS_H_
