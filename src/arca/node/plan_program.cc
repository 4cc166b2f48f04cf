#include "arca/node/plan_program.h"

#include <fmt/format.h>

#include <string>
#include <utility>

#include "arca/plan/plan.h"
#include "arca/plan/validate.h"

namespace arca::node {
namespace {

using nlohmann::json;

// The column types of every loaded input, for validation against the plan.
plan::Schemas SchemasOf(const LoadedInputs& loaded) {
  plan::Schemas schemas;
  for (const auto& [name, input] : loaded.inputs) {
    auto& columns = schemas[name];
    for (const client::Column& column : input.schema.columns) columns[column.name] = column.type;
  }
  return schemas;
}

Result<plan::InputTable> TableOf(const std::string& name, const LoadedInput& input) {
  if (input.columns.size() != input.schema.columns.size()) {
    return InternalError(fmt::format("input '{}': {} columns loaded for a schema of {}", name,
                                     input.columns.size(), input.schema.columns.size()));
  }
  plan::InputTable table;
  table.rows = input.rows;
  table.frac_bits = input.frac_bits;
  for (size_t c = 0; c < input.columns.size(); ++c) {
    const client::Column& column = input.schema.columns[c];
    table.columns[column.name] =
        plan::InputColumn{column.type, column.categories, input.columns[c]};
  }
  return table;
}

// A model's share file holds one column: its weights, the features' in order, then the
// intercept if it has one (docs/NODE.md).
Result<plan::StoredModel> ModelOf(const std::string& name, const LoadedModel& model) {
  const JobModel& a = model.assignment;
  const int64_t want = static_cast<int64_t>(a.features.size()) + (a.intercept ? 1 : 0);
  if (model.columns.size() != 1 || model.rows != want) {
    return InvalidArgumentError(fmt::format(
        "model '{}': its upload holds {} column(s) of {} rows; {} features{} need one column of "
        "{} weights",
        name, model.columns.size(), model.rows, a.features.size(),
        a.intercept ? " and an intercept" : "", want));
  }
  plan::StoredModel out;
  if (a.kind == "logistic") {
    out.kind = ml::ModelKind::kLogistic;
  } else if (a.kind == "linear") {
    out.kind = ml::ModelKind::kLinear;
  } else {
    return InvalidArgumentError(
        fmt::format("model '{}': kind '{}' is neither logistic nor linear", name, a.kind));
  }
  out.features = a.features;
  out.intercept = a.intercept;
  out.frac_bits = model.frac_bits;
  out.weights = model.columns[0];
  return out;
}

Result<plan::ExecutionInputs> ExecutionInputsOf(const JobAssignment& assignment,
                                                const LoadedInputs& loaded) {
  plan::ExecutionInputs inputs;
  for (const auto& [name, input] : loaded.inputs) {
    ARCA_ASSIGN_OR_RETURN(inputs.datasets[name], TableOf(name, input));
    Result<plan::AnalysisRules> rules = ParseAnalysisRules(input.assignment.rules);
    if (!rules.ok()) {
      return rules.status().WithContext(
          fmt::format("job {}: input '{}': rules", assignment.job, name));
    }
    inputs.rules[name] = *std::move(rules);
  }
  for (const auto& [name, model] : loaded.models) {
    ARCA_ASSIGN_OR_RETURN(inputs.models[name], ModelOf(name, model));
  }
  return inputs;
}

}  // namespace

Result<plan::AnalysisRules> ParseAnalysisRules(const json& rules) {
  plan::AnalysisRules out;
  if (rules.is_null()) return out;
  if (!rules.is_object()) return InvalidArgumentError("rules must be a JSON object");
  for (const auto& [key, value] : rules.items()) {
    if (key == "aggregate_only") {
      if (!value.is_array()) {
        return InvalidArgumentError("field 'aggregate_only': must be a list of column names");
      }
      for (const json& column : value) {
        if (!column.is_string()) {
          return InvalidArgumentError("field 'aggregate_only': must be a list of column names");
        }
        out.aggregate_only.insert(column.get<std::string>());
      }
    } else if (key == "min_rows") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0) {
        return InvalidArgumentError("field 'min_rows': must be an integer >= 0");
      }
      out.min_rows = value.get<int64_t>();
    } else {
      return InvalidArgumentError(
          fmt::format("field '{}': unknown rule (known: aggregate_only, min_rows)", key));
    }
  }
  return out;
}

JobProgram PlanProgram(const JobAssignment& assignment) {
  return [assignment](mpc::Protocol& protocol, const LoadedInputs& loaded,
                      const JobProgress& progress) -> Result<JobOutputs> {
    const std::string job = fmt::format("job {}", assignment.job);
    Result<plan::Plan> parsed = plan::Plan::Parse(assignment.plan);
    if (!parsed.ok()) return parsed.status().WithContext(job + ": plan");
    Result<plan::ValidatedPlan> validated = plan::Validate(*std::move(parsed), SchemasOf(loaded));
    if (!validated.ok()) return validated.status().WithContext(job + ": plan");
    ARCA_ASSIGN_OR_RETURN(plan::ExecutionInputs inputs, ExecutionInputsOf(assignment, loaded));
    ARCA_ASSIGN_OR_RETURN(plan::ExecutionResult result,
                          plan::Execute(*validated, protocol, std::move(inputs), progress));
    JobOutputs outputs;
    for (plan::OutputValue& value : result.outputs) {
      JobOutput out;
      out.name = std::move(value.name);
      out.labels = std::move(value.labels);
      out.frac_bits = value.frac_bits;
      out.value = std::move(value.values);
      out.table = std::move(value.table);
      out.epsilon = value.epsilon_spent.value_or(0);
      outputs.outputs.push_back(std::move(out));
    }
    for (auto& [name, model] : result.stored_models) {
      outputs.models.push_back(
          {.name = name,
           .kind = model.kind == ml::ModelKind::kLogistic ? "logistic" : "linear",
           .features = std::move(model.features),
           .intercept = model.intercept,
           .frac_bits = model.frac_bits,
           .weights = std::move(model.weights)});
    }
    return outputs;
  };
}

}  // namespace arca::node
