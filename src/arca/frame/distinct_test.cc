#include "arca/frame/distinct.h"

#include <gtest/gtest.h>

#include <set>

#include "arca/frame/sort_reference.h"
#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;
using testing::RandomColumn;
using testing::RunFrame;

class DistinctTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

// a (integers in [-2, 2]), site (categories not in byte order), b (decimals in [-1, 1) on a
// coarse grid: duplicates too) and keep (for invalid rows).
PlainTable Sample(uint64_t seed, int64_t rows) {
  PlainTable t = testing::RandomTable(
      seed, rows,
      {RandomColumn{{"a", ColumnType::kInteger, {}}, -2, 2},
       RandomColumn{{"site", ColumnType::kCategorical, {"south", "north", "east"}}},
       RandomColumn{{"b", ColumnType::kDecimal, {}}, -1, 1},
       RandomColumn{{"keep", ColumnType::kBoolean, {}}}});
  for (double& v : t.columns[2].values) v = std::round(v * 2) / 2;
  return t;
}

std::vector<bool> Kept(const PlainTable& t, bool filtered) {
  std::vector<bool> valid(static_cast<size_t>(t.rows()), true);
  for (size_t r = 0; filtered && r < valid.size(); ++r) valid[r] = t.columns[3].values[r] == 1;
  return valid;
}

// pandas: t[valid].drop_duplicates(subset, keep="first"), then sorted by the subset (stable).
std::vector<std::vector<double>> Reference(const PlainTable& t,
                                           const std::vector<std::string>& subset,
                                           const std::vector<bool>& valid) {
  std::set<std::vector<double>> seen;
  std::vector<bool> first(valid.size(), false);
  for (size_t r = 0; r < valid.size(); ++r) {
    if (!valid[r]) continue;
    std::vector<double> key;
    key.reserve(subset.size());
    for (const std::string& name : subset) key.push_back(t.Find(name)->values[r]);
    first[r] = seen.insert(key).second;
  }
  std::vector<SortKey> keys;
  keys.reserve(subset.size());
  for (const std::string& name : subset) keys.push_back({name, true});
  return testing::ReferenceSort(t, keys, first);
}

TEST_P(DistinctTest, DropDuplicatesKeepsEachKeysFirstValidRowInKeyOrder) {
  const std::vector<std::vector<std::string>> subsets = {
      {"a"}, {"site", "a"}, {"b", "site", "a"}, {"a", "site", "b", "keep"}};
  for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{160}}) {
    const PlainTable in = Sample(40 + static_cast<uint64_t>(rows), rows);
    for (const bool filtered : {false, true}) {
      for (const std::vector<std::string>& subset : subsets) {
        Result<testing::FrameRun> run =
            RunFrame(GetParam(), {in},
                     [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
                       Table table = inputs[0];
                       if (filtered) {
                         ARCA_ASSIGN_OR_RETURN(table, testing::KeepWhere(fp, table, "keep"));
                       }
                       // All four columns as {} (pandas subset=None) in the last case.
                       return DropDuplicates(
                           fp, table, subset.size() == 4 ? std::vector<std::string>{} : subset);
                     });
        ASSERT_TRUE(run.ok()) << run.status().ToString();
        EXPECT_EQ(run->result.rows(), rows);
        EXPECT_EQ(testing::ValidRows(run->result), Reference(in, subset, Kept(in, filtered)))
            << rows << " rows, filtered " << filtered << ", " << subset.size() << " columns";
      }
    }
  }
}

TEST_P(DistinctTest, CountDistinctCountsTheValidCombinations) {
  for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{90}}) {
    const PlainTable in = Sample(70 + static_cast<uint64_t>(rows), rows);
    Result<testing::FrameRun> run = RunFrame(
        GetParam(), {in},
        [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
          mpc::Protocol& p = fp.protocol();
          ARCA_ASSIGN_OR_RETURN(Table table, testing::KeepWhere(fp, inputs[0], "keep"));
          ARCA_ASSIGN_OR_RETURN(Shared count, CountDistinct(fp, table, {"site", "a"}));
          ARCA_ASSIGN_OR_RETURN(count, p.Reshape(std::move(count), Shape{1}));
          ARCA_ASSIGN_OR_RETURN(
              count, p.MulPublic(count, RingTensor::Scalar(uint64_t{1} << fp.frac_bits())));
          return AllValid(p, 1, {Column{"n", ColumnType::kInteger, {}, count, {}, false}});
        });
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    const auto expected = static_cast<double>(Reference(in, {"site", "a"}, Kept(in, true)).size());
    EXPECT_EQ(run->result.columns[0].values, std::vector<double>{expected}) << rows << " rows";
  }
}

TEST_P(DistinctTest, RefusesSubsetsWithNulls) {
  const PlainTable in = Sample(3, 6);
  Result<testing::FrameRun> run =
      RunFrame(GetParam(), {in}, [](fxp::FixedPoint& fp, const std::vector<Table>& inputs) {
        Table table = inputs[0];
        table.columns[1].present = table.valid;
        table.columns[1].has_nulls = true;
        return DropDuplicates(fp, table, {"a", "site"});
      });
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("column 'site' has nulls"), std::string::npos)
      << run.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Protocols, DistinctTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
