#include "story.h"

#include <cmath>
#include <random>

#include "arca/fxp/fixed_point.h"

namespace arca::demo {
namespace {

using mpc::Shape;
using mpc::Shared;

constexpr double kHypertension = 140;  // mmHg, systolic

// Synthetic but plausible records: systolic blood pressure rises with age.
struct Cohort {
  std::vector<double> age, bp;
};

Cohort MakeCohort(uint64_t seed, int rows, double mean_age, double bp_offset) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> age(mean_age, 13), noise(0, 14);
  Cohort c;
  for (int i = 0; i < rows; ++i) {
    const double a = std::clamp(std::round(age(rng)), 18.0, 95.0);
    c.age.push_back(a);
    c.bp.push_back(std::round(95 + 0.6 * a + bp_offset + noise(rng)));
  }
  return c;
}

// Row-major [rows, 2] records: age, systolic blood pressure.
std::vector<double> Records(const Cohort& c) {
  std::vector<double> r;
  for (size_t i = 0; i < c.age.size(); ++i) {
    r.push_back(c.age[i]);
    r.push_back(c.bp[i]);
  }
  return r;
}

// Measures what this party sends while a step runs.
class Meter {
 public:
  explicit Meter(mpc::Protocol& p) : p_(p), start_(Now()) {}
  void Fill(Step& step) const {
    const net::TrafficStats d = Now() - start_;
    step.online_bytes = d.online_bytes_sent();
    step.preprocessing_bytes = d.preprocessing_bytes_sent();
    step.rounds = d.rounds;
  }

 private:
  net::TrafficStats Now() const {
    return p_.session().has_network() ? p_.session().network().stats() : net::TrafficStats();
  }
  mpc::Protocol& p_;
  net::TrafficStats start_;
};

// The model the parties train, trained the same way in double precision for comparison.
std::vector<double> ClearLogisticRegression(const std::vector<double>& z,
                                            const std::vector<double>& y, int iterations) {
  double slope = 0, intercept = 0;
  const auto n = static_cast<double>(z.size());
  for (int it = 0; it < iterations; ++it) {
    double g_slope = 0, g_intercept = 0;
    for (size_t i = 0; i < z.size(); ++i) {
      const double p = 1 / (1 + std::exp(-(slope * z[i] + intercept)));
      g_slope += (p - y[i]) * z[i];
      g_intercept += p - y[i];
    }
    slope -= g_slope / n;
    intercept -= g_intercept / n;
  }
  return {slope, intercept};
}

}  // namespace

Result<std::vector<Step>> RunStory(mpc::Protocol& p, const Options& options) {
  fxp::FixedPoint fp(p);
  const int f = fp.frac_bits();
  const Cohort a = MakeCohort(2026, options.rows_a, 58, 0);
  const Cohort b = MakeCohort(1125, options.rows_b, 49, 4);
  const int64_t n = options.rows_a + options.rows_b;
  std::vector<double> age = a.age, bp = a.bp;
  age.insert(age.end(), b.age.begin(), b.age.end());
  bp.insert(bp.end(), b.bp.begin(), b.bp.end());
  std::vector<Step> steps;

  // 1. Each hospital secret-shares its records; the two tables are stacked into one.
  Step share{"share both hospitals' records", "rows"};
  Meter share_meter(p);
  const std::vector<double> records_a = Records(a), records_b = Records(b);
  ARCA_ASSIGN_OR_RETURN(Shared xa,
                        fp.Input(0, Shape{options.rows_a, 2}, p.Holds(0) ? &records_a : nullptr));
  ARCA_ASSIGN_OR_RETURN(Shared xb,
                        fp.Input(1, Shape{options.rows_b, 2}, p.Holds(1) ? &records_b : nullptr));
  ARCA_ASSIGN_OR_RETURN(Shared records, p.ConcatRows({xa, xb}));
  ARCA_ASSIGN_OR_RETURN(Shared columns, p.Transpose(records));  // [2, n]: age, bp
  ARCA_ASSIGN_OR_RETURN(Shared shared_age, p.SliceRows(columns, 0, 1));
  ARCA_ASSIGN_OR_RETURN(Shared shared_bp, p.SliceRows(columns, 1, 2));
  share_meter.Fill(share);
  share.secure = share.clear = static_cast<double>(n);
  steps.push_back(share);

  // 2. Mean systolic blood pressure: a local sum, a public scaling, one opening.
  Step mean_step{"mean systolic blood pressure", "mmHg"};
  Meter mean_meter(p);
  ARCA_ASSIGN_OR_RETURN(Shared sum, p.Sum(shared_bp, -1));
  ARCA_ASSIGN_OR_RETURN(Shared mean, fp.MulConstant(sum, 1.0 / static_cast<double>(n)));
  ARCA_ASSIGN_OR_RETURN(std::vector<double> mean_out, fp.Reveal(mean));
  mean_meter.Fill(mean_step);
  double clear_mean = 0, clear_square = 0;
  for (double v : bp) clear_mean += v / static_cast<double>(n);
  for (double v : bp) clear_square += (v - clear_mean) * (v - clear_mean) / static_cast<double>(n);
  mean_step.secure = mean_out[0];
  mean_step.clear = clear_mean;
  steps.push_back(mean_step);

  // 3. Standard deviation: E[bp^2] - mean^2 and a secure square root.
  Step sd_step{"standard deviation", "mmHg"};
  Meter sd_meter(p);
  ARCA_ASSIGN_OR_RETURN(Shared squares, fp.Mul(shared_bp, shared_bp));
  ARCA_ASSIGN_OR_RETURN(Shared square_sum, p.Sum(squares, -1));
  ARCA_ASSIGN_OR_RETURN(Shared mean_square,
                        fp.MulConstant(square_sum, 1.0 / static_cast<double>(n)));
  ARCA_ASSIGN_OR_RETURN(Shared mean_squared, fp.Mul(mean, mean));
  ARCA_ASSIGN_OR_RETURN(Shared variance, p.Sub(mean_square, mean_squared));
  ARCA_ASSIGN_OR_RETURN(Shared sd, fp.Sqrt(variance));
  ARCA_ASSIGN_OR_RETURN(std::vector<double> sd_out, fp.Reveal(sd));
  sd_meter.Fill(sd_step);
  sd_step.secure = sd_out[0];
  sd_step.clear = std::sqrt(clear_square);
  steps.push_back(sd_step);

  // 4. How many patients have hypertension: n comparisons in one batch, a local sum.
  Step count_step{"patients at or above 140 mmHg", "patients"};
  Meter count_meter(p);
  ARCA_ASSIGN_OR_RETURN(uint64_t threshold, fxp::EncodeValue(kHypertension, f));
  ARCA_ASSIGN_OR_RETURN(Shared below, p.LessThanPublic(shared_bp, mpc::RingTensor::FromValues(
                                                                      Shape{1}, {threshold})));
  ARCA_ASSIGN_OR_RETURN(below, p.Reshape(std::move(below), Shape{1, n}));
  ARCA_ASSIGN_OR_RETURN(Shared below_count, p.Sum(below, -1));
  ARCA_ASSIGN_OR_RETURN(mpc::RingTensor count_out, p.Reveal(below_count));
  count_meter.Fill(count_step);
  count_step.secure = static_cast<double>(n - count_out.signed_at(0));
  for (double v : bp) count_step.clear += v >= kHypertension ? 1 : 0;
  steps.push_back(count_step);

  // 5. Logistic regression of hypertension on age, trained on the shares: each step is
  //    X·w, a secure sigmoid, X^T·(p - y). The feature matrix is opened (masked) once.
  Step model_step{"model: odds of hypertension per decade of age", "x"};
  Step intercept_step{"model: probability at age 50", ""};
  Meter model_meter(p);
  // Feature z = (age - 50) / 10 and a constant 1, as the rows of X.
  ARCA_ASSIGN_OR_RETURN(Shared z, fp.AddConstant(shared_age, -50));
  ARCA_ASSIGN_OR_RETURN(z, fp.MulConstant(z, 0.1));
  ARCA_ASSIGN_OR_RETURN(uint64_t one, fxp::EncodeValue(1.0, f));
  const Shared ones = p.Public(mpc::RingTensor::Filled(Shape{1, n}, one));
  ARCA_ASSIGN_OR_RETURN(Shared features, p.ConcatRows({z, ones}));  // [2, n]
  ARCA_ASSIGN_OR_RETURN(Shared x, p.Transpose(features));           // [n, 2]
  ARCA_ASSIGN_OR_RETURN(x, p.Reusable(x));
  ARCA_ASSIGN_OR_RETURN(Shared xt, p.Transpose(x));
  // Labels y = 1 - [bp < 140], as fixed-point numbers.
  ARCA_ASSIGN_OR_RETURN(Shared y, p.MulPublic(below, mpc::RingTensor::Scalar(0 - one)));
  ARCA_ASSIGN_OR_RETURN(y, p.AddPublic(y, mpc::RingTensor::Scalar(one)));
  ARCA_ASSIGN_OR_RETURN(y, p.Reshape(std::move(y), Shape{n, 1}));
  Shared w = p.Public(mpc::RingTensor::Zeros(Shape{2, 1}));
  for (int it = 0; it < options.iterations; ++it) {
    ARCA_ASSIGN_OR_RETURN(Shared scores, fp.MatMul(x, w));
    ARCA_ASSIGN_OR_RETURN(Shared probabilities, fp.Sigmoid(scores));
    ARCA_ASSIGN_OR_RETURN(Shared errors, p.Sub(probabilities, y));
    ARCA_ASSIGN_OR_RETURN(Shared gradient, fp.MatMul(xt, errors));
    ARCA_ASSIGN_OR_RETURN(gradient, fp.MulConstant(gradient, 1.0 / static_cast<double>(n)));
    ARCA_ASSIGN_OR_RETURN(w, p.Sub(w, gradient));
  }
  ARCA_ASSIGN_OR_RETURN(std::vector<double> w_out, fp.Reveal(w));
  model_meter.Fill(model_step);
  std::vector<double> clear_z, clear_y;
  for (size_t i = 0; i < age.size(); ++i) {
    clear_z.push_back((age[i] - 50) / 10);
    clear_y.push_back(bp[i] >= kHypertension ? 1 : 0);
  }
  const std::vector<double> clear_w = ClearLogisticRegression(clear_z, clear_y, options.iterations);
  model_step.secure = std::exp(w_out[0]);
  model_step.clear = std::exp(clear_w[0]);
  intercept_step.secure = 1 / (1 + std::exp(-w_out[1]));
  intercept_step.clear = 1 / (1 + std::exp(-clear_w[1]));
  steps.push_back(model_step);
  steps.push_back(intercept_step);
  return steps;
}

}  // namespace arca::demo
