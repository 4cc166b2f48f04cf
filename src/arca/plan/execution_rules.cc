#include "arca/plan/execution_rules.h"

#include <fmt/format.h>

#include <algorithm>

namespace arca::plan {

std::vector<std::set<std::string>> RowSources(const ValidatedPlan& plan) {
  const std::vector<Node>& nodes = plan.plan.nodes;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i].id, i);
  std::vector<std::set<std::string>> sources(nodes.size());
  for (const size_t i : plan.order) {
    if (const auto* column = std::get_if<ColumnArgs>(&nodes[i].args)) {
      sources[i].insert(column->dataset);
    }
    for (const std::string& input : nodes[i].inputs) {
      const std::set<std::string>& from = sources[index.at(input)];
      sources[i].insert(from.begin(), from.end());
    }
  }
  return sources;
}

namespace {

// The input columns that a join renames with its suffixes.
std::vector<std::string> RenamedByJoin(const ValidatedPlan& plan, const Node& node,
                                       const JoinArgs& join) {
  std::vector<std::vector<std::string>> sides;
  for (const std::string& input : node.inputs) {
    std::vector<std::string> names;
    for (size_t k = 0; k < plan.plan.nodes.size(); ++k) {
      if (plan.plan.nodes[k].id != input) continue;
      for (const auto& [name, type] : plan.values[k].columns) names.push_back(name);
    }
    sides.push_back(std::move(names));
  }
  std::vector<std::string> renamed;
  if (sides.size() != 2) return renamed;
  const Result<std::vector<frame::JoinedColumn>> joined =
      frame::JoinedColumns(sides[0], sides[1], join.Spec());
  if (!joined.ok()) return renamed;
  for (const frame::JoinedColumn& c : *joined) {
    if (c.name != c.source) renamed.push_back(c.source);
  }
  return renamed;
}

// Where node i uses a column in a way its owner's aggregate-only rule forbids: (field, column).
std::vector<std::pair<std::string, std::string>> RestrictedUses(const ValidatedPlan& plan,
                                                                size_t i) {
  const Node& node = plan.plan.nodes[i];
  std::vector<std::pair<std::string, std::string>> uses;  // (field, column)
  if (const auto* train = std::get_if<TrainArgs>(&node.args)) {
    for (size_t j = 0; j < train->features.size(); ++j) {
      uses.emplace_back(fmt::format("features[{}]", j), train->features[j]);
    }
    uses.emplace_back("label", train->label);
  } else if (const auto* infer = std::get_if<InferArgs>(&node.args)) {
    for (size_t j = 0; j < infer->features.size(); ++j) {
      uses.emplace_back(fmt::format("features[{}]", j), infer->features[j]);
    }
  } else if (const auto* assign = std::get_if<AssignArgs>(&node.args)) {
    // A new column would carry the values on, out of the owner's sight.
    for (size_t j = 0; j < assign->columns.size(); ++j) {
      assign->columns[j].value.ForEach([&](const frame::Expression& form) {
        if (form.op == frame::ExprOp::kColumn) {
          uses.emplace_back(fmt::format("columns[{}].value", j), form.column);
        }
      });
    }
  } else if (const auto* join = std::get_if<JoinArgs>(&node.args)) {
    // A suffixed name would carry the column on under a name its owner did not list.
    for (const std::string& renamed : RenamedByJoin(plan, node, *join)) {
      uses.emplace_back("suffixes", renamed);
    }
  }
  // A released table holds its columns' values; a summary's are aggregates, but for a
  // group-by's keys, which may be the column's own values.
  for (const Output& output : plan.plan.outputs) {
    if (output.node != node.id || node.op == Op::kInfer ||
        plan.values[i].kind != ValueKind::kTable) {
      continue;
    }
    if (const auto* group_by = std::get_if<GroupByArgs>(&node.args)) {
      for (const std::string& key : group_by->keys) {
        uses.emplace_back("output '" + output.name + "'", key);
      }
      continue;
    }
    if (IsSummary(node.op)) continue;
    for (const auto& [column, type] : plan.values[i].columns) {
      uses.emplace_back("output '" + output.name + "'", column);
    }
  }
  return uses;
}

}  // namespace

Status CheckAggregateOnly(const ValidatedPlan& plan,
                          const std::vector<std::set<std::string>>& sources,
                          const std::map<std::string, AnalysisRules>& rules) {
  for (const size_t i : plan.order) {
    const Node& node = plan.plan.nodes[i];
    for (const auto& [field, column] : RestrictedUses(plan, i)) {
      for (const std::string& dataset : sources[i]) {
        const auto rule = rules.find(dataset);
        if (rule != rules.end() && rule->second.aggregate_only.contains(column)) {
          return PermissionDeniedError(fmt::format(
              "{}: field '{}': column '{}' of dataset '{}' is aggregate-only (its owner's rule): "
              "it may appear only as a stats column or in a predicate",
              node.Describe(), field, column, dataset));
        }
      }
    }
  }
  return OkStatus();
}

MinRows MinRowsOf(const std::set<std::string>& sources,
                  const std::map<std::string, AnalysisRules>& rules) {
  MinRows out;
  for (const std::string& dataset : sources) {
    const auto rule = rules.find(dataset);
    if (rule == rules.end() || rule->second.min_rows <= 0) continue;
    if (rule->second.min_rows > out.rows) {
      out.rows = rule->second.min_rows;
      out.datasets.clear();
    }
    if (rule->second.min_rows == out.rows) out.datasets.push_back(dataset);
  }
  return out;
}

namespace {

Status TooFewRows(const MinRows& minimum, const std::string& what) {
  std::string datasets;
  for (const std::string& d : minimum.datasets) {
    datasets += (datasets.empty() ? "'" : ", '") + d + "'";
  }
  return PermissionDeniedError(
      fmt::format("{} would rest on fewer than {} rows, the minimum that the owner of {} set; "
                  "nothing was released",
                  what, minimum.rows, datasets));
}

}  // namespace

Status CheckMinRows(mpc::Protocol& p, const mpc::Shared& count, const MinRows& minimum,
                    const std::string& what) {
  if (minimum.rows <= 0) return OkStatus();
  mpc::Session::Scope scope(p.session(), "min_rows");
  ARCA_ASSIGN_OR_RETURN(
      mpc::Shared below,
      p.LessThanPublic(count, mpc::RingTensor::FromValues(mpc::Shape{1},
                                                          {static_cast<uint64_t>(minimum.rows)})));
  ARCA_ASSIGN_OR_RETURN(mpc::RingTensor opened, p.Reveal(below));
  return opened[0] != 0 ? TooFewRows(minimum, what) : OkStatus();
}

Status CheckMinRows(int64_t rows, const MinRows& minimum, const std::string& what) {
  return rows < minimum.rows ? TooFewRows(minimum, what) : OkStatus();
}

}  // namespace arca::plan
