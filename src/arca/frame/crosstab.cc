#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "arca/frame/statistics.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// A categorical or boolean column's categories.
Result<std::vector<std::string>> Categories(const Column& c) {
  if (c.type == ColumnType::kCategorical) return c.categories;
  if (c.type == ColumnType::kBoolean) return std::vector<std::string>{"False", "True"};
  return InvalidArgumentError(
      fmt::format("crosstab: column '{}' is neither categorical nor boolean", c.name));
}

// The column's value index times 2^f, plus `outside` where the row does not count (invalid
// when `with_validity`, or null): such rows match no index.
Result<Shared> Digits(fxp::FixedPoint& fp, const Table& table, const Column& c, bool with_validity,
                      uint64_t outside) {
  mpc::Protocol& p = fp.protocol();
  Shared digits = c.values;
  if (c.type == ColumnType::kCategorical) {
    ARCA_ASSIGN_OR_RETURN(digits,
                          p.MulPublic(c.values, RingTensor::Scalar(uint64_t{1} << fp.frac_bits())));
  }
  const auto add_where_zero = [&](const Shared& bits) -> Status {
    ARCA_ASSIGN_OR_RETURN(Shared scaled,
                          p.MulPublic(bits, RingTensor::Scalar(uint64_t{0} - outside)));
    ARCA_ASSIGN_OR_RETURN(scaled, p.AddPublic(scaled, RingTensor::Scalar(outside)));
    ARCA_ASSIGN_OR_RETURN(digits, p.Add(digits, scaled));
    return OkStatus();
  };
  if (c.has_nulls) ARCA_RETURN_IF_ERROR(add_where_zero(c.present));
  if (with_validity && !table.all_valid) ARCA_RETURN_IF_ERROR(add_where_zero(table.valid));
  return p.Reshape(std::move(digits), Shape{1, table.rows});
}

// The first `rows` rows of the transpose of x.
Result<Shared> TransposedRows(mpc::Protocol& p, const Shared& x, int64_t rows) {
  ARCA_ASSIGN_OR_RETURN(Shared t, p.Transpose(x));
  return p.SliceRows(t, 0, rows);
}

}  // namespace

Result<Table> Crosstab(fxp::FixedPoint& fp, const Table& table, const std::string& row_column,
                       const std::string& col_column) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  ARCA_ASSIGN_OR_RETURN(const Column* a, table.Get(row_column));
  ARCA_ASSIGN_OR_RETURN(const Column* b, table.Get(col_column));
  ARCA_ASSIGN_OR_RETURN(std::vector<std::string> a_categories, Categories(*a));
  ARCA_ASSIGN_OR_RETURN(std::vector<std::string> b_categories, Categories(*b));
  if (std::find(b_categories.begin(), b_categories.end(), row_column) != b_categories.end()) {
    return InvalidArgumentError(
        fmt::format("crosstab: '{}' is both the row column and a category of column '{}'",
                    row_column, col_column));
  }
  const auto ta = static_cast<int64_t>(a_categories.size());
  const auto tb = static_cast<int64_t>(b_categories.size());
  const int64_t t = std::max(ta, tb), n = table.rows;
  const uint64_t outside = static_cast<uint64_t>(t) << f;
  // One equality of [a; b] with 0..t-1 (times 2^f): [t, 2n].
  ARCA_ASSIGN_OR_RETURN(Shared a_digits, Digits(fp, table, *a, true, outside));
  ARCA_ASSIGN_OR_RETURN(Shared b_digits, Digits(fp, table, *b, false, outside));
  ARCA_ASSIGN_OR_RETURN(Shared digits, p.ConcatRows({a_digits, b_digits}));
  ARCA_ASSIGN_OR_RETURN(digits, p.Reshape(std::move(digits), Shape{2 * n}));
  RingTensor values(Shape{t});
  for (int64_t i = 0; i < t; ++i) values.data()[i] = static_cast<uint64_t>(i) << f;
  ARCA_ASSIGN_OR_RETURN(Shared equal, p.EqualPublic(digits, values));
  ARCA_ASSIGN_OR_RETURN(equal, p.Reshape(std::move(equal), Shape{t, 2 * n}));
  ARCA_ASSIGN_OR_RETURN(Shared by_row, p.Transpose(equal));  // [2n, t]
  ARCA_ASSIGN_OR_RETURN(Shared a_t, p.SliceRows(by_row, 0, n));
  ARCA_ASSIGN_OR_RETURN(Shared b_t, p.SliceRows(by_row, n, 2 * n));
  ARCA_ASSIGN_OR_RETURN(Shared a_onehot, TransposedRows(p, a_t, ta));   // [Ta, n]
  ARCA_ASSIGN_OR_RETURN(Shared b_onehot, TransposedRows(p, b_t, tb));   // [Tb, n]
  ARCA_ASSIGN_OR_RETURN(Shared b_columns, p.Transpose(b_onehot));       // [n, Tb]
  ARCA_ASSIGN_OR_RETURN(Shared counts, p.MatMul(a_onehot, b_columns));  // [Ta, Tb]
  ARCA_ASSIGN_OR_RETURN(counts, p.MulPublic(counts, RingTensor::Scalar(uint64_t{1} << f)));
  ARCA_ASSIGN_OR_RETURN(Shared count_rows, p.Transpose(counts));  // [Tb, Ta]

  RingTensor indices(Shape{ta});
  for (int64_t i = 0; i < ta; ++i) indices.data()[i] = static_cast<uint64_t>(i);
  std::vector<Column> columns = {
      Column{row_column, ColumnType::kCategorical, a_categories, p.Public(indices), {}, false}};
  for (int64_t j = 0; j < tb; ++j) {
    ARCA_ASSIGN_OR_RETURN(Shared row, p.SliceRows(count_rows, j, j + 1));
    ARCA_ASSIGN_OR_RETURN(row, p.Reshape(std::move(row), Shape{ta}));
    columns.push_back(Column{
        b_categories[static_cast<size_t>(j)], ColumnType::kInteger, {}, std::move(row), {}, false});
  }
  Table out = AllValid(p, ta, std::move(columns));
  out.notices = table.notices;
  return out;
}

}  // namespace arca::frame
