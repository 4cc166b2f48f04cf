#include "arca/coord/audit_log.h"

#include <fmt/format.h>

#include <utility>

namespace arca::coord {
namespace {

constexpr std::string_view kColumns =
    "seq, time, actor, action, subject, subject_hash, details, prev_hash, entry_hash";

// A JSON string with SQLite's json_quote() escaping (see audit_log.h): one fixed encoding for
// every byte string, so that the preimage is a function of the stored bytes alone.
void AppendQuoted(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default: {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20) {
          out += "\\u00";
          out += kHex[byte >> 4];
          out += kHex[byte & 0xf];
        } else {
          out += c;
        }
      }
    }
  }
  out += '"';
}

// UTF-8 check by way of nlohmann's serializer, which refuses malformed sequences.
bool IsUtf8(std::string_view text) {
  try {
    static_cast<void>(nlohmann::json(std::string(text)).dump());
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

Status CheckText(std::string_view field, std::string_view text, bool required) {
  if (required && text.empty())
    return InvalidArgumentError(fmt::format("audit {} is empty", field));
  if (!IsUtf8(text)) return InvalidArgumentError(fmt::format("audit {} is not UTF-8", field));
  return OkStatus();
}

AuditEntry ReadEntry(const Statement& row) {
  return AuditEntry{.seq = row.Int(0),
                    .time = row.Text(1),
                    .actor = row.Text(2),
                    .action = row.Text(3),
                    .subject = row.Text(4),
                    .subject_hash = row.Text(5),
                    .details = row.Text(6),
                    .prev_hash = row.Text(7),
                    .entry_hash = row.Text(8)};
}

AuditVerification Broken(int64_t entries, std::optional<AuditHead> head, int64_t seq,
                         std::string problem) {
  return AuditVerification{.intact = false,
                           .entries = entries,
                           .head = std::move(head),
                           .first_broken_seq = seq,
                           .problem = std::move(problem)};
}

}  // namespace

std::string AuditCanonicalFields(const AuditEntry& entry) {
  std::string out = "{\"action\":";
  AppendQuoted(out, entry.action);
  out += ",\"actor\":";
  AppendQuoted(out, entry.actor);
  out += ",\"details\":";
  out += entry.details;
  out += ",\"seq\":";
  out += std::to_string(entry.seq);
  out += ",\"subject\":";
  AppendQuoted(out, entry.subject);
  out += ",\"subject_hash\":";
  AppendQuoted(out, entry.subject_hash);
  out += ",\"time\":";
  AppendQuoted(out, entry.time);
  out += '}';
  return out;
}

std::string AuditPreimage(const AuditEntry& entry) {
  return entry.prev_hash + AuditCanonicalFields(entry);
}

crypto::Sha256Digest AuditEntryHash(const AuditEntry& entry) {
  return crypto::Sha256(AsBytes(AuditPreimage(entry)));
}

Result<AuditEntry> AppendAuditEntry(SqliteDb& db, UnixTime time, const AuditEvent& event) {
  ARCA_RETURN_IF_ERROR(CheckText("actor", event.actor, true));
  ARCA_RETURN_IF_ERROR(CheckText("action", event.action, true));
  ARCA_RETURN_IF_ERROR(CheckText("subject", event.subject, false));
  if (!event.details.is_object()) return InvalidArgumentError("audit details are not an object");
  std::string details;
  try {
    details = event.details.dump();
  } catch (const nlohmann::json::type_error&) {
    return InvalidArgumentError("audit details hold text that is not UTF-8");
  }

  ARCA_ASSIGN_OR_RETURN(const std::optional<AuditHead> head, ReadAuditHead(db));
  AuditEntry entry{.seq = head ? head->seq + 1 : 1,
                   .time = FormatTime(time),
                   .actor = event.actor,
                   .action = event.action,
                   .subject = event.subject,
                   .subject_hash = event.subject_hash ? ToHex(*event.subject_hash) : "",
                   .details = std::move(details),
                   .prev_hash = head ? head->entry_hash : std::string(kAuditGenesisHash),
                   .entry_hash = ""};
  entry.entry_hash = ToHex(AuditEntryHash(entry));
  ARCA_RETURN_IF_ERROR(
      db.Run(fmt::format("INSERT INTO audit_log ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         kColumns),
             entry.seq, entry.time, entry.actor, entry.action, entry.subject, entry.subject_hash,
             entry.details, entry.prev_hash, entry.entry_hash)
          .status()
          .WithContext("cannot append to the audit log"));
  return entry;
}

Result<std::vector<AuditEntry>> ReadAuditEntries(SqliteDb& db, int64_t first_seq, int64_t limit) {
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db.Query(
          fmt::format("SELECT {} FROM audit_log WHERE seq >= ?1 ORDER BY seq LIMIT ?2", kColumns),
          first_seq, limit));
  std::vector<AuditEntry> entries;
  while (true) {
    ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
    if (!row) return entries;
    entries.push_back(ReadEntry(query));
  }
}

Result<std::optional<AuditHead>> ReadAuditHead(SqliteDb& db) {
  ARCA_ASSIGN_OR_RETURN(
      Statement query, db.Query("SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
  ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return std::optional<AuditHead>();
  return std::optional<AuditHead>(AuditHead{.seq = query.Int(0), .entry_hash = query.Text(1)});
}

Result<AuditVerification> VerifyAuditChain(SqliteDb& db,
                                           const std::optional<AuditHead>& known_head) {
  if (known_head && known_head->seq < 1) {
    return InvalidArgumentError(
        fmt::format("known audit head has seq {}; entries are numbered from 1", known_head->seq));
  }
  // One statement reads one snapshot (SQLite keeps its read transaction until the statement
  // ends), so an append running meanwhile cannot look like a broken tail.
  ARCA_ASSIGN_OR_RETURN(Statement query,
                        db.Query(fmt::format("SELECT {} FROM audit_log ORDER BY seq", kColumns)));
  int64_t entries = 0;
  std::optional<AuditHead> head;
  std::string prev_hash(kAuditGenesisHash);
  std::optional<std::string> known_head_found;  // entry_hash at known_head->seq, once read
  while (true) {
    ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
    if (!row) break;
    const AuditEntry entry = ReadEntry(query);
    const int64_t expected_seq = entries + 1;
    if (entry.seq < expected_seq) {
      return Broken(entries, head, entry.seq,
                    fmt::format("audit log holds an entry numbered {}; entries are numbered from 1",
                                entry.seq));
    }
    if (entry.seq != expected_seq) {
      return Broken(
          entries, head, expected_seq,
          expected_seq == 1
              ? fmt::format("audit entry 1 is missing: the log starts at seq {}", entry.seq)
              : fmt::format("audit entry {} is missing: the log jumps from seq {} to {}",
                            expected_seq, expected_seq - 1, entry.seq));
    }
    if (entry.prev_hash != prev_hash) {
      return Broken(
          entries, head, entry.seq,
          fmt::format("audit entry {} does not follow entry {}: its prev_hash {} is not {}, so "
                      "an entry before it was removed, inserted, reordered or rewritten",
                      entry.seq, entry.seq - 1, entry.prev_hash, prev_hash));
    }
    const std::string recomputed = ToHex(AuditEntryHash(entry));
    if (entry.entry_hash != recomputed) {
      return Broken(entries, head, entry.seq,
                    fmt::format("audit entry {} was altered: its contents hash to {}, but its "
                                "entry_hash is {}",
                                entry.seq, recomputed, entry.entry_hash));
    }
    ++entries;
    prev_hash = entry.entry_hash;
    head = AuditHead{.seq = entry.seq, .entry_hash = entry.entry_hash};
    if (known_head && entry.seq == known_head->seq) known_head_found = entry.entry_hash;
  }
  if (known_head) {
    if (!known_head_found) {
      const int64_t last = head ? head->seq : 0;
      return Broken(entries, head, last + 1,
                    fmt::format("the audit log ends at seq {}, before the known head at seq {}: "
                                "entries {} to {} were removed from its end",
                                last, known_head->seq, last + 1, known_head->seq));
    }
    if (*known_head_found != known_head->entry_hash) {
      return Broken(entries, head, known_head->seq,
                    fmt::format("audit entry {} is not the known head: its hash is {}, the known "
                                "head's is {}, so the log was rewritten from that entry or before",
                                known_head->seq, *known_head_found, known_head->entry_hash));
    }
  }
  return AuditVerification{.intact = true,
                           .entries = entries,
                           .head = std::move(head),
                           .first_broken_seq = 0,
                           .problem = ""};
}

}  // namespace arca::coord
