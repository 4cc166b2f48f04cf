// The owners' rules as plans run: aggregate-only columns and minimum row counts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "arca/plan/executor.h"
#include "arca/plan/executor_test_support.h"

namespace arca::plan {
namespace {

using mpc::ProtocolKind;
using ::testing::AllOf;
using testing::ColumnData;
using testing::DatasetData;
using testing::Datasets;
using ::testing::HasSubstr;
using testing::LoadPlan;
using ::testing::Not;
using testing::PlanRun;
using testing::ReadExample;
using testing::RunPlan;

DatasetData Hospital(std::mt19937_64& rng, int64_t rows) {
  DatasetData d;
  std::uniform_int_distribution<int> age(5, 95);
  std::normal_distribution<double> normal(0, 1);
  for (const char* c : {"mean_radius", "mean_texture", "mean_smoothness"}) {
    d.columns[c].type = ColumnType::kDecimal;
  }
  d.columns["age"].type = ColumnType::kInteger;
  d.columns["malignant"].type = ColumnType::kBoolean;
  for (int64_t i = 0; i < rows; ++i) {
    d.columns["age"].values.push_back(age(rng));
    d.columns["malignant"].values.push_back(i % 3 == 0 ? 1 : 0);
    for (const char* c : {"mean_radius", "mean_texture", "mean_smoothness"}) {
      d.columns[c].values.push_back(normal(rng));
    }
  }
  return d;
}

Datasets Hospitals() {
  std::mt19937_64 rng(8);
  return {{"hospital_a", Hospital(rng, 60)}, {"hospital_b", Hospital(rng, 45)}};
}

// How many rows of the union the stats plan's filter keeps (18 <= age < 90), and of those the
// malignant ones.
std::pair<int64_t, int64_t> Adults(const Datasets& data) {
  int64_t adults = 0, malignant = 0;
  for (const auto& [name, d] : data) {
    for (size_t i = 0; i < static_cast<size_t>(d.rows()); ++i) {
      const double age = d.columns.at("age").values[i];
      if (age < 18 || age >= 90) continue;
      ++adults;
      malignant += d.columns.at("malignant").values[i] == 1 ? 1 : 0;
    }
  }
  return {adults, malignant};
}

ValidatedPlan Example(const std::string& name) {
  Result<ValidatedPlan> plan = LoadPlan(ReadExample(name));
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return plan.ok() ? *plan : ValidatedPlan{};
}

// Every party stopped: with `code`, or aborted by a party that did (and whose error it
// carries).
void ExpectAllFailedWith(const PlanRun& run, StatusCode code) {
  EXPECT_EQ(run.status().code(), code) << run.status().ToString();
  for (size_t party = 0; party < run.statuses.size(); ++party) {
    const Status& s = run.statuses[party];
    EXPECT_FALSE(s.ok()) << "party " << party;
    EXPECT_THAT(s.message(), HasSubstr(run.status().message())) << "party " << party;
  }
}

class ExecutorRulesTest : public ::testing::TestWithParam<ProtocolKind> {};

TEST_P(ExecutorRulesTest, AnAggregateOnlyFeatureIsRefusedBeforeAnyProtocolStep) {
  const ValidatedPlan plan = Example("insurer_model.json");
  const PlanRun run =
      RunPlan(GetParam(), plan, Hospitals(), {{"hospital_b", {{"mean_texture"}, 0}}});
  ExpectAllFailedWith(run, StatusCode::kPermissionDenied);
  EXPECT_THAT(run.status().message(),
              AllOf(HasSubstr("node 'model' (train_logistic)"), HasSubstr("'mean_texture'"),
                    HasSubstr("dataset 'hospital_b'"), HasSubstr("aggregate-only")));
  for (const uint32_t ops : run.operations) EXPECT_EQ(ops, 0u);
}

TEST_P(ExecutorRulesTest, AnAggregateOnlyLabelOrInferenceInputIsRefused) {
  const PlanRun label = RunPlan(GetParam(), Example("insurer_model.json"), Hospitals(),
                                {{"hospital_a", {{"malignant"}, 0}}});
  ExpectAllFailedWith(label, StatusCode::kPermissionDenied);
  EXPECT_THAT(label.status().message(), AllOf(HasSubstr("field 'label'"), HasSubstr("'malignant'"),
                                              HasSubstr("'hospital_a'")));

  std::mt19937_64 rng(1);
  DatasetData applicants = Hospital(rng, 4);
  applicants.columns.erase("age");
  applicants.columns.erase("malignant");
  const PlanRun infer =
      RunPlan(GetParam(), Example("insurer_infer.json"), {{"applicants", applicants}},
              {{"applicants", {{"mean_smoothness"}, 0}}});
  ExpectAllFailedWith(infer, StatusCode::kPermissionDenied);
  EXPECT_THAT(infer.status().message(),
              AllOf(HasSubstr("node 'risk' (infer): field 'features[2]'"),
                    HasSubstr("'mean_smoothness'"), HasSubstr("'applicants'")));
  for (const uint32_t ops : infer.operations) EXPECT_EQ(ops, 0u);
}

TEST_P(ExecutorRulesTest, AggregateOnlyColumnsMayBeAggregatedAndFilteredOn) {
  const std::set<std::string> all = {"age", "malignant", "mean_radius"};
  const PlanRun run = RunPlan(GetParam(), Example("hospital_stats.json"), Hospitals(),
                              {{"hospital_a", {all, 0}}, {"hospital_b", {all, 0}}});
  for (const Status& s : run.statuses) EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(ExecutorRulesTest, TooFewRowsAreRefusedWithoutRevealingTheCount) {
  const Datasets data = Hospitals();
  const auto [adults, malignant] = Adults(data);
  // Met by the adults, not by the malignant adults (the stats `where`).
  const PlanRun run = RunPlan(GetParam(), Example("hospital_stats.json"), data,
                              {{"hospital_a", {{}, malignant + 1}}});
  ExpectAllFailedWith(run, StatusCode::kPermissionDenied);
  EXPECT_THAT(run.status().message(),
              AllOf(HasSubstr("node 'radius_malignant' (stats): output 'radius_malignant' would "
                              "rest on fewer than " +
                              std::to_string(malignant + 1) + " rows"),
                    HasSubstr("'hospital_a'"), Not(HasSubstr(std::to_string(malignant)))));
  // One more row than there are adults: the first statistic fails.
  const PlanRun first =
      RunPlan(GetParam(), Example("hospital_stats.json"), data, {{"hospital_b", {{}, adults + 1}}});
  ExpectAllFailedWith(first, StatusCode::kPermissionDenied);
  EXPECT_THAT(first.status().message(), HasSubstr("output 'radius_adults' would rest on fewer"));
  EXPECT_THAT(first.status().message(), Not(HasSubstr(std::to_string(adults) + " ")));
  // Exactly as many as there are: released.
  const PlanRun exact =
      RunPlan(GetParam(), Example("hospital_stats.json"), data, {{"hospital_a", {{}, malignant}}});
  for (const Status& s : exact.statuses) EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(ExecutorRulesTest, TheStrictestRuleWinsAcrossAUnion) {
  const Datasets data = Hospitals();  // 105 rows in the union
  // hospital_a's own rule is met by the union; hospital_b's is not.
  const PlanRun run = RunPlan(GetParam(), Example("insurer_model.json"), data,
                              {{"hospital_a", {{}, 10}}, {"hospital_b", {{}, 1000}}});
  ExpectAllFailedWith(run, StatusCode::kPermissionDenied);
  EXPECT_THAT(run.status().message(),
              AllOf(HasSubstr("node 'model' (train_logistic): output 'risk_model' would rest on "
                              "fewer than 1000 rows"),
                    HasSubstr("'hospital_b'"), Not(HasSubstr("105"))));
  // An aggregate-only column of either owner is aggregate-only in the union.
  const PlanRun columns = RunPlan(GetParam(), Example("insurer_model.json"), data,
                                  {{"hospital_a", {{"mean_smoothness"}, 0}}});
  ExpectAllFailedWith(columns, StatusCode::kPermissionDenied);
  EXPECT_THAT(columns.status().message(), HasSubstr("'mean_smoothness' of dataset 'hospital_a'"));
  // Both rules met: trained.
  const PlanRun ok = RunPlan(GetParam(), Example("insurer_model.json"), data,
                             {{"hospital_a", {{}, 10}}, {"hospital_b", {{}, 105}}});
  for (const Status& s : ok.statuses) EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(ExecutorRulesTest, InputsThatDoNotMatchThePlanAreRefused) {
  const ValidatedPlan plan = Example("hospital_stats.json");
  Datasets data = Hospitals();
  Datasets missing = data;
  missing.erase("hospital_b");
  const PlanRun no_dataset = RunPlan(GetParam(), plan, missing);
  ExpectAllFailedWith(no_dataset, StatusCode::kInvalidArgument);
  EXPECT_THAT(no_dataset.status().message(), HasSubstr("input 'hospital_b': no data was supplied"));

  Datasets no_column = data;
  no_column["hospital_a"].columns.erase("age");
  const PlanRun column = RunPlan(GetParam(), plan, no_column);
  EXPECT_THAT(column.status().message(),
              HasSubstr("input 'hospital_a': column 'age' was not supplied"));

  // malignant uploaded as a category: the plan's `== true` no longer fits.
  Datasets retyped = data;
  retyped["hospital_b"].columns["malignant"] =
      ColumnData{ColumnType::kCategorical,
                 std::vector<double>(static_cast<size_t>(retyped["hospital_b"].rows()), 0),
                 {"yes"}};
  const PlanRun typed = RunPlan(GetParam(), plan, retyped);
  ExpectAllFailedWith(typed, StatusCode::kInvalidArgument);
  EXPECT_THAT(typed.status().message(), HasSubstr("the plan does not fit the supplied data"));
  for (const uint32_t ops : typed.operations) EXPECT_EQ(ops, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, ExecutorRulesTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::plan
