// Differential-privacy noise on a summary table (docs/PLANS.md, "Noise").
//
// The rows of a summary table are public facts of the plan: a known-domain group-by's key
// combinations, describe's statistics, value_counts' values, histogram's bins. So are its label
// columns (LabelColumns). Private are every other cell, whether a group has any row, whether a
// cell is null, and each notice's count. Before release, AddTableNoise therefore:
//   1. zeroes the cells of invalid rows and the null cells (ZeroInvalidRows, then one product
//      of the masked columns by their masks);
//   2. releases every row, with no null cell: a group with no rows shows noise around 0, as a
//      differentially private release must (its emptiness is private too);
//   3. adds noise of the output's mechanism and scale to every non-label cell and to every
//      notice's count, one sample each, drawn jointly (ml/dp_noise.h: no node knows it);
//      integer columns and counts get the sample rounded to a whole number (one truncation);
//   4. with a minimum count k (a group-by's min_group_size or an owner's min_rows), keeps a row
//      iff its NOISY count is at least k and zeroes the others: thresholding released values is
//      post-processing, so it costs no privacy, whereas thresholding the true count would
//      release whether each group reaches k exactly.
// The declared sensitivity must bound the change of the whole released vector (every cell and
// count) when one record changes: the plan's author states it, as for statistics.
//
// Cost: R_mul (zeroing; none when every row is valid and no cell may be null) + R_mul (null
// cells) + the noise's (dp_noise.h) + R_trunc, and with k: R_lt + R_mul. Reveals nothing.
#ifndef ARCA_PLAN_TABLE_NOISE_H_
#define ARCA_PLAN_TABLE_NOISE_H_

#include <cstdint>
#include <set>
#include <string>

#include "arca/base/status.h"
#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"
#include "arca/plan/plan.h"

namespace arca::plan {

struct TableNoise {
  Mechanism mechanism = Mechanism::kLaplace;
  double scale = 0;              // Laplace's b or the Gaussian's σ, from NoiseScale
  std::set<std::string> labels;  // public columns, released as they are
  int64_t min_count = 0;         // 0: keep every row
  std::string count_column;      // the column compared with min_count (integer)
};

// The columns of a summary op's output that are public labels: a group-by's keys, describe's
// "statistic", quantile's "quantile", value_counts' values, histogram's "lower" and "upper",
// cov's and corr's "column", crosstab's index. None for `aggregate`.
std::set<std::string> LabelColumns(const Node& node);

// The column a group-by's noisy threshold compares: its first `size` aggregate, else its first
// `count`; "" if it has neither (or the node is no group-by).
std::string CountColumn(const Node& node);

Result<frame::Table> AddTableNoise(fxp::FixedPoint& fp, const frame::Table& table,
                                   const TableNoise& noise);

}  // namespace arca::plan

#endif  // ARCA_PLAN_TABLE_NOISE_H_
