#include "arca/coord/store_rows.h"

#include <fmt/format.h>

#include <algorithm>

namespace arca::coord::rows {
namespace {

constexpr size_t kMaxIdLength = 128;

}  // namespace

std::string Printable(std::string_view text) {
  std::string out(text.substr(0, 64));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  if (text.size() > out.size()) out += "...";
  return out;
}

Status CheckId(std::string_view what, std::string_view id) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  };
  if (id.empty() || id.size() > kMaxIdLength || !std::all_of(id.begin(), id.end(), allowed) ||
      id.front() == '.' || id.front() == '_' || id.front() == '-') {
    return InvalidArgumentError(fmt::format(
        "{} '{}' is not valid: use 1 to {} letters, digits, '.', '_' or '-', starting with a "
        "letter or digit",
        what, Printable(id), kMaxIdLength));
  }
  return OkStatus();
}

Status CheckActor(std::string_view actor) {
  if (actor.empty()) return InvalidArgumentError("no actor named for the audit log");
  return OkStatus();
}

Result<std::string> DumpJson(const nlohmann::json& value, std::string_view what) {
  try {
    return value.dump();
  } catch (const nlohmann::json::type_error&) {
    return InvalidArgumentError(fmt::format("{} holds text that is not UTF-8", what));
  }
}

Status CheckJsonObject(std::string_view text, std::string_view what) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return InvalidArgumentError(fmt::format("{} is not JSON", what));
  if (!parsed.is_object()) {
    return InvalidArgumentError(fmt::format("{} is not a JSON object", what));
  }
  return OkStatus();
}

Result<UnixTime> TimeColumn(const Statement& row, int column) {
  const std::string text = row.Text(column);
  Result<UnixTime> time = ParseTime(text);
  if (!time.ok()) return DataLossError(fmt::format("stored time '{}' is unreadable", text));
  return time;
}

Result<std::optional<UnixTime>> OptionalTimeColumn(const Statement& row, int column) {
  if (row.IsNull(column)) return std::optional<UnixTime>();
  ARCA_ASSIGN_OR_RETURN(const UnixTime time, TimeColumn(row, column));
  return std::optional<UnixTime>(time);
}

Result<crypto::Sha256Digest> DigestColumn(const Statement& row, int column) {
  const std::string hex = row.Text(column);
  Result<Bytes> bytes = FromHex(hex);
  crypto::Sha256Digest digest{};
  if (!bytes.ok() || bytes->size() != digest.size()) {
    return DataLossError(fmt::format("stored hash '{}' is not 64 hex digits", hex));
  }
  std::copy(bytes->begin(), bytes->end(), digest.begin());
  return digest;
}

Result<nlohmann::json> JsonColumn(const Statement& row, int column) {
  nlohmann::json parsed = nlohmann::json::parse(row.Text(column), nullptr, false);
  if (parsed.is_discarded()) return DataLossError("stored JSON is unreadable");
  return parsed;
}

Result<std::string> FirstText(const Statement& row) { return row.Text(0); }
Result<int64_t> FirstInt(const Statement& row) { return row.Int(0); }

Result<std::vector<CiphertextLocation>> ReadLocations(Statement& query) {
  return Collect<CiphertextLocation>(query, [](const Statement& row) -> Result<CiphertextLocation> {
    ARCA_ASSIGN_OR_RETURN(const crypto::Sha256Digest sha256, DigestColumn(row, 2));
    return CiphertextLocation{.node_id = row.Text(0), .location = row.Text(1), .sha256 = sha256};
  });
}

nlohmann::json LocationsJson(const std::vector<CiphertextLocation>& locations) {
  nlohmann::json out = nlohmann::json::array();
  for (const CiphertextLocation& location : locations) {
    out.push_back({{"node", location.node_id},
                   {"location", location.location},
                   {"sha256", ToHex(location.sha256)}});
  }
  return out;
}

Result<Party> PartyFromRow(const Statement& row) {
  ARCA_ASSIGN_OR_RETURN(const PartyRole role, ParsePartyRole(row.Text(2)));
  ARCA_ASSIGN_OR_RETURN(const UnixTime created_at, TimeColumn(row, 4));
  return Party{.spec = {.id = row.Text(0),
                        .display_name = row.Text(1),
                        .role = role,
                        .public_key = row.Blob(3)},
               .created_at = created_at};
}

Result<Node> NodeFromRow(const Statement& row) {
  ARCA_ASSIGN_OR_RETURN(const NodeRole role, ParseNodeRole(row.Text(1)));
  ARCA_ASSIGN_OR_RETURN(const NodeStatus status, ParseNodeStatus(row.Text(3)));
  ARCA_ASSIGN_OR_RETURN(const UnixTime registered_at, TimeColumn(row, 6));
  ARCA_ASSIGN_OR_RETURN(const UnixTime updated_at, TimeColumn(row, 7));
  return Node{.spec = {.id = row.Text(0), .role = role, .endpoint = row.Text(2)},
              .status = status,
              .evidence = row.Blob(4),
              .attestation = row.Text(5),
              .registered_at = registered_at,
              .updated_at = updated_at};
}

Result<Plan> PlanFromRow(const Statement& row) {
  ARCA_ASSIGN_OR_RETURN(const crypto::Sha256Digest hash, DigestColumn(row, 0));
  ARCA_ASSIGN_OR_RETURN(const UnixTime submitted_at, TimeColumn(row, 3));
  return Plan{.hash = hash,
              .submitter = row.Text(1),
              .canonical_json = row.Text(2),
              .submitted_at = submitted_at};
}

Result<Job> JobFromRow(const Statement& row) {
  ARCA_ASSIGN_OR_RETURN(const crypto::Sha256Digest plan_hash, DigestColumn(row, 1));
  ARCA_ASSIGN_OR_RETURN(const SecurityLevel level, ParseSecurityLevel(row.Text(3)));
  ARCA_ASSIGN_OR_RETURN(const JobStatus status, ParseJobStatus(row.Text(5)));
  ARCA_ASSIGN_OR_RETURN(const UnixTime created_at, TimeColumn(row, 8));
  ARCA_ASSIGN_OR_RETURN(const std::optional<UnixTime> started_at, OptionalTimeColumn(row, 9));
  ARCA_ASSIGN_OR_RETURN(const std::optional<UnixTime> finished_at, OptionalTimeColumn(row, 10));
  return Job{.id = row.Int(0),
             .spec = {.plan_hash = plan_hash,
                      .consumer = row.Text(2),
                      .level = level,
                      .result_key = row.Blob(4)},
             .status = status,
             .progress = row.Double(6),
             .error = row.Text(7),
             .created_at = created_at,
             .started_at = started_at,
             .finished_at = finished_at};
}

}  // namespace arca::coord::rows
