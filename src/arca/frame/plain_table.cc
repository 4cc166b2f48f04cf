#include "arca/frame/plain_table.h"

#include <fmt/format.h>

#include <cmath>
#include <utility>

#include "arca/frame/released_table.h"
#include "arca/fxp/encoding.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// One ring element of a plain value: numbers in fixed point at `bits`, categories as indices.
Result<uint64_t> EncodeCell(const PlainColumn& column, size_t row, int bits) {
  const double v = column.values[row];
  if (column.spec.type != ColumnType::kCategorical) {
    // fxp's message holds the value; a data value never goes into an error.
    Result<uint64_t> encoded = fxp::EncodeValue(v, bits);
    if (!encoded.ok()) {
      return OutOfRangeError(
          fmt::format("column '{}' row {}: outside the fixed-point range "
                      "(|v| < 2^{})",
                      column.spec.name, row, 62 - bits));
    }
    return encoded;
  }
  const auto k = static_cast<double>(column.spec.categories.size());
  if (!(v >= 0 && v < k && v == std::floor(v))) {
    return InvalidArgumentError(
        fmt::format("column '{}' row {}: a category index must be a whole number below {}",
                    column.spec.name, row, column.spec.categories.size()));
  }
  return static_cast<uint64_t>(v);
}

Status CheckFits(const TableSchema& schema, const PlainTable& data) {
  if (data.rows() != schema.rows || data.columns.size() != schema.columns.size()) {
    return InvalidArgumentError(
        fmt::format("the table has {} rows and {} columns; its schema says {} and {}", data.rows(),
                    data.columns.size(), schema.rows, schema.columns.size()));
  }
  for (size_t j = 0; j < schema.columns.size(); ++j) {
    const PlainColumn& column = data.columns[j];
    if (column.spec.name != schema.columns[j].name || column.spec.type != schema.columns[j].type ||
        column.spec.categories != schema.columns[j].categories) {
      return InvalidArgumentError(
          fmt::format("column {} ('{}') differs from its schema", j, column.spec.name));
    }
    if (static_cast<int64_t>(column.values.size()) != schema.rows || !column.present.empty()) {
      return InvalidArgumentError(fmt::format(
          "column '{}' needs {} values and no nulls to be shared", column.spec.name, schema.rows));
    }
  }
  return OkStatus();
}

}  // namespace

TableSchema PlainTable::Schema() const {
  TableSchema schema{rows(), {}};
  for (const PlainColumn& column : columns) schema.columns.push_back(column.spec);
  return schema;
}

const PlainColumn* PlainTable::Find(const std::string& name) const {
  for (const PlainColumn& column : columns) {
    if (column.spec.name == name) return &column;
  }
  return nullptr;
}

Result<Table> ShareTable(fxp::FixedPoint& fp, int owner, const TableSchema& schema,
                         const PlainTable* data) {
  mpc::Protocol& p = fp.protocol();
  const auto k = static_cast<int64_t>(schema.columns.size());
  const Shape shape{k, schema.rows};
  RingTensor encoded(shape);
  if (p.Holds(owner)) {
    if (data == nullptr) return InvalidArgumentError("the input owner supplied no table");
    ARCA_RETURN_IF_ERROR(CheckFits(schema, *data));
    for (int64_t j = 0; j < k; ++j) {
      const PlainColumn& column = data->columns[static_cast<size_t>(j)];
      for (int64_t r = 0; r < schema.rows; ++r) {
        ARCA_ASSIGN_OR_RETURN(encoded.data()[j * schema.rows + r],
                              EncodeCell(column, static_cast<size_t>(r), fp.frac_bits()));
      }
    }
  }
  ARCA_ASSIGN_OR_RETURN(Shared shared, p.Input(owner, shape, p.Holds(owner) ? &encoded : nullptr));
  std::vector<Column> columns;
  for (int64_t j = 0; j < k; ++j) {
    const ColumnSpec& spec = schema.columns[static_cast<size_t>(j)];
    ARCA_ASSIGN_OR_RETURN(Shared row, p.SliceRows(shared, j, j + 1));
    ARCA_ASSIGN_OR_RETURN(Shared values, p.Reshape(std::move(row), Shape{schema.rows}));
    columns.push_back(Column{spec.name, spec.type, spec.categories, std::move(values), {}, false});
  }
  return AllValid(p, schema.rows, std::move(columns));
}

Result<PlainTable> RevealTable(fxp::FixedPoint& fp, const Table& table) {
  ARCA_ASSIGN_OR_RETURN(FlatTable flat, Flatten(fp.protocol(), table, fp.frac_bits()));
  ARCA_ASSIGN_OR_RETURN(mpc::RingTensor opened, fp.protocol().Reveal(flat.values));
  return Unflatten(flat.layout, opened);
}

}  // namespace arca::frame
