#include "arca/fxp/normalized.h"

#include <cmath>
#include <map>
#include <mutex>
#include <numbers>

#include "arca/fxp/chebyshev.h"
#include "arca/fxp/encoding.h"
#include "arca/fxp/polynomial.h"
#include "arca/mpc/ops.h"

namespace arca::fxp {
namespace {

constexpr int kMaxDegree = 10;
// Extra fractional bits kept through the scaling, so that the exact power-of-two step does
// not magnify the last bit of f(m).
constexpr int kGuardBits = 8;

double OnMantissa(NormalizedFunction fn, double m) {
  switch (fn) {
    case NormalizedFunction::kReciprocal:
      return 1 / m;
    case NormalizedFunction::kLog:
      return std::log(m);
    case NormalizedFunction::kSqrt:
      return std::sqrt(m);
    case NormalizedFunction::kInvSqrt:
      return 1 / std::sqrt(m);
  }
  return 0;
}

// The factor g(e) with f(x) = f(m)·g(e) for x = m·2^e (the logarithm adds e·ln 2 instead).
double ExponentFactor(NormalizedFunction fn, int e) {
  switch (fn) {
    case NormalizedFunction::kReciprocal:
      return std::ldexp(1.0, -e);
    case NormalizedFunction::kSqrt:
      return std::pow(2.0, e / 2.0);
    case NormalizedFunction::kInvSqrt:
      return std::pow(2.0, -e / 2.0);
    case NormalizedFunction::kLog:
      return 1;
  }
  return 1;
}

// f on [1, 2) in u = m - 1.5, to half an ulp; computed once per function and precision.
const std::vector<double>& MantissaPolynomial(NormalizedFunction fn, int frac_bits) {
  static std::mutex mu;
  static std::map<std::pair<NormalizedFunction, int>, std::vector<double>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto [it, inserted] = cache.try_emplace({fn, frac_bits});
  if (inserted) {
    it->second = ChebyshevFitWithin([fn](double m) { return OnMantissa(fn, m); }, 1, 2,
                                    std::ldexp(1.0, -(frac_bits + 1)), kMaxDegree);
  }
  return it->second;
}

}  // namespace

int MaxInputLog2(int frac_bits) { return 62 - 2 * frac_bits; }

Result<mpc::Shared> EvaluateNormalized(mpc::Protocol& p, NormalizedFunction fn,
                                       const mpc::Shared& x, int frac_bits) {
  const int f = frac_bits;
  const int k_bits = 62 - f;  // x·2^f lies in [2^k, 2^(k+1)) for one k in 0..k_bits-1
  const int64_t n = x.numel();

  // Row k of the one-hot: x·2^f in [2^k, 2^(k+1)) (row 0 also takes everything below 2).
  mpc::RingTensor bounds(mpc::Shape{k_bits - 1});
  for (int j = 1; j < k_bits; ++j) bounds.data()[j - 1] = uint64_t{1} << j;
  ARCA_ASSIGN_OR_RETURN(mpc::Shared onehot, mpc::IntervalOneHot(p, x, bounds));
  ARCA_ASSIGN_OR_RETURN(onehot, p.Reshape(std::move(onehot), mpc::Shape{k_bits, n}));
  // A public per-row table, selected for each element: sum_k table[k]·onehot[k].
  const auto select = [&](const std::function<uint64_t(int)>& table) -> Result<mpc::Shared> {
    mpc::RingTensor row(mpc::Shape{1, k_bits});
    for (int k = 0; k < k_bits; ++k) row.data()[k] = table(k);
    ARCA_ASSIGN_OR_RETURN(mpc::Shared picked, p.MatMulPublic(row, onehot));
    return p.Reshape(std::move(picked), mpc::Shape{n});
  };

  // m = x·2^f·2^(k_bits-1-k) / 2^(k_bits-1), exact in the ring; u = m - 1.5 at kWorkBits.
  ARCA_ASSIGN_OR_RETURN(mpc::Shared shift,
                        select([&](int k) { return uint64_t{1} << (k_bits - 1 - k); }));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared flat_x, p.Reshape(x, mpc::Shape{n}));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared scaled, p.Mul(flat_x, shift));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared u, p.Truncate(scaled, k_bits - 1 - kWorkBits));
  ARCA_ASSIGN_OR_RETURN(u, p.AddPublic(u, mpc::RingTensor::Scalar(Constant(-1.5, kWorkBits))));

  const std::vector<double>& coefficients = MantissaPolynomial(fn, f);
  ARCA_ASSIGN_OR_RETURN(std::vector<mpc::Shared> powers,
                        Powers(p, u, static_cast<int>(coefficients.size()) - 1));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared sum, CombinePublic(p, coefficients, powers));
  if (fn == NormalizedFunction::kLog) {
    // log x = log m + e·ln 2 with e = k - f.
    ARCA_ASSIGN_OR_RETURN(mpc::Shared value, p.Truncate(sum, 2 * kWorkBits - f));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared exponent,
                          select([&](int k) { return Constant((k - f) * std::numbers::ln2, f); }));
    ARCA_ASSIGN_OR_RETURN(value, p.Add(value, exponent));
    return p.Reshape(std::move(value), x.shape());
  }

  // value · g(e) in two steps, because g spans more octaves than one product can hold: the
  // part lo = g / hi in (0, 2), as round(lo·2^b) then a truncation by b, and the exact power
  // of two hi = 2^max(0, floor(log2 g)), as an integer product; then the guard bits go.
  const int g = f + kGuardBits;
  ARCA_ASSIGN_OR_RETURN(mpc::Shared value, p.Truncate(sum, 2 * kWorkBits - g));
  const auto hi = [&](int k) {
    return std::ldexp(
        1.0, std::max(0, static_cast<int>(std::floor(std::log2(ExponentFactor(fn, k - f))))));
  };
  // |value| < 2^(g+1) and lo·2^b < 2^(b+1), so the product stays below 2^61; b also exceeds
  // the largest exponent, so lo = 2^-e is exact for the reciprocal.
  const int b = 59 - g;
  ARCA_ASSIGN_OR_RETURN(mpc::Shared lo, select([&](int k) {
                          return Constant(ExponentFactor(fn, k - f) / hi(k), b);
                        }));
  ARCA_ASSIGN_OR_RETURN(value, p.Mul(value, lo));
  ARCA_ASSIGN_OR_RETURN(value, p.Truncate(value, b));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared power,
                        select([&](int k) { return static_cast<uint64_t>(hi(k)); }));
  ARCA_ASSIGN_OR_RETURN(value, p.Mul(value, power));
  ARCA_ASSIGN_OR_RETURN(value, p.Truncate(value, kGuardBits));
  return p.Reshape(std::move(value), x.shape());
}

}  // namespace arca::fxp
