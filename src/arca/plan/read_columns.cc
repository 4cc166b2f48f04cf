#include "arca/plan/read_columns.h"

#include <map>
#include <utility>

#include "arca/frame/join.h"

namespace arca::plan {
namespace {

// Adds `what` to `into` (every column absorbs anything).
void Add(ColumnSet& into, const ColumnSet& what) {
  if (!into) return;
  if (!what) {
    into.reset();
    return;
  }
  into->insert(what->begin(), what->end());
}

ColumnSet Named(std::vector<std::string> names) {
  return std::set<std::string>(std::make_move_iterator(names.begin()),
                               std::make_move_iterator(names.end()));
}

// The columns an expression names.
void AddColumnsOf(const frame::Expression& expression, ColumnSet& into) {
  if (!into) return;
  expression.ForEach([&](const frame::Expression& form) {
    if (form.op == frame::ExprOp::kColumn) into->insert(form.column);
  });
}

std::vector<std::string> NamesOf(const Value& value) {
  std::vector<std::string> names;
  for (const auto& [name, type] : value.columns) names.push_back(name);
  return names;
}

// What a join reads of its left (0) and right (1) input when `read` of its result is read.
std::pair<ColumnSet, ColumnSet> JoinReads(const JoinArgs& args, const Value& left,
                                          const Value& right, const ColumnSet& read) {
  if (!read) return {std::nullopt, std::nullopt};
  const std::vector<std::string> left_names = NamesOf(left), right_names = NamesOf(right);
  Result<std::vector<frame::JoinedColumn>> joined =
      frame::JoinedColumns(left_names, right_names, args.Spec());
  if (!joined.ok()) return {std::nullopt, std::nullopt};  // the join itself reports it
  ColumnSet left_read = Named(args.left_on), right_read = Named(args.right_on);
  for (const frame::JoinedColumn& column : *joined) {
    if (!read->contains(column.name)) continue;
    (column.left ? left_read : right_read)->insert(column.source);
  }
  // A name on both sides keeps both partners, or its suffixes would change.
  for (const std::string& name : left_names) {
    if (!right.columns.contains(name)) continue;
    if (left_read->contains(name) || right_read->contains(name)) {
      left_read->insert(name);
      right_read->insert(name);
    }
  }
  return {std::move(left_read), std::move(right_read)};
}

// What node `node` reads of its input `k` when `read` of its own result is read.
ColumnSet InputReads(const ValidatedPlan& plan, const std::map<std::string, size_t>& index,
                     const Node& node, size_t k, const ColumnSet& read) {
  struct Visitor {
    const ColumnSet& read;
    size_t k;
    const ValidatedPlan& plan;
    const std::map<std::string, size_t>& index;
    const Node& node;

    ColumnSet operator()(const ColumnArgs& /*args*/) const { return std::nullopt; }
    ColumnSet operator()(const FilterArgs& args) const {
      ColumnSet out = read;
      AddColumnsOf(args.where, out);
      return out;
    }
    ColumnSet operator()(const UnionArgs& /*args*/) const { return read; }
    ColumnSet operator()(const StatsArgs& args) const {
      ColumnSet out = Named({args.column});
      if (args.where) AddColumnsOf(*args.where, out);
      return out;
    }
    ColumnSet operator()(const TrainArgs& args) const {
      ColumnSet out = Named(args.features);
      out->insert(args.label);
      return out;
    }
    ColumnSet operator()(const InferArgs& args) const { return Named(args.features); }
    ColumnSet operator()(const SelectArgs& args) const { return Named(args.columns); }
    ColumnSet operator()(const AssignArgs& args) const {
      ColumnSet out = read;
      for (const NewColumn& column : args.columns) AddColumnsOf(column.value, out);
      return out;
    }
    ColumnSet operator()(const GroupByArgs& args) const {
      ColumnSet out = Named(args.keys);
      for (const frame::Aggregate& aggregate : args.aggregates) out->insert(aggregate.column);
      return out;
    }
    ColumnSet operator()(const AggregateArgs& args) const {
      ColumnSet out = Named({});
      for (const frame::Aggregate& aggregate : args.aggregates) out->insert(aggregate.column);
      return out;
    }
    ColumnSet operator()(const SortArgs& args) const {
      ColumnSet out = read;
      for (const frame::SortKey& key : args.by) Add(out, Named({key.column}));
      return out;
    }
    ColumnSet operator()(const HeadArgs& /*args*/) const { return read; }
    ColumnSet operator()(const DescribeArgs& args) const {
      if (args.columns.empty()) return std::nullopt;
      return Named(args.columns);
    }
    ColumnSet operator()(const QuantileArgs& args) const { return Named({args.column}); }
    ColumnSet operator()(const ValueCountsArgs& args) const { return Named({args.column}); }
    ColumnSet operator()(const HistogramArgs& args) const { return Named({args.column}); }
    ColumnSet operator()(const CrosstabArgs& args) const {
      return Named({args.index, args.columns});
    }
    ColumnSet operator()(const ColumnsArgs& args) const {
      // distinct keeps every column (its subset, or all of them, decides); cov, corr read theirs.
      if (args.columns.empty()) return std::nullopt;
      if (node.op != Op::kDistinct) return Named(args.columns);
      ColumnSet out = read;
      Add(out, Named(args.columns));
      return out;
    }
    ColumnSet operator()(const JoinArgs& args) const {
      const Value& left = plan.values[index.at(node.inputs.at(0))];
      const Value& right = plan.values[index.at(node.inputs.at(1))];
      std::pair<ColumnSet, ColumnSet> reads = JoinReads(args, left, right, read);
      return k == 0 ? std::move(reads.first) : std::move(reads.second);
    }
  };
  return std::visit(Visitor{read, k, plan, index, node}, node.args);
}

}  // namespace

std::vector<ColumnSet> ReadColumns(const ValidatedPlan& plan) {
  const std::vector<Node>& nodes = plan.plan.nodes;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i].id, i);
  std::vector<ColumnSet> read(nodes.size(), std::set<std::string>{});
  for (const Output& output : plan.plan.outputs) read[index.at(output.node)].reset();
  // Readers come after what they read in the order, so going backwards each node's own read
  // columns are complete before it adds what it reads of its inputs.
  for (auto it = plan.order.rbegin(); it != plan.order.rend(); ++it) {
    const Node& node = nodes[*it];
    if (plan.values[*it].kind != ValueKind::kTable) read[*it].reset();
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      Add(read[index.at(node.inputs[k])], InputReads(plan, index, node, k, read[*it]));
    }
  }
  return read;
}

}  // namespace arca::plan
