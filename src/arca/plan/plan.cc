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
json AggregatesJson(const std::vector<frame::Aggregate>& aggregates) {
  json out = json::array();
  for (const frame::Aggregate& a : aggregates) {
    out.push_back({{"column", a.column}, {"how", frame::AggregationName(a.how)}, {"name", a.name}});
  }
  return out;
}
void WriteArgs(const GroupByArgs& args, json& out) {
  out["keys"] = StringList(args.keys);
  out["aggregates"] = AggregatesJson(args.aggregates);
  json domains = json::object();
  for (const auto& [key, values] : args.domains) domains[key] = values;
  out["domains"] = std::move(domains);
  out["min_group_size"] = args.min_group_size;
}
void WriteArgs(const AggregateArgs& args, json& out) {
  out["aggregates"] = AggregatesJson(args.aggregates);
}
void WriteArgs(const JoinArgs& args, json& out) {
  if (args.left_on == args.right_on) {
    out["on"] = StringList(args.left_on);
  } else {
    out["left_on"] = StringList(args.left_on);
    out["right_on"] = StringList(args.right_on);
  }
  out["how"] = frame::JoinHowName(args.how);
  out["validate"] = frame::JoinCardinalityName(args.cardinality);
  out["suffixes"] = {args.suffixes.first, args.suffixes.second};
}
void WriteArgs(const SortArgs& args, json& out) {
  json by = json::array();
  for (const frame::SortKey& key : args.by) {
    by.push_back({{"column", key.column}, {"ascending", key.ascending}});
  }
  out["by"] = std::move(by);
}
void WriteArgs(const HeadArgs& args, json& out) { out["n"] = args.n; }
void WriteArgs(const ColumnsArgs& args, json& out) { out["columns"] = StringList(args.columns); }
void WriteArgs(const DescribeArgs& args, json& out) {
  out["columns"] = StringList(args.columns);
  out["percentiles"] = args.percentiles;
}
void WriteArgs(const QuantileArgs& args, json& out) {
  out["column"] = args.column;
  out["q"] = args.q;
}
void WriteArgs(const ValueCountsArgs& args, json& out) {
  out["column"] = args.column;
  if (args.domain) out["domain"] = *args.domain;
}
void WriteArgs(const HistogramArgs& args, json& out) {
  out["column"] = args.column;
  out["edges"] = args.edges;
}
void WriteArgs(const CrosstabArgs& args, json& out) {
  out["index"] = args.index;
  out["columns"] = args.columns;
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
    case Op::kGroupBy:
      return "groupby";
    case Op::kSort:
      return "sort";
    case Op::kHead:
      return "head";
    case Op::kDistinct:
      return "distinct";
    case Op::kDescribe:
      return "describe";
    case Op::kQuantile:
      return "quantile";
    case Op::kValueCounts:
      return "value_counts";
    case Op::kHistogram:
      return "histogram";
    case Op::kCov:
      return "cov";
    case Op::kCorr:
      return "corr";
    case Op::kCrosstab:
      return "crosstab";
    case Op::kAggregate:
      return "aggregate";
    case Op::kJoin:
      return "join";
  }
  return "?";
}

bool IsSummary(Op op) {
  switch (op) {
    case Op::kGroupBy:
    case Op::kAggregate:
    case Op::kDescribe:
    case Op::kQuantile:
    case Op::kValueCounts:
    case Op::kHistogram:
    case Op::kCov:
    case Op::kCorr:
    case Op::kCrosstab:
      return true;
    default:
      return false;
  }
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
