// Aggregations of group-by, as pandas defines them.
//
// Over the valid rows of a group (and, for a column with nulls, its present values):
//   count  the number of non-null values          size  the number of rows
//   sum    the sum (0 for no values)              mean  sum / count
//   min, max                                      var, std  sample variance (ddof = 1), its root
//   nunique  the number of distinct non-null values (whole-table aggregates only: aggregate_rows.h)
// A group exists when it has at least one valid row; a mean of a group whose values are all
// null, or a var/std of fewer than two values, is released as null (present = 0), as pandas
// gives NaN. Result types follow pandas' dtypes (AggregateType).
#ifndef ARCA_FRAME_AGGREGATE_H_
#define ARCA_FRAME_AGGREGATE_H_

#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/table.h"

namespace arca::frame {

enum class Aggregation { kCount, kSize, kSum, kMean, kMin, kMax, kVar, kStd, kNunique };
// pandas' names: "count", "size", "sum", "mean", "min", "max", "var", "std", "nunique".
std::string_view AggregationName(Aggregation aggregation);
Result<Aggregation> ParseAggregation(std::string_view name);

// One result column of a group-by: `how` of input column `column`, named `name`.
struct Aggregate {
  std::string column;
  Aggregation how = Aggregation::kSum;
  std::string name;
  bool operator==(const Aggregate&) const = default;
};

// OK if a group-by computes `a` per group; an error naming the aggregate otherwise (nunique,
// which only the whole-table aggregate_rows.h computes).
Status CheckPerGroup(const Aggregate& a);

// The type of `how` over a column of type `source`, as pandas' dtype: count, size and nunique
// integer; sum, min and max of an integer column integer; sum of a boolean column integer,
// its min and max boolean; everything else decimal. (Values stay fixed point whatever the
// type: an integer or boolean result is a whole number.)
ColumnType AggregateType(Aggregation how, ColumnType source);

struct GroupByOptions {
  // Groups with fewer valid rows than this are suppressed (their row made invalid), decided on
  // shares; how many were suppressed is a Notice of the result. 0 keeps every group.
  int64_t min_group_size = 0;
};

}  // namespace arca::frame

#endif  // ARCA_FRAME_AGGREGATE_H_
