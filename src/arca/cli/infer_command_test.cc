#include "arca/cli/infer_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arca::cli {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

json PlanRecord(const std::string& hash, const json& plan) {
  return {{"hash", hash}, {"canonical", plan.dump()}};
}

json Scoring(const std::string& model, const std::string& supplied_by = "consumer") {
  return json::parse(R"({"inputs": {"rows": {"columns": ["b", "a"], "supplied_by": ")" +
                     supplied_by + R"("}}, "nodes": [{"id": "s", "op": "infer", "model": ")" +
                     model + R"("}]})");
}

TEST(InferCommandTest, TheOnePlanThatScoresWithTheModelIsFound) {
  const json plans = {{"plans",
                       {PlanRecord("11", Scoring("risk")), PlanRecord("22", Scoring("other")),
                        PlanRecord("33", Scoring("risk", "owner"))}}};
  const Result<json> plan = FindInferencePlan(plans, "risk", "");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->at("hash"), "11");  // "33" reads an owner's dataset
  EXPECT_EQ(FindInferencePlan(plans, "risk", "22")->at("hash"), "22");
  EXPECT_THAT(FindInferencePlan(plans, "risk", "44").status().message(),
              HasSubstr("no submitted plan has the hash 44"));
  EXPECT_THAT(FindInferencePlan(plans, "unknown", "").status().message(),
              HasSubstr("no submitted plan applies model 'unknown'"));
}

TEST(InferCommandTest, SeveralCandidatesAskForPlan) {
  const json plans = {
      {"plans", {PlanRecord("11", Scoring("risk")), PlanRecord("22", Scoring("risk"))}}};
  EXPECT_THAT(FindInferencePlan(plans, "risk", "").status().message(),
              HasSubstr("2 submitted plans apply model 'risk' to a consumer's rows; choose one "
                        "with --plan: 11 22"));
}

TEST(InferCommandTest, TheConsumerInputIsTheOnlyOne) {
  const Result<ConsumerInput> input = ConsumerInputOf(Scoring("risk").dump());
  ASSERT_TRUE(input.ok()) << input.status().ToString();
  EXPECT_EQ(input->name, "rows");
  EXPECT_THAT(input->columns, ElementsAre("b", "a"));
  EXPECT_THAT(ConsumerInputOf(Scoring("risk", "owner").dump()).status().message(),
              HasSubstr("the plan has 0 consumer inputs"));
  EXPECT_THAT(ConsumerInputOf("{").status().message(), HasSubstr("malformed"));
}

}  // namespace
}  // namespace arca::cli
