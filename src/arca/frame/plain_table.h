// PlainTable: a table in the clear, as an input owner holds it before sharing and a recipient
// reads it after release; and the two crossings between it and a shared Table.
//
// Numbers are doubles (integers and booleans as whole numbers), categories their index into
// the column's list. Sharing encodes numbers in fixed point at the frame's bits; revealing
// decodes them.
#ifndef ARCA_FRAME_PLAIN_TABLE_H_
#define ARCA_FRAME_PLAIN_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

// What every party knows of a table before it is shared: its length and its columns' names,
// types and categories.
struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::kDecimal;
  std::vector<std::string> categories;
  bool operator==(const ColumnSpec&) const = default;
};
struct TableSchema {
  int64_t rows = 0;
  std::vector<ColumnSpec> columns;
};

struct PlainColumn {
  ColumnSpec spec;
  std::vector<double> values;  // [rows]; categories as their index
  std::vector<bool> present;   // [rows], or empty when every value is present
};

struct PlainTable {
  std::vector<PlainColumn> columns;
  std::vector<bool> valid;  // [rows]
  // Notices as released: what, and how many.
  std::vector<std::pair<std::string, int64_t>> notices;

  int64_t rows() const { return static_cast<int64_t>(valid.size()); }
  TableSchema Schema() const;
  // The column named `name`, or null.
  const PlainColumn* Find(const std::string& name) const;
};

// Secret-shares the table that input owner `owner` holds (`data` null where
// !Holds(owner)); every party passes the same `schema`. Every row is valid. An error if the
// data does not fit the schema or a value does not fit the fixed-point range.
Result<Table> ShareTable(fxp::FixedPoint& fp, int owner, const TableSchema& schema,
                         const PlainTable* data);

// Opens `table` to every party: its columns, validity, null masks and notices, in one
// reveal. Invalid rows are opened as they are: for tests and local inspection; what leaves the
// nodes goes through ZeroInvalidRows (released_table.h) first.
Result<PlainTable> RevealTable(fxp::FixedPoint& fp, const Table& table);

}  // namespace arca::frame

#endif  // ARCA_FRAME_PLAIN_TABLE_H_
