#include "arca/coord/job_admission.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>

#include "arca/client/dataset_schema.h"
#include "arca/coord/privacy_budget.h"
#include "arca/plan/validate.h"

namespace arca::coord {
namespace {

bool PlanAllows(const plan::Plan& plan, SecurityLevel level) {
  return std::any_of(plan.levels.begin(), plan.levels.end(),
                     [&](plan::Level allowed) { return plan::LevelName(allowed) == Name(level); });
}

std::string LevelNames(const plan::Plan& plan) {
  std::string out;
  for (const plan::Level level : plan.levels) {
    out += out.empty() ? "" : ", ";
    out += plan::LevelName(level);
  }
  return out;
}

// The columns and their types, as the plan layer checks them.
Result<std::map<std::string, plan::ColumnType>> ColumnTypes(const Dataset& dataset) {
  Result<client::DatasetSchema> schema = client::DatasetSchema::Parse(dataset.spec.schema.dump());
  if (!schema.ok()) {
    return FailedPreconditionError(fmt::format("dataset '{}' version {} has no usable schema: {}",
                                               dataset.spec.name, dataset.version,
                                               schema.status().message()));
  }
  std::map<std::string, plan::ColumnType> types;
  for (const client::Column& column : schema->columns) types[column.name] = column.type;
  return types;
}

Status CheckDatasetUsable(const Dataset& dataset, SecurityLevel level) {
  if (dataset.withdrawn) {
    return PermissionDeniedError(fmt::format("dataset '{}' is withdrawn by its owner '{}'",
                                             dataset.spec.name, dataset.spec.owner));
  }
  if (dataset.spec.level != level) {
    return FailedPreconditionError(fmt::format(
        "dataset '{}' version {} was uploaded for level {}; its owner '{}' must upload it for {} "
        "to run at {}",
        dataset.spec.name, dataset.version, Name(dataset.spec.level), dataset.spec.owner,
        Name(level), Name(level)));
  }
  return OkStatus();
}

Status CheckModels(Store& store, const plan::Plan& plan, std::string_view consumer,
                   SecurityLevel level) {
  for (const plan::Node& node : plan.nodes) {
    if (const auto* infer = std::get_if<plan::InferArgs>(&node.args)) {
      Result<Model> model = store.GetModel(infer->model);
      if (!model.ok()) {
        return FailedPreconditionError(fmt::format("{} applies model '{}', which is not stored",
                                                   node.Describe(), infer->model));
      }
      if (model->withdrawn) {
        return PermissionDeniedError(fmt::format("model '{}' is withdrawn", infer->model));
      }
      if (model->spec.level != level) {
        return FailedPreconditionError(fmt::format("model '{}' is stored for level {}, not {}",
                                                   infer->model, Name(model->spec.level),
                                                   Name(level)));
      }
      if (std::find(model->spec.consumers.begin(), model->spec.consumers.end(), consumer) ==
          model->spec.consumers.end()) {
        return PermissionDeniedError(
            fmt::format("model '{}' does not name '{}' among the consumers that may use it",
                        infer->model, consumer));
      }
      if (model->spec.features.size() != infer->features.size()) {
        return FailedPreconditionError(fmt::format("{} gives {} features, but model '{}' has {}",
                                                   node.Describe(), infer->features.size(),
                                                   infer->model, model->spec.features.size()));
      }
    }
    if (const auto* train = std::get_if<plan::TrainArgs>(&node.args)) {
      if (train->store_as && store.GetModel(*train->store_as).ok()) {
        return FailedPreconditionError(
            fmt::format("{} stores model '{}', but a model of that name exists already",
                        node.Describe(), *train->store_as));
      }
    }
  }
  return OkStatus();
}

}  // namespace

Result<plan::Plan> StoredPlan(Store& store, const crypto::Sha256Digest& plan_hash) {
  ARCA_ASSIGN_OR_RETURN(const Plan stored, store.GetPlan(plan_hash));
  Result<plan::Plan> parsed = plan::Plan::Parse(stored.canonical_json);
  if (!parsed.ok()) {
    return DataLossError(fmt::format("stored plan {} no longer parses: {}", ToHex(plan_hash),
                                     parsed.status().message()));
  }
  return parsed;
}

Result<std::vector<Approval>> ApprovalsInForce(Store& store, const crypto::Sha256Digest& plan_hash,
                                               std::string_view dataset, std::string_view consumer,
                                               SecurityLevel level) {
  ARCA_ASSIGN_OR_RETURN(std::vector<Approval> approvals, store.ApprovalsFor(plan_hash, dataset));
  std::erase_if(approvals, [&](const Approval& approval) {
    const auto& consumers = approval.spec.consumers;
    const auto& levels = approval.spec.levels;
    return std::find(consumers.begin(), consumers.end(), consumer) == consumers.end() ||
           std::find(levels.begin(), levels.end(), level) == levels.end();
  });
  return approvals;
}

Result<JobSpec> AdmitJob(Store& store, const JobBody& request, std::string_view consumer) {
  ARCA_ASSIGN_OR_RETURN(const plan::Plan plan, StoredPlan(store, request.plan_hash));
  const std::string hash = ToHex(request.plan_hash);
  if (!PlanAllows(plan, request.level)) {
    return PermissionDeniedError(fmt::format("plan {} may run at {}, not at {}", hash,
                                             LevelNames(plan), Name(request.level)));
  }
  for (const plan::Output& output : plan.outputs) {
    if (std::find(output.recipients.begin(), output.recipients.end(), consumer) ==
        output.recipients.end()) {
      return PermissionDeniedError(
          fmt::format("output '{}' of plan {} is not for '{}': a job delivers every output to "
                      "its consumer, so every output must name it",
                      output.name, hash, consumer));
    }
  }
  for (const auto& [input, dataset] : request.inputs) {
    const auto declared = plan.inputs.find(input);
    if (declared == plan.inputs.end() ||
        declared->second.supplied_by != plan::Supplier::kConsumer) {
      return InvalidArgumentError(fmt::format(
          "'inputs' binds '{}', which is not an input the plan's consumer supplies", input));
    }
  }

  JobSpec spec{.plan_hash = request.plan_hash,
               .consumer = std::string(consumer),
               .level = request.level,
               .result_key = request.result_key};
  plan::Schemas schemas;
  std::set<std::string> budgeted;
  for (const auto& [input, declared] : plan.inputs) {
    const bool by_consumer = declared.supplied_by == plan::Supplier::kConsumer;
    std::string name = input;
    if (by_consumer) {
      const auto bound = request.inputs.find(input);
      if (bound == request.inputs.end()) {
        return InvalidArgumentError(fmt::format(
            "input '{}' is supplied by the consumer: bind it in 'inputs' to a dataset you "
            "uploaded",
            input));
      }
      name = bound->second;
    }
    Result<Dataset> dataset = store.GetDataset(name);
    if (!dataset.ok()) {
      return FailedPreconditionError(fmt::format(
          "input '{}' of plan {} reads dataset '{}', which is not uploaded", input, hash, name));
    }
    if (by_consumer && dataset->spec.owner != consumer) {
      return PermissionDeniedError(fmt::format(
          "input '{}' is bound to dataset '{}' of '{}'; a consumer binds only its own uploads",
          input, name, dataset->spec.owner));
    }
    ARCA_RETURN_IF_ERROR(CheckDatasetUsable(*dataset, request.level));
    if (!by_consumer) {
      ARCA_ASSIGN_OR_RETURN(
          const std::vector<Approval> approvals,
          ApprovalsInForce(store, request.plan_hash, name, consumer, request.level));
      if (approvals.empty()) {
        return PermissionDeniedError(fmt::format(
            "no approval in force from '{}' lets '{}' use dataset '{}' with plan {} at level {}",
            dataset->spec.owner, consumer, name, hash, Name(request.level)));
      }
      if (dataset->spec.budget) budgeted.insert(name);
    }
    ARCA_ASSIGN_OR_RETURN(schemas[input], ColumnTypes(*dataset));
    spec.inputs.push_back(
        {.input = input,
         .dataset = name,
         .version = dataset->version,
         .supplied_by = by_consumer ? InputSupplier::kConsumer : InputSupplier::kOwner});
  }
  Result<plan::ValidatedPlan> validated = plan::Validate(plan, schemas);
  if (!validated.ok()) {
    return FailedPreconditionError(fmt::format("plan {} does not fit the datasets' schemas: {}",
                                               hash, validated.status().message()));
  }
  ARCA_RETURN_IF_ERROR(CheckModels(store, plan, consumer, request.level));
  ARCA_ASSIGN_OR_RETURN(spec.charges, PlanCharges(*validated, budgeted));
  return spec;
}

Status StillAdmitted(Store& store, const Job& job) {
  for (const JobInput& input : job.spec.inputs) {
    ARCA_ASSIGN_OR_RETURN(const Dataset latest, store.GetDataset(input.dataset));
    if (latest.withdrawn) {
      return PermissionDeniedError(fmt::format("dataset '{}' was withdrawn", input.dataset));
    }
    if (input.supplied_by != InputSupplier::kOwner) continue;
    ARCA_ASSIGN_OR_RETURN(const std::vector<Approval> approvals,
                          ApprovalsInForce(store, job.spec.plan_hash, input.dataset,
                                           job.spec.consumer, job.spec.level));
    if (approvals.empty()) {
      return PermissionDeniedError(
          fmt::format("the approval of dataset '{}' was revoked", input.dataset));
    }
    const bool charged =
        std::any_of(job.spec.charges.begin(), job.spec.charges.end(),
                    [&](const BudgetCharge& charge) { return charge.dataset == input.dataset; });
    if (latest.spec.budget && !charged) {
      return PermissionDeniedError(fmt::format(
          "dataset '{}' came under a privacy budget after the job was admitted", input.dataset));
    }
  }
  ARCA_ASSIGN_OR_RETURN(const plan::Plan plan, StoredPlan(store, job.spec.plan_hash));
  for (const plan::Node& node : plan.nodes) {
    if (const auto* infer = std::get_if<plan::InferArgs>(&node.args)) {
      Result<Model> model = store.GetModel(infer->model);
      if (!model.ok() || model->withdrawn) {
        return PermissionDeniedError(fmt::format("model '{}' was withdrawn", infer->model));
      }
    }
  }
  return OkStatus();
}

}  // namespace arca::coord
