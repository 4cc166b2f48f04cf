#include "bench/plan/plan_job.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "arca/coord/test_util.h"
#include "bench/plan/manifest.h"

namespace arca::bench {
namespace {

using ::testing::HasSubstr;

// A plan reading t.k (integer) and t.x (decimal): the sum of x by k over two declared keys.
constexpr std::string_view kPlan = R"({"version": 1, "name": "sums",
  "inputs": {"t": {"columns": ["k", "x"]}},
  "nodes": [{"id": "t", "op": "column", "dataset": "t", "columns": ["k", "x"]},
            {"id": "g", "op": "groupby", "inputs": ["t"], "keys": ["k"],
             "aggregates": [{"column": "x", "how": "sum", "name": "x_sum"}],
             "domains": {"k": [0, 1]}}],
  "outputs": [{"name": "o", "node": "g", "recipients": ["lab"]}],
  "levels": ["dealer2pc", "rep3"], "fixed_point": {"fractional_bits": 18}})";

// `text` with every `from` replaced by `to`.
std::string Replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size())) {
    out.replace(at, from.size(), to);
  }
  return out;
}

class PlanJobTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, std::string_view text) {
    std::ofstream(dir_.File(name)) << text;
    return dir_.File(name);
  }
  void WriteDoubles(const std::string& name, const std::vector<double>& values) {
    std::ofstream file(dir_.File(name), std::ios::binary);
    file.write(reinterpret_cast<const char*>(values.data()),
               static_cast<std::streamsize>(values.size() * sizeof(double)));
  }
  // A manifest of 3 rows with k, x and a categorical c, and the files of k and x.
  std::string GoodManifest() {
    WriteDoubles("k.f64", {0, 1, 1});
    WriteDoubles("x.f64", {1.5, -2, 3.25});
    return Write("t.json", R"({"rows": 3, "columns": [
        {"name": "k", "type": "integer", "file": "k.f64"},
        {"name": "x", "type": "decimal", "file": "x.f64"},
        {"name": "c", "type": "categorical", "categories": ["a", "b"], "file": "c.f64"}]})");
  }
  // The message of reading a manifest of `text`.
  std::string Refusal(std::string_view text) {
    Result<DatasetManifest> manifest = ReadManifest(Write("bad.json", text));
    EXPECT_FALSE(manifest.ok()) << text;
    return manifest.ok() ? "" : manifest.status().message();
  }
  std::string JobRefusal(std::string_view plan, const std::map<std::string, std::string>& inputs) {
    Result<PlanJob> job = LoadPlanJob(Write("plan.json", plan), inputs);
    EXPECT_FALSE(job.ok());
    return job.ok() ? "" : job.status().message();
  }

  coord::testing::TempDir dir_;
};

TEST_F(PlanJobTest, ReadsAManifestAndItsColumnFiles) {
  Result<DatasetManifest> manifest = ReadManifest(GoodManifest());
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(manifest->rows, 3);
  ASSERT_EQ(manifest->columns.size(), 3U);
  EXPECT_EQ(manifest->columns[2].type, plan::ColumnType::kCategorical);
  EXPECT_EQ(manifest->columns[2].categories, (std::vector<std::string>{"a", "b"}));
  // File names are resolved against the manifest's directory.
  EXPECT_EQ(manifest->columns[1].file, dir_.File("x.f64"));
  Result<std::vector<double>> x = ReadColumnValues(*manifest, manifest->columns[1]);
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  EXPECT_EQ(*x, (std::vector<double>{1.5, -2, 3.25}));
}

TEST_F(PlanJobTest, BadManifestsAreOneLineNamingTheField) {
  const std::string bad = dir_.File("bad.json");
  EXPECT_EQ(Refusal("[1]"),
            "manifest " + bad + R"(: not a JSON object {"rows": N, "columns": [...]})");
  EXPECT_EQ(Refusal(R"({"rows": 0, "columns": []})"),
            "manifest " + bad + ": 'rows' must be an integer of at least 1");
  EXPECT_EQ(Refusal(R"({"rows": 2, "columns": []})"),
            "manifest " + bad + ": 'columns' must be a list of one or more columns");
  EXPECT_EQ(Refusal(R"({"rows": 2, "cols": []})"), "manifest " + bad + ": unknown field 'cols'");
  EXPECT_THAT(Refusal(R"({"rows": 2, "columns": [{"name": "k", "type": "int", "file": "k"}]})"),
              HasSubstr(": columns[0]: unknown column type 'int'"));
  EXPECT_THAT(Refusal(R"({"rows": 2, "columns": [{"name": "k", "type": "integer"}]})"),
              HasSubstr(": columns[0]: 'file' must be a non-empty string"));
  EXPECT_THAT(
      Refusal(R"({"rows": 2, "columns": [{"name": "c", "type": "categorical", "file": "c"}]})"),
      HasSubstr(": columns[0]: a categorical column needs 'categories'"));
  EXPECT_THAT(Refusal(R"({"rows": 2, "columns": [{"name": "x", "type": "decimal", "file": "x",
                                                 "categories": ["a"]}]})"),
              HasSubstr(": columns[0]: only a categorical column has 'categories'"));
  EXPECT_THAT(Refusal(R"({"rows": 2, "columns": [{"name": "x", "type": "decimal", "file": "x"},
                                                {"name": "x", "type": "decimal", "file": "y"}]})"),
              HasSubstr(": columns[1]: column 'x' is listed twice"));
  Result<DatasetManifest> missing = ReadManifest(dir_.File("none.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("manifest: cannot open"));
}

TEST_F(PlanJobTest, ColumnFilesMustHoldEveryRow) {
  Result<DatasetManifest> manifest = ReadManifest(GoodManifest());
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  WriteDoubles("k.f64", {0, 1});
  EXPECT_EQ(CheckColumnFile(*manifest, manifest->columns[0]).message(),
            "manifest " + dir_.File("t.json") + ": column 'k': " + dir_.File("k.f64") +
                " holds 16 bytes; 3 rows of float64 need 24");
  EXPECT_THAT(CheckColumnFile(*manifest, manifest->columns[2]).message(),
              HasSubstr("column 'c': cannot read " + dir_.File("c.f64")));
  EXPECT_FALSE(ReadColumnValues(*manifest, manifest->columns[0]).ok());
}

TEST_F(PlanJobTest, LoadsAPlanWithTheManifestsOfItsInputs) {
  Result<PlanJob> job = LoadPlanJob(Write("plan.json", kPlan), {{"t", GoodManifest()}});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->plan.plan.name, "sums");
  EXPECT_EQ(job->inputs.at("t").rows, 3);
  // The categorical column's file is missing, but the plan does not read it.
  EXPECT_TRUE(CheckPlan(dir_.File("plan.json")).ok());
}

TEST_F(PlanJobTest, RefusesManifestsThatDoNotFitThePlan) {
  const std::string manifest = GoodManifest();
  EXPECT_EQ(JobRefusal(kPlan, {}), "no manifest for plan input 't'");
  EXPECT_EQ(JobRefusal(kPlan, {{"t", manifest}, {"u", manifest}}),
            "a manifest for 'u', which the plan does not read");
  const std::string plan = Replaced(kPlan, R"(["k", "x"])", R"(["k", "y"])");
  EXPECT_EQ(JobRefusal(Replaced(plan, R"("column": "x")", R"("column": "y")"), {{"t", manifest}}),
            "manifest " + manifest + ": no column 'y', which the plan reads");
  WriteDoubles("x.f64", {1});
  EXPECT_THAT(JobRefusal(kPlan, {{"t", manifest}}), HasSubstr("column 'x': "));
}

TEST_F(PlanJobTest, InvalidPlansSayWhy) {
  const std::string plan = Replaced(kPlan, R"("op": "groupby")", R"("op": "pivot")");
  EXPECT_THAT(JobRefusal(plan, {{"t", GoodManifest()}}),
              HasSubstr("plan invalid: node 'g': field 'op': must be one of column"));
  Write("pivot.json", plan);
  EXPECT_THAT(CheckPlan(dir_.File("pivot.json")).message(), HasSubstr("plan invalid: node 'g'"));
  // With the manifest's types: a sum of a categorical column.
  const std::string manifest = GoodManifest();
  WriteDoubles("c.f64", {0, 1, 0});
  EXPECT_THAT(JobRefusal(Replaced(Replaced(kPlan, R"(["k", "x"])", R"(["c", "k"])"),
                                  R"("column": "x")", R"("column": "c")"),
                         {{"t", manifest}}),
              HasSubstr("plan invalid: node 'g' (groupby)"));
  EXPECT_THAT(CheckPlan(dir_.File("none.json")).message(), HasSubstr("plan: cannot open"));
}

}  // namespace
}  // namespace arca::bench
