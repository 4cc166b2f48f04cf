// Local kernels over Z_2^64: elementwise arithmetic, reductions, layout.
//
// Preconditions (shapes agree, or one operand of a binary op is a single element that is
// broadcast) are the caller's to check; the protocol layer checks them and reports errors.
// Large inputs are split over ThreadPool::Default().
#ifndef ARCA_MPC_RING_OPS_H_
#define ARCA_MPC_RING_OPS_H_

#include <cstdint>
#include <functional>

#include "arca/mpc/ring_tensor.h"

namespace arca::mpc::ring {

// Runs fn(begin, end) over [0, n) in parallel chunks sized for streaming kernels.
void ParallelRange(int64_t n, const std::function<void(int64_t, int64_t)>& fn);

RingTensor Add(const RingTensor& a, const RingTensor& b);
RingTensor Sub(const RingTensor& a, const RingTensor& b);
RingTensor Mul(const RingTensor& a, const RingTensor& b);
RingTensor Neg(const RingTensor& a);
void AddInPlace(RingTensor& a, const RingTensor& b);
void SubInPlace(RingTensor& a, const RingTensor& b);
// a[r, c] += column[r] for a of shape [rows, cols] and column of shape [rows, 1].
void AddToRowsInPlace(RingTensor& a, const RingTensor& column);

// Arithmetic (sign-extending) shift right of each element read as a signed integer.
RingTensor ShiftRightArithmetic(const RingTensor& a, int bits);

// Sum over the axis `axis` of a rank-1 or rank-2 tensor; axis -1 sums everything to a scalar.
RingTensor Sum(const RingTensor& a, int axis);

RingTensor Transpose(const RingTensor& a);

// Rows [begin, end) of a tensor of rank >= 1.
RingTensor SliceRows(const RingTensor& a, int64_t begin, int64_t end);
// Stacks tensors whose shapes agree after the first dimension.
RingTensor ConcatRows(const std::vector<const RingTensor*>& parts);

}  // namespace arca::mpc::ring

#endif  // ARCA_MPC_RING_OPS_H_
