// Piecewise polynomials evaluated obliviously: no party learns which piece an element is in.
//
// One batch of comparisons against the bounds gives a one-hot row per element (mpc's
// IntervalOneHot); the piece's center, coefficients and power-of-two scale are then selected
// with local public-by-shared products, so the polynomial is evaluated once per element, in
// u = x - center, whatever the piece.
#ifndef ARCA_FXP_PIECEWISE_H_
#define ARCA_FXP_PIECEWISE_H_

#include <vector>

#include "arca/mpc/protocol.h"

namespace arca::fxp {

struct Piece {
  double center = 0;                 // the polynomial is in u = x - center; keep |u| <= 1
  std::vector<double> coefficients;  // c_0, c_1, ...; empty for the constant 0
  int scale_log2 = 0;                // the piece's value is multiplied by 2^scale_log2
};

struct PiecewisePolynomial {
  std::vector<double> bounds;  // T increasing bounds
  std::vector<Piece> pieces;   // T + 1: below bounds[0], between consecutive bounds, above
};

// The polynomial's value at x (both at `frac_bits`). Rounds: comparisons (6) + 2 per doubling
// of the degree + 2 (+ 2 if pieces are scaled).
Result<mpc::Shared> EvaluatePiecewise(mpc::Protocol& p, const PiecewisePolynomial& poly,
                                      const mpc::Shared& x, int frac_bits);

}  // namespace arca::fxp

#endif  // ARCA_FXP_PIECEWISE_H_
