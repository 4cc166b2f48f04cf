// Distinct rows on shares: pandas drop_duplicates and a count of distinct values.
//
// The table is sorted by the subset's columns (sort.h: invalid rows last, ties in input
// order), so equal keys are adjacent and the first of each run is its first occurrence in the
// input. "First of its group" is one batched equality of each row's keys with the previous
// row's: the differences of all subset columns in one EqualPublic call, their conjunction in
// ceil(log2 s) levels of one product (s subset columns). Categorical columns compare by index
// (one index per category, so equal indices are equal values). Nothing is revealed beyond
// what the sort reveals (nothing about the data; see shuffle_sort.h).
//
// Cost for n rows, s subset columns: SortRows by s keys (sort.h), then one EqualPublic of
// s·(n - 1) elements, ceil(log2 s) products of at most s·n/2 elements, and one product of n
// elements for the validity (none when every row is valid). Memory: the sort's.
#ifndef ARCA_FRAME_DISTINCT_H_
#define ARCA_FRAME_DISTINCT_H_

#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

// pandas drop_duplicates(subset, keep="first") of the valid rows; an empty subset means every
// column. The result has the input's rows, SORTED BY THE SUBSET (ascending, as SortRows):
// each distinct key's first valid row stays valid at its key's place, every other row is
// invalid. Not valid_first. An error if a subset column is missing or has nulls.
Result<Table> DropDuplicates(fxp::FixedPoint& fp, const Table& table,
                             const std::vector<std::string>& subset);

// [row i's `keys` differ from row i - 1's] for every row (1 for row 0), for keys of shape
// [n] each: group starts after a sort. Cost: one EqualPublic of (n - 1)·keys elements and
// ceil(log2 keys) products of at most (n - 1)·keys/2 elements (nothing for n <= 1).
Result<mpc::Shared> RunStarts(mpc::Protocol& p, const std::vector<mpc::Shared>& keys);

// The number of distinct value combinations of `columns` (every column when empty) among the
// valid rows: a rank-0 ring integer. Cost: DropDuplicates', then local.
Result<mpc::Shared> CountDistinct(fxp::FixedPoint& fp, const Table& table,
                                  const std::vector<std::string>& columns);

}  // namespace arca::frame

#endif  // ARCA_FRAME_DISTINCT_H_
