#include "arca/ml/dp_noise.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <mutex>
#include <numbers>
#include <vector>

#include "arca/fxp/chebyshev.h"
#include "arca/fxp/polynomial.h"
#include "arca/ml/joint_random.h"
#include "arca/mpc/ops.h"

namespace arca::ml {
namespace {

constexpr int kMaxCosineDegree = 12;

// cos(π/2·V) for V in [0, 1], in u = V - 1/2, within half an ulp; computed once per precision.
const std::vector<double>& QuarterCosine(int f) {
  static std::mutex mu;
  static std::map<int, std::vector<double>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto [it, inserted] = cache.try_emplace(f);
  if (inserted) {
    it->second =
        fxp::ChebyshevFitWithin([](double u) { return std::cos(std::numbers::pi / 2 * (u + 0.5)); },
                                -0.5, 0.5, std::ldexp(1.0, -(f + 1)), kMaxCosineDegree);
  }
  return it->second;
}

Status CheckScale(std::string_view mechanism, double scale, int f) {
  if (!std::isfinite(scale) || scale <= 0) {
    return InvalidArgumentError(
        fmt::format("{} noise: the scale must be a positive number", mechanism));
  }
  const double limit = std::ldexp(1.0, 62 - 2 * f) / (f * std::numbers::ln2 + 1);
  if (scale >= limit) {
    return OutOfRangeError(fmt::format(
        "{} noise: scale {} is too large for fixed point with {} fractional bits (it must stay "
        "below {:.3g}); use fewer fractional bits or a larger epsilon",
        mechanism, scale, f, limit));
  }
  return OkStatus();
}

// The two parts of r uniform in [0, 2^(f+1)): U = (r mod 2^f + 1)·2^-f in [2^-f, 1] at f
// fractional bits, and the top bit, [r >= 2^f], as a ring integer 0/1.
struct UniformAndBit {
  mpc::Shared u;
  mpc::Shared bit;
};

Result<UniformAndBit> Split(mpc::Protocol& p, const mpc::Shared& r, int f) {
  const uint64_t half = uint64_t{1} << f;
  ARCA_ASSIGN_OR_RETURN(mpc::Shared low,
                        p.LessThanPublic(r, mpc::RingTensor::FromValues(mpc::Shape{1}, {half})));
  ARCA_ASSIGN_OR_RETURN(low, p.Reshape(std::move(low), r.shape()));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared bit, p.AddPublic(p.Neg(low), mpc::RingTensor::Scalar(1)));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared top, p.MulPublic(bit, mpc::RingTensor::Scalar(half)));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared u, p.Sub(r, top));
  ARCA_ASSIGN_OR_RETURN(u, p.AddPublic(u, mpc::RingTensor::Scalar(1)));
  return UniformAndBit{std::move(u), std::move(bit)};
}

// x·(1 - 2·bit): x with a random sign, exactly (one product with a ring integer ±1).
Result<mpc::Shared> WithSign(mpc::Protocol& p, const mpc::Shared& x, const mpc::Shared& bit) {
  ARCA_ASSIGN_OR_RETURN(mpc::Shared twice, p.MulPublic(bit, mpc::RingTensor::Scalar(2)));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared sign, p.AddPublic(p.Neg(twice), mpc::RingTensor::Scalar(1)));
  return p.Mul(x, sign);
}

Result<mpc::Shared> Row(mpc::Protocol& p, const mpc::Shared& rows, int64_t row) {
  ARCA_ASSIGN_OR_RETURN(mpc::Shared slice, p.SliceRows(rows, row, row + 1));
  return p.Reshape(std::move(slice), mpc::Shape{rows.shape().dim(1)});
}

// cos(π/2·V) at f fractional bits, for v_int = V·2^f, an integer in [0, 2^f).
Result<mpc::Shared> QuarterCosineOf(mpc::Protocol& p, const mpc::Shared& v_int, int f) {
  using fxp::kWorkBits;
  ARCA_ASSIGN_OR_RETURN(
      mpc::Shared u, p.MulPublic(v_int, mpc::RingTensor::Scalar(uint64_t{1} << (kWorkBits - f))));
  ARCA_ASSIGN_OR_RETURN(u, p.AddPublic(u, mpc::RingTensor::Scalar(fxp::Constant(-0.5, kWorkBits))));
  const std::vector<double>& c = QuarterCosine(f);
  ARCA_ASSIGN_OR_RETURN(std::vector<mpc::Shared> powers,
                        fxp::Powers(p, u, static_cast<int>(c.size()) - 1));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared sum, fxp::CombinePublic(p, c, powers));
  return p.Truncate(sum, 2 * kWorkBits - f);
}

}  // namespace

mpc::Shape NoiseContributionShape(bool gaussian, int64_t count) {
  return gaussian ? mpc::Shape{2, count} : mpc::Shape{count};
}

Result<mpc::Shared> LaplaceNoise(fxp::FixedPoint& fp, int64_t count, double b,
                                 const mpc::RingTensor* own) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  ARCA_RETURN_IF_ERROR(CheckScale("laplace", b, f));
  mpc::Session::Scope scope(p.session(), "laplace noise");
  ARCA_ASSIGN_OR_RETURN(mpc::Shared r,
                        JointUniform(p, NoiseContributionShape(false, count), f + 1, own));
  ARCA_ASSIGN_OR_RETURN(UniformAndBit parts, Split(p, r, f));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared log_u, fp.Log(parts.u));
  // b·(-ln U) >= 0, then the sign.
  ARCA_ASSIGN_OR_RETURN(mpc::Shared magnitude, fp.MulConstant(log_u, -b));
  return WithSign(p, magnitude, parts.bit);
}

Result<mpc::Shared> GaussianNoise(fxp::FixedPoint& fp, int64_t count, double sigma,
                                  const mpc::RingTensor* own) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  ARCA_RETURN_IF_ERROR(CheckScale("gaussian", sigma, f));
  mpc::Session::Scope scope(p.session(), "gaussian noise");
  // Row 0 gives U1 (its top bit is unused), row 1 gives V and the sign.
  ARCA_ASSIGN_OR_RETURN(mpc::Shared r,
                        JointUniform(p, NoiseContributionShape(true, count), f + 1, own));
  ARCA_ASSIGN_OR_RETURN(UniformAndBit parts, Split(p, r, f));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared u1, Row(p, parts.u, 0));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared v_plus_one, Row(p, parts.u, 1));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared bit, Row(p, parts.bit, 1));

  // sqrt(-2 ln U1), with -2 ln U1 clamped below at one ulp (ln's error may make it negative
  // where U1 is 1).
  ARCA_ASSIGN_OR_RETURN(mpc::Shared log_u, fp.Log(u1));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared twice_e,
                        p.MulPublic(log_u, mpc::RingTensor::Scalar(uint64_t{0} - 2)));
  ARCA_ASSIGN_OR_RETURN(
      twice_e, mpc::Max(p, twice_e, p.Public(mpc::RingTensor::Filled(twice_e.shape(), 1))));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared radius, fp.Sqrt(twice_e));

  ARCA_ASSIGN_OR_RETURN(mpc::Shared v_int,
                        p.AddPublic(v_plus_one, mpc::RingTensor::Scalar(uint64_t{0} - 1)));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared cosine, QuarterCosineOf(p, v_int, f));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared z, fp.Mul(radius, cosine));
  ARCA_ASSIGN_OR_RETURN(z, WithSign(p, z, bit));
  return fp.MulConstant(z, sigma);
}

}  // namespace arca::ml
