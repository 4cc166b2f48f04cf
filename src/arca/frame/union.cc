#include "arca/frame/union.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace arca::frame {
namespace {

using mpc::Shared;

// `index` (category indices into `from`) as indices into `into`, which contains every
// category of `from`: sum_j into_index(from_j)·[index == j], one batch of equality tests.
Result<Shared> Reindex(mpc::Protocol& p, const Shared& index, const std::vector<std::string>& from,
                       const std::vector<std::string>& into) {
  const auto k = static_cast<int64_t>(from.size());
  mpc::RingTensor values(mpc::Shape{k});
  mpc::RingTensor map(mpc::Shape{1, k});
  for (int64_t j = 0; j < k; ++j) {
    values.data()[j] = static_cast<uint64_t>(j);
    const auto at = std::find(into.begin(), into.end(), from[static_cast<size_t>(j)]);
    map.data()[j] = static_cast<uint64_t>(at - into.begin());
  }
  ARCA_ASSIGN_OR_RETURN(Shared equal, p.EqualPublic(index, values));
  ARCA_ASSIGN_OR_RETURN(Shared mapped, p.MatMulPublic(map, equal));
  return p.Reshape(std::move(mapped), index.shape());
}

// The null mask of `column` in a table of `rows` rows: its own, or all ones.
Shared PresentOf(mpc::Protocol& p, const Column& column, int64_t rows) {
  if (column.has_nulls) return column.present;
  return p.Public(mpc::RingTensor::Filled(mpc::Shape{rows}, 1));
}

}  // namespace

Result<Table> Union(mpc::Protocol& p, const std::vector<const Table*>& tables) {
  if (tables.empty()) return InvalidArgumentError("a union needs at least one table");
  Table out;
  out.all_valid = true;
  std::vector<Shared> valid;
  for (const Table* t : tables) {
    out.rows += t->rows;
    out.all_valid = out.all_valid && t->all_valid;
    valid.push_back(t->valid);
    out.notices.insert(out.notices.end(), t->notices.begin(), t->notices.end());
  }
  out.valid_first = out.all_valid;
  ARCA_ASSIGN_OR_RETURN(out.valid, p.ConcatRows(valid));
  for (const Column& first : tables.front()->columns) {
    Column column{first.name, first.type, first.categories, {}, {}, false};
    for (const Table* t : tables) {
      const Column* part = t->Find(first.name);
      if (part == nullptr || part->type != first.type ||
          t->columns.size() != tables.front()->columns.size()) {
        return InvalidArgumentError(
            fmt::format("the union's inputs differ in column '{}' or its type", first.name));
      }
      column.has_nulls = column.has_nulls || part->has_nulls;
      for (const std::string& category : part->categories) {
        if (std::find(column.categories.begin(), column.categories.end(), category) ==
            column.categories.end()) {
          column.categories.push_back(category);
        }
      }
    }
    std::vector<Shared> parts;
    std::vector<Shared> present;
    for (const Table* t : tables) {
      const Column& part = *t->Find(first.name);
      // A list that is a prefix of the union's keeps its indices.
      const bool prefix =
          part.categories.size() <= column.categories.size() &&
          std::equal(part.categories.begin(), part.categories.end(), column.categories.begin());
      if (prefix) {
        parts.push_back(part.values);
      } else {
        ARCA_ASSIGN_OR_RETURN(Shared reindexed,
                              Reindex(p, part.values, part.categories, column.categories));
        parts.push_back(std::move(reindexed));
      }
      if (column.has_nulls) present.push_back(PresentOf(p, part, t->rows));
    }
    ARCA_ASSIGN_OR_RETURN(column.values, p.ConcatRows(parts));
    if (column.has_nulls) {
      ARCA_ASSIGN_OR_RETURN(column.present, p.ConcatRows(present));
    }
    out.columns.push_back(std::move(column));
  }
  return out;
}

}  // namespace arca::frame
