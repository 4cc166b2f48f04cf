// Running a validated plan on a protocol (docs/PLANS.md, "Running a plan").
//
// Every party of the session calls Execute with the same plan and the same public shapes: the
// inputs' row counts, column types, categories and fractional bits, and the stored models'
// sizes. The dealer of dealer2pc passes Shareds without parts (mpc/upload_shares.h
// ImportUploaded gives them). All parties then run the same sequence of protocol steps.
//
// What is opened on the way is only what the protocol opens by design (masked values) and,
// where an owner set min_rows, one bit per released statistic or trained model: whether it
// rests on fewer rows than the minimum. Outputs are returned secret-shared, for the caller to
// encrypt to their recipients; Execute opens none of them.
//
// The caller checks that the plan is approved for the protocol's level; Execute does not look
// at `levels`.
#ifndef ARCA_PLAN_EXECUTOR_H_
#define ARCA_PLAN_EXECUTOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/released_table.h"
#include "arca/fxp/encoding.h"
#include "arca/ml/linear_model.h"
#include "arca/mpc/protocol.h"
#include "arca/plan/validate.h"

namespace arca::plan {

// One column of an input table, as uploaded (client/dataset_schema.h): integers as ring
// integers, decimals in fixed point at the table's frac_bits, booleans 0/1, categoricals as
// the 0-based index into `categories`.
struct InputColumn {
  ColumnType type = ColumnType::kDecimal;
  std::vector<std::string> categories;  // categorical columns: the schema's list, in order
  mpc::Shared values;                   // [rows]
};

// One plan input on this party.
struct InputTable {
  int64_t rows = 0;  // public, >= 1
  int frac_bits = fxp::kDefaultFracBits;
  std::map<std::string, InputColumn> columns;
};

// A model kept secret-shared on the nodes, from a plan's `store_as` or a code owner's upload.
struct StoredModel {
  ml::ModelKind kind = ml::ModelKind::kLogistic;
  std::vector<std::string> features;  // in the order of the weights
  bool intercept = true;
  int frac_bits = fxp::kDefaultFracBits;
  mpc::Shared weights;  // [features (+ 1)], fixed point; the intercept last
};

// A data owner's rules for the use of its dataset.
struct AnalysisRules {
  // Columns that may appear only as a `stats` column and in predicates (filter and stats
  // `where`): never as a feature, a label or an inference input.
  std::set<std::string> aggregate_only;
  // Every released statistic and every trained model must rest on at least this many selected
  // rows.
  int64_t min_rows = 0;
};

struct ExecutionInputs {
  std::map<std::string, InputTable> datasets;  // by plan input name
  std::map<std::string, StoredModel> models;   // by model name, for `infer`
  std::map<std::string, AnalysisRules> rules;  // by plan input name
};

// One output of the plan, secret-shared.
struct OutputValue {
  std::string name;
  // One per number: "count", "mean", ... for statistics; the feature names and "intercept"
  // for a model; "prediction[i]" for predictions. Empty for a table.
  std::vector<std::string> labels;
  // [labels.size()], fixed point at frac_bits (noise added, if any); for a table, its flat
  // form (frame/released_table.h).
  mpc::Shared values;
  std::optional<frame::TableLayout> table;
  int frac_bits = fxp::kDefaultFracBits;
  std::vector<std::string> recipients;
  std::optional<double> epsilon_spent;  // the ε of the output's noise, if it has noise
};

struct ExecutionResult {
  std::vector<OutputValue> outputs;                  // in the plan's order
  std::map<std::string, StoredModel> stored_models;  // by store_as
};

// Called with the fraction of the plan done, 0..1 (training iterations weigh most).
using ExecutionProgress = std::function<void(double fraction)>;

// Runs `plan` on `protocol`. Errors name the node or output, the column and the problem, never
// a data value: inputs that do not match the plan (a missing dataset or column, a type other
// than its schema's, wrong shapes), a category unknown to a column, a model of the wrong size,
// a use of an aggregate-only column (refused before any protocol step), a statistic or model
// resting on fewer rows than an owner's min_rows (without the count), or a protocol failure.
//
// The inputs are consumed: a dataset's columns are moved into the plan's table by the last
// `column` node that reads them, so they are not held twice (callers that run a plan again
// pass a copy).
Result<ExecutionResult> Execute(const ValidatedPlan& plan, mpc::Protocol& protocol,
                                ExecutionInputs inputs,
                                const ExecutionProgress& progress = nullptr);

}  // namespace arca::plan

#endif  // ARCA_PLAN_EXECUTOR_H_
