#include "arca/plan/execution_table.h"

#include <fmt/format.h>

#include <algorithm>

namespace arca::plan {

Result<mpc::Shared> Rescale(mpc::Protocol& p, const mpc::Shared& x, int from_bits, int to_bits) {
  if (from_bits == to_bits) return x;
  if (from_bits < to_bits) {
    return p.MulPublic(x, mpc::RingTensor::Scalar(uint64_t{1} << (to_bits - from_bits)));
  }
  return p.Truncate(x, from_bits - to_bits);
}

Result<Table> LoadColumns(mpc::Protocol& p, const InputTable& input,
                          const std::vector<std::string>& columns, int frac_bits) {
  Table table;
  table.rows = input.rows;
  table.selection = p.Public(mpc::RingTensor::Filled(mpc::Shape{input.rows}, 1));
  for (const std::string& name : columns) {
    const auto it = input.columns.find(name);
    if (it == input.columns.end()) {
      return InvalidArgumentError(
          fmt::format("column '{}' was not supplied with the dataset", name));
    }
    const InputColumn& in = it->second;
    if (in.values.shape() != mpc::Shape{input.rows}) {
      return InvalidArgumentError(
          fmt::format("column '{}' has shape {}; the dataset's {} rows need [{}]", name,
                      in.values.shape().ToString(), input.rows, input.rows));
    }
    // Integers and booleans carry no fractional bits, decimals the upload's; categories stay
    // indices.
    TableColumn column{in.type, in.categories, in.values};
    if (in.type != ColumnType::kCategorical) {
      const int from = in.type == ColumnType::kDecimal ? input.frac_bits : 0;
      ARCA_ASSIGN_OR_RETURN(column.values, Rescale(p, in.values, from, frac_bits));
    }
    table.columns.emplace(name, std::move(column));
  }
  return table;
}

namespace {

// `index` (category indices into `from`) as indices into `into`, which contains every
// category of `from`: sum_j into_index(from_j)·[index == j], one batch of equality tests.
Result<mpc::Shared> Reindex(mpc::Protocol& p, const mpc::Shared& index,
                            const std::vector<std::string>& from,
                            const std::vector<std::string>& into) {
  const auto k = static_cast<int64_t>(from.size());
  mpc::RingTensor values(mpc::Shape{k});
  mpc::RingTensor map(mpc::Shape{1, k});
  for (int64_t j = 0; j < k; ++j) {
    values.data()[j] = static_cast<uint64_t>(j);
    const auto at = std::find(into.begin(), into.end(), from[static_cast<size_t>(j)]);
    map.data()[j] = static_cast<uint64_t>(at - into.begin());
  }
  ARCA_ASSIGN_OR_RETURN(mpc::Shared equal, p.EqualPublic(index, values));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared mapped, p.MatMulPublic(map, equal));
  return p.Reshape(std::move(mapped), index.shape());
}

}  // namespace

Result<Table> UnionTables(mpc::Protocol& p, const std::vector<const Table*>& tables) {
  Table out;
  std::vector<mpc::Shared> selections;
  for (const Table* t : tables) {
    out.rows += t->rows;
    out.filtered = out.filtered || t->filtered;
    selections.push_back(t->selection);
  }
  ARCA_ASSIGN_OR_RETURN(out.selection, p.ConcatRows(selections));
  for (const auto& [name, first] : tables.front()->columns) {
    TableColumn column{first.type, first.categories, {}};
    for (const Table* t : tables) {
      const auto it = t->columns.find(name);
      if (it == t->columns.end() || it->second.type != first.type) {
        return InvalidArgumentError(
            fmt::format("the union's inputs differ in column '{}' or its type", name));
      }
      for (const std::string& category : it->second.categories) {
        if (std::find(column.categories.begin(), column.categories.end(), category) ==
            column.categories.end()) {
          column.categories.push_back(category);
        }
      }
    }
    std::vector<mpc::Shared> parts;
    for (const Table* t : tables) {
      const TableColumn& part = t->columns.at(name);
      // A list that is a prefix of the union's keeps its indices.
      const bool prefix =
          part.categories.size() <= column.categories.size() &&
          std::equal(part.categories.begin(), part.categories.end(), column.categories.begin());
      if (prefix) {
        parts.push_back(part.values);
      } else {
        ARCA_ASSIGN_OR_RETURN(mpc::Shared reindexed,
                              Reindex(p, part.values, part.categories, column.categories));
        parts.push_back(std::move(reindexed));
      }
    }
    ARCA_ASSIGN_OR_RETURN(column.values, p.ConcatRows(parts));
    out.columns.emplace(name, std::move(column));
  }
  return out;
}

Result<mpc::Shared> Narrow(mpc::Protocol& p, const Table& table, const mpc::Shared& rows) {
  if (!table.filtered) return rows;
  return p.Mul(table.selection, rows);
}

}  // namespace arca::plan
