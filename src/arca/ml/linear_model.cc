#include "arca/ml/linear_model.h"

#include <fmt/format.h>

#include <cmath>

#include "arca/fxp/encoding.h"
#include "arca/ml/repeat_rows.h"

namespace arca::ml {
namespace {

using mpc::Shape;
using mpc::Shared;

Status CheckFeatures(const Shared& features) {
  if (features.shape().rank() != 2 || features.shape().dim(0) < 1 || features.shape().dim(1) < 1) {
    return InvalidArgumentError(fmt::format(
        "features must be a matrix [rows, columns] with at least one of each; got shape {}",
        features.shape().ToString()));
  }
  return OkStatus();
}

// features^T ([d, n]) with a row of fixed-point ones appended if `intercept`: the transposed
// design matrix.
Result<Shared> DesignTransposed(fxp::FixedPoint& fp, const Shared& features, bool intercept) {
  mpc::Protocol& p = fp.protocol();
  ARCA_ASSIGN_OR_RETURN(Shared xt, p.Transpose(features));
  if (!intercept) return xt;
  const Shared ones = p.Public(
      mpc::RingTensor::Filled(Shape{1, features.shape().dim(0)}, uint64_t{1} << fp.frac_bits()));
  return p.ConcatRows({xt, ones});
}

}  // namespace

std::string_view ModelKindName(ModelKind kind) {
  return kind == ModelKind::kLogistic ? "logistic" : "linear";
}

Result<Shared> Train(fxp::FixedPoint& fp, const Shared& features, const Shared& label,
                     const Shared& selection, const TrainOptions& options,
                     const TrainProgress& progress) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  ARCA_RETURN_IF_ERROR(CheckFeatures(features));
  const int64_t n = features.shape().dim(0);
  const int64_t d = features.shape().dim(1);
  if (label.numel() != n || label.shape().rank() > 2) {
    return InvalidArgumentError(fmt::format("the label has shape {}; {} rows need [{}] or [{}, 1]",
                                            label.shape().ToString(), n, n, n));
  }
  if (selection.shape() != Shape{n}) {
    return InvalidArgumentError(fmt::format("the selection has shape {}; {} rows need [{}]",
                                            selection.shape().ToString(), n, n));
  }
  if (options.iterations < 1 || !(options.learning_rate > 0) ||
      !std::isfinite(options.learning_rate) || !(options.l2 >= 0) || !std::isfinite(options.l2)) {
    return InvalidArgumentError(
        "training needs iterations >= 1, a finite learning rate > 0 and a finite l2 >= 0");
  }
  mpc::Session::Scope scope(
      p.session(), options.kind == ModelKind::kLogistic ? "train_logistic" : "train_linear");
  const int64_t cols = d + (options.intercept ? 1 : 0);

  // The design matrix with unselected rows zeroed (the selection is a ring integer 0/1, so the
  // product is exact), made reusable across iterations.
  ARCA_ASSIGN_OR_RETURN(Shared xt, DesignTransposed(fp, features, options.intercept));
  ARCA_ASSIGN_OR_RETURN(Shared mask, RepeatRows(p, selection, cols));
  ARCA_ASSIGN_OR_RETURN(xt, p.Mul(xt, mask));
  ARCA_ASSIGN_OR_RETURN(Shared x, p.Transpose(xt));
  ARCA_ASSIGN_OR_RETURN(x, p.Reusable(x));
  ARCA_ASSIGN_OR_RETURN(xt, p.Transpose(x));
  ARCA_ASSIGN_OR_RETURN(Shared y, p.Reshape(label, Shape{n, 1}));

  // scale = learning_rate·2^K/m, with m·2^-K in (0, 1] as the reciprocal's input.
  const int k = n == 1 ? 0 : static_cast<int>(std::ceil(std::log2(static_cast<double>(n))));
  ARCA_ASSIGN_OR_RETURN(Shared m, p.Sum(selection, -1));
  Shared ratio;
  if (k <= f) {
    ARCA_ASSIGN_OR_RETURN(ratio, p.MulPublic(m, mpc::RingTensor::Scalar(uint64_t{1} << (f - k))));
  } else {
    ARCA_ASSIGN_OR_RETURN(ratio, p.Truncate(m, k - f));
  }
  ARCA_ASSIGN_OR_RETURN(Shared inverse, fp.Reciprocal(ratio));
  ARCA_ASSIGN_OR_RETURN(Shared scale, fp.MulConstant(inverse, options.learning_rate));
  ARCA_ASSIGN_OR_RETURN(scale, RepeatRows(p, scale, cols));
  // learning_rate·l2 at f + K bits, for the weights but not the intercept: multiplied by w it
  // joins the step's scale of 2f + K bits.
  mpc::RingTensor decay = mpc::RingTensor::Zeros(Shape{cols, 1});
  for (int64_t j = 0; j < d; ++j) {
    decay.data()[j] = fxp::Constant(options.learning_rate * options.l2, f + k);
  }

  Shared w = p.Public(mpc::RingTensor::Zeros(Shape{cols, 1}));
  for (int t = 1; t <= options.iterations; ++t) {
    ARCA_ASSIGN_OR_RETURN(Shared z, fp.MatMul(x, w));
    if (options.kind == ModelKind::kLogistic) {
      ARCA_ASSIGN_OR_RETURN(z, fp.Sigmoid(z));
    }
    ARCA_ASSIGN_OR_RETURN(Shared error, p.Sub(z, y));
    ARCA_ASSIGN_OR_RETURN(Shared gradient, fp.MatMul(xt, error));
    // step·2^(2f+K) = gradient·scale (+ learning_rate·l2·w), then one truncation.
    ARCA_ASSIGN_OR_RETURN(Shared step, p.Mul(gradient, scale));
    if (options.l2 > 0) {
      ARCA_ASSIGN_OR_RETURN(Shared shrink, p.MulPublic(w, decay));
      ARCA_ASSIGN_OR_RETURN(step, p.Add(step, shrink));
    }
    ARCA_ASSIGN_OR_RETURN(step, p.Truncate(step, f + k));
    ARCA_ASSIGN_OR_RETURN(w, p.Sub(w, step));
    if (progress) progress(t);
  }
  return p.Reshape(std::move(w), Shape{cols});
}

Result<Shared> Predict(fxp::FixedPoint& fp, ModelKind kind, bool intercept, const Shared& features,
                       const Shared& weights) {
  mpc::Protocol& p = fp.protocol();
  ARCA_RETURN_IF_ERROR(CheckFeatures(features));
  const int64_t n = features.shape().dim(0);
  const int64_t cols = features.shape().dim(1) + (intercept ? 1 : 0);
  if (weights.numel() != cols) {
    return InvalidArgumentError(fmt::format("the model has {} weights; {} features{} need {}",
                                            weights.numel(), features.shape().dim(1),
                                            intercept ? " and an intercept" : "", cols));
  }
  mpc::Session::Scope scope(p.session(), "predict");
  ARCA_ASSIGN_OR_RETURN(Shared xt, DesignTransposed(fp, features, intercept));
  ARCA_ASSIGN_OR_RETURN(Shared x, p.Transpose(xt));
  ARCA_ASSIGN_OR_RETURN(Shared w, p.Reshape(weights, Shape{cols, 1}));
  ARCA_ASSIGN_OR_RETURN(Shared z, fp.MatMul(x, w));
  if (kind == ModelKind::kLogistic) {
    ARCA_ASSIGN_OR_RETURN(z, fp.Sigmoid(z));
  }
  return p.Reshape(std::move(z), Shape{n});
}

}  // namespace arca::ml
