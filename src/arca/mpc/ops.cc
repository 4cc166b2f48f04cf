#include "arca/mpc/ops.h"

#include <fmt/format.h>

namespace arca::mpc {
namespace {

const RingTensor& Zero() {
  static const RingTensor* const zero = new RingTensor(RingTensor::FromValues(Shape{1}, {0}));
  return *zero;
}

// The single row of a comparison against one value, reshaped back to the operand's shape.
Result<Shared> FirstRow(Protocol& p, Result<Shared> rows, const Shape& shape) {
  if (!rows.ok()) return rows.status();
  return p.Reshape(*std::move(rows), shape);
}

}  // namespace

Result<Shared> LessThan(Protocol& p, const Shared& a, const Shared& b) {
  ARCA_ASSIGN_OR_RETURN(Shared d, p.Sub(a, b));
  return FirstRow(p, p.LessThanPublic(d, Zero()), a.shape());
}

Result<Shared> Equal(Protocol& p, const Shared& a, const Shared& b) {
  ARCA_ASSIGN_OR_RETURN(Shared d, p.Sub(a, b));
  return FirstRow(p, p.EqualPublic(d, Zero()), a.shape());
}

Result<Shared> IsNegative(Protocol& p, const Shared& x) {
  return FirstRow(p, p.LessThanPublic(x, Zero()), x.shape());
}

Result<Shared> Select(Protocol& p, const Shared& cond, const Shared& a, const Shared& b) {
  ARCA_ASSIGN_OR_RETURN(Shared d, p.Sub(a, b));
  ARCA_ASSIGN_OR_RETURN(Shared picked, p.Mul(cond, d));
  return p.Add(b, picked);
}

Result<Shared> Max(Protocol& p, const Shared& a, const Shared& b) {
  ARCA_ASSIGN_OR_RETURN(Shared a_less, LessThan(p, a, b));
  return Select(p, a_less, b, a);
}

Result<Shared> Min(Protocol& p, const Shared& a, const Shared& b) {
  ARCA_ASSIGN_OR_RETURN(Shared a_less, LessThan(p, a, b));
  return Select(p, a_less, a, b);
}

Result<Shared> Abs(Protocol& p, const Shared& x) {
  // x·(1 - 2·[x < 0]).
  ARCA_ASSIGN_OR_RETURN(Shared negative, IsNegative(p, x));
  ARCA_ASSIGN_OR_RETURN(Shared twice, p.MulPublic(negative, RingTensor::Scalar(2)));
  ARCA_ASSIGN_OR_RETURN(Shared sign, p.AddPublic(p.Neg(twice), RingTensor::Scalar(1)));
  return p.Mul(x, sign);
}

Result<Shared> Relu(Protocol& p, const Shared& x) {
  ARCA_ASSIGN_OR_RETURN(Shared negative, IsNegative(p, x));
  ARCA_ASSIGN_OR_RETURN(Shared positive, p.AddPublic(p.Neg(negative), RingTensor::Scalar(1)));
  return p.Mul(x, positive);
}

Result<Shared> IntervalOneHot(Protocol& p, const Shared& x, const RingTensor& bounds) {
  const int64_t t = bounds.numel();
  for (int64_t i = 1; i < t; ++i) {
    if (bounds.signed_at(i) <= bounds.signed_at(i - 1)) {
      return InvalidArgumentError(
          fmt::format("interval bounds must increase; bound {} is not above bound {}", i, i - 1));
    }
  }
  // below[j] = [x < b_j]; the rows are below[0], below[j] - below[j-1], 1 - below[T-1].
  ARCA_ASSIGN_OR_RETURN(Shared below, p.LessThanPublic(x, bounds));
  const int64_t n = x.numel();
  ARCA_ASSIGN_OR_RETURN(Shared flat, p.Reshape(std::move(below), Shape{t, n}));
  ARCA_ASSIGN_OR_RETURN(Shared first, p.SliceRows(flat, 0, 1));
  ARCA_ASSIGN_OR_RETURN(Shared upper, p.SliceRows(flat, 1, t));
  ARCA_ASSIGN_OR_RETURN(Shared lower, p.SliceRows(flat, 0, t - 1));
  ARCA_ASSIGN_OR_RETURN(Shared middle, p.Sub(upper, lower));
  ARCA_ASSIGN_OR_RETURN(Shared last_below, p.SliceRows(flat, t - 1, t));
  ARCA_ASSIGN_OR_RETURN(Shared last, p.AddPublic(p.Neg(last_below), RingTensor::Scalar(1)));
  ARCA_ASSIGN_OR_RETURN(Shared rows, p.ConcatRows({first, middle, last}));
  std::vector<int64_t> dims = {t + 1};
  for (int64_t d : x.shape().dims()) dims.push_back(d);
  return p.Reshape(std::move(rows), Shape(dims));
}

}  // namespace arca::mpc
