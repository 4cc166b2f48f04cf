// Statistics of value columns per group of rows, on shares: the engine under GroupByDomain
// (groups = key combinations) and Moments (one group, the valid rows).
//
// A Membership gives, batch of rows by batch, the one-hot H [G, B] of each row's group
// (invalid rows in none). Then, over the rows of each group and the present values of each
// column:
//   sizes, counts, sums  one MatMul H·[1, x·present..., present...] per batch, added up
//   min, max             a tournament per group over the batch's rows, batched over groups
//                        and columns: H ⊙ (x + B)·present - B puts rows outside the group (and
//                        nulls) at -B, B = 2^62 - 1 (the maximum of -x gives the minimum);
//                        ceil(log2 rows) levels of one comparison batch and one product, and
//                        one more of each to merge a later batch
//   [size >= 1], [size >= K], [count >= 1], [count >= 2]  one batch of comparisons
//   mean                 DivideByCount(sum, count) (a count of 0 divides by 1)
//   var                  two passes: sum_r H·(x_r - mean of r's group)² over present values,
//                        then DivideByCount(., max(count - 1, 0)). The one-pass form
//                        (sum x² - sum·mean) would cancel catastrophically and needs
//                        |sum·mean| < 2^(62-2f); two passes keep f bits.
//   std                  SqrtWide(var)
// Rows are taken in batches of `batch_rows`: a batch's inputs ([B, m] sums, [B, 2e] extremes,
// [B, v] var columns) are built from the columns' slices, so that no intermediate holds more
// than about B·(G·(1 + 2e) + m) elements and no copy of all rows is made. With one batch, H is
// kept for the second pass, otherwise each batch's H is built again.
//
// Accuracy (f fractional bits, ulp 2^-f): sizes, counts, sums, min and max exact; mean as
// DivideByCount (2^-(f-3) relative + 4 ulp); var within (count + 4) ulp + 2^-(f-3) relative;
// std within sqrt of var's absolute error + 2^-(f-1) relative (a square root magnifies errors
// near 0). Ranges: values |x| < 2^(62-f) as encoded; |x - mean| < 2^22 and per-group sums of
// squared deviations < 2^(61-f) at f = 18 (SquareWide, DivideByCount); |sum| < 2^(61-f).
//
// Cost with one batch (R_x the rounds of one call of x; R_h the membership's rounds):
//   R_h + R_matmul
//   + R_mul                                    if a column has nulls
//   + R_mul + ceil(log2 n)·(R_lt + R_mul)      if any extremes
//   + R_lt                                     the threshold comparisons
//   + R_div                                    if any mean or var
//   + 2·R_matmul + R_square + R_div            if any var  (+ R_mul with nulls)
//   + R_root                                   if any std
// (R_div = DivideByCount's R_lt + 4·R_trunc + 2·R_mul + R_recip: divide_by_count.h;
// R_square = SquareWide, R_root = SqrtWide: statistic_arithmetic.h.)
// Each further batch adds R_h + R_matmul (+ R_mul with nulls), extremes' ceil(log2 B) + 1
// levels, and for var R_h + 2·R_matmul + R_square (+ R_mul). Bytes are linear in n·G·(columns):
// dealer2pc opens H and X in each MatMul (8·(G + m)·B bytes per party), and the extremes' products
// and comparisons touch 2·G·B elements per column. Reveals nothing.
#ifndef ARCA_FRAME_GROUP_STATISTICS_H_
#define ARCA_FRAME_GROUP_STATISTICS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

// Rows outside a group stand at -kBeyond in the tournaments: beyond every encoded value, yet
// its difference with any of them fits the 63 bits comparisons need.
inline constexpr uint64_t kBeyond = (uint64_t{1} << 62) - 1;

// H [groups, end - begin] for rows [begin, end): ring 0/1, each row in at most one group,
// invalid rows in none. nullopt: every row of the batch is in the single group (groups is 1
// and every row is valid), which saves the products with H.
using Membership = std::function<Result<std::optional<mpc::Shared>>(int64_t begin, int64_t end)>;

struct Grouping {
  int64_t groups = 1;
  int64_t batch_rows = 1;  // rows per call of `membership`, >= 1
  Membership membership;
  int64_t min_group_size = 0;  // see GroupByOptions
};

struct ColumnRequest {
  const Column* column = nullptr;  // numeric
  bool sum = false;                // sum (counts come with every request)
  bool mean = false;               // mean
  bool variance = false;           // var (with the mean)
  bool deviation = false;          // std (with var)
  bool extremes = false;           // min, max
};

// Each [groups]; the members a request did not ask for are empty.
struct ColumnStatistics {
  mpc::Shared count;                          // ring integers: present values
  mpc::Shared sum, mean, var, std, min, max;  // fixed point; min/max of no value: ±kBeyond
  mpc::Shared has_value;                      // [count >= 1], ring 0/1
  mpc::Shared has_two;                        // [count >= 2], ring 0/1
};

struct GroupStatistics {
  mpc::Shared size;                       // [groups] ring integers: valid rows
  mpc::Shared exists;                     // [size >= max(1, min_group_size)], ring 0/1
  mpc::Shared suppressed;                 // rank 0: groups with 1 <= size < min_group_size
  std::vector<ColumnStatistics> columns;  // in the order of the requests
};

// The rows per batch so that a batch's one-hots hold about `budget` elements: G·B for H and
// 2·G·B per column with extremes. At least 1.
int64_t BatchRows(int64_t groups, int64_t extremes_columns, int64_t budget);

Result<GroupStatistics> ComputeGroupStatistics(fxp::FixedPoint& fp, const Table& table,
                                               const Grouping& grouping,
                                               const std::vector<ColumnRequest>& requests);

}  // namespace arca::frame

#endif  // ARCA_FRAME_GROUP_STATISTICS_H_
