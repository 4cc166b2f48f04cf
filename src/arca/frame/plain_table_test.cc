#include "arca/frame/plain_table.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "arca/frame/released_table.h"
#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using testing::RandomColumn;
using testing::RunFrame;

class PlainTableTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

PlainTable Sample(int64_t rows) {
  return testing::RandomTable(
      7, rows,
      {RandomColumn{{"age", ColumnType::kInteger, {}}, 18, 90},
       RandomColumn{{"income", ColumnType::kDecimal, {}}, -5000, 90000},
       RandomColumn{{"smoker", ColumnType::kBoolean, {}}},
       RandomColumn{{"site", ColumnType::kCategorical, {"north", "south", "east"}}}});
}

TEST_P(PlainTableTest, SharingThenRevealingGivesTheTableBack) {
  for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{257}}) {
    const PlainTable in = Sample(rows);
    Result<testing::FrameRun> run =
        RunFrame(GetParam(), {in}, [](fxp::FixedPoint&, const std::vector<Table>& inputs) {
          return Result<Table>(inputs[0]);
        });
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    const PlainTable& out = run->result;
    ASSERT_EQ(out.rows(), rows);
    ASSERT_EQ(out.columns.size(), in.columns.size());
    for (size_t j = 0; j < in.columns.size(); ++j) {
      EXPECT_EQ(out.columns[j].spec.name, in.columns[j].spec.name);
      EXPECT_EQ(out.columns[j].spec.categories, in.columns[j].spec.categories);
      EXPECT_EQ(out.columns[j].values, in.columns[j].values) << in.columns[j].spec.name;
      EXPECT_TRUE(out.columns[j].present.empty());
    }
    EXPECT_EQ(out.valid, std::vector<bool>(static_cast<size_t>(rows), true));
  }
}

TEST_P(PlainTableTest, ATableThatDoesNotFitItsSchemaIsRefused) {
  PlainTable in = Sample(5);
  PlainTable bad = in;
  bad.columns[3].values[2] = 3;  // only three categories
  Result<testing::FrameRun> run = RunFrame(
      GetParam(), {bad},
      [](fxp::FixedPoint&, const std::vector<Table>& inputs) { return Result<Table>(inputs[0]); });
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("column 'site' row 2"), std::string::npos)
      << run.status().ToString();
}

TEST_P(PlainTableTest, KeepWhereMarksOnlyTheChosenRowsValid) {
  const PlainTable in = Sample(40);
  Result<testing::FrameRun> run =
      RunFrame(GetParam(), {in}, [](fxp::FixedPoint& fp, const std::vector<Table>& inputs) {
        return testing::KeepWhere(fp, inputs[0], "smoker");
      });
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  for (size_t r = 0; r < 40; ++r) {
    EXPECT_EQ(run->result.valid[r], in.columns[2].values[r] == 1) << r;
  }
}

TEST_P(PlainTableTest, ShuffledRowsAreTheSameRowsInAnotherOrder) {
  // Rows where smoker is 1 are valid; income is null where has_income is 0.
  const PlainTable in =
      testing::RandomTable(11, 60,
                           {RandomColumn{{"age", ColumnType::kInteger, {}}, 18, 90},
                            RandomColumn{{"income", ColumnType::kDecimal, {}}, -5000, 90000},
                            RandomColumn{{"smoker", ColumnType::kBoolean, {}}},
                            RandomColumn{{"has_income", ColumnType::kBoolean, {}}}});
  Result<testing::FrameRun> run = RunFrame(
      GetParam(), {in}, [](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
        ARCA_ASSIGN_OR_RETURN(Table kept, testing::KeepWhere(fp, inputs[0], "smoker"));
        ARCA_ASSIGN_OR_RETURN(mpc::Shared present, testing::BooleanBits(fp, kept.columns[3]));
        kept.columns[1].has_nulls = true;
        kept.columns[1].present = present;
        return ShuffleRows(fp.protocol(), kept);
      });
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  // The valid rows as (age, income or -1e9 when null, has_income).
  const auto rows = [](const PlainTable& t, bool released) {
    std::vector<std::vector<double>> out;
    for (size_t r = 0; r < t.valid.size(); ++r) {
      if (released ? !t.valid[r] : t.columns[2].values[r] != 1) continue;
      const bool present = released ? t.columns[1].present[r] : t.columns[3].values[r] == 1;
      out.push_back({t.columns[0].values[r], present ? t.columns[1].values[r] : -1e9,
                     t.columns[3].values[r]});
    }
    return out;
  };
  std::vector<std::vector<double>> got = rows(run->result, true);
  std::vector<std::vector<double>> want = rows(in, false);
  ASSERT_GT(want.size(), 15U);
  EXPECT_NE(got, want) << "the valid rows kept their input order (about 1 chance in 15!)";
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

INSTANTIATE_TEST_SUITE_P(Protocols, PlainTableTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
