#include "arca/coord/work_feed.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "arca/coord/job_admission.h"

namespace arca::coord {
namespace {

using nlohmann::json;

// This node's location and SHA-256 among `locations`; "" and "" if it holds none (the dealer).
json LocationOn(const std::vector<CiphertextLocation>& locations, std::string_view node_id,
                json out) {
  out["location"] = "";
  out["sha256"] = "";
  for (const CiphertextLocation& location : locations) {
    if (location.node_id == node_id) {
      out["location"] = location.location;
      out["sha256"] = ToHex(location.sha256);
    }
  }
  return out;
}

// The strictest of the approvals' rules: every aggregate-only column of any of them, and the
// largest minimum row count.
json StrictestRules(const std::vector<Approval>& approvals) {
  std::vector<std::string> aggregate_only;
  std::optional<int64_t> min_rows;
  for (const Approval& approval : approvals) {
    const json& rules = approval.spec.rules;
    if (const auto it = rules.find("aggregate_only"); it != rules.end() && it->is_array()) {
      for (const json& column : *it) {
        if (column.is_string()) aggregate_only.push_back(column.get<std::string>());
      }
    }
    if (const auto it = rules.find("min_rows"); it != rules.end() && it->is_number_integer()) {
      min_rows = std::max(min_rows.value_or(0), it->get<int64_t>());
    }
  }
  std::sort(aggregate_only.begin(), aggregate_only.end());
  aggregate_only.erase(std::unique(aggregate_only.begin(), aggregate_only.end()),
                       aggregate_only.end());
  json out = json::object();
  if (!aggregate_only.empty()) out["aggregate_only"] = aggregate_only;
  if (min_rows) out["min_rows"] = *min_rows;
  return out;
}

Result<json> Assignment(Store& store, const Job& job, std::string_view node_id) {
  const auto self = std::find_if(job.parties.begin(), job.parties.end(),
                                 [&](const JobNode& part) { return part.node_id == node_id; });
  if (self == job.parties.end()) {
    return InternalError(
        fmt::format("job {} was listed for node '{}', which is not in it", job.id, node_id));
  }
  json parties = json::array();
  for (const JobNode& part : job.parties) {
    ARCA_ASSIGN_OR_RETURN(const Node node, store.GetNode(part.node_id));
    parties.push_back({{"node", node.spec.id},
                       {"mesh_endpoint", node.spec.mesh_endpoint},
                       {"signing_key", ToHex(node.spec.signing_key)}});
  }
  ARCA_ASSIGN_OR_RETURN(const Plan stored, store.GetPlan(job.spec.plan_hash));
  ARCA_ASSIGN_OR_RETURN(const plan::Plan plan, StoredPlan(store, job.spec.plan_hash));

  json inputs = json::object();
  for (const JobInput& input : job.spec.inputs) {
    ARCA_ASSIGN_OR_RETURN(const Dataset dataset,
                          store.GetDatasetVersion(input.dataset, input.version));
    std::vector<Approval> approvals;
    if (input.supplied_by == InputSupplier::kOwner) {
      ARCA_ASSIGN_OR_RETURN(approvals, ApprovalsInForce(store, job.spec.plan_hash, input.dataset,
                                                        job.spec.consumer, job.spec.level));
    }
    json ids = json::array();
    for (const Approval& approval : approvals) ids.push_back(approval.id);
    inputs[input.input] = LocationOn(dataset.spec.locations, node_id,
                                     {{"dataset", input.dataset},
                                      {"version", input.version},
                                      {"supplied_by", Name(input.supplied_by)},
                                      {"schema", dataset.spec.schema},
                                      {"approvals", ids},
                                      {"rules", StrictestRules(approvals)}});
  }

  json models = json::object();
  for (const plan::Node& node : plan.nodes) {
    const auto* infer = std::get_if<plan::InferArgs>(&node.args);
    if (infer == nullptr) continue;
    Result<Model> model = store.GetModel(infer->model);
    if (!model.ok()) continue;  // the job was admitted with it; a feed never fails for it
    models[infer->model] = LocationOn(model->spec.locations, node_id,
                                      {{"kind", Name(model->spec.kind)},
                                       {"features", model->spec.features},
                                       {"intercept", model->spec.intercept}});
  }

  return json{{"job", job.id},
              {"status", Name(job.status)},
              {"level", Name(job.spec.level)},
              {"party", self->party},
              {"parties", parties},
              {"plan", stored.canonical_json},
              {"plan_hash", ToHex(stored.hash)},
              {"inputs", inputs},
              {"models", models},
              {"consumer", job.spec.consumer},
              {"result_key", ToHex(job.spec.result_key)}};
}

}  // namespace

Result<json> WorkFeed(Store& store, std::string_view node_id, UnixTime now,
                      std::chrono::seconds finished_for) {
  ARCA_ASSIGN_OR_RETURN(const std::vector<Job> jobs,
                        store.JobsForNode(node_id, now - finished_for));
  json assignments = json::array();
  for (const Job& job : jobs) {
    ARCA_ASSIGN_OR_RETURN(json assignment, Assignment(store, job, node_id));
    assignments.push_back(std::move(assignment));
  }
  json destroy = json::array();
  ARCA_ASSIGN_OR_RETURN(const std::vector<CiphertextLocation> withdrawn,
                        store.WithdrawnLocations(node_id));
  for (const CiphertextLocation& location : withdrawn) {
    destroy.push_back({{"location", location.location}, {"sha256", ToHex(location.sha256)}});
  }
  return json{{"jobs", assignments}, {"destroy", destroy}};
}

}  // namespace arca::coord
