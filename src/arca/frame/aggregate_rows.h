// Whole-table aggregates, pandas' `df.agg({...})`: one row, one column per Aggregate, over the
// valid rows (and a column's present values).
//
// Every aggregate of aggregate.h but nunique is GroupByDomain with no keys: one group of the
// valid rows, whose membership is the validity itself (no equality), so its cost is
// group_statistics.h's with one group: sums are local when every row is valid, one MatMul
// otherwise; min/max a tournament of ceil(log2 n) levels; mean and var a DivideByCount. nunique
// of a column is CountDistinct (distinct.h) over the rows where it is valid and present: one
// oblivious sort of the column per nunique aggregate.
//
// The row is always valid, as pandas always returns it: count, size, sum and nunique of no rows
// are 0; mean, min and max of no values and var, std of fewer than two are null. Accuracy as
// GroupByDomain's (counts, sums, min, max and nunique exact). Reveals nothing beyond the sorts'
// opened outcomes (shuffle_sort.h).
#ifndef ARCA_FRAME_AGGREGATE_ROWS_H_
#define ARCA_FRAME_AGGREGATE_ROWS_H_

#include <vector>

#include "arca/base/status.h"
#include "arca/frame/aggregate.h"
#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

Result<Table> AggregateRows(fxp::FixedPoint& fp, const Table& table,
                            const std::vector<Aggregate>& aggregates);

}  // namespace arca::frame

#endif  // ARCA_FRAME_AGGREGATE_ROWS_H_
