#include "arca/coord/privacy_budget.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "arca/plan/plan.h"

namespace arca::coord {
namespace {

using ::testing::HasSubstr;

// Three outputs over two datasets: 'mean_a' reads hospital_a, 'pooled' reads both (through a
// filter and a union), 'mean_b' reads hospital_b only. {NOISE_*} is replaced per test.
constexpr std::string_view kTwoHospitals = R"({
  "version": 1, "name": "Two hospitals",
  "inputs": {"hospital_a": {"columns": ["r"]}, "hospital_b": {"columns": ["r"]}},
  "nodes": [
    {"id": "a", "op": "column", "dataset": "hospital_a", "columns": ["r"]},
    {"id": "b", "op": "column", "dataset": "hospital_b", "columns": ["r"]},
    {"id": "big_a", "op": "filter", "inputs": ["a"],
     "where": {"column": "r", "cmp": ">", "value": 10}},
    {"id": "both", "op": "union", "inputs": ["big_a", "b"]},
    {"id": "mean_a", "op": "stats", "inputs": ["a"], "column": "r", "statistics": ["mean"]},
    {"id": "pooled", "op": "stats", "inputs": ["both"], "column": "r",
     "statistics": ["count", "mean"]},
    {"id": "mean_b", "op": "stats", "inputs": ["b"], "column": "r", "statistics": ["mean"]}],
  "outputs": [
    {"name": "mean_a", "node": "mean_a", "recipients": ["insurer"] {NOISE_A}},
    {"name": "pooled", "node": "pooled", "recipients": ["insurer"] {NOISE_POOLED}},
    {"name": "mean_b", "node": "mean_b", "recipients": ["insurer"] {NOISE_B}}],
  "levels": ["dealer2pc"]})";

std::string Laplace(double epsilon) {
  return R"(, "noise": {"mechanism": "laplace", "sensitivity": 1, "epsilon": )" +
         std::to_string(epsilon) + "}";
}
std::string Gaussian(double epsilon, double delta) {
  return R"(, "noise": {"mechanism": "gaussian", "sensitivity": 1, "epsilon": )" +
         std::to_string(epsilon) + R"(, "delta": )" + std::to_string(delta) + "}";
}

plan::ValidatedPlan TwoHospitals(const std::string& noise_a, const std::string& noise_pooled,
                                 const std::string& noise_b) {
  std::string text(kTwoHospitals);
  for (const auto& [key, value] :
       {std::pair{"{NOISE_A}", noise_a}, std::pair{"{NOISE_POOLED}", noise_pooled},
        std::pair{"{NOISE_B}", noise_b}}) {
    text.replace(text.find(key), std::string_view(key).size(), value);
  }
  return plan::Validate(plan::Plan::Parse(text).value()).value();
}

TEST(PlanChargesTest, ChargesEachBudgetedDatasetTheOutputsThatReadIt) {
  const plan::ValidatedPlan plan = TwoHospitals(Laplace(0.25), Gaussian(0.5, 1e-6), /*noise_b=*/"");
  const std::vector<BudgetCharge> charges = PlanCharges(plan, {"hospital_a"}).value();
  ASSERT_EQ(charges.size(), 1U);
  EXPECT_EQ(charges[0].dataset, "hospital_a");
  // 'mean_b' reads only hospital_b: neither charged nor required to have noise.
  ASSERT_EQ(charges[0].outputs.size(), 2U);
  EXPECT_EQ(charges[0].outputs[0], (OutputLoss{"mean_a", {0.25, 0}}));
  EXPECT_EQ(charges[0].outputs[1], (OutputLoss{"pooled", {0.5, 1e-6}}));
  EXPECT_DOUBLE_EQ(charges[0].Total().epsilon, 0.75);
  EXPECT_DOUBLE_EQ(charges[0].Total().delta, 1e-6);
  EXPECT_FALSE(charges[0].refunded);

  // Without budgets there is nothing to charge, noise or not.
  EXPECT_TRUE(PlanCharges(TwoHospitals("", "", ""), {}).value().empty());
}

TEST(PlanChargesTest, ChargesEveryBudgetedDatasetAnOutputReads) {
  const plan::ValidatedPlan plan = TwoHospitals(Laplace(0.25), Laplace(0.5), Laplace(1));
  const std::vector<BudgetCharge> charges = PlanCharges(plan, {"hospital_a", "hospital_b"}).value();
  ASSERT_EQ(charges.size(), 2U);
  EXPECT_EQ(charges[0].dataset, "hospital_a");
  EXPECT_DOUBLE_EQ(charges[0].Total().epsilon, 0.75);
  EXPECT_EQ(charges[1].dataset, "hospital_b");
  EXPECT_DOUBLE_EQ(charges[1].Total().epsilon, 1.5);  // 'pooled' and 'mean_b'
  ASSERT_EQ(charges[1].outputs.size(), 2U);
  EXPECT_EQ(charges[1].outputs[0].output, "pooled");
}

TEST(PlanChargesTest, RefusesAnOutputThatReadsABudgetedDatasetWithoutNoise) {
  // 'pooled' reads hospital_a through a filter and a union.
  const Status status =
      PlanCharges(TwoHospitals(Laplace(0.25), "", Laplace(1)), {"hospital_a"}).status();
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(),
            "output 'pooled' releases data of 'hospital_a' without noise; its owner set a "
            "privacy budget, so every output that reads it must have differential-privacy noise");
  // 'pooled' reads hospital_b too; 'mean_a' without noise matters to hospital_a only.
  EXPECT_THAT(
      PlanCharges(TwoHospitals(Laplace(0.25), "", Laplace(1)), {"hospital_b"}).status().message(),
      HasSubstr("output 'pooled' releases data of 'hospital_b' without noise"));
  EXPECT_TRUE(PlanCharges(TwoHospitals("", Laplace(0.5), Laplace(1)), {"hospital_b"}).ok());
}

TEST(PlanChargesTest, RefusesAModelKeptFromABudgetedDataset) {
  const plan::ValidatedPlan plan = plan::Validate(plan::Plan::Parse(R"({
    "version": 1, "name": "Kept model",
    "inputs": {"hospital_a": {"columns": ["x", "y"]}},
    "nodes": [
      {"id": "rows", "op": "column", "dataset": "hospital_a", "columns": ["x", "y"]},
      {"id": "model", "op": "train_linear", "inputs": ["rows"], "features": ["x"], "label": "y",
       "iterations": 10, "learning_rate": 0.1, "store_as": "risk-v1"}],
    "outputs": [{"name": "weights", "node": "model", "recipients": ["insurer"],
                 "noise": {"mechanism": "laplace", "epsilon": 1, "sensitivity": 1}}],
    "levels": ["dealer2pc"]})")
                                                      .value())
                                       .value();
  const Status status = PlanCharges(plan, {"hospital_a"}).status();
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(),
              HasSubstr("node 'model' (train_linear) keeps the model it trains on 'hospital_a' "
                        "as 'risk-v1'; its owner set a privacy budget"));
  EXPECT_TRUE(PlanCharges(plan, {}).ok());
}

// A join reads both sides: a noisy summary of it is charged to both; its rows, which cannot
// carry noise, may not be released once either side has a budget.
TEST(PlanChargesTest, AJoinReadsBothSides) {
  const auto joined = [](const std::string& output) {
    return plan::Validate(plan::Plan::Parse(R"({
      "version": 1, "name": "Joined",
      "inputs": {"hospital_a": {"columns": ["id", "r"]}, "hospital_b": {"columns": ["id", "s"]}},
      "nodes": [
        {"id": "a", "op": "column", "dataset": "hospital_a", "columns": ["id", "r"]},
        {"id": "b", "op": "column", "dataset": "hospital_b", "columns": ["id", "s"]},
        {"id": "ab", "op": "join", "inputs": ["a", "b"], "on": ["id"], "how": "inner",
         "validate": "one_to_one"},
        {"id": "bins", "op": "histogram", "inputs": ["ab"], "column": "s", "edges": [0, 1, 2]}],
      "outputs": [)" + output + R"(],
      "levels": ["dealer2pc"]})")
                              .value())
        .value();
  };
  const std::vector<BudgetCharge> charges =
      PlanCharges(joined(R"({"name": "bins", "node": "bins", "recipients": ["insurer"],
                             "noise": {"mechanism": "laplace", "epsilon": 0.5,
                                       "sensitivity": 1}})"),
                  {"hospital_a", "hospital_b"})
          .value();
  ASSERT_EQ(charges.size(), 2U);
  EXPECT_EQ(charges[0].outputs, (std::vector<OutputLoss>{{"bins", {0.5, 0}}}));
  EXPECT_EQ(charges[1].outputs, (std::vector<OutputLoss>{{"bins", {0.5, 0}}}));
  const std::string rows = R"({"name": "rows", "node": "ab", "recipients": ["insurer"]},
                              {"name": "bins", "node": "bins", "recipients": ["insurer"]})";
  EXPECT_TRUE(PlanCharges(joined(rows), {}).ok());
  EXPECT_THAT(PlanCharges(joined(rows), {"hospital_b"}).status().message(),
              HasSubstr("output 'rows' releases data of 'hospital_b' without noise"));
}

BudgetCharge Charge(double epsilon_m, double epsilon_s, double delta = 0) {
  return {.dataset = "hospital_a", .outputs = {{"m", {epsilon_m, delta}}, {"s", {epsilon_s, 0}}}};
}

TEST(CheckChargeFitsTest, SaysWhatIsLeftAndWhatThePlanNeeds) {
  EXPECT_TRUE(CheckChargeFits({2, 0}, {1.5, 0}, Charge(0.25, 0.25)).ok());
  const Status over = CheckChargeFits({2, 0}, {1.7, 0}, Charge(0.25, 0.25));
  EXPECT_EQ(over.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(over.message(),
            "dataset 'hospital_a' has ε 0.3 of its privacy budget 2 left; this plan needs ε 0.5 "
            "(outputs 'm' 0.25, 's' 0.25)");
  const Status delta = CheckChargeFits({2, 1e-6}, {0, 5e-7}, Charge(0.25, 0.25, 1e-6));
  EXPECT_EQ(delta.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(delta.message(),
            "dataset 'hospital_a' has δ 5e-07 of its privacy budget 1e-06 left; this plan needs "
            "δ 1e-06 (outputs 'm' 1e-06, 's' 0)");
  // A budget without δ admits pure ε-DP only.
  EXPECT_FALSE(CheckChargeFits({2, 0}, {0, 0}, Charge(0.25, 0.25, 1e-9)).ok());
  // Overspent (a budget lowered below what was spent): nothing is left, not a negative amount.
  EXPECT_THAT(CheckChargeFits({1, 0}, {1.5, 0}, Charge(0.25, 0.25)).message(),
              HasSubstr("has ε 0 of its privacy budget 1 left"));
}

TEST(CheckChargeFitsTest, AllowsRoundingButNotMore) {
  // 0.1 + 0.2 is 0.30000000000000004 in doubles: it fits a budget of 0.3.
  EXPECT_GT(0.1 + 0.2, 0.3);
  EXPECT_TRUE(CheckChargeFits({0.3, 0}, {0.1, 0}, Charge(0.2, 0)).ok());
  EXPECT_FALSE(CheckChargeFits({0.3, 0}, {0.1, 0}, Charge(0.2, 1e-6)).ok());
  EXPECT_FALSE(CheckChargeFits({0.3, 0}, {0.1, 0}, Charge(0.2 + 1e-6, 0)).ok());
}

TEST(CheckPrivacyLossTest, RefusesLossesThatMeanNothing) {
  EXPECT_TRUE(CheckPrivacyLoss({2, 0}, "budget").ok());
  EXPECT_TRUE(CheckPrivacyLoss({0.01, 1e-6}, "budget").ok());
  for (const PrivacyLoss& bad :
       std::vector<PrivacyLoss>{{0, 0},
                                {-1, 0},
                                {std::numeric_limits<double>::infinity(), 0},
                                {std::nan(""), 0},
                                {1, -1e-9},
                                {1, 1},
                                {1, std::nan("")}}) {
    EXPECT_EQ(CheckPrivacyLoss(bad, "budget").code(), StatusCode::kInvalidArgument)
        << bad.epsilon << " " << bad.delta;
  }
  EXPECT_EQ(CheckPrivacyLoss({0, 0}, "privacy budget of dataset 'a'").message(),
            "privacy budget of dataset 'a': epsilon must be a number > 0, not 0");
  EXPECT_EQ(CheckPrivacyLoss({1, 1}, "privacy budget").message(),
            "privacy budget: delta must be a number in [0, 1), not 1");
}

TEST(BudgetLeftTest, NeverGoesBelowZero) {
  EXPECT_EQ(BudgetLeft({2, 1e-6}, {0.5, 0}), (PrivacyLoss{1.5, 1e-6}));
  EXPECT_EQ(BudgetLeft({1, 0}, {1.5, 1e-6}), (PrivacyLoss{0, 0}));
}

}  // namespace
}  // namespace arca::coord
