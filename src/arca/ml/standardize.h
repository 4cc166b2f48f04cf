// Feature standardisation on secret shares, for training on features of very different scales
// (docs/PLANS.md, `standardize`).
//
// Over the m selected rows, each feature column j gets its mean μ_j and its population
// standard deviation σ_j; training sees z_ij = (x_ij - μ_j)/σ_j on selected rows and 0 on the
// others. A model trained on z is then rewritten for raw features,
//   w_j = v_j/σ_j,   b = c - Σ_j w_j·μ_j,
// so it predicts exactly what the scaled model predicts, on rows nobody has to scale. Without an
// intercept the features are only divided by σ_j (centring would need the intercept to undo).
//
// Precision. μ and 1/σ are only used to make gradient descent well conditioned: the model is
// rewritten with the very values the features were scaled with, so their rounding changes the
// path of the descent, never the consistency of the released model. Computation: with 2^K >= n,
// r = 2^K/m once (full precision whatever m); μ = (Σ x/2^K)·r; σ² = (Σ (x - μ)²/2^K)·r with the
// squares kept at f + 8 bits until summed, plus one ulp so that a constant column (σ = 0) stays in
// InvSqrt's range (its z is 0 anyway). σ² is rounded to f bits once: a small feature (σ = 0.015
// gives σ² = 59 ulp at f = 18) is scaled with about a per cent of error.
// Ranges: n <= 2^(62-2f); |x|, and per row (x - μ)², below 2^(62-2f) (6.7e7 at f = 18); Σ(x - μ)²
// below 2^(54-f).
// Cost: one Reciprocal on one element, one InvSqrt on d elements, three elementwise products and
// five truncations over [n, d] or [d].
#ifndef ARCA_ML_STANDARDIZE_H_
#define ARCA_ML_STANDARDIZE_H_

#include "arca/base/status.h"
#include "arca/fxp/fixed_point.h"
#include "arca/mpc/shared.h"

namespace arca::ml {

struct Standardized {
  mpc::Shared features;  // [n, d]: the scaled features, 0 on unselected rows
  mpc::Shared mean;      // [d]: μ (0 when not centred)
  mpc::Shared inv_std;   // [d]: 1/σ
  bool centred = true;
};

// Scales `features` ([n, d], fixed point) over the rows `selection` ([n], ring integers 0 or
// 1) keeps. `centre` subtracts the mean first (training with an intercept).
Result<Standardized> Standardize(fxp::FixedPoint& fp, const mpc::Shared& features,
                                 const mpc::Shared& selection, bool centre);

// The weights of a model trained on `scaled.features` ([d], or [d + 1] with the intercept
// last) rewritten for the raw features.
Result<mpc::Shared> Unstandardize(fxp::FixedPoint& fp, const Standardized& scaled,
                                  const mpc::Shared& weights, bool intercept);

}  // namespace arca::ml

#endif  // ARCA_ML_STANDARDIZE_H_
