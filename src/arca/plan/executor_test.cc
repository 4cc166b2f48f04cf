#include "arca/plan/executor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "arca/plan/executor_test_support.h"

namespace arca::plan {
namespace {

using mpc::ProtocolKind;
using testing::ColumnData;
using testing::DatasetData;
using testing::Datasets;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::LoadPlan;
using testing::PlanRun;
using testing::ReadExample;
using testing::RunPlan;
using testing::ValueOf;

constexpr int kF = 18;
constexpr double kUlp = 1.0 / (1 << kF);

// Tolerances at f = 18 (docs/FIXED_POINT.md, execution_stats.h), on data of a few hundred rows
// with values below 100. Counts are exact. Sums of decimals rescaled from 20 to 18 bits carry
// one ulp per row. A mean is within (2^K/m + 3) ulp + 2^-(f-1) relative, K = ceil(log2 rows)
// (the reciprocal carries f significant bits): 2^K/m stays below 10 here. A variance adds a
// few ulp per row of squared deviations to the same relative error.
constexpr double kSumTolerance = 1e-3;
double MeanTolerance(double mean) { return 13 * kUlp + std::ldexp(std::fabs(mean), 1 - kF); }
double VarianceTolerance(double variance) { return 1e-4 + std::ldexp(variance, 2 - kF); }
constexpr double kExtremeTolerance = 1.5 * kUlp;

struct Summary {
  double count = 0, sum = 0, mean = 0, variance = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
};

Summary Summarize(const std::vector<double>& v) {
  Summary s;
  s.count = static_cast<double>(v.size());
  for (double x : v) {
    s.sum += x;
    s.min = std::min(s.min, x);
    s.max = std::max(s.max, x);
  }
  s.mean = s.sum / s.count;
  for (double x : v) s.variance += (x - s.mean) * (x - s.mean);
  s.variance /= s.count - 1;
  return s;
}

void ExpectSummary(const testing::Released& out, const Summary& want, bool with_sum) {
  EXPECT_EQ(ValueOf(out, "count"), want.count);
  if (with_sum) {
    EXPECT_NEAR(ValueOf(out, "sum"), want.sum, kSumTolerance);
  }
  EXPECT_NEAR(ValueOf(out, "mean"), want.mean, MeanTolerance(want.mean));
  EXPECT_NEAR(ValueOf(out, "variance"), want.variance, VarianceTolerance(want.variance));
  EXPECT_NEAR(ValueOf(out, "min"), want.min, kExtremeTolerance);
  EXPECT_NEAR(ValueOf(out, "max"), want.max, kExtremeTolerance);
}

// Rows shaped like the hospitals' tables: ages 5..95, a malignancy flag, radii 6..28.
DatasetData Hospital(std::mt19937_64& rng, int64_t rows, int frac_bits) {
  DatasetData d;
  d.frac_bits = frac_bits;
  std::uniform_int_distribution<int> age(5, 95);
  std::bernoulli_distribution malignant(0.4);
  std::uniform_real_distribution<double> radius(6, 28);
  ColumnData& a = d.columns["age"];
  ColumnData& m = d.columns["malignant"];
  ColumnData& r = d.columns["mean_radius"];
  a.type = ColumnType::kInteger;
  m.type = ColumnType::kBoolean;
  r.type = ColumnType::kDecimal;
  for (int64_t i = 0; i < rows; ++i) {
    a.values.push_back(age(rng));
    m.values.push_back(malignant(rng) ? 1 : 0);
    r.values.push_back(radius(rng));
  }
  return d;
}

class ExecutorTest : public ::testing::TestWithParam<ProtocolKind> {};

TEST_P(ExecutorTest, HospitalStatisticsMatchDoublePrecision) {
  Result<ValidatedPlan> plan = LoadPlan(ReadExample("hospital_stats.json"));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::mt19937_64 rng(5);
  // hospital_b uploaded with 20 fractional bits: its radii are rescaled to the plan's 18.
  const Datasets data = {{"hospital_a", Hospital(rng, 150, 18)},
                         {"hospital_b", Hospital(rng, 130, 20)}};
  std::vector<double> adults, malignant;
  for (const auto& [name, d] : data) {
    for (size_t i = 0; i < static_cast<size_t>(d.rows()); ++i) {
      const double age = d.columns.at("age").values[i];
      if (age < 18 || age >= 90) continue;
      adults.push_back(d.Uploaded("mean_radius", i));
      if (d.columns.at("malignant").values[i] == 1) malignant.push_back(adults.back());
    }
  }
  const PlanRun run = RunPlan(GetParam(), *plan, data);
  for (const Status& s : run.statuses) ASSERT_TRUE(s.ok()) << s.ToString();
  testing::PrintTraffic("hospital_stats", GetParam(), run);

  const testing::Released& all = run.outputs.at("radius_adults");
  EXPECT_THAT(all.labels, ElementsAre("count", "mean", "variance", "min", "max"));
  EXPECT_THAT(all.recipients, ElementsAre("research-lab"));
  EXPECT_FALSE(all.epsilon.has_value());
  ExpectSummary(all, Summarize(adults), /*with_sum=*/false);

  // Laplace noise of scale sensitivity/ε = 4 on each number: bounded by f·ln 2·4 (dp_noise.h),
  // and present.
  const testing::Released& noisy = run.outputs.at("radius_malignant");
  EXPECT_THAT(noisy.labels, ElementsAre("count", "mean"));
  EXPECT_EQ(noisy.epsilon, 0.5);
  const Summary want = Summarize(malignant);
  const double bound = kF * std::numbers::ln2 * 4 + 1e-3;
  EXPECT_NEAR(noisy.values[0], want.count, bound);
  EXPECT_NEAR(noisy.values[1], want.mean, bound);
  EXPECT_TRUE(std::fabs(noisy.values[0] - want.count) > 1e-3 ||
              std::fabs(noisy.values[1] - want.mean) > 1e-3);

  // Progress rises to 1.
  ASSERT_FALSE(run.progress.empty());
  EXPECT_TRUE(std::is_sorted(run.progress.begin(), run.progress.end()));
  EXPECT_DOUBLE_EQ(run.progress.back(), 1.0);
}

// A clinic's table with every column type, and predicates on each.
constexpr std::string_view kClinicPlan = R"({
  "version": 1, "name": "Clinic",
  "inputs": {"clinic": {"columns": ["age", "bmi", "site", "smoker"]}},
  "nodes": [
    {"id": "rows", "op": "column", "dataset": "clinic", "columns": ["age", "bmi", "site", "smoker"]},
    {"id": "kept", "op": "filter", "inputs": ["rows"],
     "where": {"or": [{"column": "site", "cmp": "==", "value": "south"},
                      {"not": {"column": "smoker", "cmp": "==", "value": true}}]}},
    {"id": "bmi", "op": "stats", "inputs": ["kept"], "column": "bmi",
     "statistics": ["count", "sum", "mean", "variance", "min", "max"],
     "where": {"and": [{"column": "age", "cmp": "<=", "value": 50},
                       {"column": "age", "cmp": ">", "value": 20},
                       {"column": "bmi", "cmp": ">=", "value": 18.5},
                       {"column": "site", "cmp": "!=", "value": "east"}]}},
    {"id": "east", "op": "stats", "inputs": ["rows"], "column": "site", "statistics": ["count"],
     "where": {"column": "site", "cmp": "==", "value": "east"}},
    {"id": "ages", "op": "stats", "inputs": ["rows"], "column": "age",
     "statistics": ["sum", "min", "max"]},
    {"id": "young", "op": "stats", "inputs": ["kept"], "column": "smoker",
     "statistics": ["count", "sum", "mean"], "where": {"column": "age", "cmp": "<", "value": 30}}
  ],
  "outputs": [{"name": "bmi", "node": "bmi", "recipients": ["lab"]},
              {"name": "east", "node": "east", "recipients": ["lab"]},
              {"name": "ages", "node": "ages", "recipients": ["lab"]},
              {"name": "young", "node": "young", "recipients": ["lab"]}],
  "levels": ["dealer2pc"]
})";

DatasetData Clinic(uint64_t seed, int64_t rows) {
  std::mt19937_64 rng(seed);
  DatasetData d;
  d.columns["age"].type = ColumnType::kInteger;
  d.columns["bmi"].type = ColumnType::kDecimal;
  d.columns["site"] = ColumnData{ColumnType::kCategorical, {}, {"north", "south", "east"}};
  d.columns["smoker"].type = ColumnType::kBoolean;
  std::uniform_int_distribution<int> age(-3, 80), site(0, 2);
  std::uniform_real_distribution<double> bmi(15, 40);
  std::bernoulli_distribution smoker(0.3);
  for (int64_t i = 0; i < rows; ++i) {
    d.columns["age"].values.push_back(age(rng));
    // Some ages land exactly on the predicates' constants, and some bmi exactly on 18.5.
    if (i % 17 == 0) d.columns["age"].values.back() = i % 2 == 0 ? 50 : 20;
    d.columns["bmi"].values.push_back(i % 23 == 0 ? 18.5 : bmi(rng));
    d.columns["site"].values.push_back(site(rng));
    d.columns["smoker"].values.push_back(smoker(rng) ? 1 : 0);
  }
  return d;
}

TEST_P(ExecutorTest, FiltersOnEveryColumnTypeMatchDoublePrecision) {
  Result<ValidatedPlan> plan = LoadPlan(kClinicPlan);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const DatasetData clinic = Clinic(3, 240);
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", clinic}});
  for (const Status& s : run.statuses) ASSERT_TRUE(s.ok()) << s.ToString();

  std::vector<double> bmi, ages, young;
  double east = 0;
  for (size_t i = 0; i < static_cast<size_t>(clinic.rows()); ++i) {
    const double age = clinic.columns.at("age").values[i];
    const double site = clinic.columns.at("site").values[i];  // 0 north, 1 south, 2 east
    const double smoker = clinic.columns.at("smoker").values[i];
    const double b = clinic.Uploaded("bmi", i);
    ages.push_back(age);
    east += site == 2 ? 1 : 0;
    const bool kept = site == 1 || smoker == 0;
    if (kept && age <= 50 && age > 20 && b >= 18.5 && site != 2) bmi.push_back(b);
    if (kept && age < 30) young.push_back(smoker);
  }
  ExpectSummary(run.outputs.at("bmi"), Summarize(bmi), /*with_sum=*/true);
  EXPECT_EQ(run.outputs.at("east").values, std::vector<double>{east});
  const Summary a = Summarize(ages);
  EXPECT_THAT(run.outputs.at("ages").values, ElementsAre(a.sum, a.min, a.max));
  const Summary y = Summarize(young);
  EXPECT_EQ(ValueOf(run.outputs.at("young"), "count"), y.count);
  EXPECT_EQ(ValueOf(run.outputs.at("young"), "sum"), y.sum);
  EXPECT_NEAR(ValueOf(run.outputs.at("young"), "mean"), y.mean, MeanTolerance(y.mean));
}

TEST_P(ExecutorTest, AUnionMatchesCategoriesByNameNotIndex) {
  constexpr std::string_view kPlan = R"({
    "version": 1, "name": "Sites",
    "inputs": {"a": {"columns": ["site"]}, "b": {"columns": ["site"]}},
    "nodes": [
      {"id": "a", "op": "column", "dataset": "a", "columns": ["site"]},
      {"id": "b", "op": "column", "dataset": "b", "columns": ["site"]},
      {"id": "all", "op": "union", "inputs": ["a", "b"]},
      {"id": "north", "op": "stats", "inputs": ["all"], "column": "site", "statistics": ["count"],
       "where": {"column": "site", "cmp": "==", "value": "north"}},
      {"id": "west", "op": "stats", "inputs": ["all"], "column": "site", "statistics": ["count"],
       "where": {"column": "site", "cmp": "==", "value": "west"}}
    ],
    "outputs": [{"name": "north", "node": "north", "recipients": ["lab"]},
                {"name": "west", "node": "west", "recipients": ["lab"]}],
    "levels": ["rep3"]
  })";
  Result<ValidatedPlan> plan = LoadPlan(kPlan);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // Index 0 is "north" in a but "south" in b.
  const Datasets data = {
      {"a", {18, {{"site", {ColumnType::kCategorical, {0, 1, 0, 0, 1}, {"north", "south"}}}}}},
      {"b",
       {18,
        {{"site", {ColumnType::kCategorical, {0, 1, 2, 2, 1, 0}, {"south", "west", "north"}}}}}}};
  const PlanRun run = RunPlan(GetParam(), *plan, data);
  for (const Status& s : run.statuses) ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(run.outputs.at("north").values, std::vector<double>{5});
  EXPECT_EQ(run.outputs.at("west").values, std::vector<double>{2});
}

// Each node keeps only the columns later nodes read (read_columns.h): here `a` keeps its age
// for `ages` while `b` drops it, and the union still takes the same columns of both.
TEST_P(ExecutorTest, AUnionTakesTheColumnsItsReadersReadOfEveryInput) {
  constexpr std::string_view kPlan = R"({
    "version": 1, "name": "Sites",
    "inputs": {"a": {"columns": ["age", "site"]}, "b": {"columns": ["age", "site"]}},
    "nodes": [
      {"id": "a", "op": "column", "dataset": "a", "columns": ["age", "site"]},
      {"id": "b", "op": "column", "dataset": "b", "columns": ["age", "site"]},
      {"id": "all", "op": "union", "inputs": ["a", "b"]},
      {"id": "north", "op": "stats", "inputs": ["all"], "column": "site", "statistics": ["count"],
       "where": {"column": "site", "cmp": "==", "value": "north"}},
      {"id": "ages", "op": "stats", "inputs": ["a"], "column": "age", "statistics": ["sum"]}
    ],
    "outputs": [{"name": "north", "node": "north", "recipients": ["lab"]},
                {"name": "ages", "node": "ages", "recipients": ["lab"]}],
    "levels": ["rep3"]
  })";
  Result<ValidatedPlan> plan = LoadPlan(kPlan);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const Datasets data = {{"a",
                          {18,
                           {{"site", {ColumnType::kCategorical, {0, 1, 0}, {"north", "south"}}},
                            {"age", {ColumnType::kInteger, {30, 40, 50}, {}}}}}},
                         {"b",
                          {18,
                           {{"site", {ColumnType::kCategorical, {1, 0}, {"south", "north"}}},
                            {"age", {ColumnType::kInteger, {60, 70}, {}}}}}}};
  const PlanRun run = RunPlan(GetParam(), *plan, data);
  for (const Status& s : run.statuses) ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(run.outputs.at("north").values, std::vector<double>{3});
  EXPECT_EQ(run.outputs.at("ages").values, std::vector<double>{120});
}

TEST_P(ExecutorTest, AnUnknownCategoryIsAnErrorNamingTheColumnAndValue) {
  std::string text(kClinicPlan);
  text.replace(text.find("\"south\""), 7, "\"nowhere\"");
  Result<ValidatedPlan> plan = LoadPlan(text);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", Clinic(3, 20)}});
  EXPECT_EQ(run.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(run.status().message(),
              HasSubstr("node 'kept' (filter): field 'where': 'nowhere' is not a "
                        "category of column 'site'"));
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, ExecutorTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::plan
