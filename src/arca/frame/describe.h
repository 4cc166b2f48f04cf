// DataFrame.describe() of numeric columns: count, mean, std, min, the percentiles, max.
//
// The result has a categorical column "statistic" (count, mean, std, min, one label per
// percentile as pandas writes it, "25%", then max; all rows valid) then one decimal column per
// input column, null where pandas gives NaN. It is Moments (statistics.h) and, per column,
// Quantiles (quantiles.h), so its cost is theirs: one oblivious sort per column for the
// percentiles. Accuracy as theirs. Nothing is revealed beyond the sorts' opened outcomes.
#ifndef ARCA_FRAME_DESCRIBE_H_
#define ARCA_FRAME_DESCRIBE_H_

#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

// pandas' label of a percentile: 0.25 -> "25%", 0.125 -> "12.5%".
std::string PercentileLabel(double q);

Result<Table> Describe(fxp::FixedPoint& fp, const Table& table,
                       const std::vector<std::string>& columns,
                       const std::vector<double>& percentiles);

}  // namespace arca::frame

#endif  // ARCA_FRAME_DESCRIBE_H_
