// Names of the plan's enums, and the normal form (Plan::ToJson). Parsing is in plan_parse.cc.
#include "arca/plan/plan.h"

#include <utility>

#include "arca/plan/expression_json.h"

namespace arca::plan {
namespace {

using nlohmann::json;

json StringList(const std::vector<std::string>& items) {
  json out = json::array();
  for (const std::string& item : items) out.push_back(item);
  return out;
}

// The fields each op adds to "id", "op" and "inputs".
void WriteArgs(const ColumnArgs& args, json& out) {
  out["dataset"] = args.dataset;
  out["columns"] = StringList(args.columns);
}
void WriteArgs(const FilterArgs& args, json& out) { out["where"] = ExpressionToJson(args.where); }
void WriteArgs(const UnionArgs& /*args*/, json& /*out*/) {}
void WriteArgs(const StatsArgs& args, json& out) {
  out["column"] = args.column;
  json statistics = json::array();
  for (const Statistic statistic : args.statistics) statistics.push_back(StatisticName(statistic));
  out["statistics"] = std::move(statistics);
  if (args.where) out["where"] = ExpressionToJson(*args.where);
}
void WriteArgs(const TrainArgs& args, json& out) {
  out["features"] = StringList(args.features);
  out["label"] = args.label;
  out["iterations"] = args.iterations;
  out["learning_rate"] = args.learning_rate;
  out["l2"] = args.l2;
  out["intercept"] = args.intercept;
  out["standardize"] = args.standardize;
  if (args.store_as) out["store_as"] = *args.store_as;
}
void WriteArgs(const SelectArgs& args, json& out) { out["columns"] = StringList(args.columns); }
void WriteArgs(const AssignArgs& args, json& out) {
  json columns = json::array();
  for (const NewColumn& column : args.columns) {
    columns.push_back({{"name", column.name}, {"value", ExpressionToJson(column.value)}});
  }
  out["columns"] = std::move(columns);
}
void WriteArgs(const InferArgs& args, json& out) {
  out["model"] = args.model;
  out["features"] = StringList(args.features);
}

json NodeJson(const Node& node) {
  json out = {{"id", node.id}, {"op", OpName(node.op)}};
  if (node.op != Op::kColumn) out["inputs"] = StringList(node.inputs);
  std::visit([&](const auto& args) { WriteArgs(args, out); }, node.args);
  return out;
}

json OutputJson(const Output& output) {
  json out = {
      {"name", output.name}, {"node", output.node}, {"recipients", StringList(output.recipients)}};
  if (output.noise) {
    out["noise"] = {{"mechanism", MechanismName(output.noise->mechanism)},
                    {"epsilon", output.noise->epsilon},
                    {"delta", output.noise->delta},
                    {"sensitivity", output.noise->sensitivity}};
  }
  return out;
}

}  // namespace

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kTee:
      return "tee";
    case Level::kDealer2pc:
      return "dealer2pc";
    case Level::kRep3:
      return "rep3";
  }
  return "?";
}

std::string_view SupplierName(Supplier supplier) {
  return supplier == Supplier::kOwner ? "owner" : "consumer";
}

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kColumn:
      return "column";
    case Op::kFilter:
      return "filter";
    case Op::kUnion:
      return "union";
    case Op::kStats:
      return "stats";
    case Op::kTrainLogistic:
      return "train_logistic";
    case Op::kTrainLinear:
      return "train_linear";
    case Op::kInfer:
      return "infer";
    case Op::kSelect:
      return "select";
    case Op::kAssign:
      return "assign";
  }
  return "?";
}

std::string_view StatisticName(Statistic statistic) {
  switch (statistic) {
    case Statistic::kCount:
      return "count";
    case Statistic::kSum:
      return "sum";
    case Statistic::kMean:
      return "mean";
    case Statistic::kVariance:
      return "variance";
    case Statistic::kMin:
      return "min";
    case Statistic::kMax:
      return "max";
  }
  return "?";
}

std::string_view MechanismName(Mechanism mechanism) {
  return mechanism == Mechanism::kLaplace ? "laplace" : "gaussian";
}

std::string Node::Describe() const { return "node '" + id + "' (" + std::string(OpName(op)) + ")"; }

json Plan::ToJson() const {
  json out = {{"version", kPlanVersion}, {"name", name}};
  json& datasets = out["inputs"] = json::object();
  for (const auto& [dataset, input] : inputs) {
    datasets[dataset] = {{"columns", StringList(input.columns)},
                         {"supplied_by", SupplierName(input.supplied_by)}};
  }
  json& node_list = out["nodes"] = json::array();
  for (const Node& node : nodes) node_list.push_back(NodeJson(node));
  json& output_list = out["outputs"] = json::array();
  for (const Output& output : outputs) output_list.push_back(OutputJson(output));
  json& level_list = out["levels"] = json::array();
  for (const Level level : levels) level_list.push_back(LevelName(level));
  out["fixed_point"] = {{"fractional_bits", fractional_bits}};
  return out;
}

}  // namespace arca::plan
