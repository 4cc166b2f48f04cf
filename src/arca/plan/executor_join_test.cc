// Plans that join two owners' tables (frame/join.h) and release or summarise the result.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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

// Visits (id, cost) of a clinic joined with a registry's patients (id, age, cost), a visit's
// patient looked up (many visits to one patient): the rows, and costs summed by age band.
constexpr std::string_view kVisitsPlan = R"({
  "version": 1, "name": "Visits of registered patients",
  "inputs": {"clinic": {"columns": ["cost", "id"]}, "registry": {"columns": ["age", "cost", "id"]}},
  "nodes": [
    {"id": "visits", "op": "column", "dataset": "clinic", "columns": ["cost", "id"]},
    {"id": "patients", "op": "column", "dataset": "registry", "columns": ["age", "cost", "id"]},
    {"id": "joined", "op": "join", "inputs": ["visits", "patients"], "on": ["id"],
     "how": "left", "validate": "many_to_one"},
    {"id": "rows", "op": "select", "inputs": ["joined"], "columns": ["id", "cost_x", "age"]},
    {"id": "adults", "op": "filter", "inputs": ["joined"],
     "where": {"column": "age", "cmp": ">=", "value": 18}},
    {"id": "total", "op": "aggregate", "inputs": ["adults"],
     "aggregates": [{"column": "cost_x", "how": "sum", "name": "spent"},
                    {"column": "id", "how": "nunique", "name": "patients"}]}
  ],
  "outputs": [{"name": "rows", "node": "rows", "recipients": ["lab"]},
              {"name": "total", "node": "total", "recipients": ["lab"]}],
  "levels": ["dealer2pc", "rep3"]
})";

// 60 visits of ids 0..29 (some twice), 20 patients of ids 10..29 (so ids 0..9 have none).
DatasetData Clinic() {
  DatasetData d;
  d.columns["id"].type = frame::ColumnType::kInteger;
  d.columns["cost"].type = frame::ColumnType::kDecimal;
  for (int64_t r = 0; r < 60; ++r) {
    d.columns["id"].values.push_back(static_cast<double>((r * 7) % 30));
    d.columns["cost"].values.push_back(10.5 + static_cast<double>(r % 11));
  }
  return d;
}
DatasetData Registry() {
  DatasetData d;
  d.columns["id"].type = frame::ColumnType::kInteger;
  d.columns["age"].type = frame::ColumnType::kInteger;
  d.columns["cost"].type = frame::ColumnType::kDecimal;
  for (int64_t r = 0; r < 20; ++r) {
    d.columns["id"].values.push_back(static_cast<double>(29 - r));
    d.columns["age"].values.push_back(static_cast<double>(5 + 4 * r));
    d.columns["cost"].values.push_back(1);
  }
  return d;
}

class ExecutorJoinTest : public ::testing::TestWithParam<ProtocolKind> {};

TEST_P(ExecutorJoinTest, ALeftJoinOfTwoOwnersEqualsPandasMerge) {
  Result<ValidatedPlan> plan = LoadPlan(kVisitsPlan);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const DatasetData clinic = Clinic(), registry = Registry();
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", clinic}, {"registry", registry}});
  ASSERT_TRUE(run.status().ok()) << run.status().ToString();

  // pandas: visits.merge(patients, on="id", how="left", validate="many_to_one").
  std::vector<std::vector<double>> want;  // (id, cost_x, age or -1 for NaN)
  double spent = 0;
  std::vector<double> adults;
  for (size_t r = 0; r < 60; ++r) {
    const double id = clinic.columns.at("id").values[r];
    const double cost = clinic.Uploaded("cost", r);
    double age = -1;
    for (size_t k = 0; k < 20; ++k) {
      if (registry.columns.at("id").values[k] == id) age = registry.columns.at("age").values[k];
    }
    want.push_back({id, cost, age});
    if (age >= 18) {
      spent += cost;
      adults.push_back(id);
    }
  }
  const frame::PlainTable& table = *run.outputs.at("rows").table;
  ASSERT_EQ(table.rows(), 80) << "n + m rows, whatever matched";
  std::vector<std::vector<double>> got;
  for (size_t r = 0; r < 80; ++r) {
    if (!table.valid[r]) continue;
    const bool has_age = table.columns[2].present.empty() || table.columns[2].present[r];
    got.push_back({table.columns[0].values[r], table.columns[1].values[r],
                   has_age ? table.columns[2].values[r] : -1});
  }
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);

  const testing::Released& total = run.outputs.at("total");
  const frame::PlainTable& sums = *total.table;
  ASSERT_EQ(sums.rows(), 1);
  EXPECT_DOUBLE_EQ(sums.columns[0].values[0], spent);
  std::sort(adults.begin(), adults.end());
  EXPECT_EQ(sums.columns[1].values[0],
            static_cast<double>(std::unique(adults.begin(), adults.end()) - adults.begin()));
}

TEST_P(ExecutorJoinTest, DuplicateKeysOnTheDeclaredUniqueSideAreRefused) {
  Result<ValidatedPlan> plan = LoadPlan(kVisitsPlan);
  ASSERT_TRUE(plan.ok());
  DatasetData registry = Registry();
  registry.columns["id"].values[3] = registry.columns["id"].values[4];
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", Clinic()}, {"registry", registry}});
  EXPECT_THAT(run.status().message(),
              HasSubstr("node 'joined' (join): join: right keys are not unique "
                        "(validate='many_to_one')"));
}

TEST_P(ExecutorJoinTest, AJoinMayNotRenameAnAggregateOnlyColumn) {
  Result<ValidatedPlan> plan = LoadPlan(kVisitsPlan);
  ASSERT_TRUE(plan.ok());
  AnalysisRules rules;
  rules.aggregate_only = {"cost"};
  const PlanRun run = RunPlan(GetParam(), *plan, {{"clinic", Clinic()}, {"registry", Registry()}},
                              {{"clinic", rules}});
  EXPECT_EQ(run.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(run.status().message(),
              HasSubstr("node 'joined' (join): field 'suffixes': column 'cost' of dataset "
                        "'clinic' is aggregate-only"));
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, ExecutorJoinTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param));
                         });

TEST(JoinPlanTest, KeysAndNamesAreCheckedWhenValidated) {
  std::string document(kVisitsPlan);
  const auto replace = [&](const std::string& from, const std::string& to) {
    std::string changed = document;
    changed.replace(changed.find(from), from.size(), to);
    return LoadPlan(changed).status().message();
  };
  EXPECT_THAT(replace(R"("on": ["id"])", R"("on": ["age"])"),
              HasSubstr("node 'joined' (join): field 'on[0]': the input 'visits' has no column "
                        "'age'"));
  EXPECT_THAT(replace(R"("validate": "many_to_one")", R"("validate": "many_to_many")"),
              HasSubstr("node 'joined' (join): field 'validate':"));
  EXPECT_THAT(replace(R"("how": "left")", R"("how": "outer")"),
              HasSubstr("node 'joined' (join): field 'how':"));
  EXPECT_THAT(replace(R"("on": ["id"])", R"("left_on": ["id"])"),
              HasSubstr("node 'joined' (join): field 'right_on': "));
  // The normal form writes "on" for equal key lists and the defaults explicitly.
  Result<ValidatedPlan> plan = LoadPlan(document);
  ASSERT_TRUE(plan.ok());
  const nlohmann::json node = plan->plan.ToJson()["nodes"][2];
  EXPECT_EQ(node.dump(),
            R"({"how":"left","id":"joined","inputs":["visits","patients"],"on":["id"],)"
            R"("op":"join","suffixes":["_x","_y"],"validate":"many_to_one"})");
}

}  // namespace
}  // namespace arca::plan
