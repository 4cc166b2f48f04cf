// Argument checks shared by every protocol, so that bad input gets the same clear error on
// plaintext, dealer2pc and rep3.
#ifndef ARCA_MPC_CHECKS_H_
#define ARCA_MPC_CHECKS_H_

#include "arca/base/status.h"
#include "arca/mpc/ring_tensor.h"
#include "arca/mpc/shared.h"

namespace arca::mpc {

// `value` present exactly where this party holds the owner's input, with the declared shape.
Status CheckInput(int owner, int owners, bool holds, const Shape& shape, const RingTensor* value);
Status CheckMul(const Shared& a, const Shared& b);
Status CheckMatMul(const Shared& a, const Shared& b);
Status CheckTruncate(int bits);
// Thresholds or comparison values: a non-empty rank-1 tensor.
Status CheckThresholds(const char* op, const RingTensor& t);
Status CheckShuffle(const Shared& x);
Status CheckRecipient(int to, int recipients);

// [T, ...x's shape]: the shape of a batch of comparisons.
Shape ComparisonShape(const Shared& x, int64_t count);

}  // namespace arca::mpc

#endif  // ARCA_MPC_CHECKS_H_
