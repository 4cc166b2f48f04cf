// Statistics of one column over the selected rows, on shares (docs/PLANS.md, `stats`).
//
// With m the number of selected rows (secret) and s_i each row's selection:
//   count     m
//   sum       sum_i s_i·x_i                       (one product with the selection; exact)
//   mean      sum / m
//   variance  sum_i s_i·(x_i - mean)^2 / (m - 1)  (two passes, so no catastrophic cancellation)
//   min, max  a tournament over the rows with unselected rows replaced by ±(2^62 - 1)
//             (ceil(log2 rows) levels of one comparison batch and one product, min and max
//             together)
// Reciprocals of m and m - 1 are one batched call, at the scale 2^K/m with 2^K >= rows so they
// carry the fixed point's full precision; sums are divided by 2^K before the product.
//
// Accuracy at f fractional bits: count and sum exact (the inputs as encoded); mean within
// (2^K/m + 3) ulp + 2^-(f-1) relative (the reciprocal carries f significant bits); variance
// within a few ulp per row plus 2^-(f-2) relative; min and max exact.
// Ranges: |x| < 2^(62 - f) as encoded; |x - mean| < 2^((62 - 2f)/2) (8192 at f = 18) for the
// variance. A mean of no rows and a variance of fewer than two rows are not meaningful;
// owners' min_rows is what keeps them from being released.
#ifndef ARCA_PLAN_EXECUTION_STATS_H_
#define ARCA_PLAN_EXECUTION_STATS_H_

#include <string>
#include <vector>

#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"
#include "arca/plan/plan.h"

namespace arca::plan {

struct StatisticsValue {
  std::vector<std::string> labels;  // StatisticName of each, in the order of `statistics`
  mpc::Shared values;               // [labels.size()], fixed point
};

// `statistics` of `column` over the rows `selection` (0/1 per row) keeps; `count` is the
// number of selected rows (a ring integer), `filtered` false when the selection is all ones.
Result<StatisticsValue> ComputeStatistics(fxp::FixedPoint& fp,
                                          const std::vector<Statistic>& statistics,
                                          const frame::Column& column, const mpc::Shared& selection,
                                          bool filtered, const mpc::Shared& count);

}  // namespace arca::plan

#endif  // ARCA_PLAN_EXECUTION_STATS_H_
