// Group-by on shares: one result row per group, the key columns then one column per
// Aggregate (aggregate.h), in the order given. Which groups exist and how large they are stay
// secret: a result row's validity says whether its group has any valid row (and, with
// min_group_size, enough of them).
//
// Two algorithms, the same result rows (the groups, ordered by key):
//   GroupByDomain  every key has a small domain known to all parties (a categorical column's
//                  categories; a boolean's 0/1; an integer column's declared values). The
//                  result has one row per combination of key values, in domain order; a
//                  one-hot of each row's combination turns sums and counts into one matrix
//                  product.
//   GroupBySorted  any keys: the table is sorted obliviously by (invalid rows last, keys), group
//                  boundaries are found on shares, and aggregates are segmented scans. The
//                  result has the input's number of rows; a group's row is the last row of the
//                  group in key order, every other row is invalid.
#ifndef ARCA_FRAME_GROUP_BY_H_
#define ARCA_FRAME_GROUP_BY_H_

#include <map>
#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/aggregate.h"
#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

// GroupByDomain with no keys makes one group of every valid row (aggregate_rows.h).
//
// Declared domains of integer key columns, by column name (values as numbers).
using KeyDomains = std::map<std::string, std::vector<double>>;

Result<Table> GroupByDomain(fxp::FixedPoint& fp, const Table& table,
                            const std::vector<std::string>& keys,
                            const std::vector<Aggregate>& aggregates, const KeyDomains& domains,
                            const GroupByOptions& options);

Result<Table> GroupBySorted(fxp::FixedPoint& fp, const Table& table,
                            const std::vector<std::string>& keys,
                            const std::vector<Aggregate>& aggregates,
                            const GroupByOptions& options);

}  // namespace arca::frame

#endif  // ARCA_FRAME_GROUP_BY_H_
