// The plan language (docs/PLANS.md): what a code owner asks to compute, and what may leave the
// nodes. A plan names the datasets it reads and their columns, a DAG of operations over them,
// the outputs (each with its recipients and optional differential-privacy noise), the security
// levels it may run at, and its fixed-point precision. Owners approve a plan by its hash
// (plan_hash.h), so everything that can change what a plan does is in this model, and nothing
// else is: Parse refuses unknown fields.
//
// Parse checks each field on its own (types, ranges, known names, list sizes). How the parts
// fit together (references, acyclicity, column types, unused nodes) is validate.h's job, which
// also gives the order in which an executor runs the nodes.
#ifndef ARCA_PLAN_PLAN_H_
#define ARCA_PLAN_PLAN_H_

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/aggregate.h"
#include "arca/frame/expression.h"
#include "arca/frame/group_by.h"
#include "arca/frame/join.h"
#include "arca/frame/sort.h"

namespace arca::plan {

inline constexpr int kPlanVersion = 1;

// Limits that keep a hostile plan from costing more to check than a real one.
inline constexpr size_t kMaxPlanBytes = size_t{1} << 20;
inline constexpr size_t kMaxInputs = 64;
inline constexpr size_t kMaxNodes = 1000;
inline constexpr size_t kMaxOutputs = 100;
inline constexpr size_t kMaxColumns = 1000;  // in any list of columns
inline constexpr size_t kMaxRecipients = 32;

// Fixed-point fractional bits a plan may choose (fxp/encoding.h: kMinFracBits..kMaxFracBits).
inline constexpr int kDefaultFractionalBits = 18;
inline constexpr int kMinFractionalBits = 8;
inline constexpr int kMaxFractionalBits = 26;

// Training hyperparameter bounds.
inline constexpr int kMaxIterations = 10000;
inline constexpr double kMaxLearningRate = 10;
inline constexpr double kMaxL2 = 10;

enum class Level { kTee, kDealer2pc, kRep3 };
// "tee", "dealer2pc", "rep3".
std::string_view LevelName(Level level);

// Who provides a dataset: a registered owner, whose approval names this plan; or the consumer
// who runs the job, who secret-shares the rows at run time (inference on its own data).
enum class Supplier { kOwner, kConsumer };
std::string_view SupplierName(Supplier supplier);

struct DatasetInput {
  std::vector<std::string> columns;  // sorted; the only columns of the dataset the plan reads
  Supplier supplied_by = Supplier::kOwner;

  bool operator==(const DatasetInput&) const = default;
};

enum class Op {
  kColumn,
  kFilter,
  kUnion,
  kStats,
  kTrainLogistic,
  kTrainLinear,
  kInfer,
  kSelect,
  kAssign,
  kGroupBy,
  kSort,
  kHead,
  kDistinct,
  kDescribe,
  kQuantile,
  kValueCounts,
  kHistogram,
  kCov,
  kCorr,
  kCrosstab,
  kAggregate,
  kJoin,
};
// "column", "filter", "union", "stats", "train_logistic", "train_linear", "infer", "select",
// "assign", "groupby", "sort", "head", "distinct", "describe", "quantile", "value_counts",
// "histogram", "cov", "corr", "crosstab", "aggregate", "join".
std::string_view OpName(Op op);
// Whether `op` summarises its input (groupby, aggregate, describe, quantile, value_counts,
// histogram, cov, corr, crosstab): its cells are aggregates, and its rows are fixed by the
// plan and the schema (a group-by's with known key domains).
bool IsSummary(Op op);

enum class Statistic { kCount, kSum, kMean, kVariance, kMin, kMax };
// "count", "sum", "mean", "variance", "min", "max".
std::string_view StatisticName(Statistic statistic);

// `column`: a table of some columns of one input dataset. The DAG's only source.
struct ColumnArgs {
  std::string dataset;
  std::vector<std::string> columns;  // sorted
  bool operator==(const ColumnArgs&) const = default;
};
// `filter`: the rows of its input table for which `where` (a boolean expression) holds.
struct FilterArgs {
  frame::Expression where;
  bool operator==(const FilterArgs&) const = default;
};
// `union`: the rows of all its input tables, which have the same columns.
struct UnionArgs {
  bool operator==(const UnionArgs&) const = default;
};
// `stats`: statistics of one column of its input table, over the rows `where` selects.
// "variance" is the sample variance (denominator n - 1).
struct StatsArgs {
  std::string column;
  std::vector<Statistic> statistics;  // distinct, in enum order
  std::optional<frame::Expression> where;
  bool operator==(const StatsArgs&) const = default;
};
// `select`: some columns of its input table, in the order given.
struct SelectArgs {
  std::vector<std::string> columns;  // in order
  bool operator==(const SelectArgs&) const = default;
};
// `assign`: its input table with new columns, each an expression over the columns before it
// (a name already present is replaced in place).
struct NewColumn {
  std::string name;
  frame::Expression value;
  bool operator==(const NewColumn&) const = default;
};
struct AssignArgs {
  std::vector<NewColumn> columns;  // in order
  bool operator==(const AssignArgs&) const = default;
};
// The analytics ops (docs/PLANS.md, "Analytics ops"): each produces a table.
struct GroupByArgs {
  std::vector<std::string> keys;             // in order
  std::vector<frame::Aggregate> aggregates;  // in order
  frame::KeyDomains domains;                 // declared values of integer keys
  int64_t min_group_size = 0;
  bool operator==(const GroupByArgs&) const = default;
};
// `aggregate`: pandas' df.agg, one row of aggregates over the whole table (nunique too).
struct AggregateArgs {
  std::vector<frame::Aggregate> aggregates;  // in order
  bool operator==(const AggregateArgs&) const = default;
};
// `join`: pandas' left.merge(right, ...) of its two inputs (frame/join.h).
struct JoinArgs {
  std::vector<std::string> left_on, right_on;  // "on" in the document when they are equal
  frame::JoinHow how = frame::JoinHow::kInner;
  frame::JoinCardinality cardinality = frame::JoinCardinality::kOneToOne;  // "validate"
  std::pair<std::string, std::string> suffixes{"_x", "_y"};
  bool operator==(const JoinArgs&) const = default;
  frame::JoinSpec Spec() const { return {left_on, right_on, how, cardinality, suffixes}; }
};
struct SortArgs {
  std::vector<frame::SortKey> by;
  bool operator==(const SortArgs&) const = default;
};
struct HeadArgs {
  int64_t n = 0;
  bool operator==(const HeadArgs&) const = default;
};
// `distinct`, `cov`, `corr`: a list of columns, in order.
struct ColumnsArgs {
  std::vector<std::string> columns;
  bool operator==(const ColumnsArgs&) const = default;
};
struct DescribeArgs {
  std::vector<std::string> columns;
  std::vector<double> percentiles;
  bool operator==(const DescribeArgs&) const = default;
};
struct QuantileArgs {
  std::string column;
  std::vector<double> q;
  bool operator==(const QuantileArgs&) const = default;
};
struct ValueCountsArgs {
  std::string column;
  std::optional<std::vector<double>> domain;  // an integer column's declared values
  bool operator==(const ValueCountsArgs&) const = default;
};
struct HistogramArgs {
  std::string column;
  std::vector<double> edges;
  bool operator==(const HistogramArgs&) const = default;
};
struct CrosstabArgs {
  std::string index;
  std::string columns;
  bool operator==(const CrosstabArgs&) const = default;
};
// `train_logistic` / `train_linear`: full-batch gradient descent on the features (in this
// order) to predict the label, minimising the mean loss plus l2/2 · |w|^2 (the intercept is
// not penalised). The model is an output (released) and/or kept secret-shared on the nodes
// under `store_as`.
struct TrainArgs {
  std::vector<std::string> features;
  std::string label;
  int iterations = 0;
  double learning_rate = 0;
  double l2 = 0;
  bool intercept = true;
  // Train on features scaled to mean 0 and variance 1 over the selected rows (mean and
  // variance computed in MPC); the model is then expressed on the unscaled features, so it
  // applies to raw rows like any other.
  bool standardize = false;
  std::optional<std::string> store_as;
  bool operator==(const TrainArgs&) const = default;
};
// `infer`: a stored model (from a training plan's store_as, or uploaded by a code owner)
// applied to the rows of its input table: a table with one column, "prediction" (a
// probability for a logistic model). `features` are the input's columns in the model's order.
struct InferArgs {
  std::string model;
  std::vector<std::string> features;
  bool operator==(const InferArgs&) const = default;
};

using NodeArgs = std::variant<ColumnArgs, FilterArgs, UnionArgs, StatsArgs, TrainArgs, InferArgs,
                              SelectArgs, AssignArgs, GroupByArgs, SortArgs, HeadArgs, ColumnsArgs,
                              DescribeArgs, QuantileArgs, ValueCountsArgs, HistogramArgs,
                              CrosstabArgs, AggregateArgs, JoinArgs>;

struct Node {
  std::string id;
  Op op = Op::kColumn;
  // The ids of the nodes whose results this one reads: none for `column`, two or more for
  // `union`, exactly one otherwise.
  std::vector<std::string> inputs;
  NodeArgs args;

  // "node 'm1' (train_logistic)", the prefix of every error about this node.
  std::string Describe() const;
  bool operator==(const Node&) const = default;
};

enum class Mechanism { kLaplace, kGaussian };
std::string_view MechanismName(Mechanism mechanism);

// Differential-privacy noise added to every number of an output. `sensitivity` bounds how much
// the whole released vector can change when one record changes: its L1 norm for Laplace
// (noise scale sensitivity/epsilon, pure ε-DP, delta = 0), its L2 norm for Gaussian
// ((ε, δ)-DP with the classic calibration, valid for ε < 1).
struct Noise {
  Mechanism mechanism = Mechanism::kLaplace;
  double epsilon = 0;
  double delta = 0;
  double sensitivity = 0;
  bool operator==(const Noise&) const = default;
};

// What leaves the nodes: the result of one node, encrypted to each recipient (consumer id).
struct Output {
  std::string name;
  std::string node;
  std::vector<std::string> recipients;  // sorted
  std::optional<Noise> noise;
  bool operator==(const Output&) const = default;
};

struct Plan {
  std::string name;
  std::map<std::string, DatasetInput> inputs;
  // In document order, which breaks ties in the execution order (validate.h).
  std::vector<Node> nodes;
  std::vector<Output> outputs;
  std::vector<Level> levels;  // distinct, in enum order
  int fractional_bits = kDefaultFractionalBits;

  // Reads a plan document (at most kMaxPlanBytes, strict JSON as in canonical_json.h). Errors
  // name the node or output and the field.
  static Result<Plan> Parse(std::string_view json_text);

  // The normal form: every field written out (defaults included), sets (columns, recipients,
  // statistics, levels) sorted. Parse(ToJson()) gives the same plan, and two documents that
  // parse to the same plan have the same normal form.
  nlohmann::json ToJson() const;

  bool operator==(const Plan&) const = default;
};

}  // namespace arca::plan

#endif  // ARCA_PLAN_PLAN_H_
