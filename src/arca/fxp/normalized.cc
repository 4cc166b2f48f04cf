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
  const bool log = fn == NormalizedFunction::kLog;
  // The result is f(m) scaled by g(e) in two steps, because g spans more octaves than one
  // product can hold: lo = g / hi in (0, 2), as round(lo·2^b) then a truncation by b, and the
  // exact power of two hi = 2^max(0, floor(log2 g)); guard bits keep the last bit through
  // both. |f(m)| < 2^(g+1) and lo·2^b < 2^(b+1), so the first product stays below 2^61, and b
  // exceeds the largest exponent, so lo = 2^-e is exact for the reciprocal.
  const int guarded = f + kGuardBits;
  const int b = 59 - guarded;
  const auto hi = [&](int k) {
    return std::ldexp(
        1.0, std::max(0, static_cast<int>(std::floor(std::log2(ExponentFactor(fn, k - f))))));
  };

  // One batch of comparisons with the powers of two: x·2^f's interval k is its exponent (the
  // first interval also takes everything below 2). Per-exponent tables, selected at once:
  // the shift 2^(k_bits-1-k) that normalises x, and either e·ln 2 (the logarithm) or lo and
  // hi (the others), with e = k - f.
  mpc::RingTensor bounds(mpc::Shape{k_bits - 1});
  for (int j = 1; j < k_bits; ++j) bounds.data()[j - 1] = uint64_t{1} << j;
  ARCA_ASSIGN_OR_RETURN(mpc::Intervals intervals, mpc::CompareWithBounds(p, x, bounds));
  const int64_t rows = log ? 2 : 3;
  mpc::RingTensor table(mpc::Shape{rows, k_bits});
  for (int k = 0; k < k_bits; ++k) {
    table.data()[k] = uint64_t{1} << (k_bits - 1 - k);
    if (log) {
      table.data()[k_bits + k] = Constant((k - f) * std::numbers::ln2, f);
    } else {
      table.data()[k_bits + k] = Constant(ExponentFactor(fn, k - f) / hi(k), b);
      table.data()[2 * k_bits + k] = static_cast<uint64_t>(hi(k));
    }
  }
  ARCA_ASSIGN_OR_RETURN(mpc::Shared selected, mpc::SelectByInterval(p, intervals, table));
  ARCA_ASSIGN_OR_RETURN(std::vector<mpc::Shared> row, UnstackRows(p, selected, mpc::Shape{n}));

  // m = x·2^f·2^(k_bits-1-k) / 2^(k_bits-1), exact in the ring; u = m - 1.5 at kWorkBits.
  ARCA_ASSIGN_OR_RETURN(mpc::Shared flat_x, p.Reshape(x, mpc::Shape{n}));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared scaled, p.Mul(flat_x, row[0]));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared u, p.Truncate(scaled, k_bits - 1 - kWorkBits));
  ARCA_ASSIGN_OR_RETURN(u, p.AddPublic(u, mpc::RingTensor::Scalar(Constant(-1.5, kWorkBits))));

  const std::vector<double>& coefficients = MantissaPolynomial(fn, f);
  ARCA_ASSIGN_OR_RETURN(std::vector<mpc::Shared> powers,
                        Powers(p, u, static_cast<int>(coefficients.size()) - 1));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared sum, CombinePublic(p, coefficients, powers));
  mpc::Shared value;
  if (log) {
    ARCA_ASSIGN_OR_RETURN(value, p.Truncate(sum, 2 * kWorkBits - f));
    ARCA_ASSIGN_OR_RETURN(value, p.Add(value, row[1]));
  } else {
    ARCA_ASSIGN_OR_RETURN(value, p.Truncate(sum, 2 * kWorkBits - guarded));
    ARCA_ASSIGN_OR_RETURN(value, p.Mul(value, row[1]));
    ARCA_ASSIGN_OR_RETURN(value, p.Truncate(value, b));
    ARCA_ASSIGN_OR_RETURN(value, p.Mul(value, row[2]));
    ARCA_ASSIGN_OR_RETURN(value, p.Truncate(value, kGuardBits));
  }
  return p.Reshape(std::move(value), x.shape());
}

}  // namespace arca::fxp
