#include "arca/ml/standardize.h"

#include <fmt/format.h>

#include <cmath>

#include "arca/ml/repeat_rows.h"
#include "arca/mpc/ring_tensor.h"

namespace arca::ml {
namespace {

using mpc::Shape;
using mpc::Shared;

// Bits beyond f kept in the squared deviations until they are summed.
constexpr int kGuardBits = 8;

// The selection ([n], 0/1) as a matrix [n, d] with each row's flag in every column.
Result<Shared> SelectionMatrix(mpc::Protocol& p, const Shared& selection, int64_t d) {
  ARCA_ASSIGN_OR_RETURN(Shared rows, RepeatRows(p, selection, d));
  return p.Transpose(rows);
}

// Column sums of an [n, d] matrix as a vector [d].
Result<Shared> ColumnSums(mpc::Protocol& p, const Shared& x) {
  ARCA_ASSIGN_OR_RETURN(Shared sums, p.Sum(x, 0));
  return p.Reshape(std::move(sums), Shape{x.shape().dim(1)});
}

}  // namespace

Result<Standardized> Standardize(fxp::FixedPoint& fp, const Shared& features,
                                 const Shared& selection, bool centre) {
  mpc::Protocol& p = fp.protocol();
  if (features.shape().rank() != 2 || features.shape().dim(0) < 1 || features.shape().dim(1) < 1) {
    return InvalidArgumentError(
        fmt::format("standardize: features must be a matrix [rows, columns]; got shape {}",
                    features.shape().ToString()));
  }
  const int64_t n = features.shape().dim(0);
  const int64_t d = features.shape().dim(1);
  if (selection.shape() != Shape{n}) {
    return InvalidArgumentError(
        fmt::format("standardize: the selection has shape {}; {} rows need [{}]",
                    selection.shape().ToString(), n, n));
  }
  mpc::Session::Scope scope(p.session(), "standardize");
  const int f = fp.frac_bits();

  // r = 2^K/m in [1, 2) at f bits (2^K >= n): full precision whatever m is. A sum S over the
  // selected rows divided by m is then (S/2^K)·r, and S/2^K keeps S's precision but K bits.
  const int k = n == 1 ? 0 : static_cast<int>(std::ceil(std::log2(static_cast<double>(n))));
  ARCA_ASSIGN_OR_RETURN(Shared m, p.Sum(selection, -1));
  Shared ratio;  // m/2^K at f bits
  if (k <= f) {
    ARCA_ASSIGN_OR_RETURN(ratio, p.MulPublic(m, mpc::RingTensor::Scalar(uint64_t{1} << (f - k))));
  } else {
    ARCA_ASSIGN_OR_RETURN(ratio, p.Truncate(m, k - f));
  }
  ARCA_ASSIGN_OR_RETURN(Shared r, fp.Reciprocal(ratio));
  ARCA_ASSIGN_OR_RETURN(r, RepeatRows(p, r, d));
  ARCA_ASSIGN_OR_RETURN(r, p.Reshape(std::move(r), Shape{d}));

  // Unselected rows are zeroed (an exact product with the 0/1 ring integers).
  ARCA_ASSIGN_OR_RETURN(const Shared keep, SelectionMatrix(p, selection, d));
  ARCA_ASSIGN_OR_RETURN(Shared kept, p.Mul(features, keep));
  ARCA_ASSIGN_OR_RETURN(Shared sums, ColumnSums(p, kept));
  if (k > 0) {
    ARCA_ASSIGN_OR_RETURN(sums, p.Truncate(sums, k));
  }
  ARCA_ASSIGN_OR_RETURN(Shared mean, fp.Mul(sums, r));

  // Squared deviations keep kGuardBits beyond f until they are summed, so that the variance
  // of a small feature is not lost to one rounding per row.
  ARCA_ASSIGN_OR_RETURN(Shared mean_rows, RepeatRows(p, mean, n));
  ARCA_ASSIGN_OR_RETURN(Shared deviation, p.Sub(features, mean_rows));
  ARCA_ASSIGN_OR_RETURN(deviation, p.Mul(deviation, keep));
  ARCA_ASSIGN_OR_RETURN(Shared squares, p.Mul(deviation, deviation));
  ARCA_ASSIGN_OR_RETURN(squares, p.Truncate(squares, f - kGuardBits));
  ARCA_ASSIGN_OR_RETURN(Shared variance, ColumnSums(p, squares));
  ARCA_ASSIGN_OR_RETURN(variance, p.Truncate(variance, kGuardBits + k));
  ARCA_ASSIGN_OR_RETURN(variance, fp.Mul(variance, r));
  ARCA_ASSIGN_OR_RETURN(variance, p.AddPublic(variance, mpc::RingTensor::Scalar(1)));
  ARCA_ASSIGN_OR_RETURN(Shared inv_std, fp.InvSqrt(variance));

  ARCA_ASSIGN_OR_RETURN(Shared inv_std_rows, RepeatRows(p, inv_std, n));
  const Shared& base = centre ? deviation : kept;
  ARCA_ASSIGN_OR_RETURN(Shared scaled, fp.Mul(base, inv_std_rows));
  if (!centre) mean = p.Public(mpc::RingTensor::Zeros(Shape{d}));
  return Standardized{std::move(scaled), std::move(mean), std::move(inv_std), centre};
}

Result<Shared> Unstandardize(fxp::FixedPoint& fp, const Standardized& scaled, const Shared& weights,
                             bool intercept) {
  mpc::Protocol& p = fp.protocol();
  const int64_t d = scaled.inv_std.numel();
  if (weights.numel() != d + (intercept ? 1 : 0)) {
    return InvalidArgumentError(fmt::format("unstandardize: {} weights for {} features{}",
                                            weights.numel(), d,
                                            intercept ? " and an intercept" : ""));
  }
  mpc::Session::Scope scope(p.session(), "unstandardize");
  ARCA_ASSIGN_OR_RETURN(Shared all, p.Reshape(weights, Shape{weights.numel(), 1}));
  ARCA_ASSIGN_OR_RETURN(Shared w, p.SliceRows(all, 0, d));
  ARCA_ASSIGN_OR_RETURN(w, p.Reshape(std::move(w), Shape{d}));
  ARCA_ASSIGN_OR_RETURN(Shared raw, fp.Mul(w, scaled.inv_std));
  if (!intercept) return raw;
  ARCA_ASSIGN_OR_RETURN(Shared b, p.SliceRows(all, d, d + 1));
  ARCA_ASSIGN_OR_RETURN(Shared shift, fp.Mul(raw, scaled.mean));
  ARCA_ASSIGN_OR_RETURN(shift, p.Sum(shift, -1));
  ARCA_ASSIGN_OR_RETURN(shift, p.Reshape(std::move(shift), Shape{1, 1}));
  ARCA_ASSIGN_OR_RETURN(b, p.Sub(b, shift));
  ARCA_ASSIGN_OR_RETURN(Shared raw_column, p.Reshape(std::move(raw), Shape{d, 1}));
  ARCA_ASSIGN_OR_RETURN(Shared out, p.ConcatRows({raw_column, b}));
  return p.Reshape(std::move(out), Shape{d + 1});
}

}  // namespace arca::ml
