#include "arca/ml/standardize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <mutex>
#include <random>
#include <vector>

#include "arca/fxp/encoding.h"
#include "arca/ml/linear_model.h"
#include "arca/mpc/runner.h"

namespace arca::ml {
namespace {

using mpc::ProtocolKind;
using mpc::Shape;
using mpc::Shared;

constexpr int kF = fxp::kDefaultFracBits;
constexpr int64_t kRows = 300;
constexpr int64_t kCols = 3;

// Features of very different scales (a radius, a smoothness, an area), and rows that a filter
// removed which are far off, so that one leaking into a mean or a deviation would show.
struct Data {
  std::vector<double> x;  // [kRows, kCols], row-major
  std::vector<double> y;
  std::vector<uint64_t> selected;
};

Data MakeData() {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0, 1);
  std::bernoulli_distribution keep(0.8);
  Data data;
  for (int64_t i = 0; i < kRows; ++i) {
    const bool selected = keep(rng);
    const double radius = 15 + 3 * normal(rng);
    const double smoothness = 0.1 + 0.015 * normal(rng);
    const double area = selected ? 650 + 300 * normal(rng) : 5000;
    for (const double v : {radius, smoothness, area}) {
      data.x.push_back(fxp::DecodeValue(*fxp::EncodeValue(v, kF), kF));
    }
    const double z =
        0.8 * (radius - 15) / 3 - 0.5 * (smoothness - 0.1) / 0.015 + 0.6 * (area - 650) / 300;
    const bool positive =
        std::uniform_real_distribution<double>(0, 1)(rng) < 1 / (1 + std::exp(-z));
    data.y.push_back(positive ? 1 : 0);
    data.selected.push_back(selected ? 1 : 0);
  }
  return data;
}

struct Moments {
  std::vector<double> mean, std;
};

Moments FloatMoments(const Data& data) {
  Moments out{std::vector<double>(kCols, 0), std::vector<double>(kCols, 0)};
  double m = 0;
  for (int64_t i = 0; i < kRows; ++i) {
    if (data.selected[i] == 0) continue;
    m += 1;
    for (int64_t j = 0; j < kCols; ++j) out.mean[j] += data.x[i * kCols + j];
  }
  for (double& v : out.mean) v /= m;
  for (int64_t i = 0; i < kRows; ++i) {
    if (data.selected[i] == 0) continue;
    for (int64_t j = 0; j < kCols; ++j) {
      const double e = data.x[i * kCols + j] - out.mean[j];
      out.std[j] += e * e;
    }
  }
  for (double& v : out.std) v = std::sqrt(v / m);
  return out;
}

// Gradient descent in double precision on exactly standardised features, the model then
// rewritten for raw features: what `standardize` means.
std::vector<double> FloatTrainStandardized(const Data& data, const TrainOptions& o) {
  const Moments moments = FloatMoments(data);
  std::vector<double> w(kCols + 1, 0.0);
  double m = 0;
  for (uint64_t s : data.selected) m += static_cast<double>(s);
  for (int t = 0; t < o.iterations; ++t) {
    std::vector<double> g(kCols + 1, 0.0);
    for (int64_t i = 0; i < kRows; ++i) {
      if (data.selected[i] == 0) continue;
      std::vector<double> z(kCols);
      double s = w[kCols];
      for (int64_t j = 0; j < kCols; ++j) {
        z[j] = (data.x[i * kCols + j] - moments.mean[j]) / moments.std[j];
        s += z[j] * w[j];
      }
      const double e = 1 / (1 + std::exp(-s)) - data.y[i];
      for (int64_t j = 0; j < kCols; ++j) g[j] += e * z[j];
      g[kCols] += e;
    }
    for (int64_t j = 0; j <= kCols; ++j) {
      w[j] -= o.learning_rate * (g[j] / m + (j < kCols ? o.l2 * w[j] : 0));
    }
  }
  std::vector<double> raw(kCols + 1);
  raw[kCols] = w[kCols];
  for (int64_t j = 0; j < kCols; ++j) {
    raw[j] = w[j] / moments.std[j];
    raw[kCols] -= raw[j] * moments.mean[j];
  }
  return raw;
}

struct Revealed {
  std::vector<double> mean, inv_std, scaled, weights;
};

Result<Revealed> RunOn(ProtocolKind kind, const Data& data, const TrainOptions& options) {
  Revealed out;
  std::mutex mu;
  const std::vector<Status> results = mpc::RunInProcess(kind, [&](mpc::Protocol& p) -> Status {
    fxp::FixedPoint fp(p, kF);
    ARCA_ASSIGN_OR_RETURN(Shared x,
                          fp.Input(0, Shape{kRows, kCols}, p.Holds(0) ? &data.x : nullptr));
    ARCA_ASSIGN_OR_RETURN(Shared y, fp.Input(0, Shape{kRows}, p.Holds(0) ? &data.y : nullptr));
    const mpc::RingTensor flags = mpc::RingTensor::FromValues(Shape{kRows}, data.selected);
    ARCA_ASSIGN_OR_RETURN(Shared s, p.Input(0, Shape{kRows}, p.Holds(0) ? &flags : nullptr));
    ARCA_ASSIGN_OR_RETURN(Standardized scaled, Standardize(fp, x, s, /*centre=*/true));
    ARCA_ASSIGN_OR_RETURN(Shared w, Train(fp, scaled.features, y, s, options));
    ARCA_ASSIGN_OR_RETURN(w, Unstandardize(fp, scaled, w, /*intercept=*/true));
    Revealed mine;
    ARCA_ASSIGN_OR_RETURN(mine.mean, fp.Reveal(scaled.mean));
    ARCA_ASSIGN_OR_RETURN(mine.inv_std, fp.Reveal(scaled.inv_std));
    ARCA_ASSIGN_OR_RETURN(mine.scaled, fp.Reveal(scaled.features));
    ARCA_ASSIGN_OR_RETURN(mine.weights, fp.Reveal(w));
    if (p.party() == 0) {
      std::lock_guard<std::mutex> lock(mu);
      out = std::move(mine);
    }
    return OkStatus();
  });
  for (const Status& status : results) ARCA_RETURN_IF_ERROR(status);
  return out;
}

class StandardizeTest : public ::testing::TestWithParam<ProtocolKind> {};

TEST_P(StandardizeTest, MatchesDoublePrecisionAndTrainsTheSameModel) {
  const Data data = MakeData();
  TrainOptions options;
  options.iterations = 40;
  options.learning_rate = 0.5;
  options.l2 = 0.01;
  Result<Revealed> got = RunOn(GetParam(), data, options);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const Moments want = FloatMoments(data);
  for (int64_t j = 0; j < kCols; ++j) {
    // The mean to r's 2^-(f-1) relative error and an ulp or two. σ² is rounded to f bits once
    // (standardize.h), so 1/σ carries about half an ulp of σ², relative: 1 ulp of σ² relative
    // plus 1e-3 covers it (the smoothness, σ ≈ 0.015, has σ² ≈ 59 ulp at f = 18).
    EXPECT_NEAR(got->mean[j], want.mean[j], 1e-4 * std::fabs(want.mean[j]) + 1e-4) << j;
    const double variance_ulps = std::ldexp(want.std[j] * want.std[j], kF);
    EXPECT_NEAR(got->inv_std[j] * want.std[j], 1.0, 1e-3 + 1 / variance_ulps) << "column " << j;
  }
  // Unselected rows are 0; selected ones have mean 0 and variance 1.
  for (int64_t i = 0; i < kRows; ++i) {
    if (data.selected[i] != 0) continue;
    for (int64_t j = 0; j < kCols; ++j) ASSERT_EQ(got->scaled[i * kCols + j], 0.0) << i;
  }
  // The released model is on raw features: compare predictions on the raw rows with the
  // model of exact standardisation. Both descents see the same problem up to the scaling's
  // 1e-3, so the probabilities agree to a few 1e-3.
  const std::vector<double> want_w = FloatTrainStandardized(data, options);
  double worst = 0;
  for (int64_t i = 0; i < kRows; ++i) {
    double a = got->weights[kCols], b = want_w[kCols];
    for (int64_t j = 0; j < kCols; ++j) {
      a += got->weights[j] * data.x[i * kCols + j];
      b += want_w[j] * data.x[i * kCols + j];
    }
    worst = std::max(worst, std::fabs(1 / (1 + std::exp(-a)) - 1 / (1 + std::exp(-b))));
  }
  EXPECT_LT(worst, 5e-3);
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, StandardizeTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::ml
