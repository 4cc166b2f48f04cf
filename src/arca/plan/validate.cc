#include "arca/plan/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "arca/plan/canonical_json.h"
#include "arca/plan/fields.h"

namespace arca::plan {
namespace {

using Columns = std::map<std::string, std::optional<ColumnType>>;

constexpr std::string_view kNeedsNumber = "needs a number (integer, decimal or boolean)";

// "a, b, c" from map keys or a vector, cut after a few.
template <typename Range>
std::string NameList(const Range& names) {
  constexpr size_t kShown = 8;
  std::string out;
  size_t count = 0;
  for (const auto& item : names) {
    const std::string& name = [&]() -> const std::string& {
      if constexpr (requires { item.first; }) {
        return item.first;
      } else {
        return item;
      }
    }();
    if (count++ == kShown) return out + ", ...";
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

std::string_view KindText(ValueKind kind) {
  switch (kind) {
    case ValueKind::kTable:
      return "a table";
    case ValueKind::kStatistics:
      return "statistics";
    case ValueKind::kModel:
      return "a model";
  }
  return "?";
}

class Checker {
 public:
  Checker(const Plan& plan, const Schemas& schemas) : plan_(plan), schemas_(schemas) {}

  void Run() {
    if (!CheckReferences() || !SortTopologically()) return;
    values_.resize(plan_.nodes.size());
    broken_.resize(plan_.nodes.size(), false);
    for (const size_t i : order_) values_[i] = ValueOf(plan_.nodes[i]);
    CheckOutputs();
    CheckUsage();
  }

  std::vector<std::string>& problems() { return problems_; }
  std::vector<size_t>& order() { return order_; }
  std::vector<Value>& values() { return values_; }

 private:
  void Problem(const std::string& context, std::string_view field, std::string_view what) {
    problems_.push_back(Where{context, ""}.Error(field, what).message());
  }

  // Ids are unique and every reference points at something that exists.
  bool CheckReferences() {
    for (size_t i = 0; i < plan_.nodes.size(); ++i) {
      const Node& node = plan_.nodes[i];
      if (!index_.emplace(node.id, i).second) {
        Problem(node.Describe(), "id", "an earlier node has the same id");
      }
    }
    for (const Node& node : plan_.nodes) {
      for (const std::string& input : node.inputs) {
        if (!index_.contains(input))
          Problem(node.Describe(), "inputs", "no node has the id '" + input + "'");
      }
      if (node.op == Op::kColumn) CheckColumnSource(node);
    }
    for (const Output& output : plan_.outputs) {
      if (!index_.contains(output.node)) {
        Problem("output '" + output.name + "'", "node", "no node has the id '" + output.node + "'");
      }
    }
    for (const auto& [dataset, input] : plan_.inputs) {
      const auto schema = schemas_.find(dataset);
      if (schema == schemas_.end()) continue;
      for (const std::string& column : input.columns) {
        if (!schema->second.contains(column)) {
          Problem("input '" + dataset + "'", "columns",
                  "'" + column + "' is not a column of the dataset's schema (" +
                      NameList(schema->second) + ")");
        }
      }
    }
    return problems_.empty();
  }

  void CheckColumnSource(const Node& node) {
    const auto& args = std::get<ColumnArgs>(node.args);
    const auto input = plan_.inputs.find(args.dataset);
    if (input == plan_.inputs.end()) {
      Problem(
          node.Describe(), "dataset",
          "'" + args.dataset + "' is not among the plan's inputs (" + NameList(plan_.inputs) + ")");
      return;
    }
    for (const std::string& column : args.columns) {
      if (!std::binary_search(input->second.columns.begin(), input->second.columns.end(), column)) {
        Problem(node.Describe(), "columns",
                "'" + column + "' is not among the columns input '" + args.dataset +
                    "' declares (" + NameList(input->second.columns) + ")");
      }
    }
  }

  // Kahn's algorithm, always taking the ready node that comes first in the document.
  bool SortTopologically() {
    const size_t n = plan_.nodes.size();
    std::vector<size_t> waiting(n);
    std::vector<std::vector<size_t>> readers(n);
    std::set<size_t> ready;
    for (size_t i = 0; i < n; ++i) {
      waiting[i] = plan_.nodes[i].inputs.size();
      for (const std::string& input : plan_.nodes[i].inputs) readers[index_.at(input)].push_back(i);
      if (waiting[i] == 0) ready.insert(i);
    }
    while (!ready.empty()) {
      const size_t next = *ready.begin();
      ready.erase(ready.begin());
      order_.push_back(next);
      for (const size_t reader : readers[next]) {
        if (--waiting[reader] == 0) ready.insert(reader);
      }
    }
    if (order_.size() == n) return true;
    ReportCycle(waiting);
    return false;
  }

  // Every node left waiting is on a cycle or reads from one; following waiting inputs from
  // the first such node must come back to a node already visited.
  void ReportCycle(const std::vector<size_t>& waiting) {
    size_t current = 0;
    while (waiting[current] == 0) ++current;
    std::vector<size_t> path;
    std::map<size_t, size_t> position;
    while (!position.contains(current)) {
      position[current] = path.size();
      path.push_back(current);
      for (const std::string& input : plan_.nodes[current].inputs) {
        if (waiting[index_.at(input)] > 0) {
          current = index_.at(input);
          break;
        }
      }
    }
    std::string cycle;
    for (size_t i = position[current]; i < path.size(); ++i) {
      cycle += plan_.nodes[path[i]].id + " -> ";
    }
    cycle += plan_.nodes[current].id;
    Problem(plan_.nodes[current].Describe(), "inputs",
            "the nodes form a cycle, each reading the next: " + cycle);
  }

  // The table input `input` of `node`, or null if it is not a table: a problem, unless the
  // input is itself broken (one mistake, one message). Either way `node` is broken.
  const Columns* TableInput(const Node& node, const std::string& input) {
    const size_t source = index_.at(input);
    const Value& value = values_[source];
    if (!broken_[source] && value.kind == ValueKind::kTable) return &value.columns;
    if (!broken_[source]) {
      Problem(node.Describe(), "inputs",
              "'" + input + "' is " + std::string(KindText(value.kind)) + ", not a table");
    }
    broken_[index_.at(node.id)] = true;
    return nullptr;
  }

  // Whether `table` (node `input`'s result) has `column`; a problem if not.
  bool HasColumn(const Node& node, const std::string& input, const Columns& table,
                 std::string_view field, const std::string& column) {
    if (table.contains(column)) return true;
    Problem(node.Describe(), field,
            "the input '" + input + "' has no column '" + column +
                "' (its columns: " + NameList(table) + ")");
    return false;
  }

  void RequireNumeric(const Node& node, std::string_view field, const std::string& column,
                      std::optional<ColumnType> type, std::string_view who) {
    if (type == ColumnType::kCategorical) {
      Problem(node.Describe(), field,
              "column '" + column + "' is categorical; " + std::string(who) + " " +
                  std::string(kNeedsNumber));
    }
  }

  // An expression over `table`'s columns: they exist, their types fit the forms, number
  // constants fit the fixed point; a condition must be boolean. Returns its type.
  std::optional<ColumnType> CheckExpression(const Node& node, const frame::Expression& expression,
                                            const std::string& input, const Columns& table,
                                            const std::string& field, bool condition) {
    bool known = true;
    expression.ForEach([&](const frame::Expression& form) {
      if (form.op == frame::ExprOp::kColumn) {
        known = HasColumn(node, input, table, field, form.column) && known;
      }
      for (const frame::Literal& value : form.values) {
        const double* number = std::get_if<double>(&value);
        // fxp/encoding.h: an encoded value must stay below 2^62, so |x| < 2^(62 - f).
        const int bits = 62 - plan_.fractional_bits;
        if (number != nullptr && !(std::abs(*number) < std::ldexp(1.0, bits))) {
          Problem(node.Describe(), field,
                  EcmaNumberString(*number) + " is outside the fixed-point range: |value| < 2^" +
                      std::to_string(bits) + " with " + std::to_string(plan_.fractional_bits) +
                      " fractional bits");
        }
      }
    });
    if (!known) return std::nullopt;
    const Result<std::optional<ColumnType>> type = frame::TypeOf(
        expression, [&](const std::string& column) -> Result<std::optional<ColumnType>> {
          return table.at(column);
        });
    if (!type.ok()) {
      Problem(node.Describe(), field, type.status().message());
      return std::nullopt;
    }
    if (condition && *type && **type != ColumnType::kBoolean) {
      Problem(node.Describe(), field,
              "is " + std::string(ColumnTypeName(**type)) + "; a condition must be a boolean");
    }
    return *type;
  }

  Value SelectOf(const Node& node, const SelectArgs& args) {
    const std::string& input = node.inputs.at(0);
    const Columns* table = TableInput(node, input);
    if (table == nullptr) return {};
    Value out;
    for (size_t i = 0; i < args.columns.size(); ++i) {
      const std::string& column = args.columns[i];
      if (HasColumn(node, input, *table, "columns[" + std::to_string(i) + "]", column)) {
        out.columns[column] = table->at(column);
      }
    }
    return out;
  }

  Value AssignOf(const Node& node, const AssignArgs& args) {
    const std::string& input = node.inputs.at(0);
    const Columns* table = TableInput(node, input);
    if (table == nullptr) return {};
    Value out{ValueKind::kTable, *table};
    for (size_t i = 0; i < args.columns.size(); ++i) {
      const NewColumn& column = args.columns[i];
      out.columns[column.name] =
          CheckExpression(node, column.value, input, out.columns,
                          "columns[" + std::to_string(i) + "].value", /*condition=*/false);
    }
    return out;
  }

  // The columns `names` of the node's input table (each must exist), for the analytics ops;
  // null if the input is not a table.
  const Columns* AnalyticsInput(const Node& node, const std::vector<std::string>& names,
                                const std::string& field, bool numeric) {
    const std::string& input = node.inputs.at(0);
    const Columns* table = TableInput(node, input);
    if (table == nullptr) return nullptr;
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string at = names.size() == 1 ? field : fmt::format("{}[{}]", field, i);
      if (HasColumn(node, input, *table, at, names[i]) && numeric) {
        RequireNumeric(node, at, names[i], table->at(names[i]), "it");
      }
    }
    return table;
  }

  // A group-by's (keys, then aggregates) or, with no keys, a whole-table aggregate's columns.
  Value AggregatesOf(const Node& node, const std::vector<std::string>& keys,
                     const std::vector<frame::Aggregate>& aggregates) {
    Value out;
    std::vector<std::string> read = keys;
    for (const frame::Aggregate& a : aggregates) {
      if (a.how != frame::Aggregation::kSize) read.push_back(a.column);
    }
    const Columns* table = AnalyticsInput(node, read, keys.empty() ? "aggregates" : "keys", false);
    if (table == nullptr) return out;
    for (const std::string& key : keys) {
      if (table->contains(key)) out.columns[key] = table->at(key);
    }
    for (const frame::Aggregate& a : aggregates) {
      if (!keys.empty()) {
        if (Status s = frame::CheckPerGroup(a); !s.ok())
          Problem(node.Describe(), "aggregates", s.message());
      }
      const bool counts = a.how == frame::Aggregation::kCount ||
                          a.how == frame::Aggregation::kSize ||
                          a.how == frame::Aggregation::kNunique;
      if (!counts && table->contains(a.column)) {
        RequireNumeric(node, "aggregates", a.column, table->at(a.column),
                       std::string(frame::AggregationName(a.how)));
      }
      // The result's type follows the source's (frame::AggregateType); unknown if it is.
      std::optional<ColumnType> type;
      if (counts) {
        type = ColumnType::kInteger;
      } else if (const auto it = table->find(a.column);
                 it != table->end() && it->second.has_value()) {
        type = frame::AggregateType(a.how, it->second.value());
      }
      out.columns[a.name] = type;
    }
    return out;
  }

  // What an analytics op produces: its columns, with their types where they are known.
  Value AnalyticsOf(const Node& node) {
    const auto decimal = std::optional<ColumnType>(ColumnType::kDecimal);
    const auto integer = std::optional<ColumnType>(ColumnType::kInteger);
    const auto categorical = std::optional<ColumnType>(ColumnType::kCategorical);
    Value out;
    if (const auto* args = std::get_if<GroupByArgs>(&node.args)) {
      return AggregatesOf(node, args->keys, args->aggregates);
    }
    if (const auto* args = std::get_if<AggregateArgs>(&node.args)) {
      return AggregatesOf(node, {}, args->aggregates);
    }
    if (const auto* args = std::get_if<SortArgs>(&node.args)) {
      std::vector<std::string> keys;
      for (const frame::SortKey& key : args->by) keys.push_back(key.column);
      const Columns* table = AnalyticsInput(node, keys, "by", false);
      return table == nullptr ? out : Value{ValueKind::kTable, *table};
    }
    if (std::holds_alternative<HeadArgs>(node.args)) {
      const Columns* table = AnalyticsInput(node, {}, "", false);
      return table == nullptr ? out : Value{ValueKind::kTable, *table};
    }
    if (const auto* args = std::get_if<ColumnsArgs>(&node.args)) {
      const bool matrix = node.op != Op::kDistinct;
      const Columns* table = AnalyticsInput(node, args->columns, "columns", matrix);
      if (table == nullptr || !matrix)
        return table == nullptr ? out : Value{ValueKind::kTable, *table};
      out.columns["column"] = categorical;
      for (const std::string& column : args->columns) out.columns[column] = decimal;
      return out;
    }
    if (const auto* args = std::get_if<DescribeArgs>(&node.args)) {
      if (AnalyticsInput(node, args->columns, "columns", true) == nullptr) return out;
      out.columns["statistic"] = categorical;
      for (const std::string& column : args->columns) out.columns[column] = decimal;
      return out;
    }
    if (const auto* args = std::get_if<QuantileArgs>(&node.args)) {
      if (AnalyticsInput(node, {args->column}, "column", true) == nullptr) return out;
      out.columns["quantile"] = decimal;
      out.columns[args->column] = decimal;
      return out;
    }
    if (const auto* args = std::get_if<ValueCountsArgs>(&node.args)) {
      const Columns* table = AnalyticsInput(node, {args->column}, "column", false);
      if (table == nullptr) return out;
      if (table->contains(args->column)) out.columns[args->column] = table->at(args->column);
      out.columns["count"] = integer;
      return out;
    }
    if (const auto* args = std::get_if<HistogramArgs>(&node.args)) {
      if (AnalyticsInput(node, {args->column}, "column", true) == nullptr) return out;
      out.columns = {{"lower", decimal}, {"upper", decimal}, {"count", integer}};
      return out;
    }
    if (const auto* args = std::get_if<CrosstabArgs>(&node.args)) {
      const Columns* table = AnalyticsInput(node, {args->index, args->columns}, "index", false);
      if (table != nullptr && table->contains(args->index)) {
        out.columns[args->index] = table->at(args->index);
      }
      return out;
    }
    return out;
  }

  // pandas' merge columns (frame::JoinedColumns) with their input's types; keys exist and
  // pair numbers with numbers, other types with the same type.
  Value JoinOf(const Node& node, const JoinArgs& args) {
    Value out;
    const Columns* left = TableInput(node, node.inputs.at(0));
    const Columns* right = TableInput(node, node.inputs.at(1));
    if (left == nullptr || right == nullptr) return out;
    const bool on = args.left_on == args.right_on;
    for (size_t j = 0; j < args.left_on.size(); ++j) {
      const std::string l_field = fmt::format("{}[{}]", on ? "on" : "left_on", j);
      const std::string r_field = fmt::format("{}[{}]", on ? "on" : "right_on", j);
      const bool has_left = HasColumn(node, node.inputs[0], *left, l_field, args.left_on[j]);
      const bool has_right = HasColumn(node, node.inputs[1], *right, r_field, args.right_on[j]);
      if (!has_left || !has_right) continue;
      const std::optional<ColumnType> lt = left->at(args.left_on[j]);
      const std::optional<ColumnType> rt = right->at(args.right_on[j]);
      const auto number = [](ColumnType t) {
        return t == ColumnType::kInteger || t == ColumnType::kDecimal;
      };
      if (lt && rt && *lt != *rt && !(number(*lt) && number(*rt))) {
        Problem(node.Describe(), r_field,
                fmt::format("key '{}' is {} but its partner '{}' is {}", args.right_on[j],
                            ColumnTypeName(*rt), args.left_on[j], ColumnTypeName(*lt)));
      }
    }
    const auto names = [](const Columns& table) {
      std::vector<std::string> out_names;
      for (const auto& [name, type] : table) out_names.push_back(name);
      return out_names;
    };
    Result<std::vector<frame::JoinedColumn>> joined =
        frame::JoinedColumns(names(*left), names(*right), args.Spec());
    if (!joined.ok()) {
      Problem(node.Describe(), "suffixes", joined.status().message());
      return out;
    }
    for (const frame::JoinedColumn& c : *joined) {
      out.columns[c.name] = (c.left ? *left : *right).at(c.source);
    }
    return out;
  }

  Value UnionOf(const Node& node) {
    Value out;
    const std::string* first = nullptr;
    for (const std::string& input : node.inputs) {
      const Columns* table = TableInput(node, input);
      if (table == nullptr) continue;
      if (first == nullptr) {
        first = &input;
        out.columns = *table;
        continue;
      }
      if (!std::ranges::equal(*table, out.columns,
                              [](const auto& a, const auto& b) { return a.first == b.first; })) {
        Problem(node.Describe(), "inputs",
                fmt::format("'{}' has the columns ({}) but '{}' has ({}); a union needs the same "
                            "columns",
                            input, NameList(*table), *first, NameList(out.columns)));
        continue;
      }
      for (const auto& [column, type] : *table) {
        std::optional<ColumnType>& known = out.columns[column];
        if (type && known && *type != *known) {
          Problem(node.Describe(), "inputs",
                  fmt::format("column '{}' is {} in '{}' but {} in '{}'", column,
                              ColumnTypeName(*known), *first, ColumnTypeName(*type), input));
        }
        if (!known) known = type;
      }
    }
    return out;
  }

  Value StatsOf(const Node& node, const StatsArgs& args) {
    const std::string& input = node.inputs.at(0);
    const Columns* table = TableInput(node, input);
    if (table == nullptr) return {ValueKind::kStatistics, {}};
    const bool count_only = args.statistics == std::vector<Statistic>{Statistic::kCount};
    if (HasColumn(node, input, *table, "column", args.column) && !count_only) {
      RequireNumeric(node, "column", args.column, table->at(args.column),
                     "every statistic but count");
    }
    if (args.where) CheckExpression(node, *args.where, input, *table, "where", true);
    return {ValueKind::kStatistics, {}};
  }

  Value ModelOf(const Node& node, const TrainArgs& args) {
    const std::string& input = node.inputs.at(0);
    const Columns* table = TableInput(node, input);
    if (table == nullptr) return {ValueKind::kModel, {}};
    for (size_t i = 0; i < args.features.size(); ++i) {
      const std::string field = "features[" + std::to_string(i) + "]";
      if (HasColumn(node, input, *table, field, args.features[i])) {
        RequireNumeric(node, field, args.features[i], table->at(args.features[i]), "a feature");
      }
    }
    if (std::find(args.features.begin(), args.features.end(), args.label) != args.features.end()) {
      Problem(node.Describe(), "label", "'" + args.label + "' is also a feature");
    } else if (HasColumn(node, input, *table, "label", args.label)) {
      const std::optional<ColumnType> type = table->at(args.label);
      if (node.op == Op::kTrainLogistic && type &&
          (type == ColumnType::kDecimal || type == ColumnType::kCategorical)) {
        Problem(node.Describe(), "label",
                "column '" + args.label + "' is " + std::string(ColumnTypeName(*type)) +
                    "; logistic regression needs a boolean or 0/1 integer label");
      } else {
        RequireNumeric(node, "label", args.label, type, "a regression label");
      }
    }
    return {ValueKind::kModel, {}};
  }

  Value PredictionsOf(const Node& node, const InferArgs& args) {
    const std::string& input = node.inputs.at(0);
    if (const Columns* table = TableInput(node, input)) {
      for (size_t i = 0; i < args.features.size(); ++i) {
        const std::string field = "features[" + std::to_string(i) + "]";
        if (HasColumn(node, input, *table, field, args.features[i])) {
          RequireNumeric(node, field, args.features[i], table->at(args.features[i]), "a feature");
        }
      }
    }
    return {ValueKind::kTable, {{"prediction", ColumnType::kDecimal}}};
  }

  Value ValueOf(const Node& node) {
    switch (node.op) {
      case Op::kColumn: {
        const auto& args = std::get<ColumnArgs>(node.args);
        const auto schema = schemas_.find(args.dataset);
        Value out;
        for (const std::string& column : args.columns) {
          std::optional<ColumnType>& type = out.columns[column];
          if (schema != schemas_.end() && schema->second.contains(column)) {
            type = schema->second.at(column);
          }
        }
        return out;
      }
      case Op::kFilter: {
        const std::string& input = node.inputs.at(0);
        const Columns* table = TableInput(node, input);
        if (table == nullptr) return {};
        CheckExpression(node, std::get<FilterArgs>(node.args).where, input, *table, "where", true);
        return {ValueKind::kTable, *table};
      }
      case Op::kUnion:
        return UnionOf(node);
      case Op::kJoin:
        return JoinOf(node, std::get<JoinArgs>(node.args));
      case Op::kStats:
        return StatsOf(node, std::get<StatsArgs>(node.args));
      case Op::kTrainLogistic:
      case Op::kTrainLinear:
        return ModelOf(node, std::get<TrainArgs>(node.args));
      case Op::kInfer:
        return PredictionsOf(node, std::get<InferArgs>(node.args));
      case Op::kSelect:
        return SelectOf(node, std::get<SelectArgs>(node.args));
      case Op::kAssign:
        return AssignOf(node, std::get<AssignArgs>(node.args));
      default:
        return AnalyticsOf(node);
    }
    return {};
  }

  void CheckOutputs() {
    std::set<std::string> names;
    for (const Output& output : plan_.outputs) {
      const std::string context = "output '" + output.name + "'";
      if (!names.insert(output.name).second) {
        Problem(context, "name", "an earlier output has the same name");
      }
      const size_t i = index_.at(output.node);
      if (output.noise && values_[i].kind == ValueKind::kTable && plan_.nodes[i].op != Op::kInfer &&
          !IsSummary(plan_.nodes[i].op)) {
        Problem(context, "noise",
                plan_.nodes[i].Describe() +
                    " releases rows; noise applies to statistics, models, predictions and summary "
                    "tables (groupby, aggregate, describe, quantile, value_counts, histogram, cov, "
                    "corr, crosstab)");
      }
    }
    std::map<std::string, const Node*> stored;
    for (const Node& node : plan_.nodes) {
      const auto* train = std::get_if<TrainArgs>(&node.args);
      if (train == nullptr || !train->store_as) continue;
      const auto [it, added] = stored.emplace(*train->store_as, &node);
      if (!added) {
        Problem(node.Describe(), "store_as",
                "node '" + it->second->id + "' stores a model under the same name");
      }
    }
  }

  // Everything declared is used: each node feeds an output or a stored model, each input
  // dataset and each declared column is read by a column node.
  void CheckUsage() {
    std::vector<bool> used(plan_.nodes.size(), false);
    std::vector<size_t> pending;
    for (const Output& output : plan_.outputs) pending.push_back(index_.at(output.node));
    for (size_t i = 0; i < plan_.nodes.size(); ++i) {
      const auto* train = std::get_if<TrainArgs>(&plan_.nodes[i].args);
      if (train != nullptr && train->store_as) pending.push_back(i);
    }
    while (!pending.empty()) {
      const size_t i = pending.back();
      pending.pop_back();
      if (used[i]) continue;
      used[i] = true;
      for (const std::string& input : plan_.nodes[i].inputs) pending.push_back(index_.at(input));
    }
    std::map<std::string, std::set<std::string>> read;
    for (size_t i = 0; i < plan_.nodes.size(); ++i) {
      const Node& node = plan_.nodes[i];
      if (!used[i]) {
        problems_.push_back(node.Describe() +
                            ": its result is used by no output, no other node and no stored "
                            "model");
      }
      if (const auto* column = std::get_if<ColumnArgs>(&node.args)) {
        read[column->dataset].insert(column->columns.begin(), column->columns.end());
      }
    }
    for (const auto& [dataset, input] : plan_.inputs) {
      const auto it = read.find(dataset);
      if (it == read.end()) {
        problems_.push_back("input '" + dataset + "': no column node reads this dataset");
        continue;
      }
      for (const std::string& column : input.columns) {
        if (!it->second.contains(column)) {
          Problem("input '" + dataset + "'", "columns",
                  "'" + column + "' is declared but no column node selects it");
        }
      }
    }
  }

  const Plan& plan_;
  const Schemas& schemas_;
  std::map<std::string, size_t> index_;
  std::vector<std::string> problems_;
  std::vector<size_t> order_;
  std::vector<Value> values_;
  std::vector<bool> broken_;  // nodes whose input is not what they need
};

}  // namespace

std::vector<std::string> FindProblems(const Plan& plan, const Schemas& schemas) {
  Checker checker(plan, schemas);
  checker.Run();
  return std::move(checker.problems());
}

Result<ValidatedPlan> Validate(Plan plan, const Schemas& schemas) {
  Checker checker(plan, schemas);
  checker.Run();
  const std::vector<std::string>& problems = checker.problems();
  if (!problems.empty()) {
    std::string message = problems.front();
    if (problems.size() > 1) {
      message += " (and " + std::to_string(problems.size() - 1) + " more problem" +
                 (problems.size() > 2 ? "s" : "") + ")";
    }
    return InvalidArgumentError(std::move(message));
  }
  std::vector<size_t> order = std::move(checker.order());
  std::vector<Value> values = std::move(checker.values());
  return ValidatedPlan{std::move(plan), std::move(order), std::move(values)};
}

}  // namespace arca::plan
