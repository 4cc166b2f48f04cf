#include "arca/plan/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "arca/base/bytes.h"

namespace arca::plan {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

json Example(const std::string& name) {
  Result<Bytes> bytes = ReadFileBytes(std::string(ARCA_PLAN_TESTDATA) + "/" + name);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? json::parse(bytes->begin(), bytes->end()) : json();
}

Plan ParsePlan(const json& document) {
  Result<Plan> plan = Plan::Parse(document.dump());
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return plan.ok() ? *plan : Plan{};
}

// Every problem in `base` (an example plan) after `edit`.
std::vector<std::string> ProblemsAfter(const std::string& base,
                                       const std::function<void(json&)>& edit,
                                       const Schemas& schemas = {}) {
  json document = Example(base);
  edit(document);
  return FindProblems(ParsePlan(document), schemas);
}
std::vector<std::string> StatsProblems(const std::function<void(json&)>& edit,
                                       const Schemas& schemas = {}) {
  return ProblemsAfter("hospital_stats.json", edit, schemas);
}
std::vector<std::string> ModelProblems(const std::function<void(json&)>& edit,
                                       const Schemas& schemas = {}) {
  return ProblemsAfter("insurer_model.json", edit, schemas);
}

// The hospitals' schema as their owners declared it at upload.
Schemas HospitalSchemas() {
  const std::map<std::string, ColumnType> columns = {{"age", ColumnType::kInteger},
                                                     {"malignant", ColumnType::kBoolean},
                                                     {"mean_radius", ColumnType::kDecimal},
                                                     {"mean_texture", ColumnType::kDecimal},
                                                     {"mean_smoothness", ColumnType::kDecimal},
                                                     {"site", ColumnType::kCategorical}};
  return {{"hospital_a", columns}, {"hospital_b", columns}};
}

TEST(ValidateTest, TheExamplesAreValid) {
  for (const char* name : {"hospital_stats.json", "insurer_model.json", "insurer_infer.json"}) {
    EXPECT_THAT(FindProblems(ParsePlan(Example(name)), HospitalSchemas()), IsEmpty()) << name;
  }
  Result<ValidatedPlan> stats =
      Validate(ParsePlan(Example("hospital_stats.json")), HospitalSchemas());
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_THAT(stats->order, ElementsAre(0, 1, 2, 3, 4, 5));
  EXPECT_EQ(stats->values[3].kind, ValueKind::kTable);
  EXPECT_EQ(stats->values[3].columns.at("age"), ColumnType::kInteger);
  EXPECT_EQ(stats->values[4].kind, ValueKind::kStatistics);
  Result<ValidatedPlan> model = Validate(ParsePlan(Example("insurer_model.json")));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->values[3].kind, ValueKind::kModel);
  // Without schemas, column types are unknown.
  EXPECT_EQ(model->values[2].columns.at("malignant"), std::nullopt);
}

TEST(ValidateTest, OrderPutsInputsFirstAndBreaksTiesByDocumentOrder) {
  json document = Example("hospital_stats.json");
  // Listed backwards: stats, stats, filter, union, b, a.
  json reversed = json::array();
  for (auto it = document["nodes"].rbegin(); it != document["nodes"].rend(); ++it) {
    reversed.push_back(*it);
  }
  document["nodes"] = reversed;
  Result<ValidatedPlan> plan = Validate(ParsePlan(document));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::vector<std::string> ids;
  for (const size_t i : plan->order) ids.push_back(plan->plan.nodes[i].id);
  EXPECT_THAT(ids, ElementsAre("b", "a", "patients", "adults", "radius_malignant", "radius"));
}

TEST(ValidateTest, ReferencesMustExist) {
  EXPECT_THAT(StatsProblems([](json& p) { p["nodes"][3]["inputs"] = {"nobody"}; }),
              ElementsAre("node 'adults' (filter): field 'inputs': no node has the id 'nobody'"));
  EXPECT_THAT(StatsProblems([](json& p) { p["nodes"][1]["id"] = "a"; }),
              Contains("node 'a' (column): field 'id': an earlier node has the same id"));
  EXPECT_THAT(StatsProblems([](json& p) { p["nodes"][1]["dataset"] = "hospital_c"; }),
              ElementsAre("node 'b' (column): field 'dataset': 'hospital_c' is not among the "
                          "plan's inputs (hospital_a, hospital_b)"));
  EXPECT_THAT(StatsProblems([](json& p) { p["nodes"][1]["columns"][0] = "bmi"; }),
              ElementsAre("node 'b' (column): field 'columns': 'bmi' is not among the columns "
                          "input 'hospital_b' declares (age, malignant, mean_radius)"));
  EXPECT_THAT(StatsProblems([](json& p) { p["outputs"][0]["node"] = "radios"; }),
              ElementsAre("output 'radius_adults': field 'node': no node has the id 'radios'"));
}

TEST(ValidateTest, CyclesAreNamed) {
  EXPECT_THAT(StatsProblems([](json& p) {
                p["nodes"][2]["inputs"] = {"a", "adults"};
              }),
              ElementsAre("node 'patients' (union): field 'inputs': the nodes form a cycle, each "
                          "reading the next: patients -> adults -> patients"));
  EXPECT_THAT(StatsProblems([](json& p) { p["nodes"][3]["inputs"] = {"adults"}; }),
              ElementsAre("node 'adults' (filter): field 'inputs': the nodes form a cycle, each "
                          "reading the next: adults -> adults"));
}

TEST(ValidateTest, EachOpGetsTheKindOfValueItNeeds) {
  const auto problems = ModelProblems([](json& p) {
    const auto stats = [](const char* id, const char* input) {
      return json{{"id", id},
                  {"op", "stats"},
                  {"inputs", {input}},
                  {"column", "mean_radius"},
                  {"statistics", {"count"}}};
    };
    p["nodes"].push_back(stats("of_model", "model"));
    p["nodes"].push_back(stats("after_mistake", "of_model"));
    p["nodes"].push_back(stats("count", "patients"));
    p["nodes"].push_back(stats("of_count", "count"));
    for (const char* node : {"after_mistake", "of_count"}) {
      p["outputs"].push_back({{"name", node}, {"node", node}, {"recipients", {"insurer"}}});
    }
  });
  // One mistake, one message: nothing is said of 'after_mistake', whose input is broken.
  EXPECT_THAT(problems,
              ElementsAre("node 'of_model' (stats): field 'inputs': 'model' is a model, not a "
                          "table",
                          "node 'of_count' (stats): field 'inputs': 'count' is statistics, not a "
                          "table"));
}

TEST(ValidateTest, ColumnsMustExistWhereTheyAreUsed) {
  EXPECT_THAT(StatsProblems([](json& p) { p["nodes"][3]["where"]["and"][0]["column"] = "agee"; }),
              ElementsAre("node 'adults' (filter): field 'where': the input 'patients' has "
                          "no column 'agee' (its columns: age, malignant, mean_radius)"));
  EXPECT_THAT(StatsProblems([](json& p) { p["nodes"][4]["column"] = "radius"; }),
              ElementsAre(HasSubstr("node 'radius' (stats): field 'column': the input 'adults' "
                                    "has no column 'radius'")));
  EXPECT_THAT(ModelProblems([](json& p) { p["nodes"][3]["features"][2] = "smoothness"; }),
              ElementsAre(HasSubstr("node 'model' (train_logistic): field 'features[2]': the "
                                    "input 'patients' has no column 'smoothness'")));
  EXPECT_THAT(ModelProblems([](json& p) { p["nodes"][3]["label"] = "mean_texture"; }),
              ElementsAre("node 'model' (train_logistic): field 'label': 'mean_texture' is also "
                          "a feature"));
  EXPECT_THAT(ModelProblems([](json& p) {
                p["inputs"]["hospital_b"]["columns"][3] = "mean_area";
                p["nodes"][1]["columns"][3] = "mean_area";
              }),
              ElementsAre("node 'patients' (union): field 'inputs': 'b' has the columns "
                          "(malignant, mean_area, mean_radius, mean_smoothness) but 'a' has "
                          "(malignant, mean_radius, mean_smoothness, mean_texture); a union "
                          "needs the same columns"));
}

TEST(ValidateTest, OutputsHaveDistinctNamesAndNoiseOnNumbersOnly) {
  // A table may leave (its node then leaves the stats node 'radius' unused).
  EXPECT_THAT(StatsProblems([](json& p) { p["outputs"][0]["node"] = "adults"; }),
              ElementsAre("node 'radius' (stats): its result is used by no output, no other node "
                          "and no stored model"));
  EXPECT_THAT(StatsProblems([](json& p) { p["outputs"][1]["node"] = "adults"; }),
              Contains("output 'radius_malignant': field 'noise': node 'adults' (filter) releases "
                       "rows; noise applies to statistics, models, predictions and summary tables "
                       "(groupby, aggregate, describe, quantile, value_counts, histogram, cov, "
                       "corr, crosstab)"));
  EXPECT_THAT(StatsProblems([](json& p) { p["outputs"][1]["name"] = "radius_adults"; }),
              ElementsAre("output 'radius_adults': field 'name': an earlier output has the same "
                          "name"));
  json infer = Example("insurer_infer.json");
  EXPECT_THAT(FindProblems(ParsePlan(infer)), IsEmpty());  // predictions may leave
}

TEST(ValidateTest, EverythingDeclaredIsUsed) {
  EXPECT_THAT(StatsProblems([](json& p) { p["outputs"].erase(1); }),
              ElementsAre("node 'radius_malignant' (stats): its result is used by no output, no "
                          "other node and no stored model"));
  // A stored model is a use even when it is not released.
  EXPECT_THAT(ModelProblems([](json& p) { p["outputs"][0]["node"] = "model"; }), IsEmpty());
  json model = Example("insurer_model.json");
  model["nodes"][3].erase("store_as");
  model["outputs"] = json::array({{{"name", "other"}, {"node", "model"}, {"recipients", {"x"}}}});
  EXPECT_THAT(FindProblems(ParsePlan(model)), IsEmpty());
  EXPECT_THAT(StatsProblems([](json& p) {
                p["inputs"]["hospital_c"] = {{"columns", {"age"}}};
                p["inputs"]["hospital_a"]["columns"].push_back("bmi");
              }),
              ElementsAre("input 'hospital_a': field 'columns': 'bmi' is declared but no column "
                          "node selects it",
                          "input 'hospital_c': no column node reads this dataset"));
  EXPECT_THAT(ModelProblems([](json& p) {
                json second = p["nodes"][3];
                second["id"] = "model2";
                p["nodes"].push_back(second);
              }),
              ElementsAre("node 'model2' (train_logistic): field 'store_as': node 'model' stores "
                          "a model under the same name"));
}

TEST(ValidateTest, ConstantsMustFitTheFixedPointRange) {
  EXPECT_THAT(StatsProblems([](json& p) { p["nodes"][3]["where"]["and"][1]["value"] = 1e20; }),
              ElementsAre("node 'adults' (filter): field 'where': 100000000000000000000 "
                          "is outside the fixed-point range: |value| < 2^44 with 18 fractional "
                          "bits"));
  // 2^37 fits 18 fractional bits but not 26.
  EXPECT_THAT(StatsProblems([](json& p) { p["nodes"][3]["where"]["and"][1]["value"] = 1LL << 37; }),
              IsEmpty());
  EXPECT_THAT(StatsProblems([](json& p) {
                p["nodes"][3]["where"]["and"][1]["value"] = 1LL << 37;
                p["fixed_point"]["fractional_bits"] = 26;
              }),
              ElementsAre(HasSubstr("|value| < 2^36 with 26 fractional bits")));
}

TEST(ValidateTest, SchemasCheckColumnTypes) {
  const Schemas schemas = HospitalSchemas();
  EXPECT_THAT(
      StatsProblems([](json& p) { p["inputs"]["hospital_a"]["columns"][0] = "bmi"; }, schemas),
      Contains("input 'hospital_a': field 'columns': 'bmi' is not a column of the "
               "dataset's schema (age, malignant, mean_radius, mean_smoothness, "
               "mean_texture, site)"));
  const auto with_site = [](json& p) {
    for (const char* dataset : {"hospital_a", "hospital_b"}) {
      p["inputs"][dataset]["columns"].push_back("site");
    }
    p["nodes"][0]["columns"].push_back("site");
    p["nodes"][1]["columns"].push_back("site");
  };
  EXPECT_THAT(StatsProblems(
                  [&](json& p) {
                    with_site(p);
                    p["nodes"][4]["column"] = "site";
                  },
                  schemas),
              ElementsAre("node 'radius' (stats): field 'column': column 'site' is categorical; "
                          "every statistic but count needs a number (integer, decimal or "
                          "boolean)"));
  EXPECT_THAT(StatsProblems(
                  [&](json& p) {
                    with_site(p);
                    p["nodes"][4]["column"] = "site";
                    p["nodes"][4]["statistics"] = {"count"};
                  },
                  schemas),
              IsEmpty());
  EXPECT_THAT(
      StatsProblems(
          [&](json& p) {
            with_site(p);
            p["nodes"][3]["where"]["and"][0] = {{"column", "site"}, {"cmp", "=="}, {"value", 3}};
            p["nodes"][3]["where"]["and"][1] = {
                {"column", "site"}, {"cmp", "!="}, {"value", "north"}};
          },
          schemas),
      ElementsAre("node 'adults' (filter): field 'where': column 'site' is "
                  "categorical; compare it with a category (a string)"));
  EXPECT_THAT(StatsProblems([](json& p) { p["nodes"][5]["where"]["value"] = "yes"; }, schemas),
              ElementsAre("node 'radius_malignant' (stats): field 'where': column "
                          "'malignant' is boolean; compare it with true or false"));
  EXPECT_THAT(StatsProblems([](json& p) { p["nodes"][5]["where"]["value"] = 1; }, schemas),
              ElementsAre(HasSubstr("column 'malignant' is boolean; compare it with true or "
                                    "false")));
  EXPECT_THAT(
      StatsProblems(
          [](json& p) {
            p["nodes"][3]["where"]["and"][0] = {{"column", "age"}, {"cmp", "=="}, {"value", true}};
          },
          schemas),
      ElementsAre(HasSubstr("column 'age' is integer; true and false compare with "
                            "booleans only")));
}

TEST(ValidateTest, SchemasCheckTrainingAndInference) {
  const Schemas schemas = HospitalSchemas();
  EXPECT_THAT(ModelProblems(
                  [](json& p) {
                    p["nodes"][3]["label"] = "mean_smoothness";
                    p["nodes"][3]["features"].erase(2);
                  },
                  schemas),
              ElementsAre("node 'model' (train_logistic): field 'label': column "
                          "'mean_smoothness' is decimal; logistic regression needs a boolean or "
                          "0/1 integer label"));
  EXPECT_THAT(ModelProblems(
                  [](json& p) {
                    p["nodes"][3]["op"] = "train_linear";
                    p["nodes"][3]["label"] = "mean_smoothness";
                    p["nodes"][3]["features"].erase(2);
                  },
                  schemas),
              IsEmpty());
  Schemas mixed = schemas;
  mixed["hospital_b"]["mean_texture"] = ColumnType::kCategorical;
  EXPECT_THAT(ModelProblems([](json&) {}, mixed),
              ElementsAre("node 'patients' (union): field 'inputs': column 'mean_texture' is "
                          "decimal in 'a' but categorical in 'b'"));
  Schemas applicants = {{"applicants",
                         {{"mean_radius", ColumnType::kDecimal},
                          {"mean_smoothness", ColumnType::kDecimal},
                          {"mean_texture", ColumnType::kCategorical}}}};
  EXPECT_THAT(ProblemsAfter(
                  "insurer_infer.json", [](json&) {}, applicants),
              ElementsAre("node 'risk' (infer): field 'features[1]': column 'mean_texture' is "
                          "categorical; a feature needs a number (integer, decimal or boolean)"));
}

TEST(ValidateTest, ValidateReportsTheFirstProblemAndCountsTheRest) {
  json document = Example("hospital_stats.json");
  document["nodes"][3]["inputs"] = {"nobody"};
  document["outputs"][0]["node"] = "nothing";
  document["nodes"][1]["dataset"] = "hospital_c";
  Result<ValidatedPlan> plan = Validate(ParsePlan(document));
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(plan.status().message(),
            "node 'b' (column): field 'dataset': 'hospital_c' is not among the plan's inputs "
            "(hospital_a, hospital_b) (and 2 more problems)");
}

TEST(ValidateTest, ColumnTypeNames) {
  for (const ColumnType type : {ColumnType::kInteger, ColumnType::kDecimal, ColumnType::kBoolean,
                                ColumnType::kCategorical}) {
    EXPECT_EQ(ParseColumnType(ColumnTypeName(type)).value(), type);
  }
  EXPECT_THAT(ParseColumnType("float").status().message(),
              HasSubstr("unknown column type 'float'"));
}

}  // namespace
}  // namespace arca::plan
