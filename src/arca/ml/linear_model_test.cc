#include "arca/ml/linear_model.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <mutex>
#include <random>

#include "arca/mpc/runner.h"

namespace arca::ml {
namespace {

using mpc::ProtocolKind;
using mpc::Shape;
using mpc::Shared;
using ::testing::HasSubstr;

constexpr int kF = fxp::kDefaultFracBits;

// A data set whose unselected rows are far from the selected ones (features around 40, labels
// flipped), so that a single unselected row leaking into a gradient moves the weights.
struct Data {
  int64_t n = 0, d = 0;
  std::vector<double> x;  // [n, d], row-major, rounded to kF fractional bits
  std::vector<double> y;  // [n]
  std::vector<uint64_t> selected;
};

double Round(double v) { return fxp::DecodeValue(*fxp::EncodeValue(v, kF), kF); }

Data MakeData(ModelKind kind, int64_t n, int64_t d, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  std::bernoulli_distribution keep(0.7);
  const std::vector<double> truth = {1.5, -2.0, 0.5, 1.0, -0.7};
  Data data{n, d, {}, {}, {}};
  for (int64_t i = 0; i < n; ++i) {
    const bool selected = keep(rng);
    double z = 0.3;
    for (int64_t j = 0; j < d; ++j) {
      const double v = selected ? normal(rng) : 40 + normal(rng);
      data.x.push_back(Round(v));
      z += truth[static_cast<size_t>(j)] * data.x.back();
    }
    double label =
        kind == ModelKind::kLogistic
            ? (std::uniform_real_distribution<double>(0, 1)(rng) < 1 / (1 + std::exp(-z)) ? 1.0
                                                                                          : 0.0)
            : z + 0.1 * normal(rng);
    if (!selected) label = kind == ModelKind::kLogistic ? 1 - std::round(label) : -100;
    data.y.push_back(Round(label));
    data.selected.push_back(selected ? 1 : 0);
  }
  return data;
}

// The same gradient descent in double precision over the selected rows only.
std::vector<double> FloatTrain(const Data& data, const TrainOptions& o) {
  const auto d = static_cast<size_t>(data.d);
  const size_t cols = d + (o.intercept ? 1 : 0);
  std::vector<double> w(cols, 0.0);
  double m = 0;
  for (uint64_t s : data.selected) m += static_cast<double>(s);
  for (int t = 0; t < o.iterations; ++t) {
    std::vector<double> g(cols, 0.0);
    for (size_t i = 0; i < static_cast<size_t>(data.n); ++i) {
      if (data.selected[i] == 0) continue;
      double z = o.intercept ? w[d] : 0;
      for (size_t j = 0; j < d; ++j) z += data.x[i * d + j] * w[j];
      const double h = o.kind == ModelKind::kLogistic ? 1 / (1 + std::exp(-z)) : z;
      const double e = h - data.y[i];
      for (size_t j = 0; j < d; ++j) g[j] += e * data.x[i * d + j];
      if (o.intercept) g[d] += e;
    }
    for (size_t j = 0; j < cols; ++j) {
      const double penalty = j < d ? o.l2 * w[j] : 0;
      w[j] -= o.learning_rate * (g[j] / m + penalty);
    }
  }
  return w;
}

std::vector<double> FloatPredict(const Data& data, ModelKind kind, bool intercept,
                                 const std::vector<double>& w) {
  const auto d = static_cast<size_t>(data.d);
  std::vector<double> out;
  for (size_t i = 0; i < static_cast<size_t>(data.n); ++i) {
    double z = intercept ? w[d] : 0;
    for (size_t j = 0; j < d; ++j) z += data.x[i * d + j] * w[j];
    out.push_back(kind == ModelKind::kLogistic ? 1 / (1 + std::exp(-z)) : z);
  }
  return out;
}

struct Trained {
  std::vector<double> weights;
  std::vector<double> predictions;  // of the trained model on the training rows
  int progress_calls = 0;
  int last_progress = 0;
};

// Trains and predicts on every party of `kind`; party 0's revealed results.
Result<Trained> TrainOn(ProtocolKind kind, const Data& data, const TrainOptions& options) {
  Trained out;
  std::mutex mu;
  const std::vector<Status> results = mpc::RunInProcess(kind, [&](mpc::Protocol& p) -> Status {
    fxp::FixedPoint fp(p, kF);
    ARCA_ASSIGN_OR_RETURN(Shared x,
                          fp.Input(0, Shape{data.n, data.d}, p.Holds(0) ? &data.x : nullptr));
    ARCA_ASSIGN_OR_RETURN(Shared y, fp.Input(1, Shape{data.n}, p.Holds(1) ? &data.y : nullptr));
    const mpc::RingTensor selected = mpc::RingTensor::FromValues(Shape{data.n}, data.selected);
    ARCA_ASSIGN_OR_RETURN(Shared s, p.Input(0, Shape{data.n}, p.Holds(0) ? &selected : nullptr));
    int calls = 0, last = 0;
    ARCA_ASSIGN_OR_RETURN(Shared w, Train(fp, x, y, s, options, [&](int done) {
                            ++calls;
                            last = done;
                          }));
    ARCA_ASSIGN_OR_RETURN(Shared pred, Predict(fp, options.kind, options.intercept, x, w));
    ARCA_ASSIGN_OR_RETURN(std::vector<double> weights, fp.Reveal(w));
    ARCA_ASSIGN_OR_RETURN(std::vector<double> predictions, fp.Reveal(pred));
    if (p.party() == 0) {
      std::lock_guard<std::mutex> lock(mu);
      out = Trained{weights, predictions, calls, last};
    }
    return OkStatus();
  });
  for (size_t q = 0; q < results.size(); ++q) {
    if (!results[q].ok()) return results[q].WithContext(fmt::format("party {}", q));
  }
  return out;
}

class LinearModelTest : public ::testing::TestWithParam<ProtocolKind> {};

// Tolerances. Each iteration's gradient carries a few ulps of error (matrix products and the
// sigmoid, 3 ulp each, and the scale lr·2^K/m to 2^-(f-1) relative); gradient descent on these
// well-conditioned problems contracts, so the errors stay near their per-step size instead of
// adding up: at most 5 ulp is observed. 1e-4 absolute on each weight (26 ulp at f = 18) leaves
// room for that and is far below the weights' own size (0.5 to 2).
constexpr double kWeightTolerance = 1e-4;
// Predictions of a given model: one matrix product and a sigmoid, a few ulps each, plus the
// weights' own rounding times |x| (up to ~40 here).
constexpr double kPredictionTolerance = 5e-4;

void ExpectMatchesFloat(ProtocolKind kind, ModelKind model, bool intercept, double l2) {
  const Data data = MakeData(model, 400, 3, model == ModelKind::kLogistic ? 1 : 2);
  TrainOptions options;
  options.kind = model;
  options.iterations = 60;
  options.learning_rate = model == ModelKind::kLogistic ? 1.0 : 0.3;
  options.l2 = l2;
  options.intercept = intercept;
  Result<Trained> trained = TrainOn(kind, data, options);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  const std::vector<double> want = FloatTrain(data, options);
  ASSERT_EQ(trained->weights.size(), want.size());
  double worst = 0;
  for (size_t j = 0; j < want.size(); ++j) {
    EXPECT_NEAR(trained->weights[j], want[j], kWeightTolerance) << "weight " << j;
    worst = std::max(worst, std::fabs(trained->weights[j] - want[j]));
  }
  std::printf("  %-9s %-8s intercept=%d l2=%.2f worst weight error %.2e (%.0f ulp)\n",
              std::string(mpc::ProtocolKindName(kind)).c_str(),
              std::string(ModelKindName(model)).c_str(), intercept ? 1 : 0, l2, worst,
              std::ldexp(worst, kF));
  // The model's predictions against double-precision predictions of the same weights.
  const std::vector<double> reference = FloatPredict(data, model, intercept, trained->weights);
  for (size_t i = 0; i < reference.size(); ++i) {
    ASSERT_NEAR(trained->predictions[i], reference[i], kPredictionTolerance) << "row " << i;
  }
  EXPECT_EQ(trained->progress_calls, options.iterations);
  EXPECT_EQ(trained->last_progress, options.iterations);
}

TEST_P(LinearModelTest, LogisticRegressionMatchesDoublePrecisionGradientDescent) {
  ExpectMatchesFloat(GetParam(), ModelKind::kLogistic, /*intercept=*/true, /*l2=*/0.01);
}

TEST_P(LinearModelTest, LogisticRegressionWithoutInterceptOrPenalty) {
  ExpectMatchesFloat(GetParam(), ModelKind::kLogistic, /*intercept=*/false, /*l2=*/0);
}

TEST_P(LinearModelTest, LinearRegressionMatchesDoublePrecisionGradientDescent) {
  ExpectMatchesFloat(GetParam(), ModelKind::kLinear, /*intercept=*/true, /*l2=*/0.1);
}

TEST_P(LinearModelTest, LinearRegressionWithoutIntercept) {
  ExpectMatchesFloat(GetParam(), ModelKind::kLinear, /*intercept=*/false, /*l2=*/0);
}

TEST_P(LinearModelTest, BadShapesAreRefused) {
  const std::vector<Status> results = mpc::RunInProcess(GetParam(), [](mpc::Protocol& p) -> Status {
    fxp::FixedPoint fp(p, kF);
    const Shared x = p.Public(mpc::RingTensor::Zeros(Shape{4, 2}));
    const Shared y = p.Public(mpc::RingTensor::Zeros(Shape{4}));
    const Shared s = p.Public(mpc::RingTensor::Zeros(Shape{3}));
    Result<Shared> w = Train(fp, x, y, s, TrainOptions{});
    EXPECT_FALSE(w.ok());
    EXPECT_THAT(w.status().message(), HasSubstr("selection has shape [3]"));
    Result<Shared> bad = Train(fp, p.Public(mpc::RingTensor::Zeros(Shape{4})), y, y, {});
    EXPECT_THAT(bad.status().message(), HasSubstr("features must be a matrix"));
    Result<Shared> pred =
        Predict(fp, ModelKind::kLinear, true, x, p.Public(mpc::RingTensor::Zeros(Shape{2})));
    EXPECT_FALSE(pred.ok());
    EXPECT_THAT(pred.status().message(),
                HasSubstr("the model has 2 weights; 2 features and an intercept need 3"));
    return OkStatus();
  });
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, LinearModelTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::ml
