#include "arca/frame/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>

#include "arca/frame/pandas_reference.h"
#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using testing::FrameRun;
using testing::RandomColumn;
using testing::RunFrame;

class StatisticsTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

// income and score are numbers (score null where has_score is false when `nulls`); site,
// smoker and band are for counting; keep marks the rows left valid when `filter`.
PlainTable Sample(uint64_t seed, int64_t rows) {
  return testing::RandomTable(
      seed, rows,
      {RandomColumn{{"income", ColumnType::kDecimal, {}}, -5000, 90000},
       RandomColumn{{"score", ColumnType::kDecimal, {}}, -10, 10},
       RandomColumn{{"age", ColumnType::kInteger, {}}, 18, 90},
       RandomColumn{{"site", ColumnType::kCategorical, {"north", "south", "east"}}},
       RandomColumn{{"smoker", ColumnType::kBoolean, {}}},
       RandomColumn{{"band", ColumnType::kInteger, {}}, 0, 4},
       RandomColumn{{"has_score", ColumnType::kBoolean, {}}},
       RandomColumn{{"keep", ColumnType::kBoolean, {}}}});
}

struct Variant {
  bool filter = false;
  bool nulls = false;
};
const Variant kVariants[] = {{false, false}, {true, true}};

Result<Table> Prepare(fxp::FixedPoint& fp, Table table, const Variant& variant) {
  if (variant.filter) {
    ARCA_ASSIGN_OR_RETURN(table, testing::KeepWhere(fp, std::move(table), "keep"));
  }
  if (variant.nulls) {
    ARCA_ASSIGN_OR_RETURN(const Column* has, table.Get("has_score"));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared present, testing::BooleanBits(fp, *has));
    for (Column& c : table.columns) {
      if (c.name == "score" || c.name == "site") {
        c.has_nulls = true;
        c.present = present;
      }
    }
  }
  return table;
}

using Operator = std::function<Result<Table>(fxp::FixedPoint&, const Table&)>;

Result<FrameRun> RunOn(mpc::ProtocolKind kind, const PlainTable& in, const Variant& variant,
                       const Operator& op) {
  return RunFrame(kind, {in},
                  [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
                    ARCA_ASSIGN_OR_RETURN(Table t, Prepare(fp, inputs[0], variant));
                    return op(fp, t);
                  });
}

// The plain rows that count for `columns`: valid (keep, when filtering) and, with nulls,
// has_score where score or site is among them.
std::vector<size_t> CountedRows(const PlainTable& t, const Variant& variant,
                                const std::vector<std::string>& columns) {
  std::vector<size_t> rows;
  bool nullable = false;
  for (const std::string& c : columns) nullable = nullable || c == "score" || c == "site";
  for (size_t r = 0; r < static_cast<size_t>(t.rows()); ++r) {
    if (variant.filter && t.Find("keep")->values[r] != 1) continue;
    if (variant.nulls && nullable && t.Find("has_score")->values[r] != 1) continue;
    rows.push_back(r);
  }
  return rows;
}

std::vector<double> Values(const PlainTable& t, const std::string& column,
                           const std::vector<size_t>& rows) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (size_t r : rows) out.push_back(t.Find(column)->values[r]);
  return out;
}

TEST_P(StatisticsTest, MomentsMatchPandasDescribe) {
  const std::vector<std::string> columns = {"income", "score", "age", "smoker"};
  for (const Variant& variant : kVariants) {
    for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{200}}) {
      const PlainTable in = Sample(21, rows);
      Result<FrameRun> run = RunOn(GetParam(), in, variant, [&](auto& fp, const Table& t) {
        return Moments(fp, t, columns);
      });
      ASSERT_TRUE(run.ok()) << run.status().ToString();
      const PlainTable& out = run->result;
      ASSERT_EQ(out.rows(), 5);
      EXPECT_EQ(out.columns[0].spec.categories,
                (std::vector<std::string>{"count", "mean", "std", "min", "max"}));
      EXPECT_EQ(out.valid, std::vector<bool>(5, true));
      for (size_t j = 0; j < columns.size(); ++j) {
        const PlainColumn& c = out.columns[j + 1];
        ASSERT_EQ(c.spec.name, columns[j]);
        const std::vector<double> values =
            Values(in, columns[j], CountedRows(in, variant, {columns[j]}));
        const Aggregation how[] = {Aggregation::kCount, Aggregation::kMean, Aggregation::kStd,
                                   Aggregation::kMin, Aggregation::kMax};
        for (size_t s = 0; s < 5; ++s) {
          const std::optional<double> want = testing::PandasAggregate(how[s], values, 0);
          ASSERT_EQ(c.present[s], want.has_value()) << columns[j] << " statistic " << s;
          if (!want) continue;
          const auto count = static_cast<int64_t>(values.size());
          EXPECT_NEAR(c.values[s], *want, testing::Tolerance(how[s], *want, count))
              << columns[j] << " statistic " << s << " rows " << rows;
        }
      }
    }
  }
}

TEST_P(StatisticsTest, ValueCountsListTheValuesThatOccur) {
  for (const Variant& variant : kVariants) {
    for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{100}}) {
      const PlainTable in = Sample(22, rows);
      for (const std::string column : {"site", "smoker", "band"}) {
        Result<FrameRun> run = RunOn(GetParam(), in, variant, [&](auto& fp, const Table& t) {
          return ValueCounts(fp, t, column, {{"band", {0, 1, 2, 3, 4}}});
        });
        ASSERT_TRUE(run.ok()) << run.status().ToString();
        const PlainTable& out = run->result;
        const std::vector<double> values = Values(in, column, CountedRows(in, variant, {column}));
        const int64_t domain = column == "site" ? 3 : column == "smoker" ? 2 : 5;
        ASSERT_EQ(out.rows(), domain);
        EXPECT_EQ(out.columns[1].spec.name, "count");
        for (int64_t v = 0; v < domain; ++v) {
          const auto want = std::count(values.begin(), values.end(), static_cast<double>(v));
          const auto i = static_cast<size_t>(v);
          EXPECT_EQ(out.columns[0].values[i], static_cast<double>(v));
          EXPECT_EQ(out.valid[i], want > 0) << column << " " << v;
          EXPECT_EQ(out.columns[1].values[i], static_cast<double>(want)) << column << " " << v;
        }
      }
    }
  }
}

TEST_P(StatisticsTest, HistogramFollowsNumpyBinsAndCountsTheRest) {
  const std::vector<double> edges = {-6, -2.5, 0, 3, 7.25};
  for (const Variant& variant : kVariants) {
    for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{300}}) {
      PlainTable in = Sample(23, rows);
      // Values on the edges: the last edge is in the last bin, the others open their bin.
      for (size_t r = 0; r < static_cast<size_t>(std::min<int64_t>(rows, 5)); ++r) {
        in.columns[1].values[r] = edges[r];
      }
      Result<FrameRun> run = RunOn(GetParam(), in, variant, [&](auto& fp, const Table& t) {
        return Histogram(fp, t, "score", edges);
      });
      ASSERT_TRUE(run.ok()) << run.status().ToString();
      const PlainTable& out = run->result;
      ASSERT_EQ(out.rows(), 4);
      std::vector<double> want(4, 0);
      int64_t outside = 0;
      for (double v : Values(in, "score", CountedRows(in, variant, {"score"}))) {
        if (v < edges[0] || v > edges[4]) {
          ++outside;
          continue;
        }
        size_t bin = 0;
        while (bin < 3 && v >= edges[bin + 1]) ++bin;
        ++want[bin];
      }
      for (size_t b = 0; b < 4; ++b) {
        EXPECT_EQ(out.columns[0].values[b], edges[b]);
        EXPECT_EQ(out.columns[1].values[b], edges[b + 1]);
        EXPECT_EQ(out.columns[2].values[b], want[b]) << "bin " << b << " rows " << rows;
      }
      ASSERT_EQ(out.notices.size(), 1U);
      EXPECT_EQ(out.notices[0].second, outside);
    }
  }
}

// pandas' cov and corr over the counted rows.
std::vector<std::vector<std::optional<double>>> ReferenceMatrix(
    const PlainTable& in, const Variant& variant, const std::vector<std::string>& columns,
    bool correlation) {
  const std::vector<size_t> rows = CountedRows(in, variant, columns);
  const size_t k = columns.size();
  std::vector<std::vector<double>> x;
  std::vector<double> means;
  for (const std::string& c : columns) {
    x.push_back(Values(in, c, rows));
    double sum = 0;
    for (double v : x.back()) sum += v;
    means.push_back(sum / static_cast<double>(std::max<size_t>(1, rows.size())));
  }
  std::vector<std::vector<std::optional<double>>> out(k, std::vector<std::optional<double>>(k));
  if (rows.size() < 2) return out;
  std::vector<std::vector<double>> cov(k, std::vector<double>(k, 0));
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = 0; j < k; ++j) {
      for (size_t r = 0; r < rows.size(); ++r) {
        cov[i][j] += (x[i][r] - means[i]) * (x[j][r] - means[j]);
      }
      cov[i][j] /= static_cast<double>(rows.size() - 1);
    }
  }
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = 0; j < k; ++j) {
      out[i][j] = correlation ? cov[i][j] / std::sqrt(cov[i][i] * cov[j][j]) : cov[i][j];
    }
  }
  return out;
}

TEST_P(StatisticsTest, CovarianceAndCorrelationMatchPandas) {
  const std::vector<std::string> columns = {"income", "score", "age"};
  for (const Variant& variant : kVariants) {
    for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{200}}) {
      const PlainTable in = Sample(24, rows);
      for (const bool correlation : {false, true}) {
        Result<FrameRun> run = RunOn(GetParam(), in, variant, [&](auto& fp, const Table& t) {
          return correlation ? Correlation(fp, t, columns) : Covariance(fp, t, columns);
        });
        ASSERT_TRUE(run.ok()) << run.status().ToString();
        const PlainTable& out = run->result;
        ASSERT_EQ(out.rows(), 3);
        EXPECT_EQ(out.columns[0].spec.categories, columns);
        const auto want = ReferenceMatrix(in, variant, columns, correlation);
        const auto m = static_cast<int64_t>(CountedRows(in, variant, columns).size());
        for (size_t j = 0; j < 3; ++j) {
          const PlainColumn& c = out.columns[j + 1];
          EXPECT_EQ(c.spec.name, columns[j]);
          for (size_t i = 0; i < 3; ++i) {
            ASSERT_EQ(c.present[i], want[i][j].has_value()) << i << "," << j;
            if (!want[i][j]) continue;
            // Covariance: as a var (one ulp per product, then the division). Correlation:
            // the documented 2·10^-3.
            const double tolerance =
                correlation ? 2e-3 : testing::Tolerance(Aggregation::kVar, *want[i][j], m);
            EXPECT_NEAR(c.values[i], *want[i][j], tolerance)
                << (correlation ? "corr " : "cov ") << i << "," << j << " rows " << rows;
          }
        }
      }
    }
  }
}

TEST_P(StatisticsTest, CrosstabCountsEveryPairOfCategories) {
  for (const Variant& variant : kVariants) {
    for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{150}}) {
      const PlainTable in = Sample(25, rows);
      Result<FrameRun> run = RunOn(GetParam(), in, variant, [&](auto& fp, const Table& t) {
        return Crosstab(fp, t, "site", "smoker");
      });
      ASSERT_TRUE(run.ok()) << run.status().ToString();
      const PlainTable& out = run->result;
      ASSERT_EQ(out.rows(), 3);
      ASSERT_EQ(out.columns.size(), 3U);
      EXPECT_EQ(out.columns[0].spec.name, "site");
      EXPECT_EQ(out.columns[1].spec.name, "False");
      EXPECT_EQ(out.columns[2].spec.name, "True");
      std::vector<std::vector<double>> want(3, std::vector<double>(2, 0));
      for (size_t r : CountedRows(in, variant, {"site", "smoker"})) {
        ++want[static_cast<size_t>(in.Find("site")->values[r])]
              [static_cast<size_t>(in.Find("smoker")->values[r])];
      }
      for (size_t a = 0; a < 3; ++a) {
        EXPECT_EQ(out.columns[0].values[a], static_cast<double>(a));
        for (size_t b = 0; b < 2; ++b) {
          EXPECT_EQ(out.columns[b + 1].values[a], want[a][b]) << a << "," << b;
        }
      }
    }
  }
}

TEST_P(StatisticsTest, BadArgumentsAreRefusedByName) {
  const PlainTable in = Sample(26, 3);
  const auto error = [&](const Operator& op) {
    Result<FrameRun> run = RunOn(GetParam(), in, {}, op);
    return run.ok() ? std::string() : run.status().ToString();
  };
  std::string e = error([](auto& fp, const Table& t) { return Moments(fp, t, {"site"}); });
  EXPECT_NE(e.find("column 'site' is not a number"), std::string::npos) << e;
  e = error([](auto& fp, const Table& t) { return Histogram(fp, t, "score", {1, 1}); });
  EXPECT_NE(e.find("histogram edges must increase"), std::string::npos) << e;
  e = error([](auto& fp, const Table& t) { return ValueCounts(fp, t, "income"); });
  EXPECT_NE(e.find("column 'income': a decimal column has no domain"), std::string::npos) << e;
  e = error([](auto& fp, const Table& t) { return Crosstab(fp, t, "site", "income"); });
  EXPECT_NE(e.find("column 'income' is neither categorical nor boolean"), std::string::npos) << e;
  e = error([](auto& fp, const Table& t) { return Covariance(fp, t, {"score", "score"}); });
  EXPECT_NE(e.find("column 'score' is named twice"), std::string::npos) << e;
}

INSTANTIATE_TEST_SUITE_P(Protocols, StatisticsTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
