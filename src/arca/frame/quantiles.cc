#include "arca/frame/quantiles.h"

#include <fmt/format.h>

#include <cmath>
#include <utility>

#include "arca/frame/divide_by_count.h"
#include "arca/frame/sort.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// t·step in fixed point, for t = first..last - 1: comparison thresholds.
RingTensor Multiples(int64_t first, int64_t last, int64_t step, int frac_bits) {
  RingTensor out(Shape{last - first});
  for (int64_t t = first; t < last; ++t) {
    out.data()[t - first] = static_cast<uint64_t>(t * step) << frac_bits;
  }
  return out;
}

// From below = [p < t] for thresholds t = 1..T ([T, Q]): the one-hot of the interval p lies
// in ([T + 1, Q]; values below the first threshold count as interval 0) and its index [Q],
// as below_{t+1} - below_t with below_0 = 0 and below_{T+1} = 1, and T - sum_t below_t.
Result<std::pair<Shared, Shared>> OneHotAndIndex(mpc::Protocol& p, const Shared& below, int64_t q) {
  const int64_t t = below.shape().dim(0);
  ARCA_ASSIGN_OR_RETURN(Shared upper,
                        p.ConcatRows({below, p.Public(RingTensor::Filled(Shape{1, q}, 1))}));
  ARCA_ASSIGN_OR_RETURN(Shared lower,
                        p.ConcatRows({p.Public(RingTensor::Zeros(Shape{1, q})), below}));
  ARCA_ASSIGN_OR_RETURN(Shared onehot, p.Sub(upper, lower));
  ARCA_ASSIGN_OR_RETURN(Shared count, p.Sum(below, 0));
  ARCA_ASSIGN_OR_RETURN(Shared index,
                        p.AddPublic(p.Neg(count), RingTensor::Scalar(static_cast<uint64_t>(t))));
  return std::pair{std::move(onehot), std::move(index)};
}

// [x, x shifted up by one row] as the rows of [H, 2B]: row h holds x[hB..hB+B) and
// x[hB+1..hB+B+1), zeros past the end.
Result<Shared> BlockPairs(mpc::Protocol& p, const Shared& x, int64_t h, int64_t b) {
  const int64_t n = x.numel();
  ARCA_ASSIGN_OR_RETURN(Shared padded,
                        p.ConcatRows({x, p.Public(RingTensor::Zeros(Shape{h * b + 1 - n}))}));
  std::vector<Shared> halves;
  for (const int64_t shift : {int64_t{0}, int64_t{1}}) {
    ARCA_ASSIGN_OR_RETURN(Shared part, p.SliceRows(padded, shift, shift + h * b));
    ARCA_ASSIGN_OR_RETURN(part, p.Reshape(std::move(part), Shape{h, b}));
    ARCA_ASSIGN_OR_RETURN(part, p.Transpose(part));
    halves.push_back(std::move(part));
  }
  ARCA_ASSIGN_OR_RETURN(Shared stacked, p.ConcatRows(halves));  // [2B, H]
  return p.Transpose(stacked);
}

// Rows [begin, end) of a [rows, Q] matrix summed over rows: [Q].
Result<Shared> SumRows(mpc::Protocol& p, const Shared& x, int64_t begin, int64_t end) {
  ARCA_ASSIGN_OR_RETURN(Shared rows, p.SliceRows(x, begin, end));
  return p.Sum(rows, 0);
}

// q·(m - 1) in fixed point for each q ([Q]), from m - 1 ([] ring integer).
Result<Shared> Positions(fxp::FixedPoint& fp, const Shared& m_less, const std::vector<double>& qs,
                         int64_t n) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  const auto q = static_cast<int64_t>(qs.size());
  const int precision = std::max(f, 62 - CountBits(n));
  RingTensor q_fine(Shape{q, 1});
  for (int64_t i = 0; i < q; ++i) {
    q_fine.data()[i] =
        static_cast<uint64_t>(std::llround(std::ldexp(qs[static_cast<size_t>(i)], precision)));
  }
  ARCA_ASSIGN_OR_RETURN(Shared m_matrix, p.Reshape(m_less, Shape{1, 1}));
  ARCA_ASSIGN_OR_RETURN(Shared position, p.MatMulPublic(q_fine, m_matrix));
  ARCA_ASSIGN_OR_RETURN(position, p.Reshape(std::move(position), Shape{q}));
  if (precision == f) return position;
  return p.Truncate(position, precision - f);
}

// floor(p) = h·B + l as one-hots of h ([H, Q]) and l ([B, Q]), p - floor(p) ([Q]), and
// [m - 1 < 0] ([1]), tested in the same call as the blocks.
struct FloorParts {
  Shared block_onehot, offset_onehot, fraction, no_values;
};
Result<FloorParts> SplitFloor(fxp::FixedPoint& fp, const Shared& position, const Shared& m_less,
                              int64_t h, int64_t b) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  const int64_t q = position.numel();
  FloorParts out;
  ARCA_ASSIGN_OR_RETURN(Shared m_fixed, p.MulPublic(m_less, RingTensor::Scalar(uint64_t{1} << f)));
  ARCA_ASSIGN_OR_RETURN(m_fixed, p.Reshape(std::move(m_fixed), Shape{1}));
  ARCA_ASSIGN_OR_RETURN(Shared tested, p.ConcatRows({position, m_fixed}));
  ARCA_ASSIGN_OR_RETURN(Shared below_block, p.LessThanPublic(tested, Multiples(0, h, b, f)));
  ARCA_ASSIGN_OR_RETURN(below_block, p.Transpose(below_block));  // [Q + 1, H]
  ARCA_ASSIGN_OR_RETURN(Shared m_row, p.SliceRows(below_block, q, q + 1));
  ARCA_ASSIGN_OR_RETURN(m_row, p.Reshape(std::move(m_row), Shape{h}));
  ARCA_ASSIGN_OR_RETURN(out.no_values, p.SliceRows(m_row, 0, 1));  // threshold 0
  ARCA_ASSIGN_OR_RETURN(below_block, p.SliceRows(below_block, 0, q));
  ARCA_ASSIGN_OR_RETURN(below_block, p.Transpose(below_block));  // [H, Q]
  ARCA_ASSIGN_OR_RETURN(below_block, p.SliceRows(below_block, 1, h));
  ARCA_ASSIGN_OR_RETURN(auto block, OneHotAndIndex(p, below_block, q));
  ARCA_ASSIGN_OR_RETURN(
      Shared block_start,
      p.MulPublic(block.second, RingTensor::Scalar(static_cast<uint64_t>(b) << f)));
  ARCA_ASSIGN_OR_RETURN(Shared offset, p.Sub(position, block_start));
  Shared below_offset = p.Public(RingTensor::Zeros(Shape{0, q}));
  if (b > 1) {
    ARCA_ASSIGN_OR_RETURN(below_offset, p.LessThanPublic(offset, Multiples(1, b, 1, f)));
    ARCA_ASSIGN_OR_RETURN(below_offset, p.Reshape(std::move(below_offset), Shape{b - 1, q}));
  }
  ARCA_ASSIGN_OR_RETURN(auto within, OneHotAndIndex(p, below_offset, q));
  ARCA_ASSIGN_OR_RETURN(Shared floor_offset,
                        p.MulPublic(within.second, RingTensor::Scalar(uint64_t{1} << f)));
  ARCA_ASSIGN_OR_RETURN(out.fraction, p.Sub(offset, floor_offset));
  out.block_onehot = std::move(block.first);
  out.offset_onehot = std::move(within.first);
  return out;
}

// x_j + (p - j)·(x_{j+1} - x_j) for the floors in `parts`.
Result<Shared> Interpolate(fxp::FixedPoint& fp, const Shared& x, const FloorParts& parts, int64_t h,
                           int64_t b) {
  mpc::Protocol& p = fp.protocol();
  ARCA_ASSIGN_OR_RETURN(Shared pairs, BlockPairs(p, x, h, b));
  ARCA_ASSIGN_OR_RETURN(Shared block_choice, p.Transpose(parts.block_onehot));  // [Q, H]
  ARCA_ASSIGN_OR_RETURN(Shared rows, p.MatMul(block_choice, pairs));            // [Q, 2B]
  ARCA_ASSIGN_OR_RETURN(Shared offset_twice,
                        p.ConcatRows({parts.offset_onehot, parts.offset_onehot}));
  ARCA_ASSIGN_OR_RETURN(offset_twice, p.Transpose(offset_twice));  // [Q, 2B]
  ARCA_ASSIGN_OR_RETURN(Shared picked, p.Mul(rows, offset_twice));
  ARCA_ASSIGN_OR_RETURN(picked, p.Transpose(picked));  // [2B, Q]
  ARCA_ASSIGN_OR_RETURN(Shared at_floor, SumRows(p, picked, 0, b));
  ARCA_ASSIGN_OR_RETURN(Shared above, SumRows(p, picked, b, 2 * b));
  ARCA_ASSIGN_OR_RETURN(Shared gap, p.Sub(above, at_floor));
  ARCA_ASSIGN_OR_RETURN(Shared step, fp.Mul(parts.fraction, gap));
  return p.Add(at_floor, step);
}

Status CheckArguments(const Table& table, const std::string& column,
                      const std::vector<double>& qs) {
  ARCA_ASSIGN_OR_RETURN(const Column* c, table.Get(column));
  if (!IsNumeric(c->type)) {
    return InvalidArgumentError(
        fmt::format("quantiles: column '{}' is categorical; quantiles need numbers", column));
  }
  if (column == "quantile") {
    return InvalidArgumentError(
        "quantiles: the column cannot be named 'quantile' (the result's "
        "column of q's)");
  }
  for (size_t i = 0; i < qs.size(); ++i) {
    if (!(qs[i] >= 0 && qs[i] <= 1)) {
      return InvalidArgumentError(fmt::format("quantiles: q {} is not in [0, 1]", i));
    }
  }
  return OkStatus();
}

}  // namespace

Result<Table> Quantiles(fxp::FixedPoint& fp, const Table& table, const std::string& column,
                        const std::vector<double>& qs) {
  ARCA_RETURN_IF_ERROR(CheckArguments(table, column, qs));
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  const int64_t n = table.rows, q = static_cast<int64_t>(qs.size());
  const Column& source = *table.Find(column);

  ARCA_ASSIGN_OR_RETURN(mpc::RingTensor q_values, fxp::Encode(qs, Shape{q}, f));
  Table out;
  out.rows = q;
  out.notices = table.notices;
  out.columns.push_back(
      Column{"quantile", ColumnType::kDecimal, {}, p.Public(q_values), {}, false});
  if (n == 0 || q == 0) {
    out.columns.push_back(
        Column{column, ColumnType::kDecimal, {}, p.Public(RingTensor::Zeros(Shape{q})), {}, false});
    out.valid = p.Public(RingTensor::Zeros(Shape{q}));
    return out;
  }

  // 1. The valid, present values first, ascending.
  Table values;
  values.rows = n;
  values.columns = {Column{column, source.type, {}, source.values, {}, false}};
  values.all_valid = table.all_valid && !source.has_nulls;
  values.valid = table.valid;
  if (source.has_nulls) {
    ARCA_ASSIGN_OR_RETURN(values.valid, Narrow(p, table, source.present));
  }
  ARCA_ASSIGN_OR_RETURN(Shared m, p.Sum(values.valid, -1));
  ARCA_ASSIGN_OR_RETURN(Table sorted, SortRows(fp, std::move(values), {{column, true}}));

  // 2-4. The position, its floor, the neighbours and the interpolation.
  ARCA_ASSIGN_OR_RETURN(Shared m_less, p.AddPublic(m, RingTensor::Scalar(0 - uint64_t{1})));
  ARCA_ASSIGN_OR_RETURN(Shared position, Positions(fp, m_less, qs, n));
  const auto b = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  const int64_t h = (n + b - 1) / b;
  ARCA_ASSIGN_OR_RETURN(FloorParts parts, SplitFloor(fp, position, m_less, h, b));
  ARCA_ASSIGN_OR_RETURN(Shared quantiles, Interpolate(fp, sorted.columns[0].values, parts, h, b));
  const Shared& no_values = parts.no_values;
  out.columns.push_back(Column{column, ColumnType::kDecimal, {}, quantiles, {}, false});
  ARCA_ASSIGN_OR_RETURN(Shared some, p.AddPublic(p.Neg(no_values), RingTensor::Scalar(1)));
  ARCA_ASSIGN_OR_RETURN(Shared some_matrix, p.Reshape(some, Shape{1, 1}));
  ARCA_ASSIGN_OR_RETURN(out.valid, p.MatMulPublic(RingTensor::Filled(Shape{q, 1}, 1), some_matrix));
  ARCA_ASSIGN_OR_RETURN(out.valid, p.Reshape(std::move(out.valid), Shape{q}));
  return out;
}

}  // namespace arca::frame
