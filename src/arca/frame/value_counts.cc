#include <fmt/format.h>

#include "arca/frame/statistics.h"

namespace arca::frame {

Result<Table> ValueCounts(fxp::FixedPoint& fp, const Table& table, const std::string& column,
                          const KeyDomains& domains) {
  ARCA_ASSIGN_OR_RETURN(const Column* c, table.Get(column));
  if (c->type == ColumnType::kDecimal) {
    return InvalidArgumentError(fmt::format(
        "value counts of column '{}': a decimal column has no domain (use a histogram)", column));
  }
  return GroupByDomain(fp, table, {column}, {Aggregate{"", Aggregation::kSize, "count"}}, domains,
                       {});
}

}  // namespace arca::frame
