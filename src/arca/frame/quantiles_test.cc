#include "arca/frame/quantiles.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using testing::RandomColumn;
using testing::RunFrame;

class QuantilesTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

const std::vector<double> kQs = {0, 0.1, 0.25, 0.5, 0.9, 1};

// x (decimals in [-40, 40), null where has_x = 0 when asked), t (integers in [-3, 3]: ties),
// keep (invalid rows).
PlainTable Sample(uint64_t seed, int64_t rows) {
  return testing::RandomTable(seed, rows,
                              {RandomColumn{{"x", ColumnType::kDecimal, {}}, -40, 40},
                               RandomColumn{{"t", ColumnType::kInteger, {}}, -3, 3},
                               RandomColumn{{"keep", ColumnType::kBoolean, {}}},
                               RandomColumn{{"has_x", ColumnType::kBoolean, {}}}});
}

// pandas Series.quantile(q) (linear) of the values, or nullopt (NaN) when there are none.
std::optional<double> Reference(std::vector<double> v, double q) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const double position = q * static_cast<double>(v.size() - 1);
  const auto j = static_cast<size_t>(std::floor(position));
  if (j + 1 >= v.size()) return v[j];
  return v[j] + (position - static_cast<double>(j)) * (v[j + 1] - v[j]);
}

TEST_P(QuantilesTest, MatchesPandasLinearQuantilesOfTheValidPresentValues) {
  for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{5}, int64_t{170}}) {
    const PlainTable in = Sample(300 + static_cast<uint64_t>(rows), rows);
    for (const std::string column : {"x", "t"}) {
      for (const bool filtered : {false, true}) {
        const bool nulls = filtered && column == "x";
        Result<testing::FrameRun> run =
            RunFrame(GetParam(), {in},
                     [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
                       Table table = inputs[0];
                       if (filtered) {
                         ARCA_ASSIGN_OR_RETURN(table, testing::KeepWhere(fp, table, "keep"));
                       }
                       if (nulls) {
                         ARCA_ASSIGN_OR_RETURN(table.columns[0].present,
                                               testing::BooleanBits(fp, table.columns[3]));
                         table.columns[0].has_nulls = true;
                       }
                       return Quantiles(fp, table, column, kQs);
                     });
        ASSERT_TRUE(run.ok()) << run.status().ToString();
        std::vector<double> values;
        for (size_t r = 0; r < static_cast<size_t>(rows); ++r) {
          if (filtered && in.columns[2].values[r] == 0) continue;
          if (nulls && in.columns[3].values[r] == 0) continue;
          values.push_back(in.Find(column)->values[r]);
        }
        const PlainTable& out = run->result;
        ASSERT_EQ(out.rows(), std::ssize(kQs));
        ASSERT_EQ(out.columns[1].spec.name, column);
        // Tolerance (quantiles.h): 2^-(f-1) of the gap between neighbours (at most the range)
        // + 2 ulp, and one more ulp for the rounding of q.
        const double range = values.empty() ? 0
                                            : *std::max_element(values.begin(), values.end()) -
                                                  *std::min_element(values.begin(), values.end());
        for (size_t i = 0; i < kQs.size(); ++i) {
          const std::optional<double> expected = Reference(values, kQs[i]);
          const std::string where =
              fmt::format("{} rows, column {}, filtered {}, q {}", rows, column, filtered, kQs[i]);
          // The q's as encoded: within half an ulp.
          EXPECT_NEAR(out.columns[0].values[i], kQs[i], std::ldexp(1.0, -19)) << where;
          ASSERT_EQ(out.valid[i], expected.has_value()) << where;
          if (!expected) continue;
          EXPECT_NEAR(out.columns[1].values[i], *expected,
                      std::ldexp(range, -17) + 3 * std::ldexp(1.0, -18))
              << where;
        }
      }
    }
  }
}

TEST_P(QuantilesTest, RefusesQsOutsideTheUnitIntervalAndCategories) {
  struct Refused {
    std::string column;
    std::vector<double> qs;
    std::string message;
  };
  const PlainTable in = Sample(1, 4);
  const std::vector<Refused> refused = {
      {"x", {0.5, 1.5}, "quantiles: q 1 is not in [0, 1]"},
      {"x", {NAN}, "quantiles: q 0 is not in [0, 1]"},
      {"y", {0.5}, "no column 'y'"},
      {"t", {0.5}, "column 't' is categorical"},
  };
  for (const Refused& r : refused) {
    Result<testing::FrameRun> run =
        RunFrame(GetParam(), {in}, [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) {
          Table table = inputs[0];
          table.columns[1].type = ColumnType::kCategorical;  // t, as if it were
          return Quantiles(fp, table, r.column, r.qs);
        });
    ASSERT_FALSE(run.ok());
    EXPECT_NE(run.status().message().find(r.message), std::string::npos) << run.status().ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(Protocols, QuantilesTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
