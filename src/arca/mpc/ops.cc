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

namespace {

// Halves the candidates each level: pairs (i, i + half) meet, and an odd one waits a level.
Result<Shared> Tournament(Protocol& p, const Shared& x, bool largest) {
  if (x.numel() == 0) return InvalidArgumentError("reduce: an empty tensor has no extreme");
  ARCA_ASSIGN_OR_RETURN(Shared left, p.Reshape(x, Shape{x.numel()}));
  while (left.numel() > 1) {
    const int64_t n = left.numel(), half = n / 2;
    ARCA_ASSIGN_OR_RETURN(Shared a, p.SliceRows(left, 0, half));
    ARCA_ASSIGN_OR_RETURN(Shared b, p.SliceRows(left, half, 2 * half));
    ARCA_ASSIGN_OR_RETURN(Shared winners, largest ? Max(p, a, b) : Min(p, a, b));
    if (n % 2 == 1) {
      ARCA_ASSIGN_OR_RETURN(Shared odd, p.SliceRows(left, n - 1, n));
      ARCA_ASSIGN_OR_RETURN(winners, p.ConcatRows({winners, odd}));
    }
    left = std::move(winners);
  }
  return p.Reshape(std::move(left), Shape());
}

}  // namespace

Result<Shared> ReduceMax(Protocol& p, const Shared& x) { return Tournament(p, x, true); }
Result<Shared> ReduceMin(Protocol& p, const Shared& x) { return Tournament(p, x, false); }

Result<Shared> ColumnMax(Protocol& p, Shared rows) {
  while (rows.shape().dim(0) > 1) {
    const int64_t n = rows.shape().dim(0), half = n / 2;
    ARCA_ASSIGN_OR_RETURN(Shared a, p.SliceRows(rows, 0, half));
    ARCA_ASSIGN_OR_RETURN(Shared b, p.SliceRows(rows, half, 2 * half));
    ARCA_ASSIGN_OR_RETURN(Shared winners, Max(p, a, b));
    if (n % 2 == 1) {
      ARCA_ASSIGN_OR_RETURN(Shared odd, p.SliceRows(rows, n - 1, n));
      ARCA_ASSIGN_OR_RETURN(winners, p.ConcatRows({winners, odd}));
    }
    rows = std::move(winners);
  }
  return rows;
}

Result<SplitParts> SplitAt(Protocol& p, const Shared& x, int bits) {
  ARCA_ASSIGN_OR_RETURN(Shared hi, p.Truncate(x, bits));
  ARCA_ASSIGN_OR_RETURN(Shared shifted, p.MulPublic(hi, RingTensor::Scalar(uint64_t{1} << bits)));
  ARCA_ASSIGN_OR_RETURN(Shared lo, p.Sub(x, shifted));
  return SplitParts{std::move(hi), std::move(lo)};
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

Result<Intervals> CompareWithBounds(Protocol& p, const Shared& x, const RingTensor& bounds) {
  const int64_t t = bounds.numel();
  for (int64_t i = 1; i < t; ++i) {
    if (bounds.signed_at(i) <= bounds.signed_at(i - 1)) {
      return InvalidArgumentError(
          fmt::format("interval bounds must increase; bound {} is not above bound {}", i, i - 1));
    }
  }
  ARCA_ASSIGN_OR_RETURN(Shared below, p.LessThanPublic(x, bounds));
  ARCA_ASSIGN_OR_RETURN(below, p.Reshape(std::move(below), Shape{t, x.numel()}));
  return Intervals{std::move(below)};
}

Result<Shared> SelectByInterval(Protocol& p, const Intervals& intervals, const RingTensor& table) {
  const int64_t t = intervals.below.shape().dim(0);
  if (table.shape().rank() != 2 || table.shape().dim(1) != t + 1) {
    return InvalidArgumentError(
        fmt::format("select_by_interval: a table for {} intervals has shape [rows, {}]; got {}",
                    t + 1, t + 1, table.shape().ToString()));
  }
  const int64_t rows = table.shape().dim(0);
  RingTensor steps(Shape{rows, t});
  RingTensor last(Shape{rows, 1});
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < t; ++j) {
      steps.data()[r * t + j] = table[r * (t + 1) + j] - table[r * (t + 1) + j + 1];
    }
    last.data()[r] = table[r * (t + 1) + t];
  }
  ARCA_ASSIGN_OR_RETURN(Shared selected, p.MatMulPublic(steps, intervals.below));
  return p.AddPublic(selected, last);
}

Result<Shared> IntervalOneHot(Protocol& p, const Shared& x, const RingTensor& bounds) {
  ARCA_ASSIGN_OR_RETURN(Intervals intervals, CompareWithBounds(p, x, bounds));
  const int64_t pieces = bounds.numel() + 1;
  RingTensor identity = RingTensor::Zeros(Shape{pieces, pieces});
  for (int64_t j = 0; j < pieces; ++j) identity.data()[j * pieces + j] = 1;
  ARCA_ASSIGN_OR_RETURN(Shared onehot, SelectByInterval(p, intervals, identity));
  std::vector<int64_t> dims = {pieces};
  for (int64_t d : x.shape().dims()) dims.push_back(d);
  return p.Reshape(std::move(onehot), Shape(dims));
}

}  // namespace arca::mpc
