#include "arca/plan/plan_hash.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "arca/base/bytes.h"
#include "arca/crypto/hash.h"

namespace arca::plan {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::string ReadText(const std::string& path) {
  Result<Bytes> bytes = ReadFileBytes(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? std::string(bytes->begin(), bytes->end()) : "";
}

std::string Example(const std::string& name) {
  return ReadText(std::string(ARCA_PLAN_TESTDATA) + "/" + name);
}

std::string HashOf(std::string_view text) {
  Result<std::string> hash = PlanHashOfText(text);
  EXPECT_TRUE(hash.ok()) << hash.status().ToString() << "\n" << text;
  return hash.ok() ? *hash : "";
}

// docs/PLANS.md shows each example as "File: `testdata/plans/NAME`", then its JSON in a fenced
// block, then "Plan hash: `HEX`". Both the file and the block must hash to the printed value.
TEST(PlanHashTest, ExamplesHashToTheValuesPrintedInTheDocs) {
  const std::string doc = ReadText(ARCA_PLANS_DOC);
  for (const char* name : {"hospital_stats.json", "insurer_model.json", "insurer_infer.json"}) {
    SCOPED_TRACE(name);
    const size_t file = doc.find("File: `testdata/plans/" + std::string(name) + "`");
    ASSERT_NE(file, std::string::npos);
    const size_t block = doc.find("```json\n", file);
    ASSERT_NE(block, std::string::npos);
    const size_t block_end = doc.find("\n```\n", block);
    ASSERT_NE(block_end, std::string::npos);
    const std::string shown = doc.substr(block + 8, block_end - block - 8);
    const std::string label = "Plan hash: `";
    const size_t hash = doc.find(label, block_end);
    ASSERT_NE(hash, std::string::npos);
    const std::string printed = doc.substr(hash + label.size(), 64);
    EXPECT_EQ(HashOf(Example(name)), printed);
    EXPECT_EQ(HashOf(shown), printed);
  }
}

// The doc shows example 2's canonical text; it must be exactly what CanonicalPlanText gives.
TEST(PlanHashTest, TheDocShowsTheCanonicalText) {
  const std::string doc = ReadText(ARCA_PLANS_DOC);
  const size_t intro = doc.find("Its canonical text");
  ASSERT_NE(intro, std::string::npos);
  const size_t block = doc.find("```\n", intro);
  ASSERT_NE(block, std::string::npos);
  const size_t end = doc.find("\n```\n", block);
  ASSERT_NE(end, std::string::npos);
  const Plan plan = *Plan::Parse(Example("insurer_model.json"));
  EXPECT_EQ(doc.substr(block + 4, end - block - 4), *CanonicalPlanText(plan));
}

TEST(PlanHashTest, TheHashIsSha256OfTheCanonicalText) {
  const Plan plan = *Plan::Parse(Example("insurer_model.json"));
  const std::string text = *CanonicalPlanText(plan);
  EXPECT_EQ(*PlanHash(plan), ToHex(crypto::Sha256(AsBytes(text))));
  EXPECT_TRUE(text.starts_with(R"({"fixed_point":{"fractional_bits":18},"inputs":{)")) << text;
  // The canonical text is a plan document itself, with the same hash.
  EXPECT_EQ(*Plan::Parse(text), plan);
  EXPECT_EQ(HashOf(text), *PlanHash(plan));
}

TEST(PlanHashTest, SpellingDoesNotChangeTheHash) {
  const std::string original = Example("insurer_model.json");
  const std::string hash = HashOf(original);
  EXPECT_EQ(HashOf(json::parse(original).dump()), hash);   // no whitespace, keys sorted
  EXPECT_EQ(HashOf(json::parse(original).dump(8)), hash);  // other indentation
  // Members in another order, numbers spelt otherwise (2e2, 0.50, 1e-2, 1.8e1, 1.0), the
  // defaults written out, and the members of sets (levels, recipients, columns) reordered.
  EXPECT_EQ(HashOf(R"({"levels": ["rep3", "tee", "dealer2pc"],
    "fixed_point": {"fractional_bits": 1.8e1},
    "outputs": [{"recipients": ["insurer"], "node": "model", "name": "risk_model"}],
    "nodes": [
      {"op": "column", "id": "a", "dataset": "hospital_a",
       "columns": ["mean_texture", "mean_smoothness", "mean_radius", "malignant"]},
      {"columns": ["mean_radius", "malignant", "mean_texture", "mean_smoothness"],
       "dataset": "hospital_b", "op": "column", "id": "b"},
      {"inputs": ["a", "b"], "op": "union", "id": "patients"},
      {"store_as": "malignancy-risk-v1", "intercept": true, "standardize": true, "l2": 1e-2,
       "learning_rate": 0.50,
       "iterations": 2e2, "label": "malignant", "inputs": ["patients"],
       "features": ["mean_radius", "mean_texture", "mean_smoothness"],
       "op": "train_logistic", "id": "model"}],
    "inputs": {
      "hospital_b": {"supplied_by": "owner",
                     "columns": ["mean_texture", "malignant", "mean_smoothness", "mean_radius"]},
      "hospital_a": {"columns": ["mean_radius", "mean_smoothness", "malignant", "mean_texture"]}},
    "name": "Malignancy risk model for an insurer", "version": 1.0})"),
            hash);

  const std::string stats = Example("hospital_stats.json");
  json respelt = json::parse(stats);
  respelt.erase("fixed_point");  // 18 is the default
  respelt["nodes"][4]["statistics"] = {"max", "min", "variance", "mean", "count"};
  respelt["outputs"][1]["noise"]["delta"] = 0;  // the default for laplace
  respelt["outputs"][1]["noise"]["epsilon"] = 5e-1;
  EXPECT_EQ(HashOf(respelt.dump()), HashOf(stats));
}

// Each edit changes what the plan computes, releases or may run on.
TEST(PlanHashTest, EverySemanticChangeChangesTheHash) {
  const auto model = [](const std::function<void(json&)>& edit) {
    json plan = json::parse(Example("insurer_model.json"));
    edit(plan);
    return plan.dump();
  };
  const auto stats = [](const std::function<void(json&)>& edit) {
    json plan = json::parse(Example("hospital_stats.json"));
    edit(plan);
    return plan.dump();
  };
  const std::vector<std::string> variants = {
      model([](json&) {}),
      model([](json& p) { p["name"] = "Malignancy risk model for an insurer."; }),
      model([](json& p) { p["nodes"][3]["iterations"] = 201; }),
      model([](json& p) { p["nodes"][3]["learning_rate"] = 0.25; }),
      model([](json& p) { p["nodes"][3]["l2"] = 0; }),
      model([](json& p) { p["nodes"][3]["intercept"] = false; }),
      model([](json& p) { p["nodes"][3]["standardize"] = false; }),
      model([](json& p) {  // the order of features is the order of the weights
        p["nodes"][3]["features"] = {"mean_texture", "mean_radius", "mean_smoothness"};
      }),
      model([](json& p) { p["nodes"][3]["op"] = "train_linear"; }),
      model([](json& p) { p["nodes"][3]["store_as"] = "malignancy-risk-v2"; }),
      model([](json& p) { p["outputs"][0]["recipients"].push_back("regulator"); }),
      model([](json& p) { p["outputs"][0]["recipients"] = {"insurer2"}; }),
      model([](json& p) { p["outputs"][0]["name"] = "model"; }),
      model([](json& p) {
        p["outputs"][0]["noise"] = {
            {"mechanism", "gaussian"}, {"epsilon", 0.5}, {"delta", 1e-6}, {"sensitivity", 1}};
      }),
      model([](json& p) {
        p["levels"] = {"dealer2pc", "rep3"};
      }),
      model([](json& p) { p["fixed_point"]["fractional_bits"] = 20; }),
      model([](json& p) { p["inputs"]["hospital_b"]["supplied_by"] = "consumer"; }),
      stats([](json&) {}),
      stats([](json& p) { p["nodes"][3]["where"]["and"][0]["value"] = 19; }),
      stats([](json& p) { p["nodes"][3]["where"]["and"][0]["cmp"] = ">"; }),
      stats([](json& p) { p["nodes"][3]["where"] = p["nodes"][3]["where"]["and"][0]; }),
      stats([](json& p) {
        p["nodes"][4]["statistics"] = {"count", "mean", "variance", "min"};
      }),
      stats([](json& p) { p["nodes"][5].erase("where"); }),
      stats([](json& p) { p["outputs"][1]["noise"]["epsilon"] = 0.25; }),
      stats([](json& p) { p["outputs"][1]["noise"]["sensitivity"] = 3; }),
      stats([](json& p) { p["outputs"][1].erase("noise"); }),
      stats([](json& p) {
        p["nodes"][2]["inputs"] = {"b", "a"};
      }),  // the order of rows
  };
  std::set<std::string> hashes;
  for (const std::string& variant : variants) hashes.insert(HashOf(variant));
  EXPECT_EQ(hashes.size(), variants.size());
}

TEST(PlanHashTest, AnInvalidPlanHasNoHash) {
  json plan = json::parse(Example("hospital_stats.json"));
  plan["nodes"][2]["inputs"] = {"a", "adults"};
  EXPECT_THAT(PlanHashOfText(plan.dump()).status().message(), HasSubstr("cycle"));
  EXPECT_THAT(PlanHashOfText("{}").status().message(), HasSubstr("field 'version'"));
}

}  // namespace
}  // namespace arca::plan
