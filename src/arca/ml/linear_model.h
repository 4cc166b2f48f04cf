// Linear and logistic regression by full-batch gradient descent on secret shares, written once
// over mpc::Protocol (docs/PLANS.md, `train_logistic` and `train_linear`).
//
// Model: z = x·w + b (b the intercept, if fitted); the prediction is z (linear) or
// sigmoid(z) (logistic). Loss over the m selected rows:
//   (1/m)·sum_i loss(z_i, y_i) + l2/2·|w|^2   (the intercept is not penalised)
// with loss = ½(z - y)^2 (linear) or the cross-entropy (logistic), so that both gradients are
//   g_w = (1/m)·sum_i (h(z_i) - y_i)·x_i + l2·w,   g_b = (1/m)·sum_i (h(z_i) - y_i).
// Training starts at w = 0, b = 0 and takes `iterations` steps (w, b) -= learning_rate·g.
//
// Rows whose selection is 0 (removed by a filter) do not count: their feature rows, and the
// column of ones that carries the intercept, are multiplied by the selection once, so they add
// nothing to any gradient. m is secret; its reciprocal is computed once, at the scale 2^K/m
// with 2^K >= n (n the public row count), so that it carries the fixed point's full precision
// whatever m is.
//
// Weights are a rank-1 tensor: w_1..w_d in the order of the feature columns, then the
// intercept if there is one.
//
// Ranges (f fractional bits, K = ceil(log2 n)): each product sum x·w and each gradient sum
// must stay below 2^(62 - 2f) (6.7e7 at f = 18); a step learning_rate·|g| below 2^(62 - 2f -
// K) (65536 at f = 18 for n <= 1024); m >= 1, and for n > 2^f, m is rounded to a multiple of
// 2^(K - f) in the reciprocal. Each iteration costs two matrix products and their
// truncations, one product and truncation of the step, and for logistic one sigmoid; the
// feature matrix is made Reusable, so dealer2pc opens it once for all iterations.
#ifndef ARCA_ML_LINEAR_MODEL_H_
#define ARCA_ML_LINEAR_MODEL_H_

#include <functional>
#include <string_view>

#include "arca/fxp/fixed_point.h"

namespace arca::ml {

enum class ModelKind { kLogistic, kLinear };
// "logistic", "linear".
std::string_view ModelKindName(ModelKind kind);

struct TrainOptions {
  ModelKind kind = ModelKind::kLogistic;
  int iterations = 100;        // >= 1
  double learning_rate = 0.1;  // > 0
  double l2 = 0;               // >= 0
  bool intercept = true;
};

// Called after each iteration with the number done so far (1..iterations).
using TrainProgress = std::function<void(int done)>;

// Trains on `features` ([n, d], fixed point at fp.frac_bits()), `label` ([n] or [n, 1], fixed
// point; 0 or 1 for logistic) and `selection` ([n], ring integers 0 or 1). Returns the weights
// ([d] or [d + 1], fixed point).
Result<mpc::Shared> Train(fxp::FixedPoint& fp, const mpc::Shared& features,
                          const mpc::Shared& label, const mpc::Shared& selection,
                          const TrainOptions& options, const TrainProgress& progress = nullptr);

// The model's predictions for `features` ([n, d]): shape [n], probabilities for logistic.
// `weights` must have d elements, or d + 1 with `intercept`.
Result<mpc::Shared> Predict(fxp::FixedPoint& fp, ModelKind kind, bool intercept,
                            const mpc::Shared& features, const mpc::Shared& weights);

}  // namespace arca::ml

#endif  // ARCA_ML_LINEAR_MODEL_H_
