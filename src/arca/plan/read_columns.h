// Which columns of each node's table the rest of a plan reads, so that the executor drops the
// others as soon as the node has run: a join or sort then shuffles only the columns that
// matter (TPC-H Q3's second join carried the customers' segment and the lines' ship date,
// read only by the filters before it).
//
// A node's read columns are the union over its readers of what each reads of it. An output
// reads every column, and so do the readers that pass every column on (filter, sort, head,
// union, distinct, assign, join) when what is read of their own result is every column.
// Otherwise: select its list; filter, sort and distinct what is read of them plus their
// predicate, keys or subset; assign what is read of it plus every column its expressions
// name; a join, of each side, the keys, the sources of its read result columns, and both
// partners of a suffixed name when either is read (so that result names do not change);
// group-by, aggregate, stats, train, infer and the other summaries the columns they name (a
// describe or distinct of no named column reads every column).
#ifndef ARCA_PLAN_READ_COLUMNS_H_
#define ARCA_PLAN_READ_COLUMNS_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "arca/plan/validate.h"

namespace arca::plan {

// Columns by name; nullopt is every column.
using ColumnSet = std::optional<std::set<std::string>>;

// For each node of the plan (by index), the columns of its table that later nodes and the
// outputs read; nullopt for every column (and for nodes whose value is not a table).
std::vector<ColumnSet> ReadColumns(const ValidatedPlan& plan);

}  // namespace arca::plan

#endif  // ARCA_PLAN_READ_COLUMNS_H_
