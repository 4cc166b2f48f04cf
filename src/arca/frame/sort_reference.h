// Test support: plain references for sorted operators (pandas semantics on PlainTable).
#ifndef ARCA_FRAME_SORT_REFERENCE_H_
#define ARCA_FRAME_SORT_REFERENCE_H_

#include <algorithm>
#include <string>
#include <vector>

#include "arca/frame/plain_table.h"
#include "arca/frame/sort.h"

namespace arca::frame::testing {

// Row r of t: its values in column order (categories as indices).
inline std::vector<double> Row(const PlainTable& t, size_t r) {
  std::vector<double> row;
  for (const PlainColumn& column : t.columns) row.push_back(column.values[r]);
  return row;
}

// -1, 0 or 1 as row x of t compares with row y on `key` (categories by their string).
inline int CompareRows(const PlainTable& t, const SortKey& key, size_t x, size_t y) {
  const PlainColumn& column = *t.Find(key.column);
  int c = 0;
  if (column.spec.type == ColumnType::kCategorical) {
    const std::string& u = column.spec.categories[static_cast<size_t>(column.values[x])];
    const std::string& v = column.spec.categories[static_cast<size_t>(column.values[y])];
    c = u < v ? -1 : (v < u ? 1 : 0);
  } else {
    c = column.values[x] < column.values[y] ? -1 : (column.values[y] < column.values[x] ? 1 : 0);
  }
  return key.ascending ? c : -c;
}

// The indices of the rows where `valid`, in pandas sort_values(by, kind="stable") order.
inline std::vector<size_t> ReferenceOrder(const PlainTable& t, const std::vector<SortKey>& keys,
                                          const std::vector<bool>& valid) {
  std::vector<size_t> rows;
  for (size_t r = 0; r < valid.size(); ++r) {
    if (valid[r]) rows.push_back(r);
  }
  std::stable_sort(rows.begin(), rows.end(), [&](size_t x, size_t y) {
    for (const SortKey& key : keys) {
      const int c = CompareRows(t, key, x, y);
      if (c != 0) return c < 0;
    }
    return false;
  });
  return rows;
}

// The rows of ReferenceOrder, as values.
inline std::vector<std::vector<double>> ReferenceSort(const PlainTable& t,
                                                      const std::vector<SortKey>& keys,
                                                      const std::vector<bool>& valid) {
  std::vector<std::vector<double>> out;
  for (const size_t r : ReferenceOrder(t, keys, valid)) out.push_back(Row(t, r));
  return out;
}

}  // namespace arca::frame::testing

#endif  // ARCA_FRAME_SORT_REFERENCE_H_
