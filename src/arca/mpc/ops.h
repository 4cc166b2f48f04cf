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
// |x| and max(x, 0).
Result<Shared> Abs(Protocol& p, const Shared& x);
Result<Shared> Relu(Protocol& p, const Shared& x);

// Which of the intervals cut by `bounds` each element lies in, as a one-hot of shape
// [T + 1, ...x's shape] for T increasing bounds: row 0 is [x < b_1], row j is
// [b_j <= x < b_{j+1}], row T is [x >= b_T]. One batch of comparisons: its cost is that of
// LessThanPublic with T values.
Result<Shared> IntervalOneHot(Protocol& p, const Shared& x, const RingTensor& bounds);

}  // namespace arca::mpc

#endif  // ARCA_MPC_OPS_H_
