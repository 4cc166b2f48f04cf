// A table as it leaves the nodes: one flat vector of ring elements and a public layout that
// says how to read it back. Release to recipients (plan outputs, result files) and Reveal in
// tests and local runs use the same layout.
//
//   for each column: its values [rows], then, for a column with nulls, its mask [rows]
//   then the validity [rows], then one count per notice
//
// Numbers are fixed point at the layout's bits; categories, masks, validity and counts are
// ring integers.
#ifndef ARCA_FRAME_RELEASED_TABLE_H_
#define ARCA_FRAME_RELEASED_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/plain_table.h"
#include "arca/frame/table.h"
#include "arca/mpc/protocol.h"

namespace arca::frame {

struct ReleasedColumn {
  ColumnSpec spec;
  bool has_nulls = false;
  bool operator==(const ReleasedColumn&) const = default;
};

struct TableLayout {
  int64_t rows = 0;
  int frac_bits = 0;
  std::vector<ReleasedColumn> columns;
  std::vector<std::string> notices;  // what each notice says

  // The number of ring elements the layout describes.
  int64_t Elements() const;
  bool operator==(const TableLayout&) const = default;
};

// `table` as it may leave the nodes: every value and null mask of an invalid row replaced by 0,
// so that opening the flat form shows the valid rows and nothing of the others. One product
// over all columns (none when every row is valid).
Result<Table> ZeroInvalidRows(mpc::Protocol& p, const Table& table);

// `table`'s rows in an order that no party knows (one Protocol::Shuffle of every column, mask
// and the validity, stacked): released after a filter, the valid rows then say nothing of
// where they stood in the input. Cost: one Shuffle of n x (columns + masks + 1) elements.
Result<Table> ShuffleRows(mpc::Protocol& p, const Table& table);

// The table's layout, and its shares flattened in that order: [Elements()]. Local.
struct FlatTable {
  TableLayout layout;
  mpc::Shared values;
};
Result<FlatTable> Flatten(mpc::Protocol& p, const Table& table, int frac_bits);

// The plain table of `values` (the opened flat vector) read by `layout`. An error if the sizes
// do not match or a category index is out of its list's range (a corrupt release).
Result<PlainTable> Unflatten(const TableLayout& layout, const mpc::RingTensor& values);

}  // namespace arca::frame

#endif  // ARCA_FRAME_RELEASED_TABLE_H_
