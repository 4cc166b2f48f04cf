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

Result<mpc::Shared> Narrow(mpc::Protocol& p, const Table& table, const mpc::Shared& rows) {
  if (table.all_valid) return rows;
  return p.Mul(table.valid, rows);
}

}  // namespace arca::frame
