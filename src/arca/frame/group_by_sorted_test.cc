#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <optional>

#include "arca/frame/group_by.h"
#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using testing::RandomColumn;
using testing::RunFrame;

class GroupBySortedTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

constexpr Aggregation kEvery[] = {Aggregation::kCount, Aggregation::kSize, Aggregation::kSum,
                                  Aggregation::kMean,  Aggregation::kMin,  Aggregation::kMax,
                                  Aggregation::kVar,   Aggregation::kStd};

// Keys g (integers 0..3) and site (categories not in byte order); x (decimals in [-20, 20),
// null where has_x is 0 in the cases with nulls), y (integers in [-5, 5]); keep and has_g
// (booleans: invalid rows, null keys).
PlainTable Sample(uint64_t seed, int64_t rows) {
  return testing::RandomTable(
      seed, rows,
      {RandomColumn{{"g", ColumnType::kInteger, {}}, 0, 3},
       RandomColumn{{"site", ColumnType::kCategorical, {"south", "north", "east"}}},
       RandomColumn{{"x", ColumnType::kDecimal, {}}, -20, 20},
       RandomColumn{{"y", ColumnType::kInteger, {}}, -5, 5},
       RandomColumn{{"keep", ColumnType::kBoolean, {}}},
       RandomColumn{{"has_x", ColumnType::kBoolean, {}}},
       RandomColumn{{"has_g", ColumnType::kBoolean, {}}}});
}

std::vector<Aggregate> EveryAggregate() {
  std::vector<Aggregate> out;
  for (const std::string column : {"x", "y"}) {
    for (const Aggregation how : kEvery) {
      out.push_back({column, how, fmt::format("{}_{}", column, AggregationName(how))});
    }
  }
  return out;
}

struct Case {
  bool filtered = false;  // rows where keep = 0 are invalid
  bool null_x = false;    // x is null where has_x = 0
  bool null_key = false;  // g is null where has_g = 0
  int64_t min_group_size = 0;
};

// pandas: df[valid].groupby(["g", "site"], dropna=True).agg(...), one optional per aggregate
// (nullopt for NaN), groups in key order (site by its string); and the groups suppressed.
struct Expected {
  std::vector<std::pair<std::vector<double>, std::vector<std::optional<double>>>> groups;
  int64_t suppressed = 0;
};

Expected Reference(const PlainTable& t, const Case& c) {
  const auto col = [&](const char* name) { return t.Find(name)->values; };
  const std::vector<double> g = col("g"), site = col("site"), x = col("x"), y = col("y"),
                            keep = col("keep"), has_x = col("has_x"), has_g = col("has_g");
  const std::vector<std::string>& names = t.Find("site")->spec.categories;
  std::map<std::pair<double, std::string>, std::vector<size_t>> groups;
  for (size_t r = 0; r < g.size(); ++r) {
    if ((c.filtered && keep[r] == 0) || (c.null_key && has_g[r] == 0)) continue;
    groups[{g[r], names[static_cast<size_t>(site[r])]}].push_back(r);
  }
  Expected out;
  for (const auto& [key, rows] : groups) {
    if (static_cast<int64_t>(rows.size()) < c.min_group_size) {
      ++out.suppressed;
      continue;
    }
    std::vector<std::optional<double>> values;
    for (const bool is_x : {true, false}) {
      std::vector<double> v;
      for (const size_t r : rows) {
        if (!is_x || !c.null_x || has_x[r] == 1) v.push_back(is_x ? x[r] : y[r]);
      }
      const auto m = static_cast<double>(v.size());
      double sum = 0;
      for (const double e : v) sum += e;
      std::optional<double> mean, var, min, max;
      if (!v.empty()) {
        mean = sum / m;
        min = *std::min_element(v.begin(), v.end());
        max = *std::max_element(v.begin(), v.end());
      }
      if (v.size() >= 2) {
        double ss = 0;
        for (const double e : v) ss += (e - *mean) * (e - *mean);
        var = ss / (m - 1);
      }
      values.insert(values.end(), {m, static_cast<double>(rows.size()), sum, mean, min, max, var,
                                   var ? std::optional<double>(std::sqrt(*var)) : std::nullopt});
    }
    const auto site_index =
        static_cast<double>(std::find(names.begin(), names.end(), key.second) - names.begin());
    out.groups.emplace_back(std::vector<double>{key.first, site_index}, std::move(values));
  }
  return out;
}

// The tolerance of aggregate `how` around `expected`, for a group of `count` values (see
// group_by_sorted.cc): counts, sums, min and max exact (inputs are exact in fixed point);
// mean 2^-15 relative + 4 ulp; var 2^-15 relative + (count + 6) ulp; std 2^-15 relative +
// 2 ulp + the shift sqrt(var + ulp) - sqrt(var).
double Tolerance(Aggregation how, double expected, double count) {
  const double ulp = std::ldexp(1.0, -18), rel = std::ldexp(1.0, -15) * std::abs(expected);
  switch (how) {
    case Aggregation::kMean:
      return rel + 4 * ulp;
    case Aggregation::kVar:
      return rel + (count + 6) * ulp;
    case Aggregation::kStd:
      return rel + 2 * ulp + std::sqrt(expected * expected + ulp) - expected;
    default:
      return 0;
  }
}

TEST_P(GroupBySortedTest, MatchesPandasGroupByOnEveryAggregate) {
  const std::vector<Case> cases = {{false, false, false, 0},
                                   {true, true, false, 0},
                                   {true, true, true, 0},
                                   {true, false, false, 3}};
  for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{150}}) {
    const PlainTable in = Sample(90 + static_cast<uint64_t>(rows), rows);
    for (const Case& c : cases) {
      const std::string where =
          fmt::format("{} rows, filtered {}, null x {}, null key {}, K {}", rows, c.filtered,
                      c.null_x, c.null_key, c.min_group_size);
      Result<testing::FrameRun> run = RunFrame(
          GetParam(), {in},
          [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
            Table table = inputs[0];
            if (c.filtered) {
              ARCA_ASSIGN_OR_RETURN(table, testing::KeepWhere(fp, table, "keep"));
            }
            for (const auto& [column, mask] : {std::pair{2, "has_x"}, std::pair{0, "has_g"}}) {
              if (column == 2 ? !c.null_x : !c.null_key) continue;
              Column& nullable = table.columns[static_cast<size_t>(column)];
              ARCA_ASSIGN_OR_RETURN(const Column* present, table.Get(mask));
              ARCA_ASSIGN_OR_RETURN(nullable.present, testing::BooleanBits(fp, *present));
              nullable.has_nulls = true;
            }
            return GroupBySorted(fp, table, {"g", "site"}, EveryAggregate(),
                                 GroupByOptions{c.min_group_size});
          });
      ASSERT_TRUE(run.ok()) << run.status().ToString();
      const PlainTable& out = run->result;
      const Expected expected = Reference(in, c);
      ASSERT_EQ(out.rows(), rows) << where;
      std::vector<size_t> valid_rows;
      for (size_t r = 0; r < out.valid.size(); ++r) {
        if (out.valid[r]) valid_rows.push_back(r);
      }
      ASSERT_EQ(valid_rows.size(), expected.groups.size()) << where;
      for (size_t i = 0; i < valid_rows.size(); ++i) {
        const size_t r = valid_rows[i];
        const auto& [key, values] = expected.groups[i];
        EXPECT_EQ(out.columns[0].values[r], key[0]) << where;
        EXPECT_EQ(out.columns[1].values[r], key[1]) << where;
        for (size_t a = 0; a < values.size(); ++a) {
          const PlainColumn& column = out.columns[2 + a];
          const bool present = column.present.empty() || column.present[r];
          ASSERT_EQ(present, values[a].has_value()) << where << ", " << column.spec.name;
          if (!present) continue;
          const Aggregation how = kEvery[a % 8];
          const double count = *values[a - a % 8];
          EXPECT_NEAR(column.values[r], *values[a], Tolerance(how, *values[a], count))
              << where << ", " << column.spec.name << ", group " << i;
        }
      }
      if (c.min_group_size > 1) {
        ASSERT_EQ(out.notices.size(), 1u) << where;
        EXPECT_EQ(out.notices[0].first, "groups suppressed (fewer than 3 rows)");
        EXPECT_EQ(out.notices[0].second, expected.suppressed) << where;
      } else {
        EXPECT_TRUE(out.notices.empty()) << where;
      }
    }
  }
}

TEST_P(GroupBySortedTest, RefusesNumericAggregatesOfCategories) {
  const PlainTable in = Sample(4, 8);
  Result<testing::FrameRun> run =
      RunFrame(GetParam(), {in}, [](fxp::FixedPoint& fp, const std::vector<Table>& inputs) {
        return GroupBySorted(fp, inputs[0], {"g"}, {{"site", Aggregation::kMean, "m"}}, {});
      });
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("'mean' needs a numeric column; 'site' is categorical"),
            std::string::npos)
      << run.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Protocols, GroupBySortedTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
