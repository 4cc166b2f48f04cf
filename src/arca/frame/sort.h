// Sorting a table's rows on shares, as pandas sort_values(kind="stable") does, and the two
// reshapings built on it: Compact (valid rows first) and Head (pandas head of the valid rows).
//
// The composite key of a row is (1 - valid, its keys..., its original index): invalid rows go
// last, ties keep input order (a stable sort), and every key is distinct, as shuffle_sort.h
// needs. Numbers compare as signed fixed-point values (descending: negated); a categorical
// column compares by its category's string (byte order, as pandas compares Python strings of
// an object column): its index is mapped to the public rank of its category with one batch
// of equalities and a public matrix product (nothing when the categories are listed in
// sorted order). The columns, null masks, validity and key components are sorted together by
// ShuffleSortColumns, whose comment states what is revealed (comparison outcomes of uniformly
// shuffled distinct keys: nothing about the data) and why.
//
// Cost for n rows, c columns (null masks count as columns, and the validity unless all_valid:
// then it is the same in any order and is not sorted) and m key components
// (1 per key, plus 1 for the validity unless all_valid, plus 1 for the index):
//   - categorical keys not listed in sorted order, each: ceil(n·K / 2^22) EqualPublic calls
//     of K thresholds on batches of rows (K categories) and a local product;
//   - ShuffleSortColumns of c + m columns: one Shuffle of [n, c + m], then passes (about 22 for
//     n = 10^3, 30 for 10^4) of one lexicographic comparison batch (one LessThanPublic,
//     ceil(log2 m) products) and one Reveal each (see shuffle_sort.h); about 2 n ln n element
//     comparisons of m components in all.
// Compact uses a single component, (1 - valid)·n + index, so a pass is one LessThanPublic and
// one Reveal. Each function takes its table (pass a copy to keep it): its columns move into
// the sort, whose peak memory is then the table's (ShuffleSortColumns's: two copies of n·(c + m)
// ring elements).
#ifndef ARCA_FRAME_SORT_H_
#define ARCA_FRAME_SORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

struct SortKey {
  std::string column;
  bool ascending = true;
  bool operator==(const SortKey&) const = default;
};

// The table's rows ordered by `keys` (lexicographically), invalid rows last, ties in input
// order (a stable sort, like pandas sort_values(kind="stable")). The result has the input's
// rows, columns and notices, and valid_first = true. An error if `keys` is empty, names a
// missing column, or a key column has nulls (pandas puts NaN last; fill nulls first).
Result<Table> SortRows(fxp::FixedPoint& fp, Table table, const std::vector<SortKey>& keys);

// Valid rows first, in their order (a stable sort on validity alone); the table itself when
// it is already valid_first (public), at no cost.
Result<Table> Compact(fxp::FixedPoint& fp, Table table);

// The first min(k, rows) rows after Compact (skipped when valid_first): pandas head(k) of the
// valid rows; the result has min(k, rows) rows, some possibly invalid (when fewer than k rows
// are valid). An error if k < 0. Cost: Compact's, then local.
Result<Table> Head(fxp::FixedPoint& fp, Table table, int64_t k);

}  // namespace arca::frame

#endif  // ARCA_FRAME_SORT_H_
