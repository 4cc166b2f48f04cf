// Joins on shares: pandas left.merge(right, how, left_on, right_on, validate, suffixes) for
// how = inner | left and validate = one_to_one | one_to_many | many_to_one. Which side's keys
// are unique is declared by the caller (public); many-to-many joins are not supported.
// Vertical partitioning (two owners' columns of the same entities, joined on an id) is the
// one_to_one inner join.
//
// Result. Columns: the left table's, then the right table's; a right key column whose name
// equals its left partner's is dropped (pandas on=); any other name on both sides gets the
// suffixes. Rows: n + m (n left rows, m right rows), a public number whatever the data; a
// valid row per row of pandas' result, every other row invalid. In a left join, the right
// columns of an unmatched left row are null (present = 0; pandas gives NaN). Invalid input
// rows neither match nor appear. Row order: the rows of both inputs sorted by key (numbers
// ascending, categories by their index in the list), so a key's result rows are adjacent;
// within a key the order is unspecified. Not valid_first; the notices of both inputs.
//
// Algorithm. Let U be the side declared unique (the left for one_to_many, else the right) and
// M the other. Both are stacked into one table of n + m rows: the merged key columns (U's keys
// on U rows, M's on M rows), an order component, U's other columns and validity (zero on M
// rows) and M's other columns and validity (zero on U rows). The stack is sorted by (keys...,
// component) with ShuffleSortColumns (shuffle_sort.h), where the component
//   U row:  (1 - valid)·N + index         M row:  2N + valid·N + index      (N = n + m)
// orders each key's rows as [valid U][invalid U][invalid M][valid M] and makes every key
// distinct. RunStarts (distinct.h) flags each key's first row (one batched equality with the
// previous row); a first-value SegmentedScan (segmented_scan.h) carries the key's first row's
// U columns and U validity u (1 iff the key has a valid U row) to every row of the key. Then
// (mv = the row's M validity, e = the key's last row and not a valid M row):
//
//   how    validate      U      output row valid where        right columns null where
//   inner  one_to_one    right  mv·u                          -
//   inner  one_to_many   left   mv·u                          -
//   inner  many_to_one   right  mv·u                          -
//   left   one_to_one    right  mv                            u = 0
//   left   many_to_one   right  mv                            u = 0
//   left   one_to_many   left   mv·u  or  e·u (the key has    row is not a valid M row
//                               no valid M row: the left row
//                               once, at the key's last row)
//
// Columns with nulls carry their masks along. Where a null cell could hold a filtered-out
// row's values (the U columns of a key whose first row is an invalid U row, the M columns of
// an invalid M row), they are multiplied by the mask (skipped when that side is all_valid);
// a kept right key column shows the row's key, which its left key column shows too.
//
// Uniqueness (validate). The valid U rows of a key come first, so the number of distinct
// valid U keys is sum(start·uvalid), and D_U = sum(uvalid) - sum(start·uvalid) counts the
// duplicates; likewise the valid M rows come last, D_M = sum(mvalid) - sum(end·mvalid)
// (one_to_one). ONE bit is revealed: [D_U (+ D_M) == 0], "the declared side's keys are
// unique among its valid rows", the fact the caller declared (pandas' validate); if it is 0
// the join returns an error (pandas' MergeError), else the result. Not how many duplicates,
// nor which keys. It is skipped when the declared sides have at most one row (then public).
// Apart from this bit, nothing is revealed beyond the sort's opened comparison outcomes,
// which are independent of the data (shuffle_sort.h): not which keys matched, nor how many.
//
// Cost per party, N = n + m rows, k key pairs, c = stacked columns (k keys, the component,
// both sides' non-key columns and null masks, two validities), u = U's non-key columns and
// masks; R_x the rounds of one call of x (dealer2pc: mul 1, equality 6, reveal 1):
//   - ShuffleSortColumns of c columns on k + 1 components: one Shuffle of N·c elements, then P
//     passes (random, whatever the data: about 4.3 ln N, 22 to 35 measured for N = 2·10^3 to
//     2·10^4), each R_lt + ceil(log2(k + 1))·R_mul + R_reveal on the unplaced rows; about
//     2 N ln N comparisons of k + 1 components in all;
//   - RunStarts: one EqualPublic of k·(N - 1) elements, ceil(log2 k) products;
//   - left one_to_many only: one product of (1 + M's masked columns)·N elements;
//   - SegmentedScan(kFirst) of [N, u + 1]: ceil(log2 N) products of at most N·(u + 2)
//     (above kScanElements / (u + 2) rows, in batches: segmented_scan.h);
//   - one product of at most (u + 3)·N elements (validity, masks, duplicate counts);
//   - the uniqueness bit: one EqualPublic and one Reveal of 1 element.
// Rounds: sort + R_eq + ceil(log2 k) + [1] + ceil(log2 N) + 1 + R_eq + R_reveal (R_mul = 1),
// held by join_test.cc. Bytes: those calls' bytes, O(N·c·log N) elements in all; nothing is
// proportional to n·m. Measured (party 0, one integer key, three payload columns a side): see
// docs/FRAME.md "Joins". Memory: the inputs' cells move into the stack as it is built, so the
// peak is the sort's (ShuffleSortColumns: two copies of the N·c elements) plus the scan's.
#ifndef ARCA_FRAME_JOIN_H_
#define ARCA_FRAME_JOIN_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/shuffle_sort.h"
#include "arca/frame/table.h"

namespace arca::frame {

enum class JoinHow { kInner, kLeft };
// pandas' validate: which side's keys are unique (among its valid rows).
enum class JoinCardinality { kOneToOne, kOneToMany, kManyToOne };

// pandas' names: "inner", "left"; "one_to_one" ("1:1"), "one_to_many" ("1:m"),
// "many_to_one" ("m:1"). Parsing other names (right, outer, cross; many_to_many) is an error
// naming what is supported.
std::string_view JoinHowName(JoinHow how);
std::string_view JoinCardinalityName(JoinCardinality cardinality);
Result<JoinHow> ParseJoinHow(std::string_view name);
Result<JoinCardinality> ParseJoinCardinality(std::string_view name);

struct JoinSpec {
  // The same number (>= 1) of columns, pairwise of the same type: integer and decimal may
  // pair; categorical keys need identical category lists. No key column may have nulls.
  std::vector<std::string> left_on, right_on;
  JoinHow how = JoinHow::kInner;
  JoinCardinality cardinality = JoinCardinality::kOneToOne;
  std::pair<std::string, std::string> suffixes{"_x", "_y"};
};

// One column of a join's result: its name, its side, and its name in that input.
struct JoinedColumn {
  std::string name;
  bool left = true;
  std::string source;
};

// pandas' result columns of merging tables whose columns are named `left` and `right` (in
// order): the left's, then the right's without a key named as its left partner; names on both
// sides take the suffixes. Errors as Join's for names (both suffixes empty, a name twice).
Result<std::vector<JoinedColumn>> JoinedColumns(const std::vector<std::string>& left,
                                                const std::vector<std::string>& right,
                                                const JoinSpec& spec);

// The join of `left` and `right` described in the file comment. Errors (one line each, naming
// the column): an unknown key column, a key pair of different types or categories, a key
// column that may hold nulls, overlapping names with both suffixes empty, a name that appears
// twice after suffixing, and (after the one revealed bit) keys of the declared side that are
// not unique. Takes both tables (pass copies to keep them): their cells move into the sort.
// `transcript`, if given, receives what the sort opened (for tests of the cost).
Result<Table> Join(mpc::Protocol& p, Table left, Table right, const JoinSpec& spec,
                   SortTranscript* transcript = nullptr);

}  // namespace arca::frame

#endif  // ARCA_FRAME_JOIN_H_
