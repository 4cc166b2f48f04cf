#include "arca/frame/sort.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <utility>

#include "arca/frame/shuffle_sort.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// Rows x categories of one batch of equalities in CategoryRanks.
constexpr int64_t kRankBatchElements = int64_t{1} << 22;

// 0, 1, ..., n - 1 as public shares: the index component.
Shared RowIndex(mpc::Protocol& p, int64_t n) {
  RingTensor index(Shape{n});
  std::iota(index.data(), index.data() + n, uint64_t{0});
  return p.Public(index);
}

// 1 - valid: 0 for valid rows, so that they come first.
Result<Shared> Invalid(mpc::Protocol& p, const Table& table) {
  return p.AddPublic(p.Neg(table.valid), RingTensor::Scalar(1));
}

// A categorical column's indices mapped to the ranks of their categories in byte order.
Result<Shared> CategoryRanks(mpc::Protocol& p, const Column& column, int64_t n) {
  const auto k = static_cast<int64_t>(column.categories.size());
  std::vector<int64_t> by_name(static_cast<size_t>(k));
  std::iota(by_name.begin(), by_name.end(), int64_t{0});
  std::stable_sort(by_name.begin(), by_name.end(), [&](int64_t a, int64_t b) {
    return column.categories[static_cast<size_t>(a)] < column.categories[static_cast<size_t>(b)];
  });
  if (std::is_sorted(by_name.begin(), by_name.end())) return column.values;
  RingTensor indices(Shape{k});
  RingTensor ranks(Shape{1, k});
  for (int64_t r = 0; r < k; ++r) {
    indices.data()[r] = static_cast<uint64_t>(r);
    ranks.data()[by_name[static_cast<size_t>(r)]] = static_cast<uint64_t>(r);
  }
  const int64_t batch = std::max<int64_t>(1, kRankBatchElements / k);
  std::vector<Shared> parts;
  for (int64_t begin = 0; begin < n; begin += batch) {
    const int64_t end = std::min(n, begin + batch);
    ARCA_ASSIGN_OR_RETURN(Shared values, p.SliceRows(column.values, begin, end));
    ARCA_ASSIGN_OR_RETURN(Shared onehot, p.EqualPublic(values, indices));  // [k, len]
    ARCA_ASSIGN_OR_RETURN(Shared ranked, p.MatMulPublic(ranks, onehot));   // [1, len]
    ARCA_ASSIGN_OR_RETURN(ranked, p.Reshape(std::move(ranked), Shape{end - begin}));
    parts.push_back(std::move(ranked));
  }
  return p.ConcatRows(parts);
}

// The table's rows sorted by `components` ([rows] each, distinct together): its columns, null
// masks and validity, then the components, sorted together by ShuffleSortColumns, which takes
// them from the table as it stacks them.
Result<Table> SortByComponents(mpc::Protocol& p, Table table, std::vector<Shared> components) {
  table.valid_first = true;
  if (table.rows <= 1) return table;
  std::vector<Shared> columns;
  for (Column& column : table.columns) {
    columns.push_back(std::move(column.values));
    if (column.has_nulls) columns.push_back(std::move(column.present));
  }
  // Every row valid (public): the validity is the same in any order, so it is not sorted.
  if (!table.all_valid) columns.push_back(std::move(table.valid));
  const auto key_columns = static_cast<int64_t>(components.size());
  for (Shared& component : components) columns.push_back(std::move(component));
  ARCA_ASSIGN_OR_RETURN(columns, ShuffleSortColumns(p, std::move(columns), key_columns));
  // The sorted cells back in the order they were taken; the components are dropped.
  auto next = columns.begin();
  for (Column& column : table.columns) {
    column.values = std::move(*next++);
    if (column.has_nulls) column.present = std::move(*next++);
  }
  if (!table.all_valid) table.valid = std::move(*next);
  return table;
}

}  // namespace

Result<Table> SortRows(fxp::FixedPoint& fp, Table table, const std::vector<SortKey>& keys) {
  mpc::Protocol& p = fp.protocol();
  if (keys.empty()) return InvalidArgumentError("sort: no key columns given");
  std::vector<const Column*> key_columns;
  for (const SortKey& key : keys) {
    ARCA_ASSIGN_OR_RETURN(const Column* column, table.Get(key.column));
    if (column->has_nulls) {
      return InvalidArgumentError(fmt::format(
          "sort: key column '{}' has nulls (pandas puts them last); fill nulls first", key.column));
    }
    key_columns.push_back(column);
  }
  if (table.rows <= 1) return SortByComponents(p, std::move(table), {});
  std::vector<Shared> components;
  if (!table.all_valid) {
    ARCA_ASSIGN_OR_RETURN(Shared invalid, Invalid(p, table));
    components.push_back(std::move(invalid));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    const Column& column = *key_columns[i];
    Shared key = column.values;
    if (column.type == ColumnType::kCategorical) {
      ARCA_ASSIGN_OR_RETURN(key, CategoryRanks(p, column, table.rows));
    }
    components.push_back(keys[i].ascending ? key : p.Neg(key));
  }
  components.push_back(RowIndex(p, table.rows));
  return SortByComponents(p, std::move(table), std::move(components));
}

Result<Table> Compact(fxp::FixedPoint& fp, Table table) {
  if (table.valid_first) return table;
  mpc::Protocol& p = fp.protocol();
  if (table.rows <= 1) return SortByComponents(p, std::move(table), {});
  // (1 - valid)·n + index: one component, distinct, invalid rows after valid ones.
  ARCA_ASSIGN_OR_RETURN(Shared invalid, Invalid(p, table));
  ARCA_ASSIGN_OR_RETURN(
      Shared scaled, p.MulPublic(invalid, RingTensor::Scalar(static_cast<uint64_t>(table.rows))));
  ARCA_ASSIGN_OR_RETURN(Shared key, p.Add(scaled, RowIndex(p, table.rows)));
  return SortByComponents(p, std::move(table), {key});
}

Result<Table> Head(fxp::FixedPoint& fp, Table table, int64_t k) {
  if (k < 0) return InvalidArgumentError(fmt::format("head: k must be at least 0; got {}", k));
  mpc::Protocol& p = fp.protocol();
  ARCA_ASSIGN_OR_RETURN(Table out, Compact(fp, std::move(table)));
  const int64_t rows = std::min(k, out.rows);
  if (rows == out.rows) return out;
  for (Column& column : out.columns) {
    ARCA_ASSIGN_OR_RETURN(column, ColumnRows(p, column, 0, rows));
  }
  ARCA_ASSIGN_OR_RETURN(out.valid, p.SliceRows(out.valid, 0, rows));
  out.rows = rows;
  return out;
}

}  // namespace arca::frame
