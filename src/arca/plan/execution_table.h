// Tables while a plan runs: secret-shared columns of public length, and a secret selection of
// the rows that filters kept. Rows are never removed in the clear: a filter narrows the
// selection, and later ops weigh each row by it.
#ifndef ARCA_PLAN_EXECUTION_TABLE_H_
#define ARCA_PLAN_EXECUTION_TABLE_H_

#include <map>
#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"
#include "arca/plan/executor.h"

namespace arca::plan {

struct TableColumn {
  ColumnType type = ColumnType::kDecimal;
  std::vector<std::string> categories;  // categorical columns only
  // [rows]: numbers (integer, decimal, boolean) in fixed point at the plan's fractional bits;
  // categories as their index, a ring integer.
  mpc::Shared values;
};

struct Table {
  int64_t rows = 0;
  std::map<std::string, TableColumn> columns;
  mpc::Shared selection;  // [rows], ring integers 0/1
  bool filtered = false;  // false: no filter narrowed it, so the selection is all ones
};

// x in fixed point at `to_bits`, from fixed point at `from_bits`: a local product when the
// bits grow, a truncation (one round, within one ulp) when they shrink.
Result<mpc::Shared> Rescale(mpc::Protocol& p, const mpc::Shared& x, int from_bits, int to_bits);

// The `columns` of `input` as a table: integers and booleans become fixed point at
// `frac_bits` (a local product), decimals are rescaled from the upload's bits. A missing
// column or a wrong shape is an error.
Result<Table> LoadColumns(mpc::Protocol& p, const InputTable& input,
                          const std::vector<std::string>& columns, int frac_bits);

// The rows of `tables` (which have the same columns and types) one after another, with their
// selections. A categorical column whose category lists differ is re-indexed into the first
// table's list extended by the others' new categories (one batch of equality tests per
// re-indexed part).
Result<Table> UnionTables(mpc::Protocol& p, const std::vector<const Table*>& tables);

// The table's selection and `rows` (0/1 per row): one product, or `rows` itself when the table
// is unfiltered.
Result<mpc::Shared> Narrow(mpc::Protocol& p, const Table& table, const mpc::Shared& rows);

}  // namespace arca::plan

#endif  // ARCA_PLAN_EXECUTION_TABLE_H_
