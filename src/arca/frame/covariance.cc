#include <fmt/format.h>

#include <set>
#include <utility>

#include "arca/frame/divide_by_count.h"
#include "arca/frame/statistic_arithmetic.h"
#include "arca/frame/statistics.h"
#include "arca/mpc/ops.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// The covariance matrix and whether its cells are present.
struct CovarianceMatrix {
  Shared cov;      // [k, k] fixed point
  Shared present;  // [k] 0/1: [m >= 2], the same for every cell of a column
};

Result<std::vector<const Column*>> NumericColumns(const Table& table,
                                                  const std::vector<std::string>& names) {
  if (names.empty()) return InvalidArgumentError("covariance needs at least one column");
  std::vector<const Column*> columns;
  std::set<std::string> seen;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) {
      return InvalidArgumentError(fmt::format("column '{}' is named twice", name));
    }
    ARCA_ASSIGN_OR_RETURN(const Column* c, table.Get(name));
    if (!IsNumeric(c->type)) {
      return InvalidArgumentError(fmt::format("column '{}' is not a number", name));
    }
    columns.push_back(c);
  }
  return columns;
}

// The rows that count (valid, no column null) as [n], 0/1: the product of the masks as a
// balanced tree, one Mul per level; nullopt when every row counts.
Result<std::optional<Shared>> CountedRows(mpc::Protocol& p, const Table& table,
                                          const std::vector<const Column*>& columns) {
  std::vector<Shared> factors;
  if (!table.all_valid) factors.push_back(table.valid);
  for (const Column* c : columns) {
    if (c->has_nulls) factors.push_back(c->present);
  }
  if (factors.empty()) return std::optional<Shared>();
  const int64_t n = table.rows;
  while (factors.size() > 1) {
    const size_t half = factors.size() / 2;
    std::vector<Shared> left, right;
    for (size_t i = 0; i < half; ++i) {
      ARCA_ASSIGN_OR_RETURN(Shared a, p.Reshape(factors[i], Shape{1, n}));
      ARCA_ASSIGN_OR_RETURN(Shared b, p.Reshape(factors[half + i], Shape{1, n}));
      left.push_back(std::move(a));
      right.push_back(std::move(b));
    }
    ARCA_ASSIGN_OR_RETURN(Shared products, p.Mul(*p.ConcatRows(left), *p.ConcatRows(right)));
    std::vector<Shared> next;
    for (size_t i = 0; i < half; ++i) {
      ARCA_ASSIGN_OR_RETURN(
          Shared row, p.SliceRows(products, static_cast<int64_t>(i), static_cast<int64_t>(i) + 1));
      ARCA_ASSIGN_OR_RETURN(row, p.Reshape(std::move(row), Shape{n}));
      next.push_back(std::move(row));
    }
    if (factors.size() % 2 == 1) next.push_back(factors.back());
    factors = std::move(next);
  }
  return std::optional<Shared>(factors[0]);
}

// x ([1] or a scalar) repeated `times` times: [times].
Result<Shared> Repeat(mpc::Protocol& p, const Shared& x, int64_t times) {
  ARCA_ASSIGN_OR_RETURN(Shared one, p.Reshape(x, Shape{1, 1}));
  ARCA_ASSIGN_OR_RETURN(Shared repeated,
                        p.MatMulPublic(RingTensor::Filled(Shape{times, 1}, 1), one));
  return p.Reshape(std::move(repeated), Shape{times});
}

Result<CovarianceMatrix> ComputeCovariance(fxp::FixedPoint& fp, const Table& table,
                                           const std::vector<const Column*>& columns) {
  mpc::Protocol& p = fp.protocol();
  const int64_t n = table.rows;
  const auto k = static_cast<int64_t>(columns.size());
  ARCA_ASSIGN_OR_RETURN(std::optional<Shared> counted, CountedRows(p, table, columns));
  std::vector<Shared> rows;
  for (const Column* c : columns) {
    ARCA_ASSIGN_OR_RETURN(Shared row, p.Reshape(c->values, Shape{1, n}));
    rows.push_back(std::move(row));
  }
  ARCA_ASSIGN_OR_RETURN(Shared x_rows, p.ConcatRows(rows));
  ARCA_ASSIGN_OR_RETURN(Shared x, p.Transpose(x_rows));  // [n, k]

  // m, the rows that count, and [m < 1], [m < 2]: public when every row counts.
  Shared sums, m, below;
  if (counted) {
    ARCA_ASSIGN_OR_RETURN(Shared weights, p.Reshape(*counted, Shape{1, n}));
    ARCA_ASSIGN_OR_RETURN(sums, p.MatMul(weights, x));
    ARCA_ASSIGN_OR_RETURN(m, p.Sum(*counted, -1));
    ARCA_ASSIGN_OR_RETURN(m, p.Reshape(std::move(m), Shape{1}));
    ARCA_ASSIGN_OR_RETURN(below, p.LessThanPublic(m, RingTensor::FromValues(Shape{2}, {1, 2})));
    ARCA_ASSIGN_OR_RETURN(below, p.Reshape(std::move(below), Shape{2}));
  } else {
    ARCA_ASSIGN_OR_RETURN(sums, p.Sum(x, 0));
    m = p.Public(RingTensor::FromValues(Shape{1}, {static_cast<uint64_t>(n)}));
    below = p.Public(RingTensor::FromValues(
        Shape{2}, {static_cast<uint64_t>(n < 1 ? 1 : 0), static_cast<uint64_t>(n < 2 ? 1 : 0)}));
  }
  ARCA_ASSIGN_OR_RETURN(Shared below_one, p.SliceRows(below, 0, 1));
  ARCA_ASSIGN_OR_RETURN(Shared below_two, p.SliceRows(below, 1, 2));
  const int count_bits = CountBits(n);
  // Means: sum / max(m, 1).
  ARCA_ASSIGN_OR_RETURN(Shared divisors, Repeat(p, m, k));
  ARCA_ASSIGN_OR_RETURN(sums, p.Reshape(std::move(sums), Shape{k}));
  ARCA_ASSIGN_OR_RETURN(Shared means, DivideByCount(fp, sums, divisors, count_bits));
  ARCA_ASSIGN_OR_RETURN(Shared mean_row, p.Reshape(means, Shape{1, k}));
  ARCA_ASSIGN_OR_RETURN(Shared row_means,
                        p.MatMulPublic(RingTensor::Filled(Shape{n, 1}, 1), mean_row));
  ARCA_ASSIGN_OR_RETURN(Shared centred, p.Sub(x, row_means));
  if (counted) {
    ARCA_ASSIGN_OR_RETURN(Shared weights, p.Reshape(*counted, Shape{1, n}));
    ARCA_ASSIGN_OR_RETURN(Shared spread,
                          p.MatMulPublic(RingTensor::Filled(Shape{k, 1}, 1), weights));
    ARCA_ASSIGN_OR_RETURN(spread, p.Transpose(spread));
    ARCA_ASSIGN_OR_RETURN(centred, p.Mul(centred, spread));
  }
  ARCA_ASSIGN_OR_RETURN(Shared squares, GramWide(fp, centred));
  ARCA_ASSIGN_OR_RETURN(squares, p.Reshape(std::move(squares), Shape{k * k}));
  // Divided by m - [m >= 1] = max(m - 1, 0), which the division takes as max(m - 1, 1);
  // present where m >= 2.
  ARCA_ASSIGN_OR_RETURN(Shared adjusted, p.Add(m, below_one));
  ARCA_ASSIGN_OR_RETURN(adjusted, p.AddPublic(adjusted, RingTensor::Scalar(uint64_t{0} - 1)));
  ARCA_ASSIGN_OR_RETURN(Shared cov_divisors, Repeat(p, adjusted, k * k));
  CovarianceMatrix out;
  ARCA_ASSIGN_OR_RETURN(out.cov, DivideByCount(fp, squares, cov_divisors, count_bits));
  ARCA_ASSIGN_OR_RETURN(Shared enough, p.AddPublic(p.Neg(below_two), RingTensor::Scalar(1)));
  ARCA_ASSIGN_OR_RETURN(out.present, Repeat(p, enough, k));
  ARCA_ASSIGN_OR_RETURN(out.cov, p.Reshape(std::move(out.cov), Shape{k, k}));
  return out;
}

// "column" then one column per name: row i of `matrix` ([k, k], symmetric) is column i.
Result<Table> MatrixTable(mpc::Protocol& p, const Table& table,
                          const std::vector<std::string>& names, const Shared& matrix,
                          const Shared& present) {
  const auto k = static_cast<int64_t>(names.size());
  RingTensor indices(Shape{k});
  for (int64_t i = 0; i < k; ++i) indices.data()[i] = static_cast<uint64_t>(i);
  std::vector<Column> columns = {
      Column{"column", ColumnType::kCategorical, names, p.Public(indices), {}, false}};
  for (int64_t j = 0; j < k; ++j) {
    ARCA_ASSIGN_OR_RETURN(Shared row, p.SliceRows(matrix, j, j + 1));
    ARCA_ASSIGN_OR_RETURN(row, p.Reshape(std::move(row), Shape{k}));
    columns.push_back(Column{
        names[static_cast<size_t>(j)], ColumnType::kDecimal, {}, std::move(row), present, true});
  }
  Table out = AllValid(p, k, std::move(columns));
  out.notices = table.notices;
  return out;
}

// u = 2^a / sqrt(v) for variances v in (0, 2^(62-f)), a = ceil(f/2): InvSqrt(v)·2^a below
// 2^(2a-6) (4096 at f = 18), InvSqrt(v / 4^a) from there. InvSqrt's error is 2 ulp absolute,
// so the second form keeps u's relative error near 2^-(f-1)·sd/2^a where the first would
// have 2^-(f-1)·sd.
Result<Shared> ScaledInverseRoots(fxp::FixedPoint& fp, const Shared& variances, int a) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  ARCA_ASSIGN_OR_RETURN(Shared row, p.Reshape(variances, Shape{1, variances.numel()}));
  ARCA_ASSIGN_OR_RETURN(Shared scaled, p.Truncate(row, 2 * a));
  ARCA_ASSIGN_OR_RETURN(
      Shared small,
      p.LessThanPublic(row, RingTensor::FromValues(Shape{1}, {uint64_t{1} << (2 * a - 6 + f)})));
  ARCA_ASSIGN_OR_RETURN(small, p.Reshape(std::move(small), row.shape()));
  ARCA_ASSIGN_OR_RETURN(Shared both, p.ConcatRows({row, scaled}));
  ARCA_ASSIGN_OR_RETURN(Shared roots, fp.InvSqrt(both));
  ARCA_ASSIGN_OR_RETURN(Shared direct, p.SliceRows(roots, 0, 1));
  ARCA_ASSIGN_OR_RETURN(direct, p.MulPublic(direct, RingTensor::Scalar(uint64_t{1} << a)));
  ARCA_ASSIGN_OR_RETURN(Shared reduced, p.SliceRows(roots, 1, 2));
  ARCA_ASSIGN_OR_RETURN(Shared u, mpc::Select(p, small, direct, reduced));
  return p.Reshape(std::move(u), variances.shape());
}

}  // namespace

Result<Table> Covariance(fxp::FixedPoint& fp, const Table& table,
                         const std::vector<std::string>& columns) {
  ARCA_ASSIGN_OR_RETURN(std::vector<const Column*> resolved, NumericColumns(table, columns));
  ARCA_ASSIGN_OR_RETURN(CovarianceMatrix m, ComputeCovariance(fp, table, resolved));
  return MatrixTable(fp.protocol(), table, columns, m.cov, m.present);
}

Result<Table> Correlation(fxp::FixedPoint& fp, const Table& table,
                          const std::vector<std::string>& columns) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  const int a = (f + 1) / 2;
  ARCA_ASSIGN_OR_RETURN(std::vector<const Column*> resolved, NumericColumns(table, columns));
  ARCA_ASSIGN_OR_RETURN(CovarianceMatrix m, ComputeCovariance(fp, table, resolved));
  const auto k = static_cast<int64_t>(columns.size());
  // The diagonal, selected locally: [k, 1].
  RingTensor diagonal = RingTensor::Zeros(Shape{k, k * k});
  for (int64_t i = 0; i < k; ++i) diagonal.data()[i * k * k + i * k + i] = 1;
  ARCA_ASSIGN_OR_RETURN(Shared flat, p.Reshape(m.cov, Shape{k * k, 1}));
  ARCA_ASSIGN_OR_RETURN(Shared variances, p.MatMulPublic(diagonal, flat));
  ARCA_ASSIGN_OR_RETURN(Shared u, ScaledInverseRoots(fp, variances, a));  // [k, 1]
  // corr_ij = (cov_ij·u_i / 2^a)·u_j / 2^a, each product truncated by f + a.
  ARCA_ASSIGN_OR_RETURN(Shared u_row, p.Transpose(u));
  ARCA_ASSIGN_OR_RETURN(Shared by_row,
                        p.MatMulPublic(RingTensor::Filled(Shape{k, 1}, 1), u_row));  // u_j
  ARCA_ASSIGN_OR_RETURN(Shared by_column, p.Transpose(by_row));                      // u_i
  ARCA_ASSIGN_OR_RETURN(Shared scaled, p.Mul(m.cov, by_column));
  ARCA_ASSIGN_OR_RETURN(scaled, p.Truncate(scaled, f + a));
  ARCA_ASSIGN_OR_RETURN(Shared corr, p.Mul(scaled, by_row));
  ARCA_ASSIGN_OR_RETURN(corr, p.Truncate(corr, f + a));
  return MatrixTable(p, table, columns, corr, m.present);
}

}  // namespace arca::frame
