#include "arca/frame/released_table.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "arca/fxp/encoding.h"

namespace arca::frame {

int64_t TableLayout::Elements() const {
  int64_t per_row = 1;  // validity
  for (const ReleasedColumn& column : columns) per_row += column.has_nulls ? 2 : 1;
  return per_row * rows + static_cast<int64_t>(notices.size());
}

namespace {

// Every value and null mask of `table`, in column order, and where to put them back.
std::vector<mpc::Shared*> Cells(Table& table) {
  std::vector<mpc::Shared*> cells;
  for (Column& column : table.columns) {
    cells.push_back(&column.values);
    if (column.has_nulls) cells.push_back(&column.present);
  }
  return cells;
}

}  // namespace

Result<Table> ZeroInvalidRows(mpc::Protocol& p, const Table& table) {
  if (table.all_valid || table.columns.empty()) return table;
  Table out = table;
  const std::vector<mpc::Shared*> cells = Cells(out);
  std::vector<mpc::Shared> values;
  values.reserve(cells.size());
  for (mpc::Shared* cell : cells) values.push_back(std::move(*cell));  // each is written below
  ARCA_ASSIGN_OR_RETURN(std::vector<mpc::Shared> zeroed,
                        MulEach(p, values, std::vector<mpc::Shared>(values.size(), table.valid)));
  for (size_t i = 0; i < cells.size(); ++i) *cells[i] = std::move(zeroed[i]);
  return out;
}

Result<Table> ShuffleRows(mpc::Protocol& p, const Table& table) {
  if (table.rows <= 1) return table;
  Table out = table;
  std::vector<mpc::Shared*> cells = Cells(out);
  cells.push_back(&out.valid);
  std::vector<mpc::Shared> columns;
  columns.reserve(cells.size());
  for (mpc::Shared* cell : cells) columns.push_back(std::move(*cell));  // each is written below
  ARCA_ASSIGN_OR_RETURN(mpc::Shared rows, StackColumns(p, std::move(columns)));
  ARCA_ASSIGN_OR_RETURN(rows, p.Shuffle(std::move(rows)));
  ARCA_ASSIGN_OR_RETURN(std::vector<mpc::Shared> shuffled, SplitColumns(p, std::move(rows)));
  for (size_t i = 0; i < cells.size(); ++i) *cells[i] = std::move(shuffled[i]);
  out.valid_first = false;
  return out;
}

Result<FlatTable> Flatten(mpc::Protocol& p, const Table& table, int frac_bits) {
  FlatTable out;
  out.layout.rows = table.rows;
  out.layout.frac_bits = frac_bits;
  std::vector<mpc::Shared> parts;
  auto add = [&](const mpc::Shared& part) -> Status {
    ARCA_ASSIGN_OR_RETURN(mpc::Shared flat, p.Reshape(part, mpc::Shape{part.numel()}));
    parts.push_back(std::move(flat));
    return OkStatus();
  };
  for (const Column& column : table.columns) {
    out.layout.columns.push_back({{column.name, column.type, column.categories}, column.has_nulls});
    ARCA_RETURN_IF_ERROR(add(column.values));
    if (column.has_nulls) ARCA_RETURN_IF_ERROR(add(column.present));
  }
  ARCA_RETURN_IF_ERROR(add(table.valid));
  for (const Notice& notice : table.notices) {
    out.layout.notices.push_back(notice.what);
    ARCA_RETURN_IF_ERROR(add(notice.count));
  }
  ARCA_ASSIGN_OR_RETURN(out.values, p.ConcatRows(parts));
  return out;
}

Result<PlainTable> Unflatten(const TableLayout& layout, const mpc::RingTensor& values) {
  if (values.numel() != layout.Elements()) {
    return DataLossError(
        fmt::format("a released table of {} elements does not fit its layout "
                    "of {}",
                    values.numel(), layout.Elements()));
  }
  const int64_t n = layout.rows;
  const uint64_t* at = values.data();
  auto next = [&]() {
    const uint64_t* row = at;
    at += n;
    return row;
  };
  PlainTable out;
  for (const ReleasedColumn& released : layout.columns) {
    PlainColumn column{released.spec, {}, {}};
    const uint64_t* cells = next();
    const bool categorical = released.spec.type == ColumnType::kCategorical;
    for (int64_t r = 0; r < n; ++r) {
      if (categorical) {
        if (cells[r] >= released.spec.categories.size()) {
          return DataLossError(
              fmt::format("column '{}' holds a category index out of range", released.spec.name));
        }
        column.values.push_back(static_cast<double>(cells[r]));
      } else {
        column.values.push_back(fxp::DecodeValue(cells[r], layout.frac_bits));
      }
    }
    if (released.has_nulls) {
      const uint64_t* present = next();
      for (int64_t r = 0; r < n; ++r) column.present.push_back(present[r] != 0);
    }
    out.columns.push_back(std::move(column));
  }
  const uint64_t* valid = next();
  for (int64_t r = 0; r < n; ++r) out.valid.push_back(valid[r] != 0);
  for (const std::string& what : layout.notices) {
    out.notices.emplace_back(what, static_cast<int64_t>(*at++));
  }
  return out;
}

}  // namespace arca::frame
