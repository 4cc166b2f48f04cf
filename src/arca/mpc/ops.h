// Operations composed from the Protocol interface, written once for every protocol.
//
// Comparison results are shares of 0 or 1 (ring integers). Comparisons of two shared values
// compare their difference with zero, so they are exact when the difference fits in 63 bits.
#ifndef ARCA_MPC_OPS_H_
#define ARCA_MPC_OPS_H_

#include "arca/mpc/protocol.h"

namespace arca::mpc {

// [a < b], [a == b] elementwise.
Result<Shared> LessThan(Protocol& p, const Shared& a, const Shared& b);
Result<Shared> Equal(Protocol& p, const Shared& a, const Shared& b);
// [x < 0].
Result<Shared> IsNegative(Protocol& p, const Shared& x);

// cond ? a : b, for cond a share of 0 or 1 of the same shape: b + cond·(a - b), one product.
Result<Shared> Select(Protocol& p, const Shared& cond, const Shared& a, const Shared& b);

Result<Shared> Max(Protocol& p, const Shared& a, const Shared& b);
Result<Shared> Min(Protocol& p, const Shared& a, const Shared& b);
// The largest and smallest element of x (any shape), as a rank-0 tensor: a tournament of
// ceil(log2 n) levels, each one batch of comparisons and one product.
Result<Shared> ReduceMax(Protocol& p, const Shared& x);
Result<Shared> ReduceMin(Protocol& p, const Shared& x);

// The largest element of each column of `rows` ([n, k], n >= 1), as [1, k]: pairs of rows meet
// level by level (an odd one waits), ceil(log2 n) levels of one comparison batch and one
// product.
Result<Shared> ColumnMax(Protocol& p, Shared rows);

// x = hi·2^bits + lo exactly, with hi = Truncate(x, bits) and |lo| < 2^bits computed locally:
// products of the parts stay in the ring where a product of x would not. One Truncate.
struct SplitParts {
  Shared hi, lo;
};
Result<SplitParts> SplitAt(Protocol& p, const Shared& x, int bits);

// |x| and max(x, 0).
Result<Shared> Abs(Protocol& p, const Shared& x);
Result<Shared> Relu(Protocol& p, const Shared& x);

// Piecewise-constant public tables of x. For T increasing bounds b_1 < ... < b_T, x lies in
// interval 0 (x < b_1), j (b_j <= x < b_{j+1}) or T (x >= b_T). One batch of comparisons,
// below = [x < b_j] (the cost of LessThanPublic with T values), serves any number of
// selections, each local: with onehot_j the interval's indicator,
//   sum_j table_j·onehot_j = table_T + sum_j (table_j - table_{j+1})·below_j,
// so the one-hot itself is never built.
struct Intervals {
  Shared below;  // [T, n]: [x_i < b_j], n = x.numel()
};
Result<Intervals> CompareWithBounds(Protocol& p, const Shared& x, const RingTensor& bounds);
// For each element, column j of `table` (public, shape [rows, T + 1]) where j is the
// element's interval: shape [rows, n].
Result<Shared> SelectByInterval(Protocol& p, const Intervals& intervals, const RingTensor& table);

// The intervals as a one-hot of shape [T + 1, ...x's shape] (SelectByInterval of the identity).
Result<Shared> IntervalOneHot(Protocol& p, const Shared& x, const RingTensor& bounds);

}  // namespace arca::mpc

#endif  // ARCA_MPC_OPS_H_
