// Plans that release summary tables with differential-privacy noise (table_noise.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "arca/plan/executor.h"
#include "arca/plan/executor_test_support.h"

namespace arca::plan {
namespace {

using mpc::ProtocolKind;
using testing::DatasetData;
using ::testing::HasSubstr;
using testing::LoadPlan;
using testing::PlanRun;
using testing::RunPlan;

// Incomes by site (4 sites, the last one never occurs) with a size per group, released with
// Laplace noise of scale `sensitivity / epsilon`.
std::string GroupByPlan(
    double epsilon, int64_t min_group_size, const std::string& keys = "site",
    const std::string& sizes = R"(, {"column": "income", "how": "size", "name": "n"})") {
  return R"({
  "version": 1, "name": "Noisy sums",
  "inputs": {"clinic": {"columns": ["band", "income", "site"]}},
  "nodes": [
    {"id": "rows", "op": "column", "dataset": "clinic", "columns": ["band", "income", "site"]},
    {"id": "g", "op": "groupby", "inputs": ["rows"], "keys": [")" +
         keys + R"("], "aggregates": [
      {"column": "income", "how": "sum", "name": "total"},
      {"column": "income", "how": "mean", "name": "mean"})" +
         sizes + R"(], "min_group_size": )" + std::to_string(min_group_size) + R"(}
  ],
  "outputs": [{"name": "g", "node": "g", "recipients": ["lab"],
               "noise": {"mechanism": "laplace", "epsilon": )" +
         std::to_string(epsilon) + R"(, "sensitivity": 1}}],
  "levels": ["dealer2pc", "rep3"]
})";
}

// Site 0 has 40 rows, site 1 has 3, site 2 has 57, site 3 none; incomes 10 + row % 7.
DatasetData Clinic() {
  DatasetData d;
  d.columns["site"] = {frame::ColumnType::kCategorical, {}, {"north", "south", "east", "west"}};
  d.columns["income"].type = frame::ColumnType::kDecimal;
  d.columns["band"].type = frame::ColumnType::kInteger;
  for (int64_t r = 0; r < 100; ++r) {
    d.columns["site"].values.push_back(r < 40 ? 0 : r < 43 ? 1 : 2);
    d.columns["income"].values.push_back(10 + static_cast<double>(r % 7));
    d.columns["band"].values.push_back(static_cast<double>(r % 9));
  }
  return d;
}

struct Truth {
  double total = 0;
  double n = 0;
};
std::vector<Truth> TruthBySite(const DatasetData& d) {
  std::vector<Truth> out(4);
  for (size_t r = 0; r < d.columns.at("site").values.size(); ++r) {
    Truth& t = out[static_cast<size_t>(d.columns.at("site").values[r])];
    t.total += d.columns.at("income").values[r];
    t.n += 1;
  }
  return out;
}

class ExecutorNoiseTest : public ::testing::TestWithParam<ProtocolKind> {};

TEST_P(ExecutorNoiseTest, EveryGroupOfTheDomainIsReleasedNearItsTrueValues) {
  // b = 1/1000: Laplace samples stay within f·ln2·b (0.0125), so sums and means are within
  // that of the truth, sizes within 1 (rounded to whole numbers); the empty group shows noise
  // around 0 and its mean is not null (that it is empty is private too).
  Result<ValidatedPlan> plan = LoadPlan(GroupByPlan(1000, 0));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const DatasetData clinic = Clinic();
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", clinic}});
  ASSERT_TRUE(run.status().ok()) << run.status().ToString();
  const frame::PlainTable& table = *run.outputs.at("g").table;
  EXPECT_EQ(run.outputs.at("g").epsilon, 1000);
  ASSERT_EQ(table.rows(), 4);
  const std::vector<Truth> truth = TruthBySite(clinic);
  for (size_t g = 0; g < 4; ++g) {
    EXPECT_TRUE(table.valid[g]) << g;
    EXPECT_EQ(table.columns[0].values[g], static_cast<double>(g)) << "keys are released as is";
    for (const frame::PlainColumn& c : table.columns) EXPECT_TRUE(c.present.empty()) << c.spec.name;
    EXPECT_NEAR(table.columns[1].values[g], truth[g].total, 0.02) << g;
    const double mean = truth[g].n > 0 ? truth[g].total / truth[g].n : 0;
    EXPECT_NEAR(table.columns[2].values[g], mean, 0.02) << g;
    EXPECT_NEAR(table.columns[3].values[g], truth[g].n, 1) << g;
    EXPECT_EQ(table.columns[3].values[g], std::round(table.columns[3].values[g]))
        << "a noisy size is a whole number";
  }
}

TEST_P(ExecutorNoiseTest, LargeNoiseChangesTheValues) {
  // b = 100: every sample is below 1 in magnitude with probability 1 - e^-0.01 each, so the
  // chance that all eight sums and means stay within 1 of the truth is below 10^-13.
  Result<ValidatedPlan> plan = LoadPlan(GroupByPlan(0.01, 0));
  ASSERT_TRUE(plan.ok());
  const DatasetData clinic = Clinic();
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", clinic}});
  ASSERT_TRUE(run.status().ok()) << run.status().ToString();
  const frame::PlainTable& table = *run.outputs.at("g").table;
  const std::vector<Truth> truth = TruthBySite(clinic);
  int moved = 0;
  for (size_t g = 0; g < 4; ++g) {
    moved += std::fabs(table.columns[1].values[g] - truth[g].total) > 1 ? 1 : 0;
  }
  EXPECT_GT(moved, 0);
}

TEST_P(ExecutorNoiseTest, AMinimumGroupSizeKeepsGroupsByTheirNoisyCount) {
  // k = 10 with tiny noise: sites 0 (40) and 2 (57) stay; 1 (3) and 3 (0) are suppressed and
  // show zeros; the notice counts them.
  Result<ValidatedPlan> plan = LoadPlan(GroupByPlan(1000, 10));
  ASSERT_TRUE(plan.ok());
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", Clinic()}});
  ASSERT_TRUE(run.status().ok()) << run.status().ToString();
  const frame::PlainTable& table = *run.outputs.at("g").table;
  EXPECT_EQ(table.valid, (std::vector<bool>{true, false, true, false}));
  for (const size_t g : {1, 3}) {
    for (size_t c = 1; c < table.columns.size(); ++c) EXPECT_EQ(table.columns[c].values[g], 0);
  }
  ASSERT_EQ(table.notices.size(), 1U);
  EXPECT_EQ(table.notices[0].first, "groups suppressed (noisy count below 10)");
  EXPECT_EQ(table.notices[0].second, 2);
}

TEST_P(ExecutorNoiseTest, AnOwnersMinimumWithoutACountIsRefused) {
  Result<ValidatedPlan> plan = LoadPlan(GroupByPlan(1000, 0, "site", ""));
  ASSERT_TRUE(plan.ok());
  AnalysisRules rules;
  rules.min_rows = 5;
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", Clinic()}}, {{"clinic", rules}});
  EXPECT_THAT(run.status().message(),
              HasSubstr("node 'g' (groupby): a minimum group size of 5 with noise needs a 'size' "
                        "or 'count' aggregate: groups are kept by their noisy count"));
}

TEST_P(ExecutorNoiseTest, NoiseOnGroupsOfAnUnknownDomainIsRefused) {
  Result<ValidatedPlan> plan = LoadPlan(GroupByPlan(1, 0, "band"));
  ASSERT_TRUE(plan.ok());
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", Clinic()}});
  EXPECT_THAT(run.status().message(),
              HasSubstr("noise on a group-by needs keys with known domains"));
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, ExecutorNoiseTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param));
                         });

TEST(ExecutorNoisePlanTest, NoiseOnReleasedRowsIsRefusedWhenValidated) {
  Result<ValidatedPlan> plan = LoadPlan(R"({
    "version": 1, "name": "Rows",
    "inputs": {"clinic": {"columns": ["income"]}},
    "nodes": [{"id": "rows", "op": "column", "dataset": "clinic", "columns": ["income"]},
              {"id": "s", "op": "sort", "inputs": ["rows"], "by": [{"column": "income"}]}],
    "outputs": [{"name": "s", "node": "s", "recipients": ["lab"],
                 "noise": {"mechanism": "laplace", "epsilon": 1, "sensitivity": 1}}],
    "levels": ["rep3"]})");
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.status().message(),
              HasSubstr("output 's': field 'noise': node 's' (sort) releases rows; noise applies "
                        "to statistics, models, predictions and summary tables"));
}

}  // namespace
}  // namespace arca::plan
