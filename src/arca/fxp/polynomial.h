// Evaluating polynomials on shares, the core of every elementary function.
//
// Powers are computed at kWorkBits fractional bits, more than the values' own, so that
// rounding in the polynomial stays far below the result's last bit; |u| <= 1 keeps them in
// range. Sums of products are returned untruncated (2·kWorkBits fractional bits), so a whole
// polynomial costs one truncation.
#ifndef ARCA_FXP_POLYNOMIAL_H_
#define ARCA_FXP_POLYNOMIAL_H_

#include <vector>

#include "arca/mpc/protocol.h"

namespace arca::fxp {

inline constexpr int kWorkBits = 28;

// u^1 .. u^degree at kWorkBits, from u at kWorkBits: one batched product and truncation per
// doubling of the degree (3 for degree 5..8).
Result<std::vector<mpc::Shared>> Powers(mpc::Protocol& p, const mpc::Shared& u, int degree);

// c_0 + c_1·u + ... with public coefficients, at 2·kWorkBits fractional bits. Local.
Result<mpc::Shared> CombinePublic(mpc::Protocol& p, const std::vector<double>& coefficients,
                                  const std::vector<mpc::Shared>& powers);

// The same with a coefficient per element: row k of `coefficients` (shape [d + 1, n], at
// kWorkBits) multiplies u^k. One batched product.
Result<mpc::Shared> CombineShared(mpc::Protocol& p, const mpc::Shared& coefficients,
                                  const std::vector<mpc::Shared>& powers);

// Stacks tensors of n elements into rows of a [count, n] tensor, and back.
Result<mpc::Shared> StackRows(mpc::Protocol& p, const std::vector<mpc::Shared>& rows);
Result<std::vector<mpc::Shared>> UnstackRows(mpc::Protocol& p, const mpc::Shared& stacked,
                                             const mpc::Shape& row_shape);

}  // namespace arca::fxp

#endif  // ARCA_FXP_POLYNOMIAL_H_
