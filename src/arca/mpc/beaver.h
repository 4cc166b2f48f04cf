// Beaver products for helper-assisted two-party kernels (see assisted.h).
//
// To multiply x by y, A and B open e = x - a and f = y - b for masks a, b and combine them with
// shares of c = a·b: x·y = c + e·b + a·f + e·f. A and B expand a, b (and A its share of c) from
// seeds shared with H; H sends B its share of c, one element per product element (or, for a
// matrix product, one per output element). An operand prepared with OpenMasked() brings its own
// mask and opened value, so it is not opened again.
#ifndef ARCA_MPC_BEAVER_H_
#define ARCA_MPC_BEAVER_H_

#include "arca/mpc/assisted.h"
#include "arca/mpc/shared.h"

namespace arca::mpc {

// An operand as one role holds it.
struct Operand {
  const RingTensor* share = nullptr;  // A, B: this party's share; H: null
  const Opening* opening = nullptr;   // set if the operand was opened with OpenMasked()
};

// Opens x - a for a fresh mask a (one round, |x| elements each way). A and B get their share of
// a and the opened value; H gets the whole of a, to build later products' correlations.
Result<Opening> OpenMasked(Assisted& ctx, const RingTensor* share, const Shape& shape);
AssistedCost OpenMaskedCost(int64_t n);

// x·y elementwise; both operands have `shape`. A, B: a share of the product; H: empty.
Result<RingTensor> BeaverMul(Assisted& ctx, const Shape& shape, const Operand& x, const Operand& y);
AssistedCost BeaverMulCost(int64_t n, bool x_opened, bool y_opened);

// X·Y for X of shape [m, k] and Y of shape [k, n].
Result<RingTensor> BeaverMatMul(Assisted& ctx, int64_t m, int64_t k, int64_t n, const Operand& x,
                                const Operand& y);
AssistedCost BeaverMatMulCost(int64_t m, int64_t k, int64_t n, bool x_opened, bool y_opened);

}  // namespace arca::mpc

#endif  // ARCA_MPC_BEAVER_H_
