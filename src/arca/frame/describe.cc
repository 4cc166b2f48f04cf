#include "arca/frame/describe.h"

#include <fmt/format.h>

#include <utility>

#include "arca/frame/quantiles.h"
#include "arca/frame/statistics.h"

namespace arca::frame {
namespace {

using mpc::Shared;

// Moments' rows, in order: count, mean, std, min, max.
constexpr int64_t kMomentRows = 5;

Shared Ones(mpc::Protocol& p, int64_t n) {
  return p.Public(mpc::RingTensor::Filled(mpc::Shape{n}, 1));
}

}  // namespace

std::string PercentileLabel(double q) { return fmt::format("{:g}%", q * 100); }

Result<Table> Describe(fxp::FixedPoint& fp, const Table& table,
                       const std::vector<std::string>& columns,
                       const std::vector<double>& percentiles) {
  mpc::Protocol& p = fp.protocol();
  ARCA_ASSIGN_OR_RETURN(Table moments, Moments(fp, table, columns));
  const auto q = static_cast<int64_t>(percentiles.size());
  const int64_t rows = kMomentRows + q;

  std::vector<std::string> labels = {"count", "mean", "std", "min"};
  for (const double percentile : percentiles) labels.push_back(PercentileLabel(percentile));
  labels.emplace_back("max");
  mpc::RingTensor index(mpc::Shape{rows});
  for (int64_t r = 0; r < rows; ++r) index.data()[r] = static_cast<uint64_t>(r);
  std::vector<Column> out = {
      Column{"statistic", ColumnType::kCategorical, labels, p.Public(index), {}, false}};

  for (const std::string& name : columns) {
    const Column* moment = moments.Find(name);
    if (moment == nullptr) return InternalError("Moments left out column '" + name + "'");
    Shared moment_present = moment->has_nulls ? moment->present : Ones(p, kMomentRows);
    std::vector<Shared> values;
    std::vector<Shared> present;
    ARCA_ASSIGN_OR_RETURN(Shared head, p.SliceRows(moment->values, 0, 4));
    ARCA_ASSIGN_OR_RETURN(Shared head_present, p.SliceRows(moment_present, 0, 4));
    values.push_back(std::move(head));
    present.push_back(std::move(head_present));
    if (q > 0) {
      ARCA_ASSIGN_OR_RETURN(Table quantiles, Quantiles(fp, table, name, percentiles));
      ARCA_ASSIGN_OR_RETURN(const Column* quantile, quantiles.Get(name));
      values.push_back(quantile->values);
      present.push_back(quantiles.valid);
    }
    ARCA_ASSIGN_OR_RETURN(Shared max, p.SliceRows(moment->values, 4, 5));
    ARCA_ASSIGN_OR_RETURN(Shared max_present, p.SliceRows(moment_present, 4, 5));
    values.push_back(std::move(max));
    present.push_back(std::move(max_present));
    Column column{name, ColumnType::kDecimal, {}, {}, {}, true};
    ARCA_ASSIGN_OR_RETURN(column.values, p.ConcatRows(values));
    ARCA_ASSIGN_OR_RETURN(column.present, p.ConcatRows(present));
    out.push_back(std::move(column));
  }
  Table result = AllValid(p, rows, std::move(out));
  result.notices = moments.notices;
  return result;
}

}  // namespace arca::frame
