// Table: a secret-shared table as one party holds it.
//
// Columns are typed and of public length; which rows hold data is a secret validity column
// (0/1 per row), so that no operation reveals which rows a filter kept, which keys a join
// matched or how large a group is. Rows are never removed in the clear: a filter narrows the
// validity, a join or a group-by marks its result rows valid or not, and every later operator
// weighs each row by it. Only a public, declared reshaping (a row limit) changes `rows`.
//
// Numbers (integer, decimal and boolean columns) are fixed point at the frame's fractional
// bits (the FixedPoint every operator is given); categorical columns hold the 0-based index of
// their value in `categories`, a ring integer. A column may hold nulls (a left join's
// unmatched rows): `present` is then its secret 0/1 mask, and aggregations skip null values as
// pandas skips NaN.
#ifndef ARCA_FRAME_TABLE_H_
#define ARCA_FRAME_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"

namespace arca::frame {

enum class ColumnType { kInteger, kDecimal, kBoolean, kCategorical };
// "integer", "decimal", "boolean", "categorical".
std::string_view ColumnTypeName(ColumnType type);
Result<ColumnType> ParseColumnType(std::string_view name);
// Integers, decimals and booleans: the types arithmetic and aggregations take.
bool IsNumeric(ColumnType type);

struct Column {
  std::string name;
  ColumnType type = ColumnType::kDecimal;
  std::vector<std::string> categories;  // categorical columns only, in index order
  mpc::Shared values;                   // [rows]
  // [rows] 0/1 when has_nulls; otherwise empty and every value is present.
  mpc::Shared present;
  bool has_nulls = false;
};

// Something an operator did to the result that its reader must be told: "groups suppressed
// (fewer than 10 rows)" with how many. The count is secret until the result is released to its
// recipients, who see it beside the data: nothing is dropped silently.
struct Notice {
  std::string what;
  mpc::Shared count;  // rank 0, a ring integer
};

struct Table {
  int64_t rows = 0;
  std::vector<Column> columns;  // in order; names are unique
  mpc::Shared valid;            // [rows], ring integers 0/1
  // Public facts that let operators skip work: every row is valid (no filter, join or
  // group-by narrowed the table yet), and the valid rows come first (after a sort).
  bool all_valid = false;
  bool valid_first = false;
  std::vector<Notice> notices;

  // The column named `name`, or null.
  const Column* Find(std::string_view name) const;
  // The column named `name`, or an error naming it and listing the table's columns.
  Result<const Column*> Get(std::string_view name) const;
  std::vector<std::string> ColumnNames() const;
};

// A table of `columns` whose rows are all valid.
Table AllValid(mpc::Protocol& p, int64_t rows, std::vector<Column> columns);

// Rows [begin, end) of `column`: its values and, with nulls, its mask. Local.
Result<Column> ColumnRows(mpc::Protocol& p, const Column& column, int64_t begin, int64_t end);

// x, of any shape, as one row [1, x.numel()]: how columns are stacked into one matrix so that
// one protocol call serves them all. Local.
Result<mpc::Shared> AsRow(mpc::Protocol& p, const mpc::Shared& x);

// [n] vectors as the columns of one matrix [n, k], so that one protocol call serves them all
// (a Shuffle or a sort moves whole rows, a scan runs down every column), and back. Local. Each
// takes its input (pass a copy to keep it), so that at most two copies of the data are held.
Result<mpc::Shared> StackColumns(mpc::Protocol& p, std::vector<mpc::Shared> columns);
Result<std::vector<mpc::Shared>> SplitColumns(mpc::Protocol& p, mpc::Shared matrix);

// a_i·b_i for every pair of vectors of the same shape, in one product call (none for no pairs).
Result<std::vector<mpc::Shared>> MulEach(mpc::Protocol& p, const std::vector<mpc::Shared>& a,
                                         const std::vector<mpc::Shared>& b);

// The table's validity and `rows` (0/1 per row): one product, or `rows` itself when every row
// is valid.
Result<mpc::Shared> Narrow(mpc::Protocol& p, const Table& table, const mpc::Shared& rows);

}  // namespace arca::frame

#endif  // ARCA_FRAME_TABLE_H_
