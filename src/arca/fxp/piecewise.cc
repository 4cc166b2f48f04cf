#include "arca/fxp/piecewise.h"

#include <algorithm>

#include "arca/fxp/encoding.h"
#include "arca/fxp/polynomial.h"
#include "arca/mpc/ops.h"

namespace arca::fxp {

Result<mpc::Shared> EvaluatePiecewise(mpc::Protocol& p, const PiecewisePolynomial& poly,
                                      const mpc::Shared& x, int frac_bits) {
  const auto pieces = static_cast<int64_t>(poly.pieces.size());
  const int64_t n = x.numel();
  size_t degree = 1;
  int min_scale = 0;
  for (const Piece& piece : poly.pieces) {
    degree = std::max(degree, piece.coefficients.size() - (piece.coefficients.empty() ? 0 : 1));
    min_scale = std::min(min_scale, piece.scale_log2);
  }
  const bool scaled = std::any_of(poly.pieces.begin(), poly.pieces.end(),
                                  [](const Piece& piece) { return piece.scale_log2 != 0; });

  mpc::RingTensor bounds(mpc::Shape{static_cast<int64_t>(poly.bounds.size())});
  for (size_t i = 0; i < poly.bounds.size(); ++i) {
    bounds.data()[i] = Constant(poly.bounds[i], frac_bits);
  }
  ARCA_ASSIGN_OR_RETURN(mpc::Intervals intervals, mpc::CompareWithBounds(p, x, bounds));

  // One public table, a column per piece: its center, its coefficients c_0..c_d and (if any
  // piece is scaled) its scale; one selection gives every element its piece's column.
  const auto coefficient_rows = static_cast<int64_t>(degree) + 1;
  const int64_t rows = 1 + coefficient_rows + (scaled ? 1 : 0);
  mpc::RingTensor table = mpc::RingTensor::Zeros(mpc::Shape{rows, pieces});
  for (int64_t j = 0; j < pieces; ++j) {
    const Piece& piece = poly.pieces[static_cast<size_t>(j)];
    table.data()[j] = Constant(piece.center, frac_bits);
    for (size_t k = 0; k < piece.coefficients.size(); ++k) {
      table.data()[(1 + static_cast<int64_t>(k)) * pieces + j] =
          Constant(piece.coefficients[k], kWorkBits);
    }
    if (scaled) {
      table.data()[(rows - 1) * pieces + j] = uint64_t{1} << (piece.scale_log2 - min_scale);
    }
  }
  ARCA_ASSIGN_OR_RETURN(mpc::Shared selected, mpc::SelectByInterval(p, intervals, table));

  // u = x - center at kWorkBits. Outside the polynomial pieces u may be large and its powers
  // wrap around, which is harmless: they only meet coefficients that are exactly zero.
  ARCA_ASSIGN_OR_RETURN(mpc::Shared center, p.SliceRows(selected, 0, 1));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared flat_x, p.Reshape(x, mpc::Shape{1, n}));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared u, p.Sub(flat_x, center));
  ARCA_ASSIGN_OR_RETURN(
      u, p.MulPublic(u, mpc::RingTensor::Scalar(uint64_t{1} << (kWorkBits - frac_bits))));
  ARCA_ASSIGN_OR_RETURN(u, p.Reshape(std::move(u), mpc::Shape{n}));

  ARCA_ASSIGN_OR_RETURN(std::vector<mpc::Shared> powers, Powers(p, u, static_cast<int>(degree)));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared coefficients, p.SliceRows(selected, 1, 1 + coefficient_rows));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared sum, CombineShared(p, coefficients, powers));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared value, p.Truncate(sum, 2 * kWorkBits - frac_bits));
  if (scaled) {
    // value · 2^scale: an exact product with the integer 2^(scale - min_scale), then a
    // truncation by -min_scale.
    ARCA_ASSIGN_OR_RETURN(mpc::Shared scale, p.SliceRows(selected, rows - 1, rows));
    ARCA_ASSIGN_OR_RETURN(scale, p.Reshape(std::move(scale), mpc::Shape{n}));
    ARCA_ASSIGN_OR_RETURN(value, p.Mul(value, scale));
    if (min_scale < 0) {
      ARCA_ASSIGN_OR_RETURN(value, p.Truncate(value, -min_scale));
    }
  }
  return p.Reshape(std::move(value), x.shape());
}

}  // namespace arca::fxp
