#include "arca/coord/api_json.h"

#include <string>

#include "arca/base/bytes.h"
#include "arca/base/time.h"
#include "arca/coord/privacy_budget.h"
#include "arca/coord/store_rows.h"

namespace arca::coord {
namespace {

using nlohmann::json;

json OptionalTime(const std::optional<UnixTime>& time) {
  return time ? json(FormatTime(*time)) : json(nullptr);
}

// Stored JSON text as a value (null if it does not parse, which the store prevents).
json Embedded(std::string_view text) {
  if (text.empty()) return nullptr;
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? json(nullptr) : parsed;
}

// null without a budget.
json BudgetJson(const Dataset& dataset) {
  if (!dataset.spec.budget) return nullptr;
  const PrivacyLoss& budget = *dataset.spec.budget;
  const PrivacyLoss left = BudgetLeft(budget, dataset.spent);
  return {{"epsilon", budget.epsilon},
          {"delta", budget.delta},
          {"epsilon_spent", dataset.spent.epsilon},
          {"delta_spent", dataset.spent.delta},
          {"epsilon_left", left.epsilon},
          {"delta_left", left.delta}};
}

}  // namespace

json LocationsJson(const std::vector<CiphertextLocation>& locations) {
  return rows::LocationsJson(locations);
}

json PartyJson(const Party& party) {
  return {{"id", party.spec.id},
          {"display_name", party.spec.display_name},
          {"role", Name(party.spec.role)},
          {"public_key", ToHex(party.spec.public_key)},
          {"created_at", FormatTime(party.created_at)}};
}

json NodeJson(const Node& node) {
  return {{"id", node.spec.id},
          {"role", Name(node.spec.role)},
          {"index", node.spec.index ? json(*node.spec.index) : json(nullptr)},
          {"endpoint", node.spec.endpoint},
          {"mesh_endpoint", node.spec.mesh_endpoint},
          {"signing_key", ToHex(node.spec.signing_key)},
          {"status", Name(node.status)},
          {"evidence", ToBase64(node.evidence)},
          {"attestation", Embedded(node.attestation)},
          {"registered_at", FormatTime(node.registered_at)},
          {"updated_at", FormatTime(node.updated_at)}};
}

json DatasetJson(const Dataset& dataset) {
  return {{"name", dataset.spec.name},
          {"version", dataset.version},
          {"owner", dataset.spec.owner},
          {"level", Name(dataset.spec.level)},
          {"schema", dataset.spec.schema},
          {"row_count", dataset.spec.row_count},
          {"locations", LocationsJson(dataset.spec.locations)},
          {"withdrawn", dataset.withdrawn},
          {"budget", BudgetJson(dataset)},
          {"created_at", FormatTime(dataset.created_at)}};
}

json PlanJson(const Plan& plan) {
  return {{"hash", ToHex(plan.hash)},
          {"submitter", plan.submitter},
          {"canonical", plan.canonical_json},
          {"submitted_at", FormatTime(plan.submitted_at)}};
}

json ApprovalJson(const Approval& approval) {
  json levels = json::array();
  for (const SecurityLevel level : approval.spec.levels) levels.push_back(Name(level));
  return {{"id", approval.id},
          {"plan_hash", ToHex(approval.spec.plan_hash)},
          {"dataset", approval.spec.dataset},
          {"owner", approval.spec.owner},
          {"consumers", approval.spec.consumers},
          {"levels", levels},
          {"rules", approval.spec.rules},
          {"revoked", approval.revoked},
          {"created_at", FormatTime(approval.created_at)},
          {"revoked_at", OptionalTime(approval.revoked_at)}};
}

json ModelJson(const Model& model) {
  return {{"name", model.spec.name},
          {"owner", model.spec.owner_job ? "job/" + std::to_string(*model.spec.owner_job)
                                         : model.spec.owner_party},
          {"kind", Name(model.spec.kind)},
          {"features", model.spec.features},
          {"intercept", model.spec.intercept},
          {"level", Name(model.spec.level)},
          {"locations", LocationsJson(model.spec.locations)},
          {"consumers", model.spec.consumers},
          {"withdrawn", model.withdrawn},
          {"created_at", FormatTime(model.created_at)}};
}

json JobJson(const Job& job) {
  json inputs = json::object();
  for (const JobInput& input : job.spec.inputs) {
    inputs[input.input] = {{"dataset", input.dataset},
                           {"version", input.version},
                           {"supplied_by", Name(input.supplied_by)}};
  }
  json parties = json::array();
  for (const JobNode& part : job.parties) {
    parties.push_back({{"party", part.party},
                       {"node", part.node_id},
                       {"state", Name(part.state)},
                       {"result_sha256", part.result_sha256 ? ToHex(*part.result_sha256) : ""},
                       {"result_size", part.result_size},
                       {"error", part.error}});
  }
  json charges = json::array();
  for (const BudgetCharge& charge : job.spec.charges) {
    charges.push_back({{"dataset", charge.dataset},
                       {"epsilon", charge.Total().epsilon},
                       {"delta", charge.Total().delta},
                       {"outputs", rows::LossesByOutputJson(charge.outputs)},
                       {"refunded", charge.refunded}});
  }
  return {{"id", job.id},
          {"plan_hash", ToHex(job.spec.plan_hash)},
          {"consumer", job.spec.consumer},
          {"level", Name(job.spec.level)},
          {"result_key", ToHex(job.spec.result_key)},
          {"status", Name(job.status)},
          {"progress", job.progress},
          {"error", job.error},
          {"inputs", inputs},
          {"parties", parties},
          {"charges", charges},
          {"created_at", FormatTime(job.created_at)},
          {"started_at", OptionalTime(job.started_at)},
          {"finished_at", OptionalTime(job.finished_at)}};
}

json AuditEntryJson(const AuditEntry& entry) {
  return {{"seq", entry.seq},
          {"time", entry.time},
          {"actor", entry.actor},
          {"action", entry.action},
          {"subject", entry.subject},
          {"subject_hash", entry.subject_hash},
          {"details", entry.details},
          {"prev_hash", entry.prev_hash},
          {"entry_hash", entry.entry_hash}};
}

}  // namespace arca::coord
