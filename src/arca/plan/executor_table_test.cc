// Plans that compute new columns and release tables.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <tuple>

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

// Adults' body-mass index and a risk score, for the rows of two sites: filter, assign, select,
// and the table released.
constexpr std::string_view kRiskPlan = R"({
  "version": 1, "name": "Risk table",
  "inputs": {"clinic": {"columns": ["age", "height", "site", "smoker", "weight"]}},
  "nodes": [
    {"id": "rows", "op": "column", "dataset": "clinic",
     "columns": ["age", "height", "site", "smoker", "weight"]},
    {"id": "adults", "op": "filter", "inputs": ["rows"],
     "where": {"and": [{"column": "age", "cmp": ">=", "value": 18},
                       {"isin": {"column": "site"}, "values": ["north", "east"]}]}},
    {"id": "scored", "op": "assign", "inputs": ["adults"], "columns": [
      {"name": "bmi", "value": {"div": [{"column": "weight"},
                                        {"mul": [{"column": "height"}, {"column": "height"}]}]}},
      {"name": "risk", "value": {"if": {"column": "smoker"},
                                 "then": {"add": [{"column": "bmi"}, {"value": 5}]},
                                 "else": {"column": "bmi"}}},
      {"name": "old", "value": {"column": "age", "cmp": ">", "value": 65}}]},
    {"id": "table", "op": "select", "inputs": ["scored"],
     "columns": ["site", "risk", "old", "age"]}
  ],
  "outputs": [{"name": "risk", "node": "table", "recipients": ["lab"]}],
  "levels": ["dealer2pc", "rep3"]
})";

DatasetData Clinic(int64_t rows) {
  std::mt19937_64 rng(5);
  DatasetData d;
  d.columns["age"].type = ColumnType::kInteger;
  d.columns["height"].type = ColumnType::kDecimal;
  d.columns["weight"].type = ColumnType::kDecimal;
  d.columns["site"] = {ColumnType::kCategorical, {}, {"north", "south", "east"}};
  d.columns["smoker"].type = ColumnType::kBoolean;
  for (int64_t i = 0; i < rows; ++i) {
    d.columns["age"].values.push_back(std::uniform_int_distribution<int>(5, 90)(rng));
    d.columns["height"].values.push_back(std::uniform_real_distribution<double>(1.4, 2.0)(rng));
    d.columns["weight"].values.push_back(std::uniform_real_distribution<double>(40, 120)(rng));
    d.columns["site"].values.push_back(std::uniform_int_distribution<int>(0, 2)(rng));
    d.columns["smoker"].values.push_back(static_cast<double>(rng() & 1));
  }
  return d;
}

class ExecutorTableTest : public ::testing::TestWithParam<ProtocolKind> {};

TEST_P(ExecutorTableTest, AReleasedTableHoldsTheFilteredRowsWithTheNewColumns) {
  Result<ValidatedPlan> plan = LoadPlan(kRiskPlan);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const DatasetData clinic = Clinic(150);
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", clinic}});
  ASSERT_TRUE(run.status().ok()) << run.status().ToString();
  ASSERT_TRUE(run.outputs.at("risk").table.has_value());
  const frame::PlainTable& table = *run.outputs.at("risk").table;
  ASSERT_EQ(table.columns.size(), 4U);
  EXPECT_EQ(table.columns[0].spec.name, "site");
  EXPECT_EQ(table.columns[0].spec.categories, (std::vector<std::string>{"north", "south", "east"}));
  EXPECT_EQ(table.columns[1].spec.type, ColumnType::kDecimal);
  EXPECT_EQ(table.columns[2].spec.type, ColumnType::kBoolean);
  EXPECT_EQ(table.columns[3].spec.type, ColumnType::kInteger);
  ASSERT_EQ(table.rows(), 150);
  // The filter narrowed a table in input order, so its rows are released shuffled: compare the
  // valid rows as a multiset, each (site, risk, old, age); invalid rows show nothing but zeros.
  std::vector<std::vector<double>> want, got;
  for (size_t r = 0; r < 150; ++r) {
    const double age = clinic.columns.at("age").values[r];
    const double site = clinic.columns.at("site").values[r];
    if (age < 18 || site == 1) continue;
    const double h = clinic.Uploaded("height", r);
    const double bmi = clinic.Uploaded("weight", r) / (h * h);
    const double risk = bmi + (clinic.columns.at("smoker").values[r] == 1 ? 5 : 0);
    want.push_back({site, risk, age > 65 ? 1.0 : 0.0, age});
  }
  for (size_t r = 0; r < 150; ++r) {
    std::vector<double> row;
    for (const frame::PlainColumn& column : table.columns) row.push_back(column.values[r]);
    if (table.valid[r]) {
      got.push_back(row);
    } else {
      EXPECT_EQ(row, std::vector<double>(4, 0)) << "a row the filter dropped shows nothing";
    }
  }
  ASSERT_EQ(got.size(), want.size());
  EXPECT_GT(got.size(), 40U);
  // Sorted by age then site (both exact), risk breaks no tie that matters: pairs are matched
  // in that order and compared within the tolerance.
  const auto by_age_site = [](const std::vector<double>& a, const std::vector<double>& b) {
    return std::tie(a[3], a[0], a[1]) < std::tie(b[3], b[0], b[1]);
  };
  std::sort(want.begin(), want.end(), by_age_site);
  std::sort(got.begin(), got.end(), by_age_site);
  for (size_t k = 0; k < want.size(); ++k) {
    EXPECT_EQ(got[k][0], want[k][0]) << k;
    // bmi: a product (1 ulp), a reciprocal with f significant bits and a product: 2^-(f-2)
    // relative.
    EXPECT_NEAR(got[k][1], want[k][1], 1e-4 + want[k][1] * std::ldexp(1, -16)) << k;
    EXPECT_EQ(got[k][2], want[k][2]) << k;
    EXPECT_EQ(got[k][3], want[k][3]) << k;
  }
}

TEST_P(ExecutorTableTest, AnAggregateOnlyColumnIsNotReleasedInATable) {
  Result<ValidatedPlan> plan = LoadPlan(kRiskPlan);
  ASSERT_TRUE(plan.ok());
  AnalysisRules rules;
  rules.aggregate_only = {"age"};
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", Clinic(10)}}, {{"clinic", rules}});
  EXPECT_EQ(run.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(run.status().message(), HasSubstr("column 'age' of dataset 'clinic' is "
                                                "aggregate-only"));
}

TEST_P(ExecutorTableTest, SummariesOfAnAggregateOnlyColumnAreReleasedButNotItsValuesAsKeys) {
  const std::string summaries = R"({
    "version": 1, "name": "Ages",
    "inputs": {"clinic": {"columns": ["age", "site"]}},
    "nodes": [
      {"id": "rows", "op": "column", "dataset": "clinic", "columns": ["age", "site"]},
      {"id": "g", "op": "groupby", "inputs": ["rows"], "keys": ["site"],
       "aggregates": [{"column": "age", "how": "mean", "name": "age"}]},
      {"id": "d", "op": "describe", "inputs": ["rows"], "columns": ["age"]}
    ],
    "outputs": [{"name": "g", "node": "g", "recipients": ["lab"]},
                {"name": "d", "node": "d", "recipients": ["lab"]}],
    "levels": ["dealer2pc", "rep3"]})";
  AnalysisRules rules;
  rules.aggregate_only = {"age"};
  Result<ValidatedPlan> plan = LoadPlan(summaries);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", Clinic(30)}}, {{"clinic", rules}});
  EXPECT_TRUE(run.status().ok()) << run.status().ToString();

  std::string by_age = summaries;
  by_age.replace(by_age.find(R"("keys": ["site"])"), 16, R"("keys": ["age"])");
  plan = LoadPlan(by_age);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanRun refused = RunPlan(GetParam(), *plan, {{"clinic", Clinic(30)}}, {{"clinic", rules}});
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("field 'output 'g'': column 'age' of dataset 'clinic' is aggregate-only"));
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, ExecutorTableTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::plan
