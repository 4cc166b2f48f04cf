#include "arca/frame/sort.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "arca/frame/sort_reference.h"
#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using testing::RandomColumn;
using testing::ReferenceSort;
using testing::Row;
using testing::RunFrame;

class SortTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

// Columns a (integers in [-2, 2]: many ties), b (decimals, negative too), site (categories not
// in byte order) and keep (booleans, for invalid rows).
PlainTable Sample(uint64_t seed, int64_t rows) {
  return testing::RandomTable(
      seed, rows,
      {RandomColumn{{"a", ColumnType::kInteger, {}}, -2, 2},
       RandomColumn{{"b", ColumnType::kDecimal, {}}, -50, 50},
       RandomColumn{{"site", ColumnType::kCategorical, {"south", "north", "east", "West"}}},
       RandomColumn{{"keep", ColumnType::kBoolean, {}}}});
}

// Every row of t (valid or not), sorted: equal for tables that hold the same rows.
std::vector<std::vector<double>> AllRowsSorted(const PlainTable& t) {
  std::vector<std::vector<double>> rows;
  for (size_t r = 0; r < static_cast<size_t>(t.rows()); ++r) rows.push_back(Row(t, r));
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::vector<bool> KeptRows(const PlainTable& t, bool filtered) {
  std::vector<bool> valid(static_cast<size_t>(t.rows()), true);
  if (!filtered) return valid;
  for (size_t r = 0; r < valid.size(); ++r) valid[r] = t.Find("keep")->values[r] == 1;
  return valid;
}

// Valid rows come first: the validity is some ones, then zeros.
bool ValidFirst(const std::vector<bool>& valid) {
  return std::is_partitioned(valid.begin(), valid.end(), [](bool v) { return v; });
}

TEST_P(SortTest, MatchesAStableSortOfTheValidRows) {
  const std::vector<std::vector<SortKey>> key_lists = {
      {{"a", true}},
      {{"b", false}},
      {{"site", true}, {"a", false}},
      {{"a", true}, {"site", false}, {"b", true}},
  };
  for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{150}}) {
    const PlainTable in = Sample(3 + static_cast<uint64_t>(rows), rows);
    for (const bool filtered : {false, true}) {
      for (const std::vector<SortKey>& keys : key_lists) {
        Result<testing::FrameRun> run =
            RunFrame(GetParam(), {in},
                     [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
                       Table table = inputs[0];
                       if (filtered) {
                         ARCA_ASSIGN_OR_RETURN(table, testing::KeepWhere(fp, table, "keep"));
                       }
                       return SortRows(fp, table, keys);
                     });
        ASSERT_TRUE(run.ok()) << run.status().ToString();
        const PlainTable& out = run->result;
        const std::string where =
            fmt::format("{} rows, filtered {}, first key {}", rows, filtered, keys[0].column);
        ASSERT_EQ(out.rows(), rows) << where;
        EXPECT_TRUE(ValidFirst(out.valid)) << where;
        EXPECT_EQ(testing::ValidRows(out), ReferenceSort(in, keys, KeptRows(in, filtered)))
            << where;
        EXPECT_EQ(AllRowsSorted(out), AllRowsSorted(in)) << where;
      }
    }
  }
}

TEST_P(SortTest, CompactAndHeadKeepTheValidRowsInOrder) {
  const int64_t rows = 120;
  const PlainTable in = Sample(5, rows);
  const std::vector<std::vector<double>> kept = ReferenceSort(in, {}, KeptRows(in, true));
  for (const int64_t k : {int64_t{-1}, int64_t{0}, int64_t{3}, int64_t{200}}) {
    Result<testing::FrameRun> run =
        RunFrame(GetParam(), {in},
                 [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
                   ARCA_ASSIGN_OR_RETURN(Table table, testing::KeepWhere(fp, inputs[0], "keep"));
                   if (k < 0) return Compact(fp, table);
                   return Head(fp, table, k);
                 });
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    const PlainTable& out = run->result;
    const int64_t expected_rows = k < 0 ? rows : std::min(k, rows);
    ASSERT_EQ(out.rows(), expected_rows) << k;
    EXPECT_TRUE(ValidFirst(out.valid)) << k;
    const std::vector<std::vector<double>> first(
        kept.begin(), kept.begin() + std::min<int64_t>(expected_rows, std::ssize(kept)));
    EXPECT_EQ(testing::ValidRows(out), first) << k;
  }
}

TEST_P(SortTest, RefusesNullKeysAndNegativeHeads) {
  const PlainTable in = Sample(9, 10);
  Result<testing::FrameRun> nulls = RunFrame(
      GetParam(), {in}, [](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
        Table table = inputs[0];
        table.columns[0].present = table.valid;
        table.columns[0].has_nulls = true;
        return SortRows(fp, table, {{"b", true}, {"a", true}});
      });
  ASSERT_FALSE(nulls.ok());
  EXPECT_NE(nulls.status().message().find("key column 'a' has nulls"), std::string::npos)
      << nulls.status().ToString();
  Result<testing::FrameRun> negative = RunFrame(
      GetParam(), {in}, [](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
        return Head(fp, inputs[0], -2);
      });
  ASSERT_FALSE(negative.ok());
  EXPECT_NE(negative.status().message().find("head: k must be at least 0"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Protocols, SortTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
