// Plan::Parse: a plan document into the model of plan.h, each field checked on its own.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "arca/plan/canonical_json.h"
#include "arca/plan/expression_json.h"
#include "arca/plan/fields.h"
#include "arca/plan/plan.h"

namespace arca::plan {
namespace {

using nlohmann::json;

constexpr size_t kMaxPlanNameBytes = 200;
constexpr size_t kMaxUnionInputs = 64;

constexpr std::array kLevels = {Level::kTee, Level::kDealer2pc, Level::kRep3};
constexpr std::array kSuppliers = {Supplier::kOwner, Supplier::kConsumer};
constexpr std::array kOps = {Op::kColumn,        Op::kFilter,      Op::kUnion,    Op::kStats,
                             Op::kTrainLogistic, Op::kTrainLinear, Op::kInfer,    Op::kSelect,
                             Op::kAssign,        Op::kGroupBy,     Op::kSort,     Op::kHead,
                             Op::kDistinct,      Op::kDescribe,    Op::kQuantile, Op::kValueCounts,
                             Op::kHistogram,     Op::kCov,         Op::kCorr,     Op::kCrosstab,
                             Op::kAggregate,     Op::kJoin};
// Values a list of numbers in a node may hold (quantiles, edges, a key's domain).
constexpr size_t kMaxNumbers = 4096;
constexpr std::array kStatistics = {Statistic::kCount,    Statistic::kSum, Statistic::kMean,
                                    Statistic::kVariance, Statistic::kMin, Statistic::kMax};
constexpr std::array kMechanisms = {Mechanism::kLaplace, Mechanism::kGaussian};

// `value` (the field `field`) must be the name of one of `values`.
template <typename Enum, size_t N>
Result<Enum> EnumValue(const json& value, const Where& where, std::string_view field,
                       const std::array<Enum, N>& values, std::string_view (*name)(Enum)) {
  std::string known;
  for (const Enum candidate : values) {
    if (value.is_string() && value.get_ref<const std::string&>() == name(candidate)) {
      return candidate;
    }
    known += (known.empty() ? "" : ", ") + std::string(name(candidate));
  }
  return where.Error(field, "must be one of " + known);
}

template <typename Enum, size_t N>
Result<Enum> EnumField(const json& object, const Where& where, std::string_view field,
                       const std::array<Enum, N>& values, std::string_view (*name)(Enum),
                       std::optional<std::type_identity_t<Enum>> fallback = std::nullopt) {
  const auto it = object.find(field);
  if (it == object.end()) {
    if (fallback) return *fallback;
    return where.Error(field, "is required");
  }
  return EnumValue(*it, where, field, values, name);
}

// A non-empty list of distinct names of `values`, returned in enum order: these lists are sets.
template <typename Enum, size_t N>
Result<std::vector<Enum>> EnumSetField(const json& object, const Where& where,
                                       std::string_view field, const std::array<Enum, N>& values,
                                       std::string_view (*name)(Enum)) {
  const auto it = object.find(field);
  if (it == object.end()) return where.Error(field, "is required");
  if (!it->is_array() || it->empty() || it->size() > N) {
    return where.Error(field, "must be a list of 1 to " + std::to_string(N));
  }
  std::vector<Enum> out;
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string entry = std::string(field) + "[" + std::to_string(i) + "]";
    ARCA_ASSIGN_OR_RETURN(const Enum value, EnumValue((*it)[i], where, entry, values, name));
    if (std::find(out.begin(), out.end(), value) != out.end()) {
      return where.Error(field, "'" + std::string(name(value)) + "' is listed twice");
    }
    out.push_back(value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<std::string>> SortedColumns(const json& object, const Where& where,
                                               std::string_view field) {
  ARCA_ASSIGN_OR_RETURN(std::vector<std::string> columns,
                        ColumnListField(object, where, field, 1, kMaxColumns));
  std::sort(columns.begin(), columns.end());
  return columns;
}

Result<std::map<std::string, DatasetInput>> ParseInputs(const json& plan) {
  const Where top;
  const auto it = plan.find("inputs");
  if (it == plan.end()) return top.Error("inputs", "is required");
  if (!it->is_object() || it->empty() || it->size() > kMaxInputs) {
    return top.Error(
        "inputs", "must be an object of 1 to " + std::to_string(kMaxInputs) + " datasets by name");
  }
  std::map<std::string, DatasetInput> inputs;
  for (const auto& [name, value] : it->items()) {
    if (!IsName(name)) {
      return top.Error("inputs", "'" + name.substr(0, 64) + "' is not a dataset name: " +
                                     "1 to 64 letters, digits, '_', '.' or '-'");
    }
    const Where where{"input '" + name + "'", ""};
    ARCA_RETURN_IF_ERROR(CheckObject(value, where, {"columns", "supplied_by"}));
    DatasetInput input;
    ARCA_ASSIGN_OR_RETURN(input.columns, SortedColumns(value, where, "columns"));
    ARCA_ASSIGN_OR_RETURN(input.supplied_by, EnumField(value, where, "supplied_by", kSuppliers,
                                                       SupplierName, Supplier::kOwner));
    inputs.emplace(name, std::move(input));
  }
  return inputs;
}

Result<NodeArgs> ParseColumn(const json& node, const Where& where) {
  ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "dataset", "columns"}));
  ColumnArgs args;
  ARCA_ASSIGN_OR_RETURN(args.dataset, NameField(node, where, "dataset"));
  ARCA_ASSIGN_OR_RETURN(args.columns, SortedColumns(node, where, "columns"));
  return NodeArgs{std::move(args)};
}

Result<NodeArgs> ParseFilter(const json& node, const Where& where) {
  ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "where"}));
  if (!node.contains("where")) return where.Error("where", "is required");
  ARCA_ASSIGN_OR_RETURN(frame::Expression condition,
                        ParseExpression(node.at("where"), where, "where"));
  return NodeArgs{FilterArgs{std::move(condition)}};
}

Result<NodeArgs> ParseStats(const json& node, const Where& where) {
  ARCA_RETURN_IF_ERROR(
      CheckObject(node, where, {"id", "op", "inputs", "column", "statistics", "where"}));
  StatsArgs args;
  ARCA_ASSIGN_OR_RETURN(args.column, ColumnField(node, where, "column"));
  ARCA_ASSIGN_OR_RETURN(args.statistics,
                        EnumSetField(node, where, "statistics", kStatistics, StatisticName));
  if (node.contains("where")) {
    ARCA_ASSIGN_OR_RETURN(args.where, ParseExpression(node.at("where"), where, "where"));
  }
  return NodeArgs{std::move(args)};
}

Result<NodeArgs> ParseSelect(const json& node, const Where& where) {
  ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "columns"}));
  SelectArgs args;
  ARCA_ASSIGN_OR_RETURN(args.columns, ColumnListField(node, where, "columns", 1, kMaxColumns));
  return NodeArgs{std::move(args)};
}

Result<NodeArgs> ParseAssign(const json& node, const Where& where) {
  ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "columns"}));
  const auto list = node.find("columns");
  if (list == node.end() || !list->is_array() || list->empty() || list->size() > kMaxColumns) {
    return where.Error("columns", "must be a list of 1 to " + std::to_string(kMaxColumns) +
                                      R"( new columns, each {"name", "value"})");
  }
  AssignArgs args;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string field = "columns[" + std::to_string(i) + "]";
    const Where inside = where.Inside(field);
    ARCA_RETURN_IF_ERROR(CheckObject((*list)[i], inside, {"name", "value"}));
    NewColumn column;
    ARCA_ASSIGN_OR_RETURN(column.name, ColumnField((*list)[i], inside, "name"));
    if (!(*list)[i].contains("value")) return inside.Error("value", "is required");
    ARCA_ASSIGN_OR_RETURN(column.value,
                          ParseExpression((*list)[i].at("value"), where, field + ".value"));
    for (const NewColumn& earlier : args.columns) {
      if (earlier.name == column.name) return inside.Error("name", "is given twice");
    }
    args.columns.push_back(std::move(column));
  }
  return NodeArgs{std::move(args)};
}

// A list of `min`..kMaxNumbers numbers in `range`, in the written order.
Result<std::vector<double>> NumberList(const json& value, const Where& where,
                                       const std::string& field, size_t min, const Range& range) {
  if (!value.is_array() || value.size() < min || value.size() > kMaxNumbers) {
    return where.Error(field, fmt::format("must be a list of {} to {} numbers", min, kMaxNumbers));
  }
  std::vector<double> out;
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string entry = fmt::format("{}[{}]", field, i);
    ARCA_ASSIGN_OR_RETURN(const double number,
                          NumberField(json{{entry, value[i]}}, where, entry, range));
    out.push_back(number);
  }
  return out;
}

Result<std::vector<double>> NumberListField(const json& node, const Where& where,
                                            std::string_view field, size_t min,
                                            const Range& range) {
  const auto it = node.find(field);
  if (it == node.end()) return where.Error(field, "is required");
  return NumberList(*it, where, std::string(field), min, range);
}

Result<std::vector<frame::Aggregate>> ParseAggregates(const json& node, const Where& where) {
  const auto list = node.find("aggregates");
  if (list == node.end() || !list->is_array() || list->empty() || list->size() > kMaxColumns) {
    return where.Error("aggregates", fmt::format("must be a list of 1 to {} aggregates, each "
                                                 R"({{"column", "how", "name"}})",
                                                 kMaxColumns));
  }
  std::vector<frame::Aggregate> out;
  for (size_t i = 0; i < list->size(); ++i) {
    const Where inside = where.Inside(fmt::format("aggregates[{}]", i));
    ARCA_RETURN_IF_ERROR(CheckObject((*list)[i], inside, {"column", "how", "name"}));
    frame::Aggregate aggregate;
    ARCA_ASSIGN_OR_RETURN(aggregate.column, ColumnField((*list)[i], inside, "column"));
    ARCA_ASSIGN_OR_RETURN(aggregate.name, ColumnField((*list)[i], inside, "name"));
    const auto how = (*list)[i].find("how");
    if (how == (*list)[i].end() || !how->is_string()) return inside.Error("how", "is required");
    Result<frame::Aggregation> parsed = frame::ParseAggregation(how->get<std::string>());
    if (!parsed.ok()) return inside.Error("how", parsed.status().message());
    aggregate.how = *parsed;
    for (const frame::Aggregate& earlier : out) {
      if (earlier.name == aggregate.name) return inside.Error("name", "is given twice");
    }
    out.push_back(std::move(aggregate));
  }
  return out;
}

Result<NodeArgs> ParseGroupBy(const json& node, const Where& where) {
  ARCA_RETURN_IF_ERROR(CheckObject(
      node, where, {"id", "op", "inputs", "keys", "aggregates", "domains", "min_group_size"}));
  GroupByArgs args;
  ARCA_ASSIGN_OR_RETURN(args.keys, ColumnListField(node, where, "keys", 1, kMaxColumns));
  ARCA_ASSIGN_OR_RETURN(args.aggregates, ParseAggregates(node, where));
  if (const auto domains = node.find("domains"); domains != node.end()) {
    if (!domains->is_object()) return where.Error("domains", "must be an object of key -> values");
    for (const auto& [key, values] : domains->items()) {
      if (std::find(args.keys.begin(), args.keys.end(), key) == args.keys.end()) {
        return where.Error("domains", "'" + key + "' is not a key");
      }
      ARCA_ASSIGN_OR_RETURN(args.domains[key],
                            NumberList(values, where, "domains." + key, 1, Range{}));
    }
  }
  ARCA_ASSIGN_OR_RETURN(args.min_group_size,
                        IntegerField(node, where, "min_group_size", 0, int64_t{1} << 40, 0));
  return NodeArgs{std::move(args)};
}

Result<NodeArgs> ParseSort(const json& node, const Where& where) {
  ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "by"}));
  const auto by = node.find("by");
  if (by == node.end() || !by->is_array() || by->empty() || by->size() > kMaxColumns) {
    return where.Error("by", R"(must be a list of 1 or more {"column", "ascending"})");
  }
  SortArgs args;
  for (size_t i = 0; i < by->size(); ++i) {
    const Where inside = where.Inside(fmt::format("by[{}]", i));
    ARCA_RETURN_IF_ERROR(CheckObject((*by)[i], inside, {"column", "ascending"}));
    frame::SortKey key;
    ARCA_ASSIGN_OR_RETURN(key.column, ColumnField((*by)[i], inside, "column"));
    ARCA_ASSIGN_OR_RETURN(key.ascending, BoolField((*by)[i], inside, "ascending", true));
    args.by.push_back(std::move(key));
  }
  return NodeArgs{std::move(args)};
}

Result<NodeArgs> ParseJoin(const json& node, const Where& where) {
  ARCA_RETURN_IF_ERROR(CheckObject(
      node, where,
      {"id", "op", "inputs", "on", "left_on", "right_on", "how", "validate", "suffixes"}));
  JoinArgs args;
  if (node.contains("on")) {
    if (node.contains("left_on") || node.contains("right_on")) {
      return where.Error("on", "give on, or left_on and right_on, not both");
    }
    ARCA_ASSIGN_OR_RETURN(args.left_on, ColumnListField(node, where, "on", 1, kMaxColumns));
    args.right_on = args.left_on;
  } else {
    ARCA_ASSIGN_OR_RETURN(args.left_on, ColumnListField(node, where, "left_on", 1, kMaxColumns));
    ARCA_ASSIGN_OR_RETURN(args.right_on, ColumnListField(node, where, "right_on", 1, kMaxColumns));
    if (args.left_on.size() != args.right_on.size()) {
      return where.Error("right_on", "must name as many columns as left_on");
    }
  }
  const auto name_of = [&](std::string_view field,
                           const std::string& fallback) -> Result<std::string> {
    const auto value = node.find(field);
    if (value == node.end()) return fallback;
    if (!value->is_string()) return where.Error(field, "must be a string");
    return value->get<std::string>();
  };
  ARCA_ASSIGN_OR_RETURN(const std::string how, name_of("how", "inner"));
  Result<frame::JoinHow> parsed_how = frame::ParseJoinHow(how);
  if (!parsed_how.ok()) return where.Error("how", parsed_how.status().message());
  args.how = *parsed_how;
  if (!node.contains("validate")) {
    return where.Error("validate", "is required: one_to_one, one_to_many or many_to_one");
  }
  ARCA_ASSIGN_OR_RETURN(const std::string validate, name_of("validate", ""));
  Result<frame::JoinCardinality> cardinality = frame::ParseJoinCardinality(validate);
  if (!cardinality.ok()) return where.Error("validate", cardinality.status().message());
  args.cardinality = *cardinality;
  if (const auto suffixes = node.find("suffixes"); suffixes != node.end()) {
    constexpr size_t kMaxSuffixBytes = 32;
    const auto fits = [](const json& v) {
      if (!v.is_string() || v.get<std::string>().size() > kMaxSuffixBytes) return false;
      const std::string text = v.get<std::string>();
      return std::none_of(text.begin(), text.end(),
                          [](char c) { return static_cast<unsigned char>(c) < 32 || c == 127; });
    };
    if (!suffixes->is_array() || suffixes->size() != 2 || !fits((*suffixes)[0]) ||
        !fits((*suffixes)[1])) {
      return where.Error("suffixes",
                         "must be two strings of at most 32 bytes, without control "
                         "characters");
    }
    args.suffixes = {(*suffixes)[0].get<std::string>(), (*suffixes)[1].get<std::string>()};
  }
  return NodeArgs{std::move(args)};
}

Result<NodeArgs> ParseAnalytics(Op op, const json& node, const Where& where) {
  switch (op) {
    case Op::kGroupBy:
      return ParseGroupBy(node, where);
    case Op::kSort:
      return ParseSort(node, where);
    case Op::kAggregate: {
      ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "aggregates"}));
      ARCA_ASSIGN_OR_RETURN(std::vector<frame::Aggregate> aggregates, ParseAggregates(node, where));
      return NodeArgs{AggregateArgs{std::move(aggregates)}};
    }
    case Op::kHead: {
      ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "n"}));
      ARCA_ASSIGN_OR_RETURN(const int64_t n, IntegerField(node, where, "n", 1, int64_t{1} << 40));
      return NodeArgs{HeadArgs{n}};
    }
    case Op::kDistinct:
    case Op::kCov:
    case Op::kCorr: {
      ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "columns"}));
      ARCA_ASSIGN_OR_RETURN(
          std::vector<std::string> columns,
          ColumnListField(node, where, "columns", op == Op::kDistinct ? 1 : 2, kMaxColumns));
      return NodeArgs{ColumnsArgs{std::move(columns)}};
    }
    case Op::kDescribe: {
      ARCA_RETURN_IF_ERROR(
          CheckObject(node, where, {"id", "op", "inputs", "columns", "percentiles"}));
      DescribeArgs args;
      ARCA_ASSIGN_OR_RETURN(args.columns, ColumnListField(node, where, "columns", 1, kMaxColumns));
      args.percentiles = {0.25, 0.5, 0.75};
      if (node.contains("percentiles")) {
        ARCA_ASSIGN_OR_RETURN(args.percentiles,
                              NumberListField(node, where, "percentiles", 0, Range{0, 1}));
      }
      return NodeArgs{std::move(args)};
    }
    case Op::kQuantile: {
      ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "column", "q"}));
      QuantileArgs args;
      ARCA_ASSIGN_OR_RETURN(args.column, ColumnField(node, where, "column"));
      ARCA_ASSIGN_OR_RETURN(args.q, NumberListField(node, where, "q", 1, Range{0, 1}));
      return NodeArgs{std::move(args)};
    }
    case Op::kValueCounts: {
      ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "column", "domain"}));
      ValueCountsArgs args;
      ARCA_ASSIGN_OR_RETURN(args.column, ColumnField(node, where, "column"));
      if (node.contains("domain")) {
        ARCA_ASSIGN_OR_RETURN(args.domain, NumberListField(node, where, "domain", 1, Range{}));
      }
      return NodeArgs{std::move(args)};
    }
    case Op::kHistogram: {
      ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "column", "edges"}));
      HistogramArgs args;
      ARCA_ASSIGN_OR_RETURN(args.column, ColumnField(node, where, "column"));
      ARCA_ASSIGN_OR_RETURN(args.edges, NumberListField(node, where, "edges", 2, Range{}));
      return NodeArgs{std::move(args)};
    }
    case Op::kCrosstab: {
      ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "index", "columns"}));
      CrosstabArgs args;
      ARCA_ASSIGN_OR_RETURN(args.index, ColumnField(node, where, "index"));
      ARCA_ASSIGN_OR_RETURN(args.columns, ColumnField(node, where, "columns"));
      return NodeArgs{std::move(args)};
    }
    default:
      return InternalError("not an analytics op");
  }
}

Result<NodeArgs> ParseTrain(const json& node, const Where& where) {
  ARCA_RETURN_IF_ERROR(
      CheckObject(node, where,
                  {"id", "op", "inputs", "features", "label", "iterations", "learning_rate", "l2",
                   "intercept", "standardize", "store_as"}));
  TrainArgs args;
  ARCA_ASSIGN_OR_RETURN(args.features, ColumnListField(node, where, "features", 1, kMaxColumns));
  ARCA_ASSIGN_OR_RETURN(args.label, ColumnField(node, where, "label"));
  ARCA_ASSIGN_OR_RETURN(const int64_t iterations,
                        IntegerField(node, where, "iterations", 1, kMaxIterations));
  args.iterations = static_cast<int>(iterations);
  ARCA_ASSIGN_OR_RETURN(args.learning_rate,
                        NumberField(node, where, "learning_rate",
                                    Range{.min = 0, .max = kMaxLearningRate, .min_open = true}));
  ARCA_ASSIGN_OR_RETURN(args.l2,
                        NumberField(node, where, "l2", Range{.min = 0, .max = kMaxL2}, 0.0));
  ARCA_ASSIGN_OR_RETURN(args.intercept, BoolField(node, where, "intercept", true));
  ARCA_ASSIGN_OR_RETURN(args.standardize, BoolField(node, where, "standardize", false));
  if (node.contains("store_as")) {
    ARCA_ASSIGN_OR_RETURN(args.store_as, NameField(node, where, "store_as"));
  }
  return NodeArgs{std::move(args)};
}

Result<NodeArgs> ParseInfer(const json& node, const Where& where) {
  ARCA_RETURN_IF_ERROR(CheckObject(node, where, {"id", "op", "inputs", "model", "features"}));
  InferArgs args;
  ARCA_ASSIGN_OR_RETURN(args.model, NameField(node, where, "model"));
  ARCA_ASSIGN_OR_RETURN(args.features, ColumnListField(node, where, "features", 1, kMaxColumns));
  return NodeArgs{std::move(args)};
}

Result<Node> ParseNode(const json& value, size_t index) {
  const Where at{"nodes[" + std::to_string(index) + "]", ""};
  if (!value.is_object()) return InvalidArgumentError(at.context + " must be a JSON object");
  Node node;
  ARCA_ASSIGN_OR_RETURN(node.id, NameField(value, at, "id"));
  ARCA_ASSIGN_OR_RETURN(node.op,
                        EnumField(value, Where{"node '" + node.id + "'", ""}, "op", kOps, OpName));
  const Where where{node.Describe(), ""};
  switch (node.op) {
    case Op::kColumn: {
      ARCA_ASSIGN_OR_RETURN(node.args, ParseColumn(value, where));
      return node;  // a source: no "inputs"
    }
    case Op::kJoin: {
      ARCA_ASSIGN_OR_RETURN(node.args, ParseJoin(value, where));
      ARCA_ASSIGN_OR_RETURN(node.inputs, NameListField(value, where, "inputs", 2, 2));
      return node;
    }
    case Op::kUnion: {
      ARCA_RETURN_IF_ERROR(CheckObject(value, where, {"id", "op", "inputs"}));
      ARCA_ASSIGN_OR_RETURN(node.inputs, NameListField(value, where, "inputs", 2, kMaxUnionInputs));
      node.args = UnionArgs{};
      return node;
    }
    case Op::kFilter: {
      ARCA_ASSIGN_OR_RETURN(node.args, ParseFilter(value, where));
      break;
    }
    case Op::kStats: {
      ARCA_ASSIGN_OR_RETURN(node.args, ParseStats(value, where));
      break;
    }
    case Op::kTrainLogistic:
    case Op::kTrainLinear: {
      ARCA_ASSIGN_OR_RETURN(node.args, ParseTrain(value, where));
      break;
    }
    case Op::kInfer: {
      ARCA_ASSIGN_OR_RETURN(node.args, ParseInfer(value, where));
      break;
    }
    case Op::kSelect: {
      ARCA_ASSIGN_OR_RETURN(node.args, ParseSelect(value, where));
      break;
    }
    case Op::kAssign: {
      ARCA_ASSIGN_OR_RETURN(node.args, ParseAssign(value, where));
      break;
    }
    default: {
      ARCA_ASSIGN_OR_RETURN(node.args, ParseAnalytics(node.op, value, where));
      break;
    }
  }
  ARCA_ASSIGN_OR_RETURN(node.inputs, NameListField(value, where, "inputs", 1, 1));
  return node;
}

Result<Noise> ParseNoise(const json& value, const Where& output) {
  const Where where = output.Inside("noise");
  ARCA_RETURN_IF_ERROR(CheckObject(value, where, {"mechanism", "epsilon", "delta", "sensitivity"}));
  Noise noise;
  ARCA_ASSIGN_OR_RETURN(noise.mechanism,
                        EnumField(value, where, "mechanism", kMechanisms, MechanismName));
  ARCA_ASSIGN_OR_RETURN(noise.sensitivity, NumberField(value, where, "sensitivity",
                                                       Range{.min = 0, .min_open = true}));
  if (noise.mechanism == Mechanism::kLaplace) {
    ARCA_ASSIGN_OR_RETURN(noise.epsilon,
                          NumberField(value, where, "epsilon", Range{.min = 0, .min_open = true}));
    const auto delta = value.find("delta");
    if (delta != value.end() && !(delta->is_number() && delta->get<double>() == 0)) {
      return where.Error("delta", "must be 0 or absent: the laplace mechanism gives pure ε-DP");
    }
    return noise;
  }
  // The classic Gaussian calibration, σ = sensitivity · sqrt(2 ln(1.25/δ)) / ε, holds for ε < 1
  // only (Dwork & Roth, "The Algorithmic Foundations of Differential Privacy", Theorem A.1).
  ARCA_ASSIGN_OR_RETURN(noise.epsilon,
                        NumberField(value, where, "epsilon",
                                    Range{.min = 0, .max = 1, .min_open = true, .max_open = true}));
  ARCA_ASSIGN_OR_RETURN(noise.delta,
                        NumberField(value, where, "delta",
                                    Range{.min = 0, .max = 1, .min_open = true, .max_open = true}));
  return noise;
}

Result<Output> ParseOutput(const json& value, size_t index) {
  const Where at{"outputs[" + std::to_string(index) + "]", ""};
  if (!value.is_object()) return InvalidArgumentError(at.context + " must be a JSON object");
  Output output;
  ARCA_ASSIGN_OR_RETURN(output.name, NameField(value, at, "name"));
  const Where where{"output '" + output.name + "'", ""};
  ARCA_RETURN_IF_ERROR(CheckObject(value, where, {"name", "node", "recipients", "noise"}));
  ARCA_ASSIGN_OR_RETURN(output.node, NameField(value, where, "node"));
  ARCA_ASSIGN_OR_RETURN(output.recipients,
                        NameListField(value, where, "recipients", 1, kMaxRecipients));
  std::sort(output.recipients.begin(), output.recipients.end());
  if (value.contains("noise")) {
    ARCA_ASSIGN_OR_RETURN(output.noise, ParseNoise(value.at("noise"), where));
  }
  return output;
}

Result<const json*> ListField(const json& plan, std::string_view field, size_t max_size) {
  const auto it = plan.find(field);
  if (it == plan.end()) return Where{}.Error(field, "is required");
  if (!it->is_array() || it->empty() || it->size() > max_size) {
    return Where{}.Error(field, "must be a list of 1 to " + std::to_string(max_size));
  }
  return &*it;
}

Result<Plan> FromJson(const json& document) {
  const Where top;
  ARCA_RETURN_IF_ERROR(CheckObject(
      document, top, {"version", "name", "inputs", "nodes", "outputs", "levels", "fixed_point"}));
  const auto version = document.find("version");
  if (version == document.end()) return top.Error("version", "is required");
  if (!version->is_number() || version->get<double>() != kPlanVersion) {
    return top.Error("version", "must be 1, the version of the plan language this Arca reads");
  }
  Plan plan;
  ARCA_ASSIGN_OR_RETURN(plan.name, TextField(document, top, "name", kMaxPlanNameBytes));
  ARCA_ASSIGN_OR_RETURN(plan.inputs, ParseInputs(document));
  ARCA_ASSIGN_OR_RETURN(const json* nodes, ListField(document, "nodes", kMaxNodes));
  for (size_t i = 0; i < nodes->size(); ++i) {
    ARCA_ASSIGN_OR_RETURN(Node node, ParseNode((*nodes)[i], i));
    plan.nodes.push_back(std::move(node));
  }
  ARCA_ASSIGN_OR_RETURN(const json* outputs, ListField(document, "outputs", kMaxOutputs));
  for (size_t i = 0; i < outputs->size(); ++i) {
    ARCA_ASSIGN_OR_RETURN(Output output, ParseOutput((*outputs)[i], i));
    plan.outputs.push_back(std::move(output));
  }
  ARCA_ASSIGN_OR_RETURN(plan.levels, EnumSetField(document, top, "levels", kLevels, LevelName));
  if (document.contains("fixed_point")) {
    const Where where = top.Inside("fixed_point");
    ARCA_RETURN_IF_ERROR(CheckObject(document.at("fixed_point"), where, {"fractional_bits"}));
    ARCA_ASSIGN_OR_RETURN(
        const int64_t bits,
        IntegerField(document.at("fixed_point"), where, "fractional_bits", kMinFractionalBits,
                     kMaxFractionalBits, kDefaultFractionalBits));
    plan.fractional_bits = static_cast<int>(bits);
  }
  return plan;
}

}  // namespace

Result<Plan> Plan::Parse(std::string_view json_text) {
  if (json_text.size() > kMaxPlanBytes) {
    return InvalidArgumentError("a plan is at most " + std::to_string(kMaxPlanBytes) +
                                " bytes; this one has " + std::to_string(json_text.size()));
  }
  ARCA_ASSIGN_OR_RETURN(const json document, ParseStrictJson(json_text));
  return FromJson(document);
}

}  // namespace arca::plan
