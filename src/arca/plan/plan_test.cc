#include "arca/plan/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "arca/base/bytes.h"
#include "arca/plan/expression_json.h"
#include "arca/plan/validate.h"

namespace arca::plan {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string ReadExample(const std::string& name) {
  Result<Bytes> bytes = ReadFileBytes(std::string(ARCA_PLAN_TESTDATA) + "/" + name);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? std::string(bytes->begin(), bytes->end()) : "";
}

Plan ParseExample(const std::string& name) {
  Result<Plan> plan = Plan::Parse(ReadExample(name));
  EXPECT_TRUE(plan.ok()) << name << ": " << plan.status().ToString();
  return plan.ok() ? *plan : Plan{};
}

// The error from parsing `base` (an example plan) after `edit`.
std::string ErrorAfter(const std::string& base, const std::function<void(json&)>& edit) {
  json document = json::parse(ReadExample(base));
  edit(document);
  Result<Plan> plan = Plan::Parse(document.dump());
  EXPECT_FALSE(plan.ok()) << "accepted: " << document.dump();
  return plan.ok() ? "" : plan.status().message();
}
std::string StatsError(const std::function<void(json&)>& edit) {
  return ErrorAfter("hospital_stats.json", edit);
}
std::string ModelError(const std::function<void(json&)>& edit) {
  return ErrorAfter("insurer_model.json", edit);
}

TEST(PlanTest, ParsesTheStatisticsExample) {
  const Plan plan = ParseExample("hospital_stats.json");
  EXPECT_EQ(plan.name, "Tumour radius of adult patients at two hospitals");
  ASSERT_EQ(plan.inputs.size(), 2u);
  EXPECT_THAT(plan.inputs.at("hospital_a").columns, ElementsAre("age", "malignant", "mean_radius"));
  EXPECT_EQ(plan.inputs.at("hospital_b").supplied_by, Supplier::kOwner);
  ASSERT_EQ(plan.nodes.size(), 6u);
  EXPECT_EQ(plan.nodes[2].op, Op::kUnion);
  EXPECT_THAT(plan.nodes[2].inputs, ElementsAre("a", "b"));
  const auto& filter = std::get<FilterArgs>(plan.nodes[3].args);
  EXPECT_EQ(filter.where.op, frame::ExprOp::kAnd);
  ASSERT_EQ(filter.where.operands.size(), 2u);
  EXPECT_EQ(filter.where.operands[0].op, frame::ExprOp::kGreaterEqual);
  EXPECT_EQ(filter.where.operands[0].operands[1].values[0], frame::Literal(18.0));
  const auto& stats = std::get<StatsArgs>(plan.nodes[5].args);
  EXPECT_THAT(stats.statistics, ElementsAre(Statistic::kCount, Statistic::kMean));
  ASSERT_TRUE(stats.where.has_value());
  EXPECT_EQ(stats.where->operands[1].values[0], frame::Literal(true));
  ASSERT_EQ(plan.outputs.size(), 2u);
  EXPECT_FALSE(plan.outputs[0].noise.has_value());
  const Noise noise = plan.outputs[1].noise.value();
  EXPECT_EQ(noise.mechanism, Mechanism::kLaplace);
  EXPECT_EQ(noise.epsilon, 0.5);
  EXPECT_EQ(noise.delta, 0);
  EXPECT_EQ(noise.sensitivity, 2);
  EXPECT_THAT(plan.levels, ElementsAre(Level::kDealer2pc, Level::kRep3));
  EXPECT_EQ(plan.fractional_bits, 18);
}

TEST(PlanTest, ParsesTheTrainingExampleWithItsDefaults) {
  const Plan plan = ParseExample("insurer_model.json");
  const auto& train = std::get<TrainArgs>(plan.nodes[3].args);
  EXPECT_EQ(plan.nodes[3].op, Op::kTrainLogistic);
  // Features keep their order (it is the order of the weights); column sets are sorted.
  EXPECT_THAT(train.features, ElementsAre("mean_radius", "mean_texture", "mean_smoothness"));
  EXPECT_THAT(std::get<ColumnArgs>(plan.nodes[0].args).columns,
              ElementsAre("malignant", "mean_radius", "mean_smoothness", "mean_texture"));
  EXPECT_EQ(train.label, "malignant");
  EXPECT_EQ(train.iterations, 200);
  EXPECT_EQ(train.learning_rate, 0.5);
  EXPECT_EQ(train.l2, 0.01);
  EXPECT_TRUE(train.intercept);  // default
  EXPECT_TRUE(train.standardize);
  EXPECT_EQ(train.store_as, "malignancy-risk-v1");
  EXPECT_THAT(plan.levels, ElementsAre(Level::kTee, Level::kDealer2pc, Level::kRep3));
  EXPECT_EQ(plan.fractional_bits, kDefaultFractionalBits);  // no "fixed_point"

  const Plan infer = ParseExample("insurer_infer.json");
  EXPECT_EQ(infer.inputs.at("applicants").supplied_by, Supplier::kConsumer);
  EXPECT_EQ(std::get<InferArgs>(infer.nodes[1].args).model, "malignancy-risk-v1");
}

TEST(PlanTest, NormalFormWritesDefaultsAndParsesBack) {
  for (const char* name : {"hospital_stats.json", "insurer_model.json", "insurer_infer.json"}) {
    const Plan plan = ParseExample(name);
    const json normal = plan.ToJson();
    EXPECT_EQ(normal["fixed_point"]["fractional_bits"], plan.fractional_bits) << name;
    Result<Plan> again = Plan::Parse(normal.dump());
    ASSERT_TRUE(again.ok()) << name << ": " << again.status().ToString();
    EXPECT_EQ(*again, plan) << name;
    EXPECT_EQ(again->ToJson(), normal) << name;
  }
  const json model = ParseExample("insurer_model.json").ToJson();
  EXPECT_EQ(model["inputs"]["hospital_a"]["supplied_by"], "owner");
  EXPECT_EQ(model["nodes"][3]["intercept"], true);
  EXPECT_EQ(model["nodes"][3]["standardize"], true);

  json unscaled = json::parse(ReadExample("insurer_model.json"));
  unscaled["nodes"][3].erase("standardize");
  Result<Plan> plan = Plan::Parse(unscaled.dump());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_FALSE(std::get<TrainArgs>(plan->nodes[3].args).standardize);  // default
  EXPECT_EQ(plan->ToJson()["nodes"][3]["standardize"], false);
  EXPECT_FALSE(model["nodes"][0].contains("inputs"));  // a column node reads a dataset
}

TEST(PlanTest, ErrorsNameTheNodeAndTheField) {
  EXPECT_EQ(ModelError([](json& p) { p["nodes"][3]["iterations"] = 0; }),
            "node 'model' (train_logistic): field 'iterations': must be an integer in 1..10000");
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3]["iterations"] = 2.5; }),
              HasSubstr("must be an integer in 1..10000"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3]["iterations"] = "200"; }),
              HasSubstr("must be an integer in 1..10000"));
  EXPECT_EQ(ModelError([](json& p) { p["nodes"][3]["learning_rate"] = 0; }),
            "node 'model' (train_logistic): field 'learning_rate': must be a number in (0, 10]");
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3]["l2"] = -1; }),
              HasSubstr("field 'l2': must be a number in [0, 10]"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3]["intercept"] = 1; }),
              HasSubstr("field 'intercept': must be true or false"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3].erase("label"); }),
              HasSubstr("node 'model' (train_logistic): field 'label': is required"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3]["features"] = json::array(); }),
              HasSubstr("field 'features': must be a list of 1 to 1000"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3]["features"][1] = ""; }),
              HasSubstr("field 'features[1]': must be a column name"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3]["features"][1] = "mean_radius"; }),
              HasSubstr("field 'features': 'mean_radius' is listed twice"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3]["standardize"] = "yes"; }),
              HasSubstr("field 'standardize': must be true or false"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3]["store_as"] = "risk model"; }),
              HasSubstr("field 'store_as': must be a name"));
  EXPECT_EQ(
      ModelError([](json& p) { p["nodes"][3]["batch_size"] = 32; }),
      "node 'model' (train_logistic): field 'batch_size': unknown field (known: id, op, "
      "inputs, features, label, iterations, learning_rate, l2, intercept, standardize, store_as)");
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3]["op"] = "train_forest"; }),
              HasSubstr("node 'model': field 'op': must be one of column, filter, union, stats, "
                        "train_logistic, train_linear, infer"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][1]["id"] = "b b"; }),
              HasSubstr("nodes[1]: field 'id': must be a name"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][0]["inputs"] = {"b"}; }),
              HasSubstr("node 'a' (column): field 'inputs': unknown field"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][2]["inputs"] = {"a"}; }),
              HasSubstr("node 'patients' (union): field 'inputs': must be a list of 2 to 64"));
  EXPECT_THAT(ModelError([](json& p) {
                p["nodes"][2]["inputs"] = {"a", "a"};
              }),
              HasSubstr("'a' is listed twice"));
  EXPECT_THAT(ModelError([](json& p) {
                p["nodes"][3]["inputs"] = {"a", "b"};
              }),
              HasSubstr("field 'inputs': must be a list of exactly 1"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3].erase("inputs"); }),
              HasSubstr("field 'inputs': is required"));
  EXPECT_THAT(ModelError([](json& p) { p["nodes"][3] = 7; }),
              HasSubstr("nodes[3] must be a JSON object"));
}

TEST(PlanTest, StatisticsAndPredicateErrors) {
  EXPECT_THAT(StatsError([](json& p) {
                p["nodes"][4]["statistics"] = {"count", "median"};
              }),
              HasSubstr("node 'radius' (stats): field 'statistics[1]': must be one of count, "
                        "sum, mean, variance, min, max"));
  EXPECT_THAT(StatsError([](json& p) {
                p["nodes"][4]["statistics"] = {"mean", "mean"};
              }),
              HasSubstr("field 'statistics': 'mean' is listed twice"));
  EXPECT_THAT(StatsError([](json& p) { p["nodes"][3]["where"]["and"].erase(1); }),
              HasSubstr("node 'adults' (filter): field 'where.and': must be a list of two or "
                        "more expressions"));
  EXPECT_THAT(StatsError([](json& p) { p["nodes"][3]["where"]["and"][1]["value"] = "ninety"; }),
              HasSubstr("field 'where.and[1].cmp': '<' needs a number"));
  EXPECT_THAT(StatsError([](json& p) { p["nodes"][3]["where"]["and"][1]["cmp"] = "=<"; }),
              HasSubstr("field 'where.and[1].cmp': must be one of ==, !=, <, <=, >, >="));
  EXPECT_THAT(StatsError([](json& p) { p["nodes"][3]["where"]["and"][0]["colum"] = "age"; }),
              HasSubstr("field 'where.and[0].colum': unknown field"));
  EXPECT_THAT(StatsError([](json& p) { p["nodes"][3]["where"]["and"][0]["value"] = nullptr; }),
              HasSubstr("field 'where.and[0].value': must be a number, a boolean or a category"));
  EXPECT_THAT(StatsError([](json& p) { p["nodes"][3]["where"]["or"] = json::array(); }),
              HasSubstr("field 'where.or': unknown field"));
  EXPECT_THAT(StatsError([](json& p) { p["nodes"][3]["where"] = json::array(); }),
              HasSubstr("field 'where': must be an expression"));
  EXPECT_THAT(StatsError([](json& p) {
                p["nodes"][3]["where"] = {{"colour", "red"}};
              }),
              HasSubstr("field 'where': is not an expression form"));
  EXPECT_THAT(StatsError([](json& p) { p["nodes"][3].erase("where"); }),
              HasSubstr("node 'adults' (filter): field 'where': is required"));
  // An expression is a bounded circuit: a comparison of a column with a constant is two
  // forms.
  EXPECT_THAT(StatsError([](json& p) {
                json comparisons = json::array();
                for (int i = 0; i <= frame::kMaxExpressionForms / 2; ++i) {
                  comparisons.push_back({{"column", "age"}, {"cmp", "!="}, {"value", i}});
                }
                p["nodes"][3]["where"] = {{"or", comparisons}};
              }),
              HasSubstr("at most 256 forms"));
}

TEST(PlanTest, OutputAndNoiseErrors) {
  EXPECT_THAT(StatsError([](json& p) { p["outputs"][0]["recipients"] = json::array(); }),
              HasSubstr("output 'radius_adults': field 'recipients': must be a list of 1 to 32"));
  EXPECT_THAT(StatsError([](json& p) {
                p["outputs"][0]["recipients"] = {"lab", "lab"};
              }),
              HasSubstr("'lab' is listed twice"));
  EXPECT_THAT(StatsError([](json& p) { p["outputs"][0].erase("node"); }),
              HasSubstr("output 'radius_adults': field 'node': is required"));
  EXPECT_THAT(StatsError([](json& p) { p["outputs"][0].erase("name"); }),
              HasSubstr("outputs[0]: field 'name': is required"));
  EXPECT_EQ(StatsError([](json& p) { p["outputs"][1]["noise"]["epsilon"] = 0; }),
            "output 'radius_malignant': field 'noise.epsilon': must be a number > 0");
  EXPECT_THAT(StatsError([](json& p) { p["outputs"][1]["noise"]["delta"] = 1e-6; }),
              HasSubstr("field 'noise.delta': must be 0 or absent"));
  EXPECT_THAT(StatsError([](json& p) { p["outputs"][1]["noise"]["mechanism"] = "gaussian"; }),
              HasSubstr("field 'noise.delta': is required"));
  EXPECT_THAT(StatsError([](json& p) {
                p["outputs"][1]["noise"] = {
                    {"mechanism", "gaussian"}, {"epsilon", 2}, {"delta", 1e-6}, {"sensitivity", 1}};
              }),
              HasSubstr("field 'noise.epsilon': must be a number in (0, 1)"));
  EXPECT_THAT(StatsError([](json& p) { p["outputs"][1]["noise"]["sensitivity"] = -2; }),
              HasSubstr("field 'noise.sensitivity': must be a number > 0"));
  EXPECT_THAT(StatsError([](json& p) { p["outputs"][1]["noise"]["mechanism"] = "exponential"; }),
              HasSubstr("field 'noise.mechanism': must be one of laplace, gaussian"));
  EXPECT_THAT(StatsError([](json& p) { p["outputs"][1]["noise"]["clip"] = 1; }),
              HasSubstr("field 'noise.clip': unknown field"));
  EXPECT_THAT(StatsError([](json& p) { p["outputs"][1]["noise"] = 1; }),
              HasSubstr("output 'radius_malignant': field 'noise': must be an object"));
}

TEST(PlanTest, TopLevelErrors) {
  EXPECT_EQ(StatsError([](json& p) { p["version"] = 2; }),
            "field 'version': must be 1, the version of the plan language this Arca reads");
  EXPECT_THAT(StatsError([](json& p) { p.erase("version"); }),
              HasSubstr("field 'version': is required"));
  EXPECT_THAT(StatsError([](json& p) { p["comment"] = "x"; }),
              HasSubstr("field 'comment': unknown field"));
  EXPECT_THAT(StatsError([](json& p) { p["name"] = ""; }),
              HasSubstr("field 'name': must be a text of 1 to 200 bytes"));
  EXPECT_THAT(StatsError([](json& p) {
                p["levels"] = {"rep3", "sgx"};
              }),
              HasSubstr("field 'levels[1]': must be one of tee, dealer2pc, rep3"));
  EXPECT_THAT(StatsError([](json& p) {
                p["levels"] = {"rep3", "rep3"};
              }),
              HasSubstr("field 'levels': 'rep3' is listed twice"));
  EXPECT_THAT(StatsError([](json& p) { p["levels"] = json::array(); }),
              HasSubstr("field 'levels': must be a list of 1 to 3"));
  EXPECT_EQ(StatsError([](json& p) { p["fixed_point"]["fractional_bits"] = 30; }),
            "field 'fixed_point.fractional_bits': must be an integer in 8..26");
  EXPECT_THAT(StatsError([](json& p) { p["fixed_point"]["integer_bits"] = 30; }),
              HasSubstr("field 'fixed_point.integer_bits': unknown field"));
  EXPECT_THAT(StatsError([](json& p) { p["inputs"] = json::object(); }),
              HasSubstr("field 'inputs': must be an object of 1 to 64 datasets"));
  EXPECT_THAT(StatsError([](json& p) { p["inputs"]["bad name"] = p["inputs"]["hospital_a"]; }),
              HasSubstr("'bad name' is not a dataset name"));
  EXPECT_THAT(StatsError([](json& p) { p["inputs"]["hospital_a"]["supplied_by"] = "platform"; }),
              HasSubstr("input 'hospital_a': field 'supplied_by': must be one of owner, consumer"));
  EXPECT_THAT(StatsError([](json& p) { p["inputs"]["hospital_a"]["columns"][0] = "a\tb"; }),
              HasSubstr("input 'hospital_a': field 'columns[0]': must be a column name"));
  EXPECT_THAT(StatsError([](json& p) { p["nodes"] = json::array(); }),
              HasSubstr("field 'nodes': must be a list of 1 to 1000"));
  EXPECT_THAT(StatsError([](json& p) { p = json::array(); }),
              HasSubstr("a plan must be a JSON object"));
}

TEST(PlanTest, RefusesBadTextBeforeReadingFields) {
  EXPECT_THAT(Plan::Parse("{\"version\": 1,").status().message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(Plan::Parse(R"({"version": 1, "version": 1})").status().message(),
              HasSubstr("duplicate member name \"version\""));
  EXPECT_THAT(Plan::Parse(std::string(kMaxPlanBytes + 1, ' ')).status().message(),
              HasSubstr("a plan is at most 1048576 bytes"));
}

TEST(PlanTest, AnalyticsOpsReadWriteAndValidate) {
  const std::string document = R"({
    "version": 1, "name": "Analytics",
    "inputs": {"h": {"columns": ["age", "income", "site", "smoker"]}},
    "nodes": [
      {"id": "rows", "op": "column", "dataset": "h", "columns": ["age", "income", "site", "smoker"]},
      {"id": "g", "op": "groupby", "inputs": ["rows"], "keys": ["site", "age"],
       "aggregates": [{"column": "income", "how": "mean", "name": "income_mean"},
                      {"column": "income", "how": "size", "name": "n"}],
       "domains": {"age": [30, 40]}, "min_group_size": 5},
      {"id": "s", "op": "sort", "inputs": ["rows"], "by": [{"column": "income", "ascending": false}]},
      {"id": "top", "op": "head", "inputs": ["s"], "n": 10},
      {"id": "d", "op": "distinct", "inputs": ["rows"], "columns": ["site"]},
      {"id": "desc", "op": "describe", "inputs": ["rows"], "columns": ["age", "income"]},
      {"id": "q", "op": "quantile", "inputs": ["rows"], "column": "income", "q": [0.1, 0.9]},
      {"id": "vc", "op": "value_counts", "inputs": ["rows"], "column": "site"},
      {"id": "hist", "op": "histogram", "inputs": ["rows"], "column": "age", "edges": [0, 50, 100]},
      {"id": "cov", "op": "cov", "inputs": ["rows"], "columns": ["age", "income"]},
      {"id": "corr", "op": "corr", "inputs": ["rows"], "columns": ["age", "income"]},
      {"id": "x", "op": "crosstab", "inputs": ["rows"], "index": "site", "columns": "smoker"},
      {"id": "all", "op": "aggregate", "inputs": ["rows"],
       "aggregates": [{"column": "site", "how": "nunique", "name": "sites"},
                      {"column": "income", "how": "std", "name": "income_std"}]}
    ],
    "outputs": [{"name": "g", "node": "g", "recipients": ["lab"]},
                {"name": "top", "node": "top", "recipients": ["lab"]},
                {"name": "d", "node": "d", "recipients": ["lab"]},
                {"name": "desc", "node": "desc", "recipients": ["lab"]},
                {"name": "q", "node": "q", "recipients": ["lab"]},
                {"name": "vc", "node": "vc", "recipients": ["lab"]},
                {"name": "hist", "node": "hist", "recipients": ["lab"]},
                {"name": "cov", "node": "cov", "recipients": ["lab"]},
                {"name": "corr", "node": "corr", "recipients": ["lab"]},
                {"name": "x", "node": "x", "recipients": ["lab"]},
                {"name": "all", "node": "all", "recipients": ["lab"]}],
    "levels": ["rep3"]})";
  Result<Plan> plan = Plan::Parse(document);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // The normal form reads back as the same plan; lists whose order means something keep it.
  Result<Plan> again = Plan::Parse(plan->ToJson().dump());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *plan);
  const auto& g = std::get<GroupByArgs>(plan->nodes[1].args);
  EXPECT_THAT(g.keys, ElementsAre("site", "age"));
  EXPECT_EQ(g.aggregates[1].how, frame::Aggregation::kSize);
  EXPECT_EQ(std::get<DescribeArgs>(plan->nodes[5].args).percentiles,
            (std::vector<double>{0.25, 0.5, 0.75}));
  const Schemas schemas = {{"h",
                            {{"age", ColumnType::kInteger},
                             {"income", ColumnType::kDecimal},
                             {"site", ColumnType::kCategorical},
                             {"smoker", ColumnType::kBoolean}}}};
  EXPECT_THAT(FindProblems(*plan, schemas), IsEmpty());

  json bad = json::parse(document);
  bad["nodes"][1]["aggregates"][0]["how"] = "median";
  EXPECT_THAT(Plan::Parse(bad.dump()).status().message(),
              HasSubstr("node 'g' (groupby): field 'aggregates[0].how': unknown aggregation "
                        "'median' (known: count, size, sum, mean, min, max, var, std, "
                        "nunique)"));
  bad = json::parse(document);
  bad["nodes"][1]["aggregates"][0]["how"] = "nunique";
  EXPECT_THAT(FindProblems(*Plan::Parse(bad.dump()), schemas),
              ElementsAre(HasSubstr("node 'g' (groupby): field 'aggregates': aggregate "
                                    "'income_mean': nunique per group is not supported")));
  EXPECT_EQ(std::get<AggregateArgs>(plan->nodes[12].args).aggregates[0].how,
            frame::Aggregation::kNunique);
  bad = json::parse(document);
  bad["nodes"][9]["columns"] = {"age", "site"};
  EXPECT_THAT(FindProblems(*Plan::Parse(bad.dump()), schemas),
              ElementsAre(HasSubstr("node 'cov' (cov): field 'columns[1]': column 'site' is "
                                    "categorical")));
}

TEST(ExpressionJsonTest, WritesWhatItReadsInTheNormalForm) {
  const json source = json::parse(R"({"or": [
      {"not": {"column": "sex", "cmp": "==", "value": "F"}},
      {"and": [{"column": "smoker", "cmp": "!=", "value": false},
               {"cmp": "<=", "left": {"add": [{"column": "age"}, {"value": 1}]},
                "right": {"column": "limit"}}]},
      {"isin": {"column": "site"}, "values": ["north", "east"]},
      {"cmp": ">", "left": {"if": {"is_null": {"column": "bmi"}}, "then": {"value": 0},
                            "else": {"sqrt": {"column": "bmi"}}},
       "right": {"fill_null": {"column": "w"}, "value": 2.5}}]})");
  const Where where{"node 'f' (filter)", ""};
  Result<frame::Expression> expression = ParseExpression(source, where, "where");
  ASSERT_TRUE(expression.ok()) << expression.status().ToString();
  EXPECT_EQ(ExpressionToJson(*expression), source);
  // The long form of a column compared with a constant is written short.
  const json long_form =
      json::parse(R"({"cmp": ">=", "left": {"column": "age"}, "right": {"value": 18}})");
  Result<frame::Expression> short_form = ParseExpression(long_form, where, "where");
  ASSERT_TRUE(short_form.ok());
  EXPECT_EQ(ExpressionToJson(*short_form),
            json::parse(R"({"column": "age", "cmp": ">=", "value": 18})"));
  EXPECT_THAT(ParseExpression(json::parse(R"({"isin": {"column": "s"}, "values": ["a", "a"]})"),
                              where, "where")
                  .status()
                  .message(),
              HasSubstr("field 'where.values[1]': is listed twice"));
}

}  // namespace
}  // namespace arca::plan
