#include "arca/plan/execution_stats.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "arca/mpc/ops.h"

namespace arca::plan {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// Stands in for unselected rows in min and max: beyond every encoded value (|x| < 2^62), yet
// its difference with any of them fits the 63 bits comparisons need.
constexpr uint64_t kBeyond = (uint64_t{1} << 62) - 1;

using mpc::ColumnMax;

using frame::AsRow;

// Element i of a rank-1 tensor, as a rank-0 tensor.
Result<Shared> Element(mpc::Protocol& p, const Shared& x, int64_t i) {
  ARCA_ASSIGN_OR_RETURN(Shared one, p.SliceRows(x, i, i + 1));
  return p.Reshape(std::move(one), Shape());
}

// (max, min) of the selected elements of x ([n]).
Result<std::pair<Shared, Shared>> Extremes(mpc::Protocol& p, const Shared& x,
                                           const Shared& selection, bool filtered) {
  // Rows of the two tournaments: x for the maximum, -x for the minimum; unselected elements
  // become -kBeyond in both, as s·(v + kBeyond) - kBeyond.
  ARCA_ASSIGN_OR_RETURN(Shared high, AsRow(p, x));
  ARCA_ASSIGN_OR_RETURN(Shared low, AsRow(p, p.Neg(x)));
  ARCA_ASSIGN_OR_RETURN(Shared both, p.ConcatRows({high, low}));
  if (filtered) {
    ARCA_ASSIGN_OR_RETURN(Shared s, AsRow(p, selection));
    ARCA_ASSIGN_OR_RETURN(Shared mask, p.ConcatRows({s, s}));
    ARCA_ASSIGN_OR_RETURN(both, p.AddPublic(both, RingTensor::Scalar(kBeyond)));
    ARCA_ASSIGN_OR_RETURN(both, p.Mul(both, mask));
    ARCA_ASSIGN_OR_RETURN(both, p.AddPublic(both, RingTensor::Scalar(uint64_t{0} - kBeyond)));
  }
  ARCA_ASSIGN_OR_RETURN(Shared columns, p.Transpose(both));
  ARCA_ASSIGN_OR_RETURN(Shared best, ColumnMax(p, std::move(columns)));
  ARCA_ASSIGN_OR_RETURN(best, p.Reshape(std::move(best), Shape{2}));
  ARCA_ASSIGN_OR_RETURN(Shared max, Element(p, best, 0));
  ARCA_ASSIGN_OR_RETURN(Shared negated_min, Element(p, best, 1));
  return std::pair{std::move(max), p.Neg(negated_min)};
}

}  // namespace

Result<StatisticsValue> ComputeStatistics(fxp::FixedPoint& fp,
                                          const std::vector<Statistic>& statistics,
                                          const frame::Column& column, const Shared& selection,
                                          bool filtered, const Shared& count) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  const Shared& x = column.values;
  const int64_t n = x.numel();
  const auto wants = [&](Statistic s) {
    return std::find(statistics.begin(), statistics.end(), s) != statistics.end();
  };
  std::map<Statistic, Shared> results;
  ARCA_ASSIGN_OR_RETURN(results[Statistic::kCount],
                        p.MulPublic(count, RingTensor::Scalar(uint64_t{1} << f)));

  const bool variance = wants(Statistic::kVariance);
  if (wants(Statistic::kSum) || wants(Statistic::kMean) || variance) {
    Shared selected = x;
    if (filtered) {
      ARCA_ASSIGN_OR_RETURN(selected, p.Mul(x, selection));
    }
    ARCA_ASSIGN_OR_RETURN(Shared sum, p.Sum(selected, -1));
    results[Statistic::kSum] = sum;
    if (wants(Statistic::kMean) || variance) {
      // 2^K/m and 2^K/(m - 1) in one call, from m·2^-K and (m - 1)·2^-K.
      const int k = n == 1 ? 0 : static_cast<int>(std::ceil(std::log2(static_cast<double>(n))));
      ARCA_ASSIGN_OR_RETURN(Shared m, p.Reshape(count, Shape{1}));
      Shared counts = m;
      if (variance) {
        ARCA_ASSIGN_OR_RETURN(Shared less, p.AddPublic(m, RingTensor::Scalar(uint64_t{0} - 1)));
        ARCA_ASSIGN_OR_RETURN(counts, p.ConcatRows({m, less}));
      }
      Shared ratios;
      if (k <= f) {
        ARCA_ASSIGN_OR_RETURN(ratios,
                              p.MulPublic(counts, RingTensor::Scalar(uint64_t{1} << (f - k))));
      } else {
        ARCA_ASSIGN_OR_RETURN(ratios, p.Truncate(counts, k - f));
      }
      ARCA_ASSIGN_OR_RETURN(Shared inverses, fp.Reciprocal(ratios));
      // sum / m = (sum / 2^K)·(2^K / m).
      const auto divide = [&](const Shared& total, int64_t which) -> Result<Shared> {
        Shared scaled = total;
        if (k > 0) {
          ARCA_ASSIGN_OR_RETURN(scaled, p.Truncate(total, k));
        }
        ARCA_ASSIGN_OR_RETURN(Shared inverse, Element(p, inverses, which));
        return fp.Mul(scaled, inverse);
      };
      ARCA_ASSIGN_OR_RETURN(Shared mean, divide(sum, 0));
      results[Statistic::kMean] = mean;
      if (variance) {
        ARCA_ASSIGN_OR_RETURN(Shared mean_matrix, p.Reshape(mean, Shape{1, 1}));
        ARCA_ASSIGN_OR_RETURN(Shared means,
                              p.MatMulPublic(RingTensor::Filled(Shape{n, 1}, 1), mean_matrix));
        ARCA_ASSIGN_OR_RETURN(means, p.Reshape(std::move(means), Shape{n}));
        ARCA_ASSIGN_OR_RETURN(Shared deviation, p.Sub(x, means));
        if (filtered) {
          ARCA_ASSIGN_OR_RETURN(deviation, p.Mul(deviation, selection));
        }
        ARCA_ASSIGN_OR_RETURN(Shared squares, fp.Mul(deviation, deviation));
        ARCA_ASSIGN_OR_RETURN(Shared total, p.Sum(squares, -1));
        ARCA_ASSIGN_OR_RETURN(results[Statistic::kVariance], divide(total, 1));
      }
    }
  }
  if (wants(Statistic::kMin) || wants(Statistic::kMax)) {
    ARCA_ASSIGN_OR_RETURN(auto extremes, Extremes(p, x, selection, filtered));
    results[Statistic::kMax] = std::move(extremes.first);
    results[Statistic::kMin] = std::move(extremes.second);
  }

  StatisticsValue out;
  std::vector<Shared> values;
  for (const Statistic s : statistics) {
    out.labels.emplace_back(StatisticName(s));
    ARCA_ASSIGN_OR_RETURN(Shared value, p.Reshape(results.at(s), Shape{1}));
    values.push_back(std::move(value));
  }
  ARCA_ASSIGN_OR_RETURN(out.values, p.ConcatRows(values));
  return out;
}

}  // namespace arca::plan
