#include <fmt/format.h>

#include <set>
#include <utility>

#include "arca/frame/group_by_domain.h"
#include "arca/frame/group_statistics.h"
#include "arca/frame/statistics.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

}  // namespace

Result<Table> Moments(fxp::FixedPoint& fp, const Table& table,
                      const std::vector<std::string>& columns) {
  mpc::Protocol& p = fp.protocol();
  if (columns.empty()) return InvalidArgumentError("moments need at least one column");
  std::vector<ColumnRequest> requests;
  std::set<std::string> seen;
  for (const std::string& name : columns) {
    if (!seen.insert(name).second) {
      return InvalidArgumentError(fmt::format("column '{}' is named twice", name));
    }
    ARCA_ASSIGN_OR_RETURN(const Column* column, table.Get(name));
    if (!IsNumeric(column->type)) {
      return InvalidArgumentError(fmt::format("column '{}' is not a number", name));
    }
    requests.push_back(ColumnRequest{column, false, true, true, true, true});
  }
  Grouping grouping;
  // Batches of rows bound the memory: the variance's squares and the min/max tournament hold
  // about three values per row and column of a batch (all rows at once took 7 GB per rep3
  // party for 10^6 rows x 10 columns).
  grouping.batch_rows = std::max<int64_t>(
      1, std::min(table.rows, kOneHotBudget / (3 * static_cast<int64_t>(requests.size()))));
  grouping.membership = [&](int64_t begin, int64_t end) -> Result<std::optional<Shared>> {
    if (table.all_valid) return std::optional<Shared>();
    ARCA_ASSIGN_OR_RETURN(Shared valid, p.SliceRows(table.valid, begin, end));
    ARCA_ASSIGN_OR_RETURN(Shared h, AsRow(p, valid));
    return std::optional<Shared>(std::move(h));
  };
  ARCA_ASSIGN_OR_RETURN(GroupStatistics stats,
                        ComputeGroupStatistics(fp, table, grouping, requests));

  std::vector<Column> out;
  out.push_back(Column{"statistic",
                       ColumnType::kCategorical,
                       {"count", "mean", "std", "min", "max"},
                       p.Public(RingTensor::FromValues(Shape{5}, {0, 1, 2, 3, 4})),
                       {},
                       false});
  const Shared always = p.Public(RingTensor::Filled(Shape{1}, 1));
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnStatistics& s = stats.columns[i];
    ARCA_ASSIGN_OR_RETURN(Shared count,
                          p.MulPublic(s.count, RingTensor::Scalar(uint64_t{1} << fp.frac_bits())));
    ARCA_ASSIGN_OR_RETURN(Shared values, p.ConcatRows({count, s.mean, s.std, s.min, s.max}));
    ARCA_ASSIGN_OR_RETURN(Shared present,
                          p.ConcatRows({always, s.has_value, s.has_two, s.has_value, s.has_value}));
    out.push_back(
        Column{columns[i], ColumnType::kDecimal, {}, std::move(values), std::move(present), true});
  }
  Table result = AllValid(p, 5, std::move(out));
  result.notices = table.notices;
  return result;
}

}  // namespace arca::frame
