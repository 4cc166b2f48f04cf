// Quantiles of a column on shares, as pandas Series.quantile(qs) (interpolation="linear")
// over the column's valid, present values.
//
// With m such values (secret) sorted ascending as x_0 <= ... <= x_{m-1}, quantile q is
// x_j + (p - j)·(x_{j+1} - x_j) at position p = q·(m - 1), j = floor(p). Algorithm:
//  1. SortRows by the column (sort.h; rows that are invalid or null count as invalid, so the
//     m values come first in order).
//  2. p in fixed point: (m - 1)·round(q·2^P) with P = 62 - CountBits(n) bits of q (exact
//     ring product), truncated to f fractional bits.
//  3. j in two levels of B = ceil(sqrt(n)) (no n-sized one-hot): the block h = floor(p / B)
//     by one LessThanPublic of p against 0, B, 2B, ... (H = ceil(n / B) thresholds; m < 1 is
//     tested in the same call), the offset l = floor(p - h·B) by one against 1, ..., B - 1;
//     their one-hots are differences of adjacent comparison bits (local).
//  4. x_j and x_{j+1}: the block row of [x, x shifted by one] ([H, 2B]) picked by one MatMul
//     with h's one-hot, the element by one product with l's one-hot and a local sum; then the
//     interpolation, one fixed-point product.
// The result row of q is valid iff m >= 1 (pandas gives NaN for no values).
//
// Accuracy: x_j and x_{j+1} exact; p within 2 ulp of q·(m - 1), so a result within
// 2^-(f-1)·|x_{j+1} - x_j| + 2 ulp of pandas' (at an integer position p may fall one ulp
// short: x_{j-1} + (1 - 2^-f)·(x_j - x_{j-1})).
// Range: |x| < 2^(62 - f); |x_{j+1} - x_j| < 2^(62 - 2f) (6.7e7 at f = 18).
//
// Cost for n rows and Q quantiles: SortRows's (one key); then a MatMulPublic and a Truncate
// of Q elements, LessThanPublic of H thresholds on Q + 1 elements and of B - 1 thresholds on
// Q, a MatMul [Q, H] x [H, 2B], a Mul of 2·Q·B elements and an fxp Mul of Q: 2 comparison
// rounds and 4 product rounds, O(Q·sqrt(n)) elements. Memory: the sort's, plus 2n for the
// shifted copy. Nothing is revealed beyond the sort's opened outcomes (shuffle_sort.h).
#ifndef ARCA_FRAME_QUANTILES_H_
#define ARCA_FRAME_QUANTILES_H_

#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

// A table of qs.size() rows: decimal column "quantile" (the q's, public) and a decimal column
// named like `column` (its quantiles); each row valid iff the column has a valid, present
// value. An error if `column` is missing or categorical, is named "quantile", or a q is not
// in [0, 1].
Result<Table> Quantiles(fxp::FixedPoint& fp, const Table& table, const std::string& column,
                        const std::vector<double>& qs);

}  // namespace arca::frame

#endif  // ARCA_FRAME_QUANTILES_H_
