#include "arca/fxp/fixed_point.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <mutex>
#include <numbers>
#include <string>

#include "arca/base/logging.h"
#include "arca/fxp/chebyshev.h"
#include "arca/fxp/normalized.h"
#include "arca/fxp/piecewise.h"

namespace arca::fxp {
namespace {

constexpr int kMaxDegree = 10;

// Builds a piece table once per precision; the table is public and identical at every party.
template <typename Build>
const PiecewisePolynomial& Cached(const char* name, int f, Build build) {
  static std::mutex mu;
  static std::map<std::pair<std::string, int>, PiecewisePolynomial> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto [it, inserted] = cache.try_emplace({name, f});
  if (inserted) it->second = build();
  return it->second;
}

// Sigmoid: pieces of width 2 on [-16, 16) with interpolants within half an ulp (degree 6 at
// f = 18); below -16 it is 0 and from 16 on it is 1, both within 1.2e-7.
const PiecewisePolynomial& SigmoidPieces(int f) {
  return Cached("sigmoid", f, [f] {
    const auto sigmoid = [](double x) { return 1 / (1 + std::exp(-x)); };
    PiecewisePolynomial poly;
    poly.pieces.push_back({});  // 0 below -16
    for (int lo = -16; lo < 16; lo += 2) {
      poly.bounds.push_back(lo);
      poly.pieces.push_back(
          {lo + 1.0, ChebyshevFitWithin(sigmoid, lo, lo + 2, std::ldexp(1.0, -(f + 1)), kMaxDegree),
           0});
    }
    poly.bounds.push_back(16);
    poly.pieces.push_back({0, {1.0}, 0});
    return poly;
  });
}

// exp(x) = 2^i · e^(x - i·ln 2) on [i·ln 2, (i+1)·ln 2), i from -(f+2) to the top exponent:
// one interpolant of e^u on [0, ln 2) (degree 5 at f = 18) serves every piece, scaled by 2^i.
const PiecewisePolynomial& ExpPieces(int f) {
  return Cached("exp", f, [f] {
    const int lowest = -(f + 2);
    const int top = 60 - 2 * f - 2;
    const double half = std::numbers::ln2 / 2;
    const std::vector<double> c =
        ChebyshevFitWithin([half](double u) { return std::exp(u + half); }, -half, half,
                           std::ldexp(1.0, -(f + 1)), kMaxDegree);
    PiecewisePolynomial poly;
    poly.pieces.push_back({});  // below 2^-(f+2): 0
    for (int i = lowest; i < top; ++i) {
      poly.bounds.push_back(i * std::numbers::ln2);
      poly.pieces.push_back({(i + 0.5) * std::numbers::ln2, c, i});
    }
    poly.bounds.push_back(top * std::numbers::ln2);
    poly.pieces.push_back({0, {1.0}, top});  // saturates
    return poly;
  });
}

}  // namespace

struct FixedPoint::Spec {
  const char* name;
  double lo, hi;  // valid inputs: [lo, hi)
  double (*reference)(double);
  double abs_ulps;
  double rel;
};

Result<FixedPoint> FixedPoint::Create(mpc::Protocol& protocol, int frac_bits) {
  ARCA_RETURN_IF_ERROR(CheckFracBits(frac_bits));
  return FixedPoint(protocol, frac_bits);
}

void FixedPoint::set_debug_checks(bool on) {
  if (on && !debug_) {
    log::Warn(
        "fixed-point debug checks are ON: every function opens its inputs and results; "
        "use only on synthetic data");
  }
  debug_ = on;
}

Result<mpc::Shared> FixedPoint::Input(int owner, const mpc::Shape& shape,
                                      const std::vector<double>* values) {
  if (values == nullptr) return p_->Input(owner, shape, nullptr);
  ARCA_ASSIGN_OR_RETURN(mpc::RingTensor encoded, Encode(*values, shape, f_));
  return p_->Input(owner, shape, &encoded);
}

Result<std::vector<double>> FixedPoint::Reveal(const mpc::Shared& x) {
  ARCA_ASSIGN_OR_RETURN(mpc::RingTensor opened, p_->Reveal(x));
  return Decode(opened, f_);
}

Result<mpc::Shared> FixedPoint::AddConstant(const mpc::Shared& x, double c) {
  ARCA_ASSIGN_OR_RETURN(uint64_t encoded, EncodeValue(c, f_));
  return p_->AddPublic(x, mpc::RingTensor::Scalar(encoded));
}

Result<mpc::Shared> FixedPoint::MulConstant(const mpc::Shared& x, double c) {
  // c = m·2^-k with m in [1, 2): dividing x by 2^k first keeps m's f significant bits without
  // letting x·m·2^(2f) overflow when x is large (a sum of squares times 1/n).
  const int k = c == 0 ? 0 : std::max(0, -static_cast<int>(std::floor(std::log2(std::fabs(c)))));
  mpc::Shared scaled = x;
  if (k > 0) {
    ARCA_ASSIGN_OR_RETURN(scaled, p_->Truncate(x, k));
  }
  ARCA_ASSIGN_OR_RETURN(uint64_t m, EncodeValue(std::ldexp(c, k), f_));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared product, p_->MulPublic(scaled, mpc::RingTensor::Scalar(m)));
  return p_->Truncate(product, f_);
}

Result<mpc::Shared> FixedPoint::Mul(const mpc::Shared& a, const mpc::Shared& b) {
  ARCA_ASSIGN_OR_RETURN(mpc::Shared product, p_->Mul(a, b));
  return p_->Truncate(product, f_);
}

Result<mpc::Shared> FixedPoint::MatMul(const mpc::Shared& a, const mpc::Shared& b) {
  ARCA_ASSIGN_OR_RETURN(mpc::Shared product, p_->MatMul(a, b));
  return p_->Truncate(product, f_);
}

Result<mpc::Shared> FixedPoint::Checked(const Spec& spec, const mpc::Shared& x,
                                        const std::function<Result<mpc::Shared>()>& compute) {
  mpc::Session::Scope scope(p_->session(), spec.name);
  if (!debug_) return compute();
  ARCA_ASSIGN_OR_RETURN(std::vector<double> in, Reveal(x));
  int64_t bad = 0, first = -1;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!(in[i] >= spec.lo && in[i] < spec.hi)) {
      if (bad++ == 0) first = static_cast<int64_t>(i);
    }
  }
  if (bad > 0) {
    return OutOfRangeError(fmt::format(
        "{}: {} of {} inputs lie outside its range [{}, {}); first: element {} = {} "
        "(debug check)",
        spec.name, bad, in.size(), spec.lo, spec.hi, first, in[static_cast<size_t>(first)]));
  }
  ARCA_ASSIGN_OR_RETURN(mpc::Shared y, compute());
  ARCA_ASSIGN_OR_RETURN(std::vector<double> out, Reveal(y));
  const double ulp = std::ldexp(1.0, -f_);
  for (size_t i = 0; i < in.size(); ++i) {
    const double want = spec.reference(in[i]);
    if (std::fabs(out[i] - want) > spec.abs_ulps * ulp + spec.rel * std::fabs(want)) {
      return InternalError(fmt::format(
          "{}: result {} for input {} (element {}) differs from {} by more than the documented "
          "bound (debug check)",
          spec.name, out[i], in[i], i, want));
    }
  }
  return y;
}

Result<mpc::Shared> FixedPoint::Reciprocal(const mpc::Shared& x) {
  static constexpr auto kRef = [](double v) { return 1 / v; };
  const Spec spec{
      "reciprocal",           std::ldexp(1.0, -f_), std::ldexp(1.0, MaxInputLog2(f_)), kRef, 2,
      std::ldexp(1.0, 1 - f_)};
  return Checked(spec, x,
                 [&] { return EvaluateNormalized(*p_, NormalizedFunction::kReciprocal, x, f_); });
}

Result<mpc::Shared> FixedPoint::Div(const mpc::Shared& a, const mpc::Shared& b) {
  ARCA_ASSIGN_OR_RETURN(mpc::Shared inverse, Reciprocal(b));
  return Mul(a, inverse);
}

Result<mpc::Shared> FixedPoint::Exp(const mpc::Shared& x) {
  static constexpr auto kRef = [](double v) { return std::exp(v); };
  const Spec spec{"exp", -std::ldexp(1.0, 62 - f_), (60 - 2 * f_ - 2) * std::numbers::ln2, kRef,
                  2,     std::ldexp(1.0, 1 - f_)};
  return Checked(spec, x, [&] { return EvaluatePiecewise(*p_, ExpPieces(f_), x, f_); });
}

Result<mpc::Shared> FixedPoint::Log(const mpc::Shared& x) {
  static constexpr auto kRef = [](double v) { return std::log(v); };
  const Spec spec{"log", std::ldexp(1.0, -f_), std::ldexp(1.0, MaxInputLog2(f_)), kRef, 3, 0};
  return Checked(spec, x, [&] { return EvaluateNormalized(*p_, NormalizedFunction::kLog, x, f_); });
}

Result<mpc::Shared> FixedPoint::Sqrt(const mpc::Shared& x) {
  static constexpr auto kRef = [](double v) { return std::sqrt(v); };
  const Spec spec{"sqrt", std::ldexp(1.0, -f_),   std::ldexp(1.0, MaxInputLog2(f_)), kRef,
                  2,      std::ldexp(1.0, 1 - f_)};
  return Checked(spec, x,
                 [&] { return EvaluateNormalized(*p_, NormalizedFunction::kSqrt, x, f_); });
}

Result<mpc::Shared> FixedPoint::InvSqrt(const mpc::Shared& x) {
  static constexpr auto kRef = [](double v) { return 1 / std::sqrt(v); };
  const Spec spec{"inv_sqrt", std::ldexp(1.0, -f_),   std::ldexp(1.0, MaxInputLog2(f_)), kRef,
                  2,          std::ldexp(1.0, 1 - f_)};
  return Checked(spec, x,
                 [&] { return EvaluateNormalized(*p_, NormalizedFunction::kInvSqrt, x, f_); });
}

Result<mpc::Shared> FixedPoint::Sigmoid(const mpc::Shared& x) {
  static constexpr auto kRef = [](double v) { return 1 / (1 + std::exp(-v)); };
  const Spec spec{"sigmoid", -std::ldexp(1.0, 62 - f_), std::ldexp(1.0, 62 - f_), kRef, 3, 0};
  return Checked(spec, x, [&] { return EvaluatePiecewise(*p_, SigmoidPieces(f_), x, f_); });
}

Result<mpc::Shared> Rescale(mpc::Protocol& p, const mpc::Shared& x, int from_bits, int to_bits) {
  if (from_bits == to_bits) return x;
  if (from_bits < to_bits) {
    return p.MulPublic(x, mpc::RingTensor::Scalar(uint64_t{1} << (to_bits - from_bits)));
  }
  return p.Truncate(x, from_bits - to_bits);
}

}  // namespace arca::fxp
