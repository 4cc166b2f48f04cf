#include "arca/frame/table.h"

#include <fmt/format.h>

#include <utility>

namespace arca::frame {

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return "integer";
    case ColumnType::kDecimal:
      return "decimal";
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kCategorical:
      return "categorical";
  }
  return "?";
}

Result<ColumnType> ParseColumnType(std::string_view name) {
  for (const ColumnType type : {ColumnType::kInteger, ColumnType::kDecimal, ColumnType::kBoolean,
                                ColumnType::kCategorical}) {
    if (name == ColumnTypeName(type)) return type;
  }
  return InvalidArgumentError("unknown column type '" + std::string(name.substr(0, 40)) +
                              "' (known: integer, decimal, boolean, categorical)");
}

bool IsNumeric(ColumnType type) { return type != ColumnType::kCategorical; }

const Column* Table::Find(std::string_view name) const {
  for (const Column& column : columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

Result<const Column*> Table::Get(std::string_view name) const {
  if (const Column* column = Find(name)) return column;
  return Status(StatusCode::kNotFound, fmt::format("no column '{}' (the table has: {})", name,
                                                   fmt::join(ColumnNames(), ", ")));
}

std::vector<std::string> Table::ColumnNames() const {
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const Column& column : columns) names.push_back(column.name);
  return names;
}

Table AllValid(mpc::Protocol& p, int64_t rows, std::vector<Column> columns) {
  Table table;
  table.rows = rows;
  table.columns = std::move(columns);
  table.valid = p.Public(mpc::RingTensor::Filled(mpc::Shape{rows}, 1));
  table.all_valid = true;
  table.valid_first = true;
  return table;
}

Result<mpc::Shared> AsRow(mpc::Protocol& p, const mpc::Shared& x) {
  return p.Reshape(x, mpc::Shape{1, x.numel()});
}

Result<mpc::Shared> StackColumns(mpc::Protocol& p, std::vector<mpc::Shared> columns) {
  if (columns.empty()) return InvalidArgumentError("no columns to stack");
  const int64_t n = columns.front().numel();
  for (mpc::Shared& column : columns) {
    ARCA_ASSIGN_OR_RETURN(column, p.Reshape(std::move(column), mpc::Shape{1, n}));
  }
  ARCA_ASSIGN_OR_RETURN(mpc::Shared stacked, p.ConcatRows(columns));
  columns.clear();
  return p.Transpose(stacked);
}

Result<std::vector<mpc::Shared>> SplitColumns(mpc::Protocol& p, mpc::Shared matrix) {
  const int64_t n = matrix.shape().dim(0), k = matrix.shape().dim(1);
  ARCA_ASSIGN_OR_RETURN(mpc::Shared rows, p.Transpose(matrix));
  matrix = mpc::Shared();
  std::vector<mpc::Shared> out;
  out.reserve(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) {
    ARCA_ASSIGN_OR_RETURN(mpc::Shared row, p.SliceRows(rows, i, i + 1));
    ARCA_ASSIGN_OR_RETURN(row, p.Reshape(std::move(row), mpc::Shape{n}));
    out.push_back(std::move(row));
  }
  return out;
}

Result<std::vector<mpc::Shared>> MulEach(mpc::Protocol& p, const std::vector<mpc::Shared>& a,
                                         const std::vector<mpc::Shared>& b) {
  if (a.size() != b.size()) return InvalidArgumentError("MulEach: as many a's as b's");
  if (a.empty()) return std::vector<mpc::Shared>{};
  std::vector<mpc::Shared> left, right;
  left.reserve(a.size());
  right.reserve(b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ARCA_ASSIGN_OR_RETURN(mpc::Shared x, AsRow(p, a[i]));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared y, AsRow(p, b[i]));
    left.push_back(std::move(x));
    right.push_back(std::move(y));
  }
  ARCA_ASSIGN_OR_RETURN(mpc::Shared x, p.ConcatRows(left));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared y, p.ConcatRows(right));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared products, p.Mul(x, y));
  std::vector<mpc::Shared> out;
  out.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const auto at = static_cast<int64_t>(i);
    ARCA_ASSIGN_OR_RETURN(mpc::Shared row, p.SliceRows(products, at, at + 1));
    ARCA_ASSIGN_OR_RETURN(row, p.Reshape(std::move(row), a[i].shape()));
    out.push_back(std::move(row));
  }
  return out;
}

Result<Column> ColumnRows(mpc::Protocol& p, const Column& column, int64_t begin, int64_t end) {
  Column rows{column.name, column.type, column.categories, {}, {}, column.has_nulls};
  ARCA_ASSIGN_OR_RETURN(rows.values, p.SliceRows(column.values, begin, end));
  if (column.has_nulls) {
    ARCA_ASSIGN_OR_RETURN(rows.present, p.SliceRows(column.present, begin, end));
  }
  return rows;
}

Result<mpc::Shared> Narrow(mpc::Protocol& p, const Table& table, const mpc::Shared& rows) {
  if (table.all_valid) return rows;
  return p.Mul(table.valid, rows);
}

}  // namespace arca::frame
