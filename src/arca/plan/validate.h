// Validation: whether a parsed plan's parts fit together, and the order to run it in.
//
// Checks (docs/PLANS.md, "Validation"): node ids are unique; every referenced node, dataset
// and column exists; the DAG is acyclic; each op gets the kind of value it needs (a table, not
// a model); columns have the types the op needs when a schema is given; every declared input
// and every node contributes to an output or a stored model; outputs release statistics,
// models, predictions or tables under distinct names (noise on statistics, models and predictions
// only); predicate constants fit the plan's fixed-point range. Every problem is reported, each
// naming the node or output and the field:
//   node 'm1' (train_logistic): field 'features[2]': column 'sex' is categorical; ...
#ifndef ARCA_PLAN_VALIDATE_H_
#define ARCA_PLAN_VALIDATE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/table.h"
#include "arca/plan/plan.h"

namespace arca::plan {

// The column types of uploaded datasets (docs/PLANS.md, "Schemas"). Decimals are fixed point;
// booleans count as numbers (0/1); categorical columns are compared for equality only.
using frame::ColumnType;
using frame::ColumnTypeName;
using frame::ParseColumnType;

// Column types by dataset, then by column. Datasets absent from the map are not type-checked
// (their columns' types are unknown), so validation without schemas checks structure only.
using Schemas = std::map<std::string, std::map<std::string, ColumnType>>;

enum class ValueKind { kTable, kStatistics, kModel };

// What a node produces.
struct Value {
  ValueKind kind = ValueKind::kTable;
  // Tables only: the columns, with their types where a schema gives them.
  std::map<std::string, std::optional<ColumnType>> columns;
};

struct ValidatedPlan {
  Plan plan;
  // Indices into plan.nodes in which every node comes after the nodes it reads; ties are
  // broken by document order, so every party derives the same sequence of protocol steps.
  std::vector<size_t> order;
  // values[i] is what plan.nodes[i] produces.
  std::vector<Value> values;
};

// Every problem, one line each; empty when the plan is valid.
std::vector<std::string> FindProblems(const Plan& plan, const Schemas& schemas = {});

// The plan with its execution order, or an invalid-argument error with the first problem
// (and how many more there are).
Result<ValidatedPlan> Validate(Plan plan, const Schemas& schemas = {});

}  // namespace arca::plan

#endif  // ARCA_PLAN_VALIDATE_H_
