#include "arca/plan/executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <variant>

#include "arca/frame/aggregate_rows.h"
#include "arca/frame/describe.h"
#include "arca/frame/distinct.h"
#include "arca/frame/evaluate.h"
#include "arca/frame/group_by.h"
#include "arca/frame/join.h"
#include "arca/frame/quantiles.h"
#include "arca/frame/sort.h"
#include "arca/frame/statistics.h"
#include "arca/frame/union.h"
#include "arca/fxp/fixed_point.h"
#include "arca/ml/dp_noise.h"
#include "arca/ml/standardize.h"
#include "arca/plan/execution_rules.h"
#include "arca/plan/execution_stats.h"
#include "arca/plan/execution_table.h"
#include "arca/plan/fields.h"
#include "arca/plan/read_columns.h"
#include "arca/plan/table_noise.h"

namespace arca::plan {
namespace {

using mpc::Shape;
using mpc::Shared;

using frame::Table;

// What a node produced: a table, statistics, or a model.
using NodeValue = std::variant<std::monostate, Table, StatisticsValue, StoredModel>;

template <typename T>
Result<NodeValue> AsNodeValue(Result<T> result) {
  if (!result.ok()) return result.status();
  return NodeValue(*std::move(result));
}

// Each protocol-bound input matches the plan: present, with its declared columns, each of
// [rows]. Shapes are public, so every party reaches the same verdict.
Status CheckInputs(const Plan& plan, const ExecutionInputs& inputs) {
  for (const auto& [name, declared] : plan.inputs) {
    const std::string context = "input '" + name + "'";
    const auto it = inputs.datasets.find(name);
    if (it == inputs.datasets.end()) {
      return InvalidArgumentError(fmt::format("{}: no data was supplied for it", context));
    }
    const InputTable& table = it->second;
    if (table.rows < 1) {
      return InvalidArgumentError(fmt::format("{}: a dataset needs at least one row", context));
    }
    if (Status s = fxp::CheckFracBits(table.frac_bits); !s.ok()) return s.WithContext(context);
    for (const std::string& column : declared.columns) {
      const auto c = table.columns.find(column);
      if (c == table.columns.end()) {
        return InvalidArgumentError(
            fmt::format("{}: column '{}' was not supplied with the dataset", context, column));
      }
      if (c->second.values.shape() != Shape{table.rows}) {
        return InvalidArgumentError(
            fmt::format("{}: column '{}' has shape {}; {} rows need [{}]", context, column,
                        c->second.values.shape().ToString(), table.rows, table.rows));
      }
    }
  }
  return OkStatus();
}

// The supplied datasets' column types, to check the plan against (validate.h).
Schemas SchemasOf(const ExecutionInputs& inputs) {
  Schemas schemas;
  for (const auto& [name, table] : inputs.datasets) {
    for (const auto& [column, values] : table.columns) schemas[name][column] = values.type;
  }
  return schemas;
}

Result<double> NoiseScale(const Noise& noise) {
  if (!(noise.epsilon > 0) || !(noise.sensitivity > 0)) {
    return InvalidArgumentError("noise needs epsilon > 0 and sensitivity > 0");
  }
  if (noise.mechanism == Mechanism::kLaplace) return noise.sensitivity / noise.epsilon;
  if (!(noise.delta > 0 && noise.delta < 1)) {
    return InvalidArgumentError("gaussian noise needs delta in (0, 1)");
  }
  return noise.sensitivity * std::sqrt(2 * std::log(1.25 / noise.delta)) / noise.epsilon;
}

// Progress as units of work: one per node and per noisy output, one per training iteration.
class Progress {
 public:
  Progress(const Plan& plan, ExecutionProgress report) : report_(std::move(report)) {
    for (const Node& node : plan.nodes) {
      total_ += 1;
      if (const auto* train = std::get_if<TrainArgs>(&node.args)) total_ += train->iterations;
    }
    for (const Output& output : plan.outputs) total_ += output.noise ? 1 : 0;
  }
  void Advance(double units) {
    done_ += units;
    if (report_) report_(std::min(1.0, done_ / total_));
  }
  double done() const { return done_; }
  void Report(double done) {
    if (report_) report_(std::min(1.0, done / total_));
  }

 private:
  ExecutionProgress report_;
  double total_ = 0;
  double done_ = 0;
};

class Runner {
 public:
  Runner(const ValidatedPlan& plan, mpc::Protocol& p, ExecutionInputs inputs,
         const ExecutionProgress& progress)
      : plan_(plan.plan),
        validated_(plan),
        p_(p),
        fp_(p, plan.plan.fractional_bits),
        inputs_(std::move(inputs)),
        progress_(plan.plan, progress),
        values_(plan.plan.nodes.size()),
        reads_left_(plan.plan.nodes.size(), 0),
        read_columns_(ReadColumns(plan)) {
    for (size_t i = 0; i < plan_.nodes.size(); ++i) index_.emplace(plan_.nodes[i].id, i);
    for (const Node& node : plan_.nodes) {
      for (const std::string& input : node.inputs) ++reads_left_[index_.at(input)];
      if (const auto* args = std::get_if<ColumnArgs>(&node.args)) ++loads_left_[args->dataset];
    }
    for (const Output& output : plan_.outputs) ++reads_left_[index_.at(output.node)];
  }

  Result<ExecutionResult> Run() {
    // Everything that can be checked on public information first, before any protocol step.
    ARCA_RETURN_IF_ERROR(CheckInputs(plan_, inputs_));
    const std::vector<std::string> problems = FindProblems(plan_, SchemasOf(inputs_));
    if (!problems.empty()) {
      return InvalidArgumentError("the plan does not fit the supplied data: " + problems.front());
    }
    sources_ = RowSources(validated_);
    ARCA_RETURN_IF_ERROR(CheckAggregateOnly(validated_, sources_, inputs_.rules));

    for (const size_t i : validated_.order) {
      const Node& node = plan_.nodes[i];
      mpc::Session::Scope scope(p_.session(), node.id);
      Result<NodeValue> value = RunNode(i);
      if (!value.ok()) return value.status().WithContext(node.Describe());
      values_[i] = *std::move(value);
      DropUnreadColumns(i);
      for (const std::string& input : node.inputs) DoneReading(index_.at(input));
      progress_.Advance(1);
    }
    for (const Output& output : plan_.outputs) {
      ARCA_ASSIGN_OR_RETURN(OutputValue value, MakeOutput(output));
      result_.outputs.push_back(std::move(value));
      DoneReading(index_.at(output.node));
    }
    return std::move(result_);
  }

 private:
  Result<NodeValue> RunNode(size_t i) {
    const Node& node = plan_.nodes[i];
    switch (node.op) {
      case Op::kColumn: {
        const auto& args = std::get<ColumnArgs>(node.args);
        return AsNodeValue(LoadColumns(p_, TakeInput(args), args.columns, fp_.frac_bits()));
      }
      case Op::kFilter: {
        ARCA_ASSIGN_OR_RETURN(Table input, TakeTable(node, 0));
        return AsNodeValue(AtField(
            "where", frame::Filter(fp_, std::move(input), std::get<FilterArgs>(node.args).where)));
      }
      case Op::kSort: {
        ARCA_ASSIGN_OR_RETURN(Table input, TakeTable(node, 0));
        return AsNodeValue(
            frame::SortRows(fp_, std::move(input), std::get<SortArgs>(node.args).by));
      }
      case Op::kHead: {
        ARCA_ASSIGN_OR_RETURN(Table input, TakeTable(node, 0));
        return AsNodeValue(frame::Head(fp_, std::move(input), std::get<HeadArgs>(node.args).n));
      }
      case Op::kSelect:
        return Select(i, std::get<SelectArgs>(node.args));
      case Op::kAssign:
        return Assign(i, std::get<AssignArgs>(node.args));
      default:
        return Analytics(i);
      case Op::kJoin: {
        ARCA_ASSIGN_OR_RETURN(Table left, TakeTable(node, 0));
        ARCA_ASSIGN_OR_RETURN(Table right, TakeTable(node, 1));
        return AsNodeValue(frame::Join(p_, std::move(left), std::move(right),
                                       std::get<JoinArgs>(node.args).Spec()));
      }
      case Op::kUnion:
        return Union(i);
      case Op::kStats:
        return Stats(i, std::get<StatsArgs>(node.args));
      case Op::kTrainLogistic:
      case Op::kTrainLinear:
        return Train(i, std::get<TrainArgs>(node.args));
      case Op::kInfer:
        return Infer(i, std::get<InferArgs>(node.args));
    }
    return InternalError("unknown op");
  }

  // The dataset a `column` node reads: moved out for the last node that reads it (its columns
  // are then held once, in the plan's tables), otherwise a copy of the columns this one reads.
  InputTable TakeInput(const ColumnArgs& args) {
    InputTable& input = inputs_.datasets.at(args.dataset);
    if (--loads_left_[args.dataset] == 0) return std::move(input);
    InputTable copy{.rows = input.rows, .frac_bits = input.frac_bits, .columns = {}};
    for (const std::string& name : args.columns) {
      if (const auto it = input.columns.find(name); it != input.columns.end()) {
        copy.columns.insert(*it);
      }
    }
    return copy;
  }

  // Node j's value as a table (the validator refuses a non-table input before any step).
  Result<Table*> TableAt(size_t j) {
    Table* table = std::get_if<Table>(&values_[j]);
    if (table == nullptr) return InternalError("an input that is not a table was not refused");
    return table;
  }

  Result<const Table*> TableInput(const Node& node, size_t k) {
    ARCA_ASSIGN_OR_RETURN(const Table* table, TableAt(index_.at(node.inputs.at(k))));
    return table;
  }

  // Node j's table for a step that changes it: moved out when this is its last read (its
  // columns are not copied), copied otherwise.
  Result<Table> TakeTable(size_t j) {
    ARCA_ASSIGN_OR_RETURN(Table * table, TableAt(j));
    if (reads_left_[j] == 1) return std::move(*table);
    return *table;
  }
  Result<Table> TakeTable(const Node& node, size_t k) {
    return TakeTable(index_.at(node.inputs.at(k)));
  }

  // Whether `table` has a column outside `read`, and `table` without such columns.
  static bool HasUnread(const Table& table, const ColumnSet& read) {
    return read && std::any_of(table.columns.begin(), table.columns.end(),
                               [&](const frame::Column& c) { return !read->contains(c.name); });
  }
  static void KeepRead(Table& table, const ColumnSet& read) {
    if (!read) return;
    std::erase_if(table.columns, [&](const frame::Column& c) { return !read->contains(c.name); });
  }

  // Node i's table without the columns no later node or output reads (read_columns.h), so
  // that the steps after it neither carry nor shuffle them.
  void DropUnreadColumns(size_t i) {
    if (Table* table = std::get_if<Table>(&values_[i])) KeepRead(*table, read_columns_[i]);
  }

  // One read of node j's value is done; after its last, the value is dropped (memory stays
  // bounded by what later steps still need, not by the whole plan).
  void DoneReading(size_t j) {
    if (--reads_left_[j] == 0) values_[j] = std::monostate{};
  }

  static Result<const frame::Column*> ColumnOf(const Table& table, const std::string& name,
                                               const std::string& field) {
    const frame::Column* column = table.Find(name);
    if (column == nullptr) {
      return Where{"", ""}.Error(field, "the input has no column '" + name + "'");
    }
    return column;
  }

  // A frame error, as an error of the node's field `field`.
  template <typename T>
  static Result<T> AtField(const std::string& field, Result<T> result) {
    if (result.ok()) return result;
    return Where{"", ""}.Error(field, result.status().message());
  }

  // The union of the node's inputs. An input that another node also reads may keep columns
  // that this union's readers do not (DropUnreadColumns); the union takes such an input
  // (TakeTable) without them, so that it gets the same columns of every input.
  Result<NodeValue> Union(size_t i) {
    const Node& node = plan_.nodes[i];
    const ColumnSet& read = read_columns_[i];
    std::vector<Table> narrowed;
    narrowed.reserve(node.inputs.size());
    std::vector<const Table*> tables;
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      ARCA_ASSIGN_OR_RETURN(const Table* table, TableInput(node, k));
      if (HasUnread(*table, read)) {
        ARCA_ASSIGN_OR_RETURN(Table taken, TakeTable(node, k));
        KeepRead(taken, read);
        narrowed.push_back(std::move(taken));
        table = &narrowed.back();
      }
      tables.push_back(table);
    }
    return AsNodeValue(frame::Union(p_, tables));
  }

  Result<NodeValue> Select(size_t i, const SelectArgs& args) {
    ARCA_ASSIGN_OR_RETURN(Table input, TakeTable(plan_.nodes[i], 0));
    std::vector<frame::Column> selected;
    for (size_t k = 0; k < args.columns.size(); ++k) {
      ARCA_ASSIGN_OR_RETURN(const frame::Column* column,
                            ColumnOf(input, args.columns[k], fmt::format("columns[{}]", k)));
      // Names are distinct (plan_parse.cc), so each column is moved out once.
      selected.push_back(
          std::move(input.columns[static_cast<size_t>(column - input.columns.data())]));
    }
    input.columns = std::move(selected);
    return NodeValue(std::move(input));
  }

  // Known-domain group-by when every key has a small public domain (categories, 0/1, or
  // declared values) and their combinations are few; otherwise the sort-based one.
  static bool FitsDomains(const Table& table, const GroupByArgs& args) {
    constexpr int64_t kMaxDomainGroups = 4096;
    int64_t groups = 1;
    for (const std::string& key : args.keys) {
      const frame::Column* column = table.Find(key);
      if (column == nullptr) return false;
      int64_t size = 0;
      if (column->type == ColumnType::kCategorical) {
        size = static_cast<int64_t>(column->categories.size());
      } else if (column->type == ColumnType::kBoolean) {
        size = 2;
      } else if (const auto it = args.domains.find(key); it != args.domains.end()) {
        size = static_cast<int64_t>(it->second.size());
      } else {
        return false;
      }
      groups *= std::max<int64_t>(size, 1);
      if (groups > kMaxDomainGroups) return false;
    }
    return true;
  }

  Result<NodeValue> Analytics(size_t i) {
    const Node& node = plan_.nodes[i];
    ARCA_ASSIGN_OR_RETURN(const Table* input, TableInput(node, 0));
    const Table& table = *input;
    if (const auto* args = std::get_if<GroupByArgs>(&node.args)) {
      // An owner's min_rows is a minimum group size for every group released.
      frame::GroupByOptions options;
      options.min_group_size =
          std::max(args->min_group_size, MinRowsOf(sources_[i], inputs_.rules).rows);
      if (NoisedOutput(node) != nullptr) {
        // Released with noise: groups are kept by their noisy count (table_noise.h).
        ARCA_RETURN_IF_ERROR(CheckNoisedGroupBy(node, table, *args, options.min_group_size));
        noisy_min_count_[i] = options.min_group_size;
        options.min_group_size = 0;
      }
      return AsNodeValue(
          FitsDomains(table, *args)
              ? frame::GroupByDomain(fp_, table, args->keys, args->aggregates, args->domains,
                                     options)
              : frame::GroupBySorted(fp_, table, args->keys, args->aggregates, options));
    }
    if (node.op == Op::kDistinct) {
      return AsNodeValue(
          frame::DropDuplicates(fp_, table, std::get<ColumnsArgs>(node.args).columns));
    }
    // The summaries rest on the table's rows: an owner's min_rows applies to them as to stats.
    ARCA_ASSIGN_OR_RETURN(Shared count, p_.Sum(table.valid, -1));
    ARCA_RETURN_IF_ERROR(CheckRows(i, count, !table.all_valid, table.rows));
    if (const auto* args = std::get_if<AggregateArgs>(&node.args)) {
      return AsNodeValue(frame::AggregateRows(fp_, table, args->aggregates));
    }
    if (const auto* args = std::get_if<ColumnsArgs>(&node.args)) {
      return AsNodeValue(node.op == Op::kCov ? frame::Covariance(fp_, table, args->columns)
                                             : frame::Correlation(fp_, table, args->columns));
    }
    if (const auto* args = std::get_if<DescribeArgs>(&node.args)) {
      return AsNodeValue(frame::Describe(fp_, table, args->columns, args->percentiles));
    }
    if (const auto* args = std::get_if<QuantileArgs>(&node.args)) {
      return AsNodeValue(frame::Quantiles(fp_, table, args->column, args->q));
    }
    if (const auto* args = std::get_if<ValueCountsArgs>(&node.args)) {
      frame::KeyDomains domains;
      if (args->domain) domains[args->column] = *args->domain;
      return AsNodeValue(frame::ValueCounts(fp_, table, args->column, domains));
    }
    if (const auto* args = std::get_if<HistogramArgs>(&node.args)) {
      return AsNodeValue(frame::Histogram(fp_, table, args->column, args->edges));
    }
    if (const auto* args = std::get_if<CrosstabArgs>(&node.args)) {
      return AsNodeValue(frame::Crosstab(fp_, table, args->index, args->columns));
    }
    return InternalError("unknown op");
  }

  // The output that releases `node` with noise, or null.
  const Output* NoisedOutput(const Node& node) const {
    for (const Output& output : plan_.outputs) {
      if (output.node == node.id && output.noise) return &output;
    }
    return nullptr;
  }

  // A group-by released with noise has public rows (known domains), and when a minimum group
  // size applies, nothing else reads it without noise (it is computed without suppression).
  Status CheckNoisedGroupBy(const Node& node, const Table& table, const GroupByArgs& args,
                            int64_t min_group_size) const {
    if (!FitsDomains(table, args)) {
      return InvalidArgumentError(
          "noise on a group-by needs keys with known domains (categorical, boolean, or integer "
          "with declared 'domains'; at most 4096 combinations): which groups exist would "
          "otherwise be released exactly");
    }
    if (min_group_size <= 0) return OkStatus();
    const auto reads = [&](const Node& other) {
      return std::find(other.inputs.begin(), other.inputs.end(), node.id) != other.inputs.end();
    };
    const bool plain_use =
        std::any_of(plan_.nodes.begin(), plan_.nodes.end(), reads) ||
        std::any_of(plan_.outputs.begin(), plan_.outputs.end(),
                    [&](const Output& o) { return o.node == node.id && !o.noise; });
    if (plain_use) {
      return InvalidArgumentError(fmt::format(
          "it is released with noise and also used without: with a minimum group size of {}, "
          "give the noisy output a group-by of its own",
          min_group_size));
    }
    if (CountColumn(node).empty()) {
      return InvalidArgumentError(fmt::format(
          "a minimum group size of {} with noise needs a 'size' or 'count' aggregate: groups are "
          "kept by their noisy count",
          min_group_size));
    }
    return OkStatus();
  }

  Result<NodeValue> Assign(size_t i, const AssignArgs& args) {
    ARCA_ASSIGN_OR_RETURN(Table out, TakeTable(plan_.nodes[i], 0));
    for (size_t k = 0; k < args.columns.size(); ++k) {
      const NewColumn& column = args.columns[k];
      ARCA_ASSIGN_OR_RETURN(frame::Column value,
                            AtField(fmt::format("columns[{}].value", k),
                                    frame::Evaluate(fp_, out, column.value, column.name)));
      out = frame::WithColumn(std::move(out), std::move(value));
    }
    return NodeValue(std::move(out));
  }

  // The rows of `names` in `table` as a matrix [rows, names.size()].
  Result<Shared> Matrix(const Table& table, const std::vector<std::string>& names) {
    std::vector<Shared> rows;
    for (size_t j = 0; j < names.size(); ++j) {
      ARCA_ASSIGN_OR_RETURN(const frame::Column* column,
                            ColumnOf(table, names[j], fmt::format("features[{}]", j)));
      ARCA_ASSIGN_OR_RETURN(Shared row, p_.Reshape(column->values, Shape{1, table.rows}));
      rows.push_back(std::move(row));
    }
    ARCA_ASSIGN_OR_RETURN(Shared stacked, p_.ConcatRows(rows));
    return p_.Transpose(stacked);
  }

  // Who would see what node `i` computes, for min_rows errors: "output 'x'" or "the model
  // stored as 'm'".
  std::string Released(size_t i) const {
    const Node& node = plan_.nodes[i];
    for (const Output& output : plan_.outputs) {
      if (output.node == node.id) return "output '" + output.name + "'";
    }
    const auto* train = std::get_if<TrainArgs>(&node.args);
    if (train != nullptr && train->store_as)
      return "the model stored as '" + *train->store_as + "'";
    return "its result";
  }

  // The owners' min_rows for what node `i` releases: on the secret count of selected rows, or,
  // where no filter narrowed them, on the public number of rows.
  Status CheckRows(size_t i, const Shared& count, bool filtered, int64_t rows) {
    const MinRows minimum = MinRowsOf(sources_[i], inputs_.rules);
    if (!filtered) return CheckMinRows(rows, minimum, Released(i));
    return CheckMinRows(p_, count, minimum, Released(i));
  }

  Result<NodeValue> Stats(size_t i, const StatsArgs& args) {
    ARCA_ASSIGN_OR_RETURN(const Table* table, TableInput(plan_.nodes[i], 0));
    ARCA_ASSIGN_OR_RETURN(const frame::Column* column, ColumnOf(*table, args.column, "column"));
    Shared selection = table->valid;
    bool filtered = !table->all_valid;
    if (args.where) {
      ARCA_ASSIGN_OR_RETURN(Shared kept,
                            AtField("where", frame::EvaluateCondition(fp_, *table, *args.where)));
      ARCA_ASSIGN_OR_RETURN(selection, frame::Narrow(p_, *table, kept));
      filtered = true;
    }
    ARCA_ASSIGN_OR_RETURN(Shared count, p_.Sum(selection, -1));
    ARCA_RETURN_IF_ERROR(CheckRows(i, count, filtered, table->rows));
    return AsNodeValue(
        ComputeStatistics(fp_, args.statistics, *column, selection, filtered, count));
  }

  Result<NodeValue> Train(size_t i, const TrainArgs& args) {
    const Node& node = plan_.nodes[i];
    ARCA_ASSIGN_OR_RETURN(const Table* table, TableInput(node, 0));
    ARCA_ASSIGN_OR_RETURN(Shared features, Matrix(*table, args.features));
    ARCA_ASSIGN_OR_RETURN(const frame::Column* label, ColumnOf(*table, args.label, "label"));
    ARCA_ASSIGN_OR_RETURN(Shared count, p_.Sum(table->valid, -1));
    ARCA_RETURN_IF_ERROR(CheckRows(i, count, !table->all_valid, table->rows));
    ml::TrainOptions options;
    options.kind =
        node.op == Op::kTrainLogistic ? ml::ModelKind::kLogistic : ml::ModelKind::kLinear;
    options.iterations = args.iterations;
    options.learning_rate = args.learning_rate;
    options.l2 = args.l2;
    options.intercept = args.intercept;
    std::optional<ml::Standardized> scaled;
    if (args.standardize) {
      ARCA_ASSIGN_OR_RETURN(scaled, ml::Standardize(fp_, features, table->valid, args.intercept));
      features = scaled->features;
    }
    const double before = progress_.done();
    ARCA_ASSIGN_OR_RETURN(Shared weights,
                          ml::Train(fp_, features, label->values, table->valid, options,
                                    [&](int done) { progress_.Report(before + done); }));
    if (scaled) {
      ARCA_ASSIGN_OR_RETURN(weights, ml::Unstandardize(fp_, *scaled, weights, args.intercept));
    }
    progress_.Advance(args.iterations);
    StoredModel model{options.kind, args.features, args.intercept, fp_.frac_bits(),
                      std::move(weights)};
    if (args.store_as) result_.stored_models[*args.store_as] = model;
    return NodeValue(std::move(model));
  }

  Result<const StoredModel*> FindModel(const std::string& name) const {
    if (const auto it = result_.stored_models.find(name); it != result_.stored_models.end()) {
      return &it->second;
    }
    if (const auto it = inputs_.models.find(name); it != inputs_.models.end()) {
      return &it->second;
    }
    return Status(StatusCode::kNotFound,
                  "field 'model': no stored model '" + name + "' was supplied");
  }

  Result<NodeValue> Infer(size_t i, const InferArgs& args) {
    ARCA_ASSIGN_OR_RETURN(const Table* table, TableInput(plan_.nodes[i], 0));
    ARCA_ASSIGN_OR_RETURN(const StoredModel* model, FindModel(args.model));
    const auto want = static_cast<int64_t>(args.features.size()) + (model->intercept ? 1 : 0);
    if (model->weights.numel() != want || model->weights.shape().rank() != 1) {
      return Where{"", ""}.Error(
          "features", fmt::format("model '{}' has {} weights, which do not fit {} features{}",
                                  args.model, model->weights.numel(), args.features.size(),
                                  model->intercept ? " and an intercept" : ""));
    }
    if (Status s = fxp::CheckFracBits(model->frac_bits); !s.ok()) {
      return s.WithContext("model '" + args.model + "'");
    }
    ARCA_ASSIGN_OR_RETURN(Shared features, Matrix(*table, args.features));
    ARCA_ASSIGN_OR_RETURN(Shared weights,
                          fxp::Rescale(p_, model->weights, model->frac_bits, fp_.frac_bits()));
    ARCA_ASSIGN_OR_RETURN(Shared predictions,
                          ml::Predict(fp_, model->kind, model->intercept, features, weights));
    Table out = *table;
    out.columns = {
        frame::Column{"prediction", ColumnType::kDecimal, {}, std::move(predictions), {}, false}};
    return NodeValue(std::move(out));
  }

  Result<OutputValue> MakeOutput(const Output& output) {
    const std::string context = "output '" + output.name + "'";
    OutputValue out;
    out.name = output.name;
    out.frac_bits = fp_.frac_bits();
    out.recipients = output.recipients;
    const size_t node = index_.at(output.node);
    const NodeValue& value = values_[node];
    if (const auto* stats = std::get_if<StatisticsValue>(&value)) {
      out.labels = stats->labels;
      out.values = stats->values;
    } else if (const auto* model = std::get_if<StoredModel>(&value)) {
      out.labels = model->features;
      if (model->intercept) out.labels.emplace_back("intercept");
      out.values = model->weights;
    } else if (std::holds_alternative<Table>(value) && plan_.nodes[node].op != Op::kInfer) {
      ARCA_ASSIGN_OR_RETURN(Table summary, TakeTable(node));
      if (output.noise) {
        Result<Table> noisy = NoisyTable(*output.noise, node, summary);
        if (!noisy.ok()) return noisy.status().WithContext(context);
        summary = *std::move(noisy);
      }
      if (!summary.all_valid && InInputOrder(node)) {
        // Where the kept rows stood would tell the recipients which input rows a filter kept.
        Result<Table> shuffled = frame::ShuffleRows(p_, summary);
        if (!shuffled.ok()) return shuffled.status().WithContext(context);
        summary = *std::move(shuffled);
      }
      // Rows that a filter, a join or a group-by left invalid show nothing but zeros.
      Result<Table> released = frame::ZeroInvalidRows(p_, summary);
      if (!released.ok()) return released.status().WithContext(context);
      summary = *std::move(released);
      Result<frame::FlatTable> flat = frame::Flatten(p_, summary, fp_.frac_bits());
      if (!flat.ok()) return flat.status().WithContext(context);
      out.values = std::move(flat->values);
      out.table = std::move(flat->layout);
    } else if (const auto* table = std::get_if<Table>(&value)) {
      // Predictions: rows that a filter removed are released as 0, not as their prediction.
      const frame::Column& prediction = *table->Find("prediction");
      out.values = prediction.values;
      if (!table->all_valid) {
        Result<Shared> kept = p_.Mul(prediction.values, table->valid);
        if (!kept.ok()) return kept.status().WithContext(context);
        out.values = *std::move(kept);
      }
      for (int64_t r = 0; r < table->rows; ++r)
        out.labels.push_back(fmt::format("prediction[{}]", r));
    } else {
      return InternalError(context + ": its node produced nothing to release");
    }
    if (output.noise) {
      if (!out.table) {
        Result<Shared> noisy = AddNoise(*output.noise, out.values);
        if (!noisy.ok()) return noisy.status().WithContext(context);
        out.values = *std::move(noisy);
      }
      out.epsilon_spent = output.noise->epsilon;
      progress_.Advance(1);
    }
    return out;
  }

  // Whether node i's rows stand where their input rows stood: only filters, projections, new
  // columns and unions lie between it and the datasets.
  bool InInputOrder(size_t i) const {
    std::vector<size_t> pending = {i};
    while (!pending.empty()) {
      const Node& node = plan_.nodes[pending.back()];
      pending.pop_back();
      switch (node.op) {
        case Op::kColumn:
          break;
        case Op::kFilter:
        case Op::kSelect:
        case Op::kAssign:
        case Op::kUnion:
          for (const std::string& input : node.inputs) pending.push_back(index_.at(input));
          break;
        default:
          return false;
      }
    }
    return true;
  }

  // Node i's summary table with noise, as table_noise.h describes.
  Result<Table> NoisyTable(const Noise& noise, size_t i, const Table& table) {
    const Node& node = plan_.nodes[i];
    TableNoise spec;
    spec.mechanism = noise.mechanism;
    ARCA_ASSIGN_OR_RETURN(spec.scale, NoiseScale(noise));
    spec.labels = LabelColumns(node);
    if (const auto it = noisy_min_count_.find(i); it != noisy_min_count_.end()) {
      spec.min_count = it->second;
    }
    spec.count_column = CountColumn(node);
    return AddTableNoise(fp_, table, spec);
  }

  Result<Shared> AddNoise(const Noise& noise, const Shared& values) {
    ARCA_ASSIGN_OR_RETURN(double scale, NoiseScale(noise));
    ARCA_ASSIGN_OR_RETURN(Shared flat, p_.Reshape(values, Shape{values.numel()}));
    ARCA_ASSIGN_OR_RETURN(Shared samples, noise.mechanism == Mechanism::kLaplace
                                              ? ml::LaplaceNoise(fp_, flat.numel(), scale)
                                              : ml::GaussianNoise(fp_, flat.numel(), scale));
    return p_.Add(flat, samples);
  }

  const Plan& plan_;
  const ValidatedPlan& validated_;
  mpc::Protocol& p_;
  fxp::FixedPoint fp_;
  ExecutionInputs inputs_;
  // How many `column` nodes are still to load each dataset.
  std::map<std::string, int> loads_left_;
  Progress progress_;
  std::map<std::string, size_t> index_;
  std::vector<std::set<std::string>> sources_;
  std::vector<NodeValue> values_;
  // How many reads of each node's value are still to come (by nodes and outputs).
  std::vector<int> reads_left_;
  // The columns of each node's table that later nodes and outputs read (nullopt: all).
  std::vector<ColumnSet> read_columns_;
  // Group-bys computed without suppression because they are released with noise: the minimum
  // group size their noisy counts are held to, by node index.
  std::map<size_t, int64_t> noisy_min_count_;
  ExecutionResult result_;
};

}  // namespace

Result<ExecutionResult> Execute(const ValidatedPlan& plan, mpc::Protocol& protocol,
                                ExecutionInputs inputs, const ExecutionProgress& progress) {
  if (Status s = fxp::CheckFracBits(plan.plan.fractional_bits); !s.ok()) return s;
  if (plan.order.size() != plan.plan.nodes.size()) {
    return InvalidArgumentError("the plan has not been validated (plan::Validate)");
  }
  Runner runner(plan, protocol, std::move(inputs), progress);
  return runner.Run();
}

}  // namespace arca::plan
