// GroupByDomain (group_by.h): how it works, what it costs, and its batch budget.
//
// Keys: categorical (domain: its categories, in order), boolean (false, true) and integer (a
// declared domain in KeyDomains: distinct whole numbers, taken in increasing order as pandas
// sorts group keys). The result has G = prod(domain sizes) rows, the key combinations in
// lexicographic order of the keys as given, then one column per aggregate.
//
// Each row's combination is one mixed-radix number c = sum_j digit_j·stride_j (scaled by 2^f,
// local: a categorical key's digit is its index, a boolean's its value; an integer key's
// digit comes from one EqualPublic with its domain, and a value outside the domain becomes
// the digit G). An invalid row or a null key adds G (local), so such rows match no
// combination. One EqualPublic of c with the G combinations is the one-hot H [G, n]; the
// aggregates follow from H as group_statistics.h describes (one MatMul for counts, sizes and
// sums). This costs fewer rounds and bytes than a one-hot per key multiplied across keys: one
// equality batch of G·n elements (about 4 bytes each on dealer2pc) instead of products of
// G·n elements (16 bytes each).
//
// A result row is valid iff its group has a valid row and, with min_group_size K, at least
// K: the Notice "groups suppressed (fewer than K rows)" counts the groups dropped for K, and
// their aggregates (and null masks) are multiplied by 0 so that nothing of them is released.
// With integer keys or keys with nulls, the Notice "rows in no group (a key null or outside
// its declared domain)" counts valid rows that fell in no group (pandas drops null keys).
// Aggregates as aggregate.h: count and size integer, the others decimal; mean, min and max of
// a column with nulls and every var and std may be null.
//
// Accuracy: as group_statistics.h (counts, sizes, sums, min, max exact).
// Cost with n <= B rows (one batch), I integer keys, R_x the rounds of one call of x:
//   (1 + I)·R_eq + R_matmul + R_lt
//   + R_mul                                  if an aggregated column has nulls
//   + R_mul + ceil(log2 n)·(R_lt + R_mul)    with min or max
//   + R_div                                  with mean, var or std
//   + 2·R_matmul + R_square + R_div (+ R_mul with nulls)   with var or std
//   + R_root                                 with std
//   + R_mul                                  with min_group_size > 1
// (R_div = R_lt + 4·R_trunc + 2·R_mul + R_recip: divide_by_count.h; R_square = R_mul +
// 2·R_trunc, R_root = R_trunc + R_lt + R_sqrt + R_mul: statistic_arithmetic.h).
// Rows are processed in batches of B = max(1, budget / (G·(1 + 2·columns with min/max)))
// rows; each further batch repeats the membership ((1 + I)·R_eq), the MatMul, the nulls'
// R_mul and the tournament (+1 merge level), and with var the second pass's membership too. Memory:
// about budget elements per intermediate, whatever n. Bytes per party: O(n·G) for the equalities,
// products and MatMuls (plus O(n·T_j) per integer key). Reveals nothing.
#ifndef ARCA_FRAME_GROUP_BY_DOMAIN_H_
#define ARCA_FRAME_GROUP_BY_DOMAIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "arca/frame/group_by.h"

namespace arca::frame {

// The one-hot elements a batch may hold (32 MiB per share part): 2^24 made the membership's
// equality test alone take about 2.7 GB on a compute party (TPC-H Q1 at SF 1,
// docs/PERFORMANCE.md); smaller batches cost rounds, not bytes.
inline constexpr int64_t kOneHotBudget = int64_t{1} << 22;
// The most key combinations GroupByDomain takes (beyond, use GroupBySorted).
inline constexpr int64_t kMaxGroups = int64_t{1} << 20;

// GroupByDomain with batches sized by `one_hot_budget` instead of kOneHotBudget.
Result<Table> GroupByDomainInBatches(fxp::FixedPoint& fp, const Table& table,
                                     const std::vector<std::string>& keys,
                                     const std::vector<Aggregate>& aggregates,
                                     const KeyDomains& domains, const GroupByOptions& options,
                                     int64_t one_hot_budget);

}  // namespace arca::frame

#endif  // ARCA_FRAME_GROUP_BY_DOMAIN_H_
