#include "arca/frame/aggregate_rows.h"

#include <utility>

#include "arca/frame/distinct.h"
#include "arca/frame/group_by.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// nunique of `name`: its distinct present values among the valid rows, as a one-row integer
// column. Only the column is sorted, not the table.
Result<Column> DistinctCount(fxp::FixedPoint& fp, const Table& table, const std::string& name,
                             const std::string& result_name) {
  mpc::Protocol& p = fp.protocol();
  ARCA_ASSIGN_OR_RETURN(const Column* column, table.Get(name));
  Table values = table;
  values.columns = {*column};
  Column& only = values.columns.front();
  if (only.has_nulls) {
    ARCA_ASSIGN_OR_RETURN(values.valid, Narrow(p, table, only.present));
    values.all_valid = false;
    values.valid_first = false;
    only.has_nulls = false;
    only.present = {};
  }
  ARCA_ASSIGN_OR_RETURN(Shared count, CountDistinct(fp, values, {name}));
  ARCA_ASSIGN_OR_RETURN(count, p.Reshape(std::move(count), Shape{1}));
  ARCA_ASSIGN_OR_RETURN(count,
                        p.MulPublic(count, RingTensor::Scalar(uint64_t{1} << fp.frac_bits())));
  return Column{result_name, ColumnType::kInteger, {}, std::move(count), {}, false};
}

}  // namespace

Result<Table> AggregateRows(fxp::FixedPoint& fp, const Table& table,
                            const std::vector<Aggregate>& aggregates) {
  mpc::Protocol& p = fp.protocol();
  if (aggregates.empty()) return InvalidArgumentError("aggregate: no aggregates given");
  std::vector<Aggregate> per_group;
  for (const Aggregate& a : aggregates) {
    if (a.how != Aggregation::kNunique) per_group.push_back(a);
  }
  Table grouped;
  if (!per_group.empty()) {
    ARCA_ASSIGN_OR_RETURN(grouped, GroupByDomain(fp, table, {}, per_group, {}, {}));
  }
  Table out;
  out.rows = 1;
  out.valid = p.Public(RingTensor::Filled(Shape{1}, 1));
  out.all_valid = true;
  out.valid_first = true;
  out.notices = table.notices;
  size_t next = 0;
  for (const Aggregate& a : aggregates) {
    if (a.how == Aggregation::kNunique) {
      ARCA_ASSIGN_OR_RETURN(Column column, DistinctCount(fp, table, a.column, a.name));
      out.columns.push_back(std::move(column));
      continue;
    }
    Column column = std::move(grouped.columns[next++]);
    const bool of_values =
        a.how == Aggregation::kMean || a.how == Aggregation::kMin || a.how == Aggregation::kMax;
    if (of_values && !column.has_nulls && (!table.all_valid || table.rows == 0)) {
      // No valid row at all: null, as pandas' NaN (the group-by leaves such a group invalid).
      column.has_nulls = true;
      column.present = grouped.valid;
    }
    out.columns.push_back(std::move(column));
  }
  return out;
}

}  // namespace arca::frame
