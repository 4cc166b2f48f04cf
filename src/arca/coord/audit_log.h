// The coordinator's audit log: an append-only, hash-chained table.
//
// Each row of `audit_log` is one entry:
//
//   seq           1, 2, 3, ... with no gaps
//   time          when it was appended, "YYYY-MM-DDTHH:MM:SSZ" (UTC)
//   actor         who did it: a party id, or the operator's name
//   action        what was done, e.g. "plan.submit"
//   subject       what it was done to, e.g. "plan/<hash>", "job/7"
//   subject_hash  lower-case hex SHA-256 that identifies the subject (a plan hash, a key's
//                 fingerprint, ...), or "" when there is none
//   details       a JSON object with the rest, stored as text exactly as hashed
//   prev_hash     entry_hash of entry seq-1; for seq 1, 64 zeros ("genesis")
//   entry_hash    lower-case hex SHA-256(preimage)
//
//   preimage  = prev_hash (its 64 hex characters, ASCII) || canonical
//   canonical = {"action":A,"actor":B,"details":D,"seq":N,"subject":S,"subject_hash":H,
//                "time":T}
//
// with no whitespace anywhere, keys in that (sorted) order, N in decimal, D the details text
// verbatim, and A, B, S, H, T JSON strings: each byte as is, except `"` -> \", `\` -> \\,
// 0x08 -> \b, 0x09 -> \t, 0x0a -> \n, 0x0c -> \f, 0x0d -> \r and every other byte below 0x20 ->
// \u00xx (lower-case hex). That is exactly what SQLite's json_quote() produces, so the
// preimage can be rebuilt with the sqlite3 shell alone (docs/COORDINATOR_STORE.md).
//
// The chain makes every change detectable after the fact: an edited field changes that entry's
// hash; a removed or reordered entry breaks seq or prev_hash; only removing entries from the
// end leaves a valid shorter chain, which a previously seen head (seq and entry_hash) exposes.
// Schema version 2 also adds triggers that refuse UPDATE and DELETE on the table; those stop
// accidents, the chain catches deliberate edits.
#ifndef ARCA_COORD_AUDIT_LOG_H_
#define ARCA_COORD_AUDIT_LOG_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/coord/sqlite_db.h"
#include "arca/crypto/hash.h"

namespace arca::coord {

inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// What a mutation records; the log adds seq, time and the hashes.
struct AuditEvent {
  std::string actor{};
  std::string action{};
  std::string subject{};
  std::optional<crypto::Sha256Digest> subject_hash{};
  nlohmann::json details = nlohmann::json::object();
};

// One row as stored: every field is the exact text that is hashed.
struct AuditEntry {
  int64_t seq = 0;
  std::string time;
  std::string actor;
  std::string action;
  std::string subject;
  std::string subject_hash;
  std::string details;
  std::string prev_hash;
  std::string entry_hash;

  friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

// The last entry of a chain: what a client keeps to detect a truncated tail later.
struct AuditHead {
  int64_t seq = 0;
  std::string entry_hash;

  friend bool operator==(const AuditHead&, const AuditHead&) = default;
};

// `canonical` and `preimage` of the format above, and the entry hash.
std::string AuditCanonicalFields(const AuditEntry& entry);
std::string AuditPreimage(const AuditEntry& entry);
crypto::Sha256Digest AuditEntryHash(const AuditEntry& entry);

// Appends `event` after the current last entry. Must run inside a write transaction of `db`
// (SqliteDb::BeginWrite) together with the mutation it records, so that both commit or
// neither does. Empty actor or action, text that is not UTF-8, or details that are not an
// object are invalid arguments.
Result<AuditEntry> AppendAuditEntry(SqliteDb& db, UnixTime time, const AuditEvent& event);

// Up to `limit` entries with seq >= first_seq, in order.
Result<std::vector<AuditEntry>> ReadAuditEntries(SqliteDb& db, int64_t first_seq, int64_t limit);

// The last entry; nullopt for an empty log.
Result<std::optional<AuditHead>> ReadAuditHead(SqliteDb& db);

struct AuditVerification {
  bool intact = false;
  int64_t entries = 0;            // entries walked
  std::optional<AuditHead> head;  // the last entry read, if any
  int64_t first_broken_seq = 0;   // when not intact
  std::string problem;            // when not intact: one line naming the broken entry
};

// Walks the whole chain in order and stops at the first entry that fails: a gap in seq, a
// prev_hash that is not the previous entry's hash, or an entry_hash that does not match the
// entry's contents. With `known_head` (a head seen earlier), the chain must still contain that
// entry unchanged, which detects entries removed from the end. A broken chain is a result with
// intact = false; an error means the log could not be read at all.
Result<AuditVerification> VerifyAuditChain(SqliteDb& db,
                                           const std::optional<AuditHead>& known_head);

}  // namespace arca::coord

#endif  // ARCA_COORD_AUDIT_LOG_H_
