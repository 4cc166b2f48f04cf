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
  return ParseJsonText(row.Text(column));
}

Result<nlohmann::json> ParseJsonText(std::string_view text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
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
  std::optional<int64_t> index;
  if (!row.IsNull(9)) index = row.Int(9);
  return Node{.spec = {.id = row.Text(0),
                       .role = role,
                       .endpoint = row.Text(2),
                       .signing_key = row.Blob(8),
                       .index = index,
                       .mesh_endpoint = row.Text(10)},
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

Result<std::vector<std::string>> StringsColumn(const Statement& row, int column) {
  ARCA_ASSIGN_OR_RETURN(const nlohmann::json json, JsonColumn(row, column));
  if (!json.is_array()) return DataLossError("stored list is not a JSON array");
  std::vector<std::string> out;
  for (const nlohmann::json& item : json) {
    if (!item.is_string()) return DataLossError("stored list holds a non-string");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<Model> ModelFromRow(const Statement& row) {
  ARCA_ASSIGN_OR_RETURN(const ModelKind kind, ParseModelKind(row.Text(3)));
  ARCA_ASSIGN_OR_RETURN(std::vector<std::string> features, StringsColumn(row, 4));
  ARCA_ASSIGN_OR_RETURN(const SecurityLevel level, ParseSecurityLevel(row.Text(6)));
  ARCA_ASSIGN_OR_RETURN(const UnixTime created_at, TimeColumn(row, 8));
  Model model;
  model.spec.name = row.Text(0);
  model.spec.owner_party = row.Text(1);
  if (!row.IsNull(2)) model.spec.owner_job = row.Int(2);
  model.spec.kind = kind;
  model.spec.features = std::move(features);
  model.spec.intercept = row.Int(5) != 0;
  model.spec.level = level;
  model.withdrawn = row.Int(7) != 0;
  model.created_at = created_at;
  return model;
}

Result<JobNode> JobNodeFromRow(const Statement& row) {
  ARCA_ASSIGN_OR_RETURN(const JobNodeState state, ParseJobNodeState(row.Text(2)));
  JobNode part{.party = row.Int(0), .node_id = row.Text(1), .state = state};
  if (!row.Text(3).empty()) {
    ARCA_ASSIGN_OR_RETURN(part.result_sha256, DigestColumn(row, 3));
  }
  part.result_size = row.Int(4);
  part.receipt_part = row.Text(5);
  part.stored_models = row.Text(6);
  part.error = row.Text(7);
  return part;
}

nlohmann::json StoredModelsJson(const std::vector<StoredModelPart>& models) {
  nlohmann::json out = nlohmann::json::array();
  for (const StoredModelPart& model : models) {
    out.push_back({{"name", model.name},
                   {"kind", Name(model.kind)},
                   {"features", model.features},
                   {"intercept", model.intercept},
                   {"location", model.location},
                   {"sha256", ToHex(model.sha256)}});
  }
  return out;
}

Result<std::vector<StoredModelPart>> StoredModelsFromJson(const nlohmann::json& json) {
  const Status unreadable = DataLossError("stored models of a job part are unreadable");
  if (!json.is_array()) return unreadable;
  std::vector<StoredModelPart> out;
  try {
    for (const nlohmann::json& item : json) {
      StoredModelPart model;
      model.name = item.at("name").get<std::string>();
      ARCA_ASSIGN_OR_RETURN(model.kind, ParseModelKind(item.at("kind").get<std::string>()));
      model.features = item.at("features").get<std::vector<std::string>>();
      model.intercept = item.at("intercept").get<bool>();
      model.location = item.at("location").get<std::string>();
      Result<Bytes> sha = FromHex(item.at("sha256").get<std::string>());
      if (!sha.ok() || sha->size() != model.sha256.size()) return unreadable;
      std::copy(sha->begin(), sha->end(), model.sha256.begin());
      out.push_back(std::move(model));
    }
  } catch (const nlohmann::json::exception&) {
    return unreadable;
  }
  return out;
}

nlohmann::json OutputLossesJson(const std::vector<OutputLoss>& outputs) {
  nlohmann::json out = nlohmann::json::array();
  for (const OutputLoss& output : outputs) {
    out.push_back({{"output", output.output},
                   {"epsilon", output.loss.epsilon},
                   {"delta", output.loss.delta}});
  }
  return out;
}

nlohmann::json LossJson(const PrivacyLoss& loss) {
  return {{"epsilon", loss.epsilon}, {"delta", loss.delta}};
}

nlohmann::json LossesByOutputJson(const std::vector<OutputLoss>& outputs) {
  nlohmann::json out = nlohmann::json::object();
  for (const OutputLoss& output : outputs) out[output.output] = LossJson(output.loss);
  return out;
}

Result<std::vector<OutputLoss>> OutputLossesFromJson(const nlohmann::json& json) {
  const Status unreadable = DataLossError("the charged outputs of a job are unreadable");
  if (!json.is_array()) return unreadable;
  std::vector<OutputLoss> out;
  try {
    for (const nlohmann::json& item : json) {
      out.push_back({.output = item.at("output").get<std::string>(),
                     .loss = {.epsilon = item.at("epsilon").get<double>(),
                              .delta = item.at("delta").get<double>()}});
    }
  } catch (const nlohmann::json::exception&) {
    return unreadable;
  }
  return out;
}

}  // namespace arca::coord::rows
