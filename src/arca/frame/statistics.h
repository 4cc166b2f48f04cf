// Descriptive statistics of a secret-shared table, as pandas computes them; every result is a
// Table (the caller turns it into a pandas frame). Only valid rows count, and a column's null
// values are skipped as pandas skips NaN. No function reveals anything: counts, sums and
// extremes stay shared until the result is released. Errors name the column or argument.
//
// f is the frame's fractional bits (18 by default), an ulp 2^-f; R_x is the rounds of one call
// of x (Protocol: R_mul, R_matmul, R_trunc, R_lt, R_eq; FixedPoint: R_recip, R_sqrt, R_isqrt;
// divide_by_count.h: R_div; statistic_arithmetic.h: R_square, R_root), n the table's rows and
// k the columns asked for. Accuracy bounds are what statistics_test.cc holds the results to.
#ifndef ARCA_FRAME_STATISTICS_H_
#define ARCA_FRAME_STATISTICS_H_

#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/group_by.h"
#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

// For describe(): per numeric column, its count (valid non-null values), mean, std (ddof 1),
// min and max. The result has a categorical column "statistic" (count, mean, std, min, max;
// one row each, all valid) then one decimal column per input column, null where pandas
// gives NaN (mean, min, max of no value; std of fewer than two).
// Accuracy: count, min, max exact; mean and std as GroupByDomain (group_statistics.h).
// Cost: group_statistics.h with one group: R_mul (if a column has nulls) + R_matmul (if some
// rows are invalid; otherwise sums are local) + R_mul + ceil(log2 n)·(R_lt + R_mul) (the
// tournaments; without the first R_mul when every row is valid) + R_lt + 2·R_div +
// R_square + R_matmul (+ R_mul with nulls) + R_root, for up to kOneHotBudget / (3k) rows;
// larger tables go in batches of that many rows, each adding the passes' rounds
// (group_statistics.h). Bytes O(n·k); memory O(kOneHotBudget) ring elements.
Result<Table> Moments(fxp::FixedPoint& fp, const Table& table,
                      const std::vector<std::string>& columns);

// Series.value_counts(sort=False) of a categorical or boolean column, or of an integer column
// with a declared domain in `domains`: the column's values in domain order then "count"
// (integer); a row is valid iff its count is above 0 (pandas lists only values that occur).
// Null values are not counted. GroupByDomain with `size`: cost R_eq (+ R_eq for an integer
// column) + R_matmul + R_lt, bytes O(n·T) for T values.
Result<Table> ValueCounts(fxp::FixedPoint& fp, const Table& table, const std::string& column,
                          const KeyDomains& domains = {});

// numpy.histogram(values, edges) over the valid non-null values of a numeric column: bin i
// holds e_i <= x < e_{i+1}, the last bin also x == e_last. The result has "lower", "upper"
// (decimal) and "count" (integer), one valid row per bin, and the Notice "values outside the
// histogram's edges" counting the values no bin holds. `edges`: at least two, strictly
// increasing, representable in fixed point (the last one plus one ulp too).
// Exact. Cost: one CompareWithBounds of n values against k + 1 bounds (R_lt), then R_matmul
// when rows are invalid or values null (R_mul more when both); bytes O(n·k).
Result<Table> Histogram(fxp::FixedPoint& fp, const Table& table, const std::string& column,
                        std::vector<double> edges);

// DataFrame.cov() (ddof 1) of numeric columns over the valid rows where none of them is null
// (pandas drops pairwise; with no nulls the two agree): a categorical column "column" (the
// names) then one decimal column per name. With fewer than two rows every cell is null.
// Columns are centred by their means first, then Xc^T·Xc is one MatMul (GramWide, so sums of
// products may fill the fixed-point range), then divided by m - 1.
// Accuracy: (m + 4) ulp + 2^-(f-3) relative per cell. Ranges: |x - mean| < 2^22 (f = 18),
// and the sums of products below 2^(61-f).
// Cost: ceil(log2 factors) R_mul to combine validity and null masks (none when every row is
// valid and no column has nulls), R_matmul + R_lt (column sums and [m < 1], [m < 2]; both
// local when every row counts), R_div (the means), R_mul (masking the centred values, when
// not every row counts), GramWide (2·R_trunc + R_matmul), R_div. Bytes O(n·k) and a MatMul
// of [2k, n] by [n, 2k].
Result<Table> Covariance(fxp::FixedPoint& fp, const Table& table,
                         const std::vector<std::string>& columns);

// DataFrame.corr() (pearson) over the same rows: cov_ij / (sd_i·sd_j), as
// (cov_ij·u_i)·u_j with u = 2^a/sd (a = ceil(f/2); InvSqrt of the variance, or of the variance
// over 4^a when it is at least 2^(2a-6), so that u keeps its relative precision), each
// product truncated by f + a. A column with variance 0 has no meaningful correlation (pandas
// gives NaN; this is not detected).
// Accuracy: within 2·10^-3 absolute at f = 18 for standard deviations in [2^-4, 2^17]
// (u's relative error is about 2^-(f-1)·min(sd, 64) below the switch and
// 2^-(f-1)·(sd/2^a + 2^(2a)/var) above). Cost: Covariance + R_trunc + R_lt + R_isqrt +
// 3·R_mul + 2·R_trunc.
Result<Table> Correlation(fxp::FixedPoint& fp, const Table& table,
                          const std::vector<std::string>& columns);

// pandas.crosstab(a, b) of two categorical or boolean columns over the valid rows where
// neither is null: a categorical column named like `row_column` (its categories; a boolean's
// are "False", "True") then one integer column per category of `col_column`, every
// combination present (zeros included), every row valid.
// Exact. Cost: one EqualPublic of 2n values against max(Ta, Tb) values (R_eq), with
// validity and nulls folded in locally, then one MatMul [Ta, n]·[n, Tb] (R_matmul).
Result<Table> Crosstab(fxp::FixedPoint& fp, const Table& table, const std::string& row_column,
                       const std::string& col_column);

}  // namespace arca::frame

#endif  // ARCA_FRAME_STATISTICS_H_
