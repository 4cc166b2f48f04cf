#include "arca/ml/dp_noise.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>
#include <random>

#include "arca/ml/joint_random.h"
#include "arca/mpc/runner.h"

namespace arca::ml {
namespace {

using mpc::ProtocolKind;
using mpc::Shape;
using mpc::Shared;

constexpr int kF = fxp::kDefaultFracBits;

enum class Mechanism { kLaplace, kGaussian };

// `count` samples revealed at party 0; `contributions[q]` is party q's contribution (empty: the
// OS's randomness).
Result<std::vector<double>> Sample(ProtocolKind kind, Mechanism mechanism, int64_t count,
                                   double scale,
                                   const std::vector<mpc::RingTensor>& contributions = {}) {
  std::vector<double> out;
  std::mutex mu;
  const std::vector<Status> results = mpc::RunInProcess(kind, [&](mpc::Protocol& p) -> Status {
    fxp::FixedPoint fp(p, kF);
    const auto q = static_cast<size_t>(p.party());
    const mpc::RingTensor* own = q < contributions.size() ? &contributions[q] : nullptr;
    ARCA_ASSIGN_OR_RETURN(Shared noise, mechanism == Mechanism::kLaplace
                                            ? LaplaceNoise(fp, count, scale, own)
                                            : GaussianNoise(fp, count, scale, own));
    if (noise.shape() != Shape{count}) return InternalError("the noise has the wrong shape");
    ARCA_ASSIGN_OR_RETURN(std::vector<double> values, fp.Reveal(noise));
    if (p.party() == 0) {
      std::lock_guard<std::mutex> lock(mu);
      out = std::move(values);
    }
    return OkStatus();
  });
  for (size_t q = 0; q < results.size(); ++q) {
    if (!results[q].ok()) return results[q].WithContext(fmt::format("party {}", q));
  }
  return out;
}

double LaplaceCdf(double x, double b) {
  return x < 0 ? 0.5 * std::exp(x / b) : 1 - 0.5 * std::exp(-x / b);
}

double NormalCdf(double x, double sigma) {
  return 0.5 * std::erfc(-x / (sigma * std::numbers::sqrt2));
}

// The Kolmogorov–Smirnov distance between the samples' empirical CDF and `cdf`.
double KsDistance(std::vector<double> samples, const std::function<double(double)>& cdf) {
  std::sort(samples.begin(), samples.end());
  const auto n = static_cast<double>(samples.size());
  double d = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    const double c = cdf(samples[i]);
    d = std::max({d, static_cast<double>(i + 1) / n - c, c - static_cast<double>(i) / n});
  }
  return d;
}

struct Moments {
  double mean = 0, variance = 0;
};

Moments MomentsOf(const std::vector<double>& v) {
  Moments m;
  for (double x : v) m.mean += x;
  m.mean /= static_cast<double>(v.size());
  for (double x : v) m.variance += (x - m.mean) * (x - m.mean);
  m.variance /= static_cast<double>(v.size() - 1);
  return m;
}

class DpNoiseTest : public ::testing::TestWithParam<ProtocolKind> {};

// 10^5 samples in one batched call. Bounds are six standard errors of each estimate (so a
// correct sampler fails with probability below 1e-8), and for the Kolmogorov–Smirnov distance
// sqrt(ln(2/α)/(2n)) at α = 1e-8, 0.0098, rounded up to 0.01: the discreteness of U (2^-18)
// and the truncated tails (mass 2^-18 and 6e-7) are far below it.
constexpr int64_t kSamples = 100000;

TEST_P(DpNoiseTest, LaplaceHasTheLaplaceDistribution) {
  const double b = 2;
  Result<std::vector<double>> samples = Sample(GetParam(), Mechanism::kLaplace, kSamples, b);
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  const Moments m = MomentsOf(*samples);
  const double n = kSamples;
  // Var(X) = 2b^2; the sample variance has variance (E X^4 - (E X^2)^2)/n = 20·b^4/n.
  EXPECT_NEAR(m.mean, 0, 6 * std::sqrt(2 * b * b / n));
  EXPECT_NEAR(m.variance, 2 * b * b, 6 * std::sqrt(20 * std::pow(b, 4) / n));
  const double ks = KsDistance(*samples, [b](double x) { return LaplaceCdf(x, b); });
  EXPECT_LT(ks, 0.01);
  const double top = *std::max_element(samples->begin(), samples->end());
  EXPECT_LE(top, kF * std::numbers::ln2 * b + 0.01);  // the documented truncation
  std::printf("  laplace  %-9s mean %+.4f variance %.4f (want %.1f) KS %.4f\n",
              std::string(mpc::ProtocolKindName(GetParam())).c_str(), m.mean, m.variance, 2 * b * b,
              ks);
}

TEST_P(DpNoiseTest, GaussianHasTheNormalDistribution) {
  const double sigma = 1.5;
  Result<std::vector<double>> samples = Sample(GetParam(), Mechanism::kGaussian, kSamples, sigma);
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  const Moments m = MomentsOf(*samples);
  const double n = kSamples;
  EXPECT_NEAR(m.mean, 0, 6 * sigma / std::sqrt(n));
  EXPECT_NEAR(m.variance, sigma * sigma, 6 * std::sqrt(2 / n) * sigma * sigma);
  const double ks = KsDistance(*samples, [sigma](double x) { return NormalCdf(x, sigma); });
  EXPECT_LT(ks, 0.01);
  std::printf("  gaussian %-9s mean %+.4f variance %.4f (want %.2f) KS %.4f\n",
              std::string(mpc::ProtocolKindName(GetParam())).c_str(), m.mean, m.variance,
              sigma * sigma, ks);
}

// Deterministic contributions, one per contributing party, of the shape `mechanism` needs.
std::vector<mpc::RingTensor> Contributions(ProtocolKind kind, Mechanism mechanism, int64_t count,
                                           uint64_t seed) {
  std::vector<mpc::RingTensor> out;
  std::mt19937_64 rng(seed);
  for (int q = 0; q < mpc::PartiesOf(kind); ++q) {
    mpc::RingTensor t(NoiseContributionShape(mechanism == Mechanism::kGaussian, count));
    for (uint64_t& v : t.values()) v = rng();
    out.push_back(std::move(t));
  }
  return out;
}

// The noise that `contributions` define, in double precision, following dp_noise.h's
// definition (r = sum mod 2^(f+1); U = (r mod 2^f + 1)/2^f; the sign from r's top bit), with
// the accuracy dp_noise.h documents for each sample, from fxp's bounds: Laplace within
// (3b + 3) ulp + 2^-(f+1) relative (ln's 3 ulp scaled by b, the scaling's rounding); Gaussian,
// with R = sqrt(-2 ln U1), within σ·(min(3 ulp/R, sqrt(8 ulp)) + 2^-(f-1)·R + 6 ulp) + 2 ulp +
// 2^-(f+1) relative: ln's 6 ulp error of -2 ln U1 through the square root (largest where R is
// small, U1 near 1), the square root's relative error, and a few ulp for the cosine
// polynomial and the products.
struct ExpectedSample {
  double value = 0;
  double tolerance = 0;
};

std::vector<ExpectedSample> Expected(ProtocolKind kind, Mechanism mechanism, int64_t count,
                                     double scale,
                                     const std::vector<mpc::RingTensor>& contributions) {
  const uint64_t unit = uint64_t{1} << (kF + 1), half = uint64_t{1} << kF;
  const double ulp = std::ldexp(1.0, -kF);
  const auto r = [&](int64_t i) {
    uint64_t sum = 0;
    for (int q : ContributingParties(kind)) {
      sum += contributions[static_cast<size_t>(q)][i] & (unit - 1);
    }
    return sum % unit;
  };
  const auto uniform = [&](uint64_t v) {
    return std::ldexp(static_cast<double>(v % half) + 1, -kF);
  };
  std::vector<ExpectedSample> out;
  for (int64_t i = 0; i < count; ++i) {
    if (mechanism == Mechanism::kLaplace) {
      const uint64_t v = r(i);
      const double value = (v >= half ? -1 : 1) * scale * -std::log(uniform(v));
      out.push_back({value, (3 * scale + 3) * ulp + std::ldexp(std::fabs(value), -(kF + 1))});
    } else {
      const uint64_t v1 = r(i), v2 = r(count + i);
      const double u1 = uniform(v1);
      const double radius = std::sqrt(std::max(-2 * std::log(u1), ulp));
      const double angle = std::numbers::pi / 2 * std::ldexp(static_cast<double>(v2 % half), -kF);
      const double value = (v2 >= half ? -1 : 1) * scale * radius * std::cos(angle);
      const double through_sqrt = std::min(3 * ulp / radius, std::sqrt(8 * ulp));
      out.push_back({value, scale * (through_sqrt + std::ldexp(radius, 1 - kF) + 6 * ulp) +
                                2 * ulp + std::ldexp(std::fabs(value), -(kF + 1))});
    }
  }
  return out;
}

// How many samples of a and b differ by more than `tolerance`.
int64_t Differing(const std::vector<double>& a, const std::vector<double>& b, double tolerance) {
  int64_t n = 0;
  for (size_t i = 0; i < a.size(); ++i) n += std::fabs(a[i] - b[i]) > tolerance ? 1 : 0;
  return n;
}

TEST_P(DpNoiseTest, NoiseIsTheDocumentedFunctionOfEveryPartysContribution) {
  const ProtocolKind kind = GetParam();
  const int64_t count = 2000;
  for (Mechanism mechanism : {Mechanism::kLaplace, Mechanism::kGaussian}) {
    const double scale = mechanism == Mechanism::kLaplace ? 3.0 : 0.8;
    const std::vector<mpc::RingTensor> base = Contributions(kind, mechanism, count, 11);
    Result<std::vector<double>> noise = Sample(kind, mechanism, count, scale, base);
    ASSERT_TRUE(noise.ok()) << noise.status().ToString();
    const std::vector<ExpectedSample> want = Expected(kind, mechanism, count, scale, base);
    double worst = 0;
    for (int64_t i = 0; i < count; ++i) {
      const auto k = static_cast<size_t>(i);
      ASSERT_NEAR((*noise)[k], want[k].value, want[k].tolerance) << "sample " << i;
      worst = std::max(worst, std::fabs((*noise)[k] - want[k].value) / scale);
    }
    std::printf("  %-8s %-9s worst error %.1f ulp x scale\n",
                mechanism == Mechanism::kLaplace ? "laplace" : "gaussian",
                std::string(mpc::ProtocolKindName(kind)).c_str(), std::ldexp(worst, kF));
    // Changing any one contributing party's randomness changes (almost) every sample: no
    // party's contribution, nor the others' without it, determines the noise.
    for (int q : ContributingParties(kind)) {
      std::vector<mpc::RingTensor> changed = base;
      changed[static_cast<size_t>(q)] = Contributions(kind, mechanism, count, 99 + q)[0];
      Result<std::vector<double>> other = Sample(kind, mechanism, count, scale, changed);
      ASSERT_TRUE(other.ok()) << other.status().ToString();
      EXPECT_GT(Differing(*noise, *other, 0.01 * scale), count * 9 / 10) << "party " << q;
    }
  }
}

TEST_P(DpNoiseTest, ScalesOutsideTheFixedPointRangeAreRefused) {
  const std::vector<Status> results = mpc::RunInProcess(GetParam(), [](mpc::Protocol& p) -> Status {
    fxp::FixedPoint fp(p, kF);
    Result<Shared> big = LaplaceNoise(fp, 4, 1e7);
    EXPECT_EQ(big.status().code(), StatusCode::kOutOfRange);
    EXPECT_THAT(big.status().message(), ::testing::HasSubstr("too large for fixed point"));
    Result<Shared> zero = GaussianNoise(fp, 4, 0);
    EXPECT_EQ(zero.status().code(), StatusCode::kInvalidArgument);
    return OkStatus();
  });
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, DpNoiseTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::ml
