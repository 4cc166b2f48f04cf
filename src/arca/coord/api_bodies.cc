#include "arca/coord/api_bodies.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "arca/client/dataset_schema.h"
#include "arca/coord/privacy_budget.h"
#include "arca/plan/canonical_json.h"

namespace arca::coord {
namespace {

using nlohmann::json;

constexpr size_t kMaxListItems = 1000;
constexpr size_t kMaxTextBytes = 1024;

// The members of one JSON object, each taken at most once; Finish() refuses the rest.
class Fields {
 public:
  Fields(const json& object, std::string prefix) : object_(object), prefix_(std::move(prefix)) {}

  static Result<json> ParseObject(std::string_view text) {
    if (text.size() > kMaxJsonBody) {
      return InvalidArgumentError(fmt::format("the body is larger than {} bytes", kMaxJsonBody));
    }
    Result<json> parsed = plan::ParseStrictJson(text);
    if (!parsed.ok())
      return InvalidArgumentError("the body is not JSON: " + parsed.status().message());
    if (!parsed->is_object()) return InvalidArgumentError("the body is not a JSON object");
    return parsed;
  }

  Status Check() const {
    if (!object_.is_object()) return Error("", "must be an object");
    return OkStatus();
  }

  const json* Find(std::string_view name) {
    const auto it = object_.find(name);
    if (it == object_.end()) return nullptr;
    taken_.emplace(name);
    return &*it;
  }

  Result<const json*> Need(std::string_view name) {
    const json* value = Find(name);
    if (value == nullptr) return Error(name, "is missing");
    return value;
  }

  Result<std::string> Text(std::string_view name, size_t max = kMaxTextBytes) {
    ARCA_ASSIGN_OR_RETURN(const json* value, Need(name));
    return TextOf(*value, name, max);
  }

  Result<std::string> TextOf(const json& value, std::string_view name, size_t max) const {
    if (!value.is_string()) return Error(name, "must be a string");
    std::string text = value.get<std::string>();
    if (text.size() > max) return Error(name, fmt::format("is longer than {} bytes", max));
    return text;
  }

  Result<std::string> Id(std::string_view name) {
    ARCA_ASSIGN_OR_RETURN(std::string id, Text(name, 128));
    ARCA_RETURN_IF_ERROR(IdOf(id, name));
    return id;
  }

  Status IdOf(std::string_view id, std::string_view name) const {
    const bool ok = !id.empty() && std::isalnum(static_cast<unsigned char>(id.front())) != 0 &&
                    std::all_of(id.begin(), id.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' ||
                             c == '_' || c == '-';
                    });
    if (!ok)
      return Error(name, "must be 1 to 128 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
    return OkStatus();
  }

  // Text without control characters, 1..max bytes.
  Result<std::string> Line(std::string_view name, size_t max) {
    ARCA_ASSIGN_OR_RETURN(std::string text, Text(name, max));
    if (text.empty() || std::any_of(text.begin(), text.end(), [](char c) {
          return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
        })) {
      return Error(name, "must be one non-empty line without control characters");
    }
    return text;
  }

  Result<Bytes> Hex(std::string_view name, size_t size) {
    ARCA_ASSIGN_OR_RETURN(const std::string text, Text(name, 2 * size));
    Result<Bytes> bytes = FromHex(text);
    if (!bytes.ok() || bytes->size() != size) {
      return Error(name, fmt::format("must be {} bytes in hex ({} digits)", size, 2 * size));
    }
    return bytes;
  }

  Result<crypto::Sha256Digest> Digest(std::string_view name) {
    ARCA_ASSIGN_OR_RETURN(const Bytes bytes, Hex(name, 32));
    crypto::Sha256Digest digest{};
    std::copy(bytes.begin(), bytes.end(), digest.begin());
    return digest;
  }

  Result<int64_t> Integer(std::string_view name, int64_t min, int64_t max) {
    ARCA_ASSIGN_OR_RETURN(const json* value, Need(name));
    if (!value->is_number_integer()) return Error(name, "must be an integer");
    const int64_t number = value->is_number_unsigned() && value->get<uint64_t>() > INT64_MAX
                               ? INT64_MAX
                               : value->get<int64_t>();
    if (number < min || number > max)
      return Error(name, fmt::format("must be in {}..{}", min, max));
    return number;
  }

  Result<double> Number(std::string_view name) {
    ARCA_ASSIGN_OR_RETURN(const json* value, Need(name));
    if (!value->is_number()) return Error(name, "must be a number");
    return value->get<double>();
  }

  Result<bool> Boolean(std::string_view name) {
    ARCA_ASSIGN_OR_RETURN(const json* value, Need(name));
    if (!value->is_boolean()) return Error(name, "must be true or false");
    return value->get<bool>();
  }

  Result<SecurityLevel> Level(std::string_view name) {
    ARCA_ASSIGN_OR_RETURN(const std::string text, Text(name, 32));
    Result<SecurityLevel> level = ParseSecurityLevel(text);
    if (!level.ok()) return Error(name, level.status().message());
    return level;
  }

  // A list of distinct strings, 1..kMaxListItems of them (or 0 when `allow_empty`).
  Result<std::vector<std::string>> Strings(std::string_view name, bool ids, bool allow_empty) {
    ARCA_ASSIGN_OR_RETURN(const json* value, Need(name));
    return StringsOf(*value, name, ids, allow_empty);
  }

  Result<std::vector<std::string>> StringsOf(const json& value, std::string_view name, bool ids,
                                             bool allow_empty) const {
    if (!value.is_array()) return Error(name, "must be a list of strings");
    if (value.size() > kMaxListItems || (value.empty() && !allow_empty)) {
      return Error(name,
                   fmt::format("must hold {} to {} items", allow_empty ? 0 : 1, kMaxListItems));
    }
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string item_name = fmt::format("{}[{}]", name, i);
      ARCA_ASSIGN_OR_RETURN(std::string item, TextOf(value[i], item_name, 128));
      if (ids) {
        ARCA_RETURN_IF_ERROR(IdOf(item, item_name));
      } else if (item.empty()) {
        return Error(item_name, "is empty");
      }
      if (!seen.insert(item).second) return Error(item_name, fmt::format("repeats '{}'", item));
      out.push_back(std::move(item));
    }
    return out;
  }

  Result<std::vector<CiphertextLocation>> Locations(std::string_view name) {
    ARCA_ASSIGN_OR_RETURN(const json* value, Need(name));
    if (!value->is_array() || value->empty() || value->size() > 16) {
      return Error(name, "must be a list of 1 to 16 locations");
    }
    std::vector<CiphertextLocation> out;
    for (size_t i = 0; i < value->size(); ++i) {
      Fields item((*value)[i], fmt::format("{}{}[{}].", prefix_, name, i));
      ARCA_RETURN_IF_ERROR(item.Check());
      CiphertextLocation location;
      ARCA_ASSIGN_OR_RETURN(location.node_id, item.Id("node"));
      ARCA_ASSIGN_OR_RETURN(location.location, item.Line("location", kMaxTextBytes));
      ARCA_ASSIGN_OR_RETURN(location.sha256, item.Digest("sha256"));
      ARCA_RETURN_IF_ERROR(item.Finish());
      out.push_back(std::move(location));
    }
    return out;
  }

  Result<json> Object(std::string_view name) {
    ARCA_ASSIGN_OR_RETURN(const json* value, Need(name));
    if (!value->is_object()) return Error(name, "must be a JSON object");
    return *value;
  }

  Status Finish() const {
    for (const auto& [name, value] : object_.items()) {
      if (!taken_.contains(name)) return Error(name, "is not a known field");
    }
    return OkStatus();
  }

  Status Error(std::string_view name, std::string_view problem) const {
    return InvalidArgumentError(fmt::format("field '{}{}': {}", prefix_, name, problem));
  }

 private:
  const json& object_;
  std::string prefix_;
  std::set<std::string, std::less<>> taken_;
};

Result<json> Parse(std::string_view text) { return Fields::ParseObject(text); }

Result<nlohmann::json> ApprovalRules(Fields& fields) {
  const json* value = fields.Find("rules");
  if (value == nullptr) return json::object();
  Fields rules(*value, "rules.");
  ARCA_RETURN_IF_ERROR(rules.Check());
  json out = json::object();
  if (rules.Find("aggregate_only") != nullptr) {
    ARCA_ASSIGN_OR_RETURN(std::vector<std::string> columns,
                          rules.Strings("aggregate_only", /*ids=*/false, /*allow_empty=*/true));
    std::sort(columns.begin(), columns.end());
    out["aggregate_only"] = columns;
  }
  if (rules.Find("min_rows") != nullptr) {
    ARCA_ASSIGN_OR_RETURN(out["min_rows"], rules.Integer("min_rows", 0, int64_t{1} << 40));
  }
  ARCA_RETURN_IF_ERROR(rules.Finish());
  return out;
}

// {"epsilon", "delta"}: the fields of a privacy budget (privacy_budget.h, CheckPrivacyLoss).
Result<PrivacyLoss> Budget(Fields& fields) {
  PrivacyLoss budget;
  ARCA_ASSIGN_OR_RETURN(budget.epsilon, fields.Number("epsilon"));
  if (fields.Find("delta") != nullptr) {
    ARCA_ASSIGN_OR_RETURN(budget.delta, fields.Number("delta"));
  }
  ARCA_RETURN_IF_ERROR(fields.Finish());
  ARCA_RETURN_IF_ERROR(CheckPrivacyLoss(budget, "privacy budget"));
  return budget;
}

}  // namespace

Result<PartySpec> ParsePartyBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  PartySpec spec;
  ARCA_ASSIGN_OR_RETURN(spec.id, fields.Id("id"));
  ARCA_ASSIGN_OR_RETURN(spec.display_name, fields.Line("display_name", 200));
  ARCA_ASSIGN_OR_RETURN(const std::string role, fields.Text("role", 32));
  Result<PartyRole> parsed = ParsePartyRole(role);
  if (!parsed.ok()) return fields.Error("role", parsed.status().message());
  spec.role = *parsed;
  ARCA_ASSIGN_OR_RETURN(spec.public_key, fields.Hex("public_key", kEd25519PublicKeySize));
  ARCA_RETURN_IF_ERROR(fields.Finish());
  return spec;
}

Result<NodeSpec> ParseNodeBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  NodeSpec spec;
  ARCA_ASSIGN_OR_RETURN(spec.id, fields.Id("id"));
  ARCA_ASSIGN_OR_RETURN(const std::string role, fields.Text("role", 32));
  Result<NodeRole> parsed = ParseNodeRole(role);
  if (!parsed.ok()) return fields.Error("role", parsed.status().message());
  spec.role = *parsed;
  ARCA_ASSIGN_OR_RETURN(spec.index, fields.Integer("index", 0, 2));
  ARCA_ASSIGN_OR_RETURN(spec.endpoint, fields.Line("endpoint", 256));
  ARCA_ASSIGN_OR_RETURN(spec.mesh_endpoint, fields.Line("mesh_endpoint", 256));
  ARCA_ASSIGN_OR_RETURN(spec.signing_key, fields.Hex("signing_key", kEd25519PublicKeySize));
  ARCA_RETURN_IF_ERROR(fields.Finish());
  return spec;
}

Result<EvidenceBody> ParseEvidenceBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  EvidenceBody out;
  ARCA_ASSIGN_OR_RETURN(const std::string evidence, fields.Text("evidence", kMaxJsonBody));
  Result<Bytes> bytes = FromBase64(evidence);
  if (!bytes.ok() || bytes->empty()) return fields.Error("evidence", "must be non-empty base64");
  out.evidence = *std::move(bytes);
  ARCA_ASSIGN_OR_RETURN(const json attestation, fields.Object("attestation"));
  out.attestation_json = attestation.dump();
  ARCA_RETURN_IF_ERROR(fields.Finish());
  return out;
}

Result<NodeStatus> ParseNodeStatusBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  ARCA_ASSIGN_OR_RETURN(const std::string status, fields.Text("status", 32));
  Result<NodeStatus> parsed = ParseNodeStatus(status);
  if (!parsed.ok()) return fields.Error("status", parsed.status().message());
  ARCA_RETURN_IF_ERROR(fields.Finish());
  return parsed;
}

Result<DatasetSpec> ParseDatasetBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  DatasetSpec spec;
  ARCA_ASSIGN_OR_RETURN(spec.name, fields.Id("name"));
  ARCA_ASSIGN_OR_RETURN(spec.level, fields.Level("level"));
  ARCA_ASSIGN_OR_RETURN(spec.schema, fields.Object("schema"));
  const Result<client::DatasetSchema> schema = client::DatasetSchema::Parse(spec.schema.dump());
  if (!schema.ok()) return fields.Error("schema", schema.status().message());
  ARCA_ASSIGN_OR_RETURN(spec.row_count, fields.Integer("row_count", 0, int64_t{1} << 40));
  ARCA_ASSIGN_OR_RETURN(spec.locations, fields.Locations("locations"));
  if (const json* budget = fields.Find("budget"); budget != nullptr) {
    Fields budget_fields(*budget, "budget.");
    ARCA_RETURN_IF_ERROR(budget_fields.Check());
    ARCA_ASSIGN_OR_RETURN(spec.budget, Budget(budget_fields));
  }
  ARCA_RETURN_IF_ERROR(fields.Finish());
  return spec;
}

Result<PrivacyLoss> ParseBudgetBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  return Budget(fields);
}

Result<ApprovalSpec> ParseApprovalBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  ApprovalSpec spec;
  ARCA_ASSIGN_OR_RETURN(spec.plan_hash, fields.Digest("plan_hash"));
  ARCA_ASSIGN_OR_RETURN(spec.dataset, fields.Id("dataset"));
  ARCA_ASSIGN_OR_RETURN(spec.consumers, fields.Strings("consumers", /*ids=*/true, false));
  ARCA_ASSIGN_OR_RETURN(const std::vector<std::string> levels,
                        fields.Strings("levels", /*ids=*/true, false));
  for (size_t i = 0; i < levels.size(); ++i) {
    Result<SecurityLevel> level = ParseSecurityLevel(levels[i]);
    if (!level.ok()) return fields.Error(fmt::format("levels[{}]", i), level.status().message());
    spec.levels.push_back(*level);
  }
  ARCA_ASSIGN_OR_RETURN(spec.rules, ApprovalRules(fields));
  ARCA_RETURN_IF_ERROR(fields.Finish());
  return spec;
}

Result<ModelSpec> ParseModelBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  ModelSpec spec;
  ARCA_ASSIGN_OR_RETURN(spec.name, fields.Id("name"));
  ARCA_ASSIGN_OR_RETURN(const std::string kind, fields.Text("kind", 32));
  Result<ModelKind> parsed = ParseModelKind(kind);
  if (!parsed.ok()) return fields.Error("kind", parsed.status().message());
  spec.kind = *parsed;
  ARCA_ASSIGN_OR_RETURN(spec.features, fields.Strings("features", /*ids=*/false, false));
  ARCA_ASSIGN_OR_RETURN(spec.intercept, fields.Boolean("intercept"));
  ARCA_ASSIGN_OR_RETURN(spec.level, fields.Level("level"));
  ARCA_ASSIGN_OR_RETURN(spec.locations, fields.Locations("locations"));
  ARCA_ASSIGN_OR_RETURN(spec.consumers, fields.Strings("consumers", /*ids=*/true, false));
  ARCA_RETURN_IF_ERROR(fields.Finish());
  return spec;
}

Result<JobBody> ParseJobBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  JobBody out;
  ARCA_ASSIGN_OR_RETURN(out.plan_hash, fields.Digest("plan_hash"));
  ARCA_ASSIGN_OR_RETURN(out.level, fields.Level("level"));
  ARCA_ASSIGN_OR_RETURN(out.result_key, fields.Hex("result_key", kX25519PublicKeySize));
  if (fields.Find("inputs") != nullptr) {
    ARCA_ASSIGN_OR_RETURN(const json inputs, fields.Object("inputs"));
    Fields bindings(inputs, "inputs.");
    for (const auto& [name, value] : inputs.items()) {
      ARCA_RETURN_IF_ERROR(bindings.IdOf(name, name));
      ARCA_ASSIGN_OR_RETURN(const std::string dataset, bindings.Id(name));
      out.inputs.emplace(name, dataset);
    }
    ARCA_RETURN_IF_ERROR(bindings.Finish());
  }
  ARCA_RETURN_IF_ERROR(fields.Finish());
  return out;
}

Result<double> ParseProgressBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  ARCA_ASSIGN_OR_RETURN(const json* value, fields.Need("progress"));
  if (!value->is_number() || !(value->get<double>() >= 0 && value->get<double>() <= 1)) {
    return fields.Error("progress", "must be a number in 0..1");
  }
  ARCA_RETURN_IF_ERROR(fields.Finish());
  return value->get<double>();
}

Result<CompleteBody> ParseCompleteBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  CompleteBody out;
  ARCA_ASSIGN_OR_RETURN(const json* sha, fields.Need("result_sha256"));
  if (!(sha->is_string() && sha->get<std::string>().empty())) {
    ARCA_ASSIGN_OR_RETURN(out.result_sha256, fields.Digest("result_sha256"));
  }
  ARCA_ASSIGN_OR_RETURN(const json part, fields.Object("receipt_part"));
  out.receipt_part = part.dump();
  if (fields.Find("stored_models") != nullptr) {
    ARCA_ASSIGN_OR_RETURN(const json* models, fields.Need("stored_models"));
    if (!models->is_array() || models->size() > 100) {
      return fields.Error("stored_models", "must be a list of at most 100 models");
    }
    std::set<std::string> names;
    for (size_t i = 0; i < models->size(); ++i) {
      Fields item((*models)[i], fmt::format("stored_models[{}].", i));
      ARCA_RETURN_IF_ERROR(item.Check());
      StoredModelPart model;
      ARCA_ASSIGN_OR_RETURN(model.name, item.Id("name"));
      if (!names.insert(model.name).second) return item.Error("name", "repeats a model");
      ARCA_ASSIGN_OR_RETURN(const std::string kind, item.Text("kind", 32));
      Result<ModelKind> parsed = ParseModelKind(kind);
      if (!parsed.ok()) return item.Error("kind", parsed.status().message());
      model.kind = *parsed;
      ARCA_ASSIGN_OR_RETURN(model.features, item.Strings("features", /*ids=*/false, false));
      ARCA_ASSIGN_OR_RETURN(model.intercept, item.Boolean("intercept"));
      ARCA_ASSIGN_OR_RETURN(model.location, item.Line("location", kMaxTextBytes));
      ARCA_ASSIGN_OR_RETURN(model.sha256, item.Digest("sha256"));
      ARCA_RETURN_IF_ERROR(item.Finish());
      out.stored_models.push_back(std::move(model));
    }
  }
  ARCA_RETURN_IF_ERROR(fields.Finish());
  return out;
}

Result<std::string> ParseFailBody(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  Fields fields(body, "");
  ARCA_ASSIGN_OR_RETURN(std::string error, fields.Line("error", kMaxLineBytes));
  ARCA_RETURN_IF_ERROR(fields.Finish());
  return error;
}

Status ParseEmptyBody(std::string_view text) {
  if (text.empty()) return OkStatus();
  ARCA_ASSIGN_OR_RETURN(const json body, Parse(text));
  return Fields(body, "").Finish();
}

}  // namespace arca::coord
