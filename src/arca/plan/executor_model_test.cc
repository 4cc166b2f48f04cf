// Training and inference through plans: the example plans of testdata/plans, a filtered linear
// regression, and a stored model used by a second run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "arca/plan/executor.h"
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

// Weights against double-precision gradient descent with the same hyperparameters: the
// tolerance of ml/linear_model_test.cc (1e-4, 26 ulp at f = 18; the errors stay at a few ulp
// because the descent contracts). Predictions of given weights: one matrix product and a
// sigmoid, a few ulp each.
constexpr double kWeightTolerance = 1e-4;
// Predictions of a model trained on standardised features (see the insurer test).
constexpr double kStandardizedPredictionTolerance = 5e-3;
constexpr double kPredictionTolerance = 1e-4;

// Rows shaped like the insurer plans' tables: three decimal measurements (centred and scaled,
// as a data scientist would prepare them for gradient descent) and a malignancy flag.
const std::vector<std::string> kFeatures = {"mean_radius", "mean_texture", "mean_smoothness"};

DatasetData Patients(std::mt19937_64& rng, int64_t rows, bool with_label) {
  DatasetData d;
  std::normal_distribution<double> normal(0, 1);
  const std::vector<double> truth = {1.8, -0.9, 0.6};
  for (const std::string& f : kFeatures) d.columns[f].type = ColumnType::kDecimal;
  if (with_label) d.columns["malignant"].type = ColumnType::kBoolean;
  for (int64_t i = 0; i < rows; ++i) {
    double z = -0.4;
    for (size_t j = 0; j < kFeatures.size(); ++j) {
      d.columns[kFeatures[j]].values.push_back(normal(rng));
      z += truth[j] * d.columns[kFeatures[j]].values.back();
    }
    if (with_label) {
      const bool label = std::uniform_real_distribution<double>(0, 1)(rng) < 1 / (1 + std::exp(-z));
      d.columns["malignant"].values.push_back(label ? 1 : 0);
    }
  }
  return d;
}

struct Rows {
  std::vector<std::vector<double>> x;
  std::vector<double> y;
};

// Gradient descent in double precision (ml/linear_model.h's definition).
std::vector<double> FloatDescent(const Rows& rows, bool logistic, int iterations, double lr,
                                 double l2, bool intercept) {
  const size_t d = rows.x.front().size(), cols = d + (intercept ? 1 : 0);
  const auto m = static_cast<double>(rows.x.size());
  std::vector<double> w(cols, 0.0);
  for (int t = 0; t < iterations; ++t) {
    std::vector<double> g(cols, 0.0);
    for (size_t i = 0; i < rows.x.size(); ++i) {
      double z = intercept ? w[d] : 0;
      for (size_t j = 0; j < d; ++j) z += rows.x[i][j] * w[j];
      const double e = (logistic ? 1 / (1 + std::exp(-z)) : z) - rows.y[i];
      for (size_t j = 0; j < d; ++j) g[j] += e * rows.x[i][j];
      if (intercept) g[d] += e;
    }
    for (size_t j = 0; j < cols; ++j) w[j] -= lr * (g[j] / m + (j < d ? l2 * w[j] : 0));
  }
  return w;
}

// Logistic regression with an intercept on features standardised over the rows (population
// standard deviation), the model then rewritten for raw features (docs/PLANS.md, `standardize`).
std::vector<double> FloatStandardizedDescent(const Rows& rows, int iterations, double lr,
                                             double l2) {
  const size_t d = rows.x.front().size();
  const auto m = static_cast<double>(rows.x.size());
  std::vector<double> mean(d, 0.0), std(d, 0.0);
  for (const auto& x : rows.x) {
    for (size_t j = 0; j < d; ++j) mean[j] += x[j] / m;
  }
  for (const auto& x : rows.x) {
    for (size_t j = 0; j < d; ++j) std[j] += (x[j] - mean[j]) * (x[j] - mean[j]) / m;
  }
  for (double& s : std) s = std::sqrt(s);
  Rows scaled = rows;
  for (auto& x : scaled.x) {
    for (size_t j = 0; j < d; ++j) x[j] = (x[j] - mean[j]) / std[j];
  }
  std::vector<double> w = FloatDescent(scaled, true, iterations, lr, l2, true);
  for (size_t j = 0; j < d; ++j) {
    w[j] /= std[j];
    w[d] -= w[j] * mean[j];
  }
  return w;
}

double FloatPredict(const std::vector<double>& x, const std::vector<double>& w, bool logistic) {
  double z = w.size() > x.size() ? w.back() : 0;
  for (size_t j = 0; j < x.size(); ++j) z += x[j] * w[j];
  return logistic ? 1 / (1 + std::exp(-z)) : z;
}

// The rows of `data`'s datasets in order, features as uploaded.
Rows RowsOf(const Datasets& data, const std::vector<std::string>& features,
            const std::string& label) {
  Rows rows;
  for (const auto& [name, d] : data) {
    for (size_t i = 0; i < static_cast<size_t>(d.rows()); ++i) {
      std::vector<double> x;
      x.reserve(features.size());
      for (const std::string& f : features) x.push_back(d.Uploaded(f, i));
      rows.x.push_back(std::move(x));
      if (!label.empty()) rows.y.push_back(d.columns.at(label).values[i]);
    }
  }
  return rows;
}

class ExecutorModelTest : public ::testing::TestWithParam<ProtocolKind> {};

TEST_P(ExecutorModelTest, TheInsurerModelTrainsAndItsStoredCopyScoresApplicants) {
  const ProtocolKind kind = GetParam();
  Result<ValidatedPlan> train_plan = LoadPlan(ReadExample("insurer_model.json"));
  ASSERT_TRUE(train_plan.ok()) << train_plan.status().ToString();
  std::mt19937_64 rng(17);
  const Datasets hospitals = {{"hospital_a", Patients(rng, 160, true)},
                              {"hospital_b", Patients(rng, 120, true)}};
  const PlanRun trained = RunPlan(kind, *train_plan, hospitals);
  for (const Status& s : trained.statuses) ASSERT_TRUE(s.ok()) << s.ToString();
  testing::PrintTraffic("insurer_model", kind, trained);

  // The plan: 200 iterations, learning rate 0.5, l2 0.01, an intercept, standardised features.
  // The model is released on raw features; the secure standardisation scales with about a per
  // cent of error (ml/standardize.h), which changes the descent's path a little, so the model
  // is compared by its predictions on the training rows.
  const Rows training = RowsOf(hospitals, kFeatures, "malignant");
  const std::vector<double> want = FloatStandardizedDescent(training, 200, 0.5, 0.01);
  const testing::Released& model = trained.outputs.at("risk_model");
  EXPECT_THAT(model.labels,
              ElementsAre("mean_radius", "mean_texture", "mean_smoothness", "intercept"));
  EXPECT_THAT(model.recipients, ElementsAre("insurer"));
  ASSERT_EQ(model.values.size(), want.size());
  for (size_t i = 0; i < training.x.size(); ++i) {
    EXPECT_NEAR(FloatPredict(training.x[i], model.values, true),
                FloatPredict(training.x[i], want, true), kStandardizedPredictionTolerance)
        << "row " << i;
  }
  // Every party keeps its share of the model under the plan's store_as.
  std::vector<std::map<std::string, StoredModel>> stored;
  for (const ExecutionResult& r : trained.results) {
    ASSERT_TRUE(r.stored_models.contains("malignancy-risk-v1"));
    const StoredModel& m = r.stored_models.at("malignancy-risk-v1");
    EXPECT_EQ(m.kind, ml::ModelKind::kLogistic);
    EXPECT_EQ(m.features, std::vector<std::string>(kFeatures));
    stored.push_back(r.stored_models);
  }

  // A second job: the insurer's applicants, scored by the stored model.
  Result<ValidatedPlan> infer_plan = LoadPlan(ReadExample("insurer_infer.json"));
  ASSERT_TRUE(infer_plan.ok()) << infer_plan.status().ToString();
  const Datasets applicants = {{"applicants", Patients(rng, 30, false)}};
  const PlanRun scored = RunPlan(kind, *infer_plan, applicants, {}, stored);
  for (const Status& s : scored.statuses) ASSERT_TRUE(s.ok()) << s.ToString();
  testing::PrintTraffic("insurer_infer", kind, scored);
  const testing::Released& risk = scored.outputs.at("risk");
  const Rows rows = RowsOf(applicants, kFeatures, "");
  ASSERT_EQ(risk.values.size(), rows.x.size());
  for (size_t i = 0; i < rows.x.size(); ++i) {
    EXPECT_EQ(risk.labels[i], "prediction[" + std::to_string(i) + "]");
    EXPECT_NEAR(risk.values[i], FloatPredict(rows.x[i], model.values, true), kPredictionTolerance)
        << "applicant " << i;
  }
}

// A linear model on the rows a filter keeps; its predictions on rows a filter removes are
// released as 0.
constexpr std::string_view kLinearPlan = R"({
  "version": 1, "name": "Costs",
  "inputs": {"claims": {"columns": ["age", "cost", "region", "visits"]},
             "people": {"columns": ["age", "region", "visits"], "supplied_by": "consumer"}},
  "nodes": [
    {"id": "claims", "op": "column", "dataset": "claims", "columns": ["age", "cost", "region", "visits"]},
    {"id": "south", "op": "filter", "inputs": ["claims"],
     "where": {"column": "region", "cmp": "==", "value": "south"}},
    {"id": "model", "op": "train_linear", "inputs": ["south"], "features": ["age", "visits"],
     "label": "cost", "iterations": 80, "learning_rate": 0.4, "l2": 0.05, "store_as": "cost"},
    {"id": "people", "op": "column", "dataset": "people", "columns": ["age", "region", "visits"]},
    {"id": "people_south", "op": "filter", "inputs": ["people"],
     "where": {"column": "region", "cmp": "==", "value": "south"}},
    {"id": "estimate", "op": "infer", "inputs": ["people_south"], "model": "cost",
     "features": ["age", "visits"]}
  ],
  "outputs": [{"name": "model", "node": "model", "recipients": ["actuary"]},
              {"name": "estimate", "node": "estimate", "recipients": ["actuary"]}],
  "levels": ["tee"]
})";

DatasetData Claims(std::mt19937_64& rng, int64_t rows, bool with_cost) {
  DatasetData d;
  d.columns["age"].type = ColumnType::kDecimal;  // standardised age
  d.columns["visits"].type = ColumnType::kInteger;
  d.columns["region"] = ColumnData{ColumnType::kCategorical, {}, {"north", "south"}};
  if (with_cost) d.columns["cost"].type = ColumnType::kDecimal;
  std::normal_distribution<double> normal(0, 1);
  std::uniform_int_distribution<int> visits(0, 3), region(0, 1);
  for (int64_t i = 0; i < rows; ++i) {
    const double age = normal(rng);
    const int v = visits(rng);
    const int r = region(rng);
    d.columns["age"].values.push_back(age);
    d.columns["visits"].values.push_back(v);
    d.columns["region"].values.push_back(r);
    // The north follows another law entirely, which a leak into the south's model would show.
    if (with_cost) {
      d.columns["cost"].values.push_back(r == 1 ? 2.0 + 1.5 * age - 0.8 * v + 0.1 * normal(rng)
                                                : 50 - 20 * age);
    }
  }
  return d;
}

TEST_P(ExecutorModelTest, ALinearModelLearnsFromFilteredRowsOnly) {
  const ProtocolKind kind = GetParam();
  Result<ValidatedPlan> plan = LoadPlan(kLinearPlan);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::mt19937_64 rng(23);
  const Datasets data = {{"claims", Claims(rng, 300, true)}, {"people", Claims(rng, 25, false)}};
  const PlanRun run = RunPlan(kind, *plan, data);
  for (const Status& s : run.statuses) ASSERT_TRUE(s.ok()) << s.ToString();

  Rows south;
  const DatasetData& claims = data.at("claims");
  for (size_t i = 0; i < static_cast<size_t>(claims.rows()); ++i) {
    if (claims.columns.at("region").values[i] != 1) continue;
    south.x.push_back({claims.Uploaded("age", i), claims.columns.at("visits").values[i]});
    south.y.push_back(claims.Uploaded("cost", i));
  }
  const std::vector<double> want = FloatDescent(south, false, 80, 0.4, 0.05, true);
  const testing::Released& model = run.outputs.at("model");
  EXPECT_THAT(model.labels, ElementsAre("age", "visits", "intercept"));
  for (size_t j = 0; j < want.size(); ++j) {
    EXPECT_NEAR(model.values[j], want[j], kWeightTolerance) << model.labels[j];
  }
  const DatasetData& people = data.at("people");
  const testing::Released& estimate = run.outputs.at("estimate");
  for (size_t i = 0; i < static_cast<size_t>(people.rows()); ++i) {
    const bool kept = people.columns.at("region").values[i] == 1;
    const double expected =
        kept ? FloatPredict({people.Uploaded("age", i), people.columns.at("visits").values[i]},
                            model.values, false)
             : 0;
    EXPECT_NEAR(estimate.values[i], expected, kPredictionTolerance) << "person " << i;
  }
}

TEST_P(ExecutorModelTest, AModelOfTheWrongSizeOrNameIsRefused) {
  const ProtocolKind kind = GetParam();
  Result<ValidatedPlan> plan = LoadPlan(ReadExample("insurer_infer.json"));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::mt19937_64 rng(2);
  const Datasets applicants = {{"applicants", Patients(rng, 5, false)}};

  const PlanRun missing = RunPlan(kind, *plan, applicants);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("node 'risk' (infer): field 'model': no stored model "
                        "'malignancy-risk-v1' was supplied"));

  // Two features and an intercept: three weights, where the plan's three features need four.
  std::vector<std::map<std::string, StoredModel>> models;
  const std::vector<mpc::Parts> parts =
      mpc::SplitForUpload(kind, mpc::RingTensor::Zeros(mpc::Shape{3}));
  for (int party = 0; party < mpc::PartiesOf(kind); ++party) {
    Result<mpc::Shared> weights =
        mpc::ImportUploaded(kind, party, mpc::Shape{3}, parts[static_cast<size_t>(party)]);
    ASSERT_TRUE(weights.ok());
    models.push_back({{"malignancy-risk-v1",
                       StoredModel{ml::ModelKind::kLogistic, {"a", "b"}, true, 18, *weights}}});
  }
  const PlanRun wrong = RunPlan(kind, *plan, applicants, {}, models);
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong.status().message(),
              HasSubstr("node 'risk' (infer): field 'features': model 'malignancy-risk-v1' has 3 "
                        "weights, which do not fit 3 features and an intercept"));
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, ExecutorModelTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::plan
