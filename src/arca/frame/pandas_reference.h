// Test support: pandas' aggregations written out in plain C++, the references that frame's
// statistics are checked against, and the tolerances their fixed-point results are held to.
#ifndef ARCA_FRAME_PANDAS_REFERENCE_H_
#define ARCA_FRAME_PANDAS_REFERENCE_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "arca/frame/aggregate.h"

namespace arca::frame::testing {

// `how` over a group's present values (`size` is the group's rows, nulls included); nullopt
// where pandas gives NaN (a mean, min or max of no value, a var or std of fewer than two).
inline std::optional<double> PandasAggregate(Aggregation how, const std::vector<double>& values,
                                             int64_t size) {
  const auto count = static_cast<double>(values.size());
  double sum = 0;
  for (double v : values) sum += v;
  switch (how) {
    case Aggregation::kCount:
      return count;
    case Aggregation::kSize:
      return static_cast<double>(size);
    case Aggregation::kSum:
      return sum;
    case Aggregation::kMean:
      if (values.empty()) return std::nullopt;
      return sum / count;
    case Aggregation::kMin:
      if (values.empty()) return std::nullopt;
      return *std::min_element(values.begin(), values.end());
    case Aggregation::kMax:
      if (values.empty()) return std::nullopt;
      return *std::max_element(values.begin(), values.end());
    case Aggregation::kVar:
    case Aggregation::kStd: {
      if (values.size() < 2) return std::nullopt;
      const double mean = sum / count;
      double squares = 0;
      for (double v : values) squares += (v - mean) * (v - mean);
      const double var = squares / (count - 1);
      return how == Aggregation::kVar ? var : std::sqrt(var);
    }
    case Aggregation::kNunique: {
      std::vector<double> sorted = values;
      std::sort(sorted.begin(), sorted.end());
      return static_cast<double>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
    }
  }
  return std::nullopt;
}

// How far a fixed-point result at f = 18 may be from `expected`, as the operators document:
// counts, sums, min and max exact; a mean within 2^-15 relative + 4 ulp (DivideByCount);
// a var within (count + 4) ulp + 2^-15 relative (one ulp per squared deviation, then the
// division); a std within the square root of var's bound + 2^-15 relative (a root magnifies
// errors near 0).
inline double Tolerance(Aggregation how, double expected, int64_t count) {
  constexpr double kUlp = 1.0 / (1 << 18);
  constexpr double kRelative = 1.0 / (1 << 15);
  const double var_bound = (static_cast<double>(count) + 4) * kUlp;
  switch (how) {
    case Aggregation::kMean:
      return kRelative * std::fabs(expected) + 4 * kUlp;
    case Aggregation::kVar:
      return var_bound + kRelative * std::fabs(expected);
    case Aggregation::kStd:
      return std::sqrt(var_bound + kRelative * expected * expected) + kRelative * expected;
    default:
      return 1e-9;
  }
}

}  // namespace arca::frame::testing

#endif  // ARCA_FRAME_PANDAS_REFERENCE_H_
