#include "arca/frame/aggregate_rows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "arca/frame/group_by.h"
#include "arca/frame/pandas_reference.h"
#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using testing::RandomColumn;
using testing::RunFrame;

class AggregateRowsTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

// site (categorical), band (integer 0..5), income (decimal, negative too), score (decimal,
// null where has_score is false), keep (the rows left valid).
PlainTable Sample(uint64_t seed, int64_t rows) {
  return testing::RandomTable(
      seed, rows,
      {RandomColumn{{"site", ColumnType::kCategorical, {"north", "south", "east"}}},
       RandomColumn{{"band", ColumnType::kInteger, {}}, 0, 5},
       RandomColumn{{"income", ColumnType::kDecimal, {}}, -5000, 90000},
       RandomColumn{{"score", ColumnType::kInteger, {}}, -3, 3},
       RandomColumn{{"has_score", ColumnType::kBoolean, {}}},
       RandomColumn{{"keep", ColumnType::kBoolean, {}}}});
}

// The shared sample: rows where keep is false invalid, score null where has_score is false.
Result<Table> Prepare(fxp::FixedPoint& fp, Table table) {
  ARCA_ASSIGN_OR_RETURN(table, testing::KeepWhere(fp, std::move(table), "keep"));
  ARCA_ASSIGN_OR_RETURN(const Column* has, table.Get("has_score"));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared present, testing::BooleanBits(fp, *has));
  for (Column& c : table.columns) {
    if (c.name != "score") continue;
    c.has_nulls = true;
    c.present = present;
  }
  return table;
}

const std::vector<Aggregate> kAggregates = {
    {"income", Aggregation::kSize, "rows"},      {"score", Aggregation::kCount, "scored"},
    {"income", Aggregation::kSum, "income_sum"}, {"score", Aggregation::kMean, "score_mean"},
    {"income", Aggregation::kMin, "income_min"}, {"band", Aggregation::kMax, "band_max"},
    {"income", Aggregation::kVar, "income_var"}, {"score", Aggregation::kStd, "score_std"},
    {"site", Aggregation::kNunique, "sites"},    {"score", Aggregation::kNunique, "scores"},
    {"band", Aggregation::kNunique, "bands"}};

// The valid rows' present values of `name`, and the number of valid rows.
std::vector<double> ValidValues(const PlainTable& t, const std::string& name, int64_t* rows) {
  const PlainColumn& c = *t.Find(name);
  const PlainColumn& keep = *t.Find("keep");
  const PlainColumn& has = *t.Find("has_score");
  std::vector<double> out;
  *rows = 0;
  for (size_t r = 0; r < c.values.size(); ++r) {
    if (keep.values[r] == 0) continue;
    ++*rows;
    if (name != "score" || has.values[r] != 0) out.push_back(c.values[r]);
  }
  return out;
}

void ExpectAggregates(mpc::ProtocolKind kind, const PlainTable& sample) {
  Result<testing::FrameRun> run = RunFrame(
      kind, {sample}, [](fxp::FixedPoint& fp, const std::vector<Table>& in) -> Result<Table> {
        ARCA_ASSIGN_OR_RETURN(Table table, Prepare(fp, in[0]));
        return AggregateRows(fp, table, kAggregates);
      });
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const PlainTable& got = run->result;
  ASSERT_EQ(got.rows(), 1);
  EXPECT_TRUE(got.valid[0]) << "the one row is always released";
  ASSERT_EQ(got.columns.size(), kAggregates.size());
  for (size_t i = 0; i < kAggregates.size(); ++i) {
    const Aggregate& a = kAggregates[i];
    const PlainColumn& c = got.columns[i];
    EXPECT_EQ(c.spec.name, a.name);
    int64_t rows = 0;
    const std::vector<double> values = ValidValues(sample, a.column, &rows);
    const std::optional<double> want = testing::PandasAggregate(a.how, values, rows);
    const bool present = c.present.empty() || c.present[0];
    ASSERT_EQ(present, want.has_value()) << a.name;
    if (!want) continue;
    EXPECT_NEAR(c.values[0], *want,
                testing::Tolerance(a.how, *want, static_cast<int64_t>(values.size())))
        << a.name;
  }
}

TEST_P(AggregateRowsTest, EqualsPandasAggOnFilteredRowsWithNulls) {
  ExpectAggregates(GetParam(), Sample(7, 300));
}

TEST_P(AggregateRowsTest, OneRowAndNoRows) {
  ExpectAggregates(GetParam(), Sample(8, 1));
  ExpectAggregates(GetParam(), Sample(9, 0));
}

TEST_P(AggregateRowsTest, EveryRowFilteredOutGivesZerosAndNulls) {
  PlainTable sample = Sample(10, 20);
  for (PlainColumn& c : sample.columns) {
    if (c.spec.name == "keep") std::fill(c.values.begin(), c.values.end(), 0);
  }
  ExpectAggregates(GetParam(), sample);
}

TEST(AggregateRowsTest, NuniquePerGroupIsRefusedWithTheWayOut) {
  const Result<testing::FrameRun> run =
      RunFrame(mpc::ProtocolKind::kPlaintext, {Sample(1, 10)},
               [](fxp::FixedPoint& fp, const std::vector<Table>& in) {
                 return GroupByDomain(fp, in[0], {"site"},
                                      {{"band", Aggregation::kNunique, "bands"}}, {}, {});
               });
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("nunique per group is not supported"), std::string::npos)
      << run.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(EveryProtocol, AggregateRowsTest,
                         ::testing::ValuesIn(testing::kEveryProtocol));

}  // namespace
}  // namespace arca::frame
