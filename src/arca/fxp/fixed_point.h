// FixedPoint: real-valued arithmetic on secret shares, written once over mpc::Protocol.
//
// A value v is shared as round(v · 2^f) in Z_2^64 with f fractional bits (18 by default; see
// encoding.h for the ranges this implies). Every function below runs unchanged on plaintext,
// dealer2pc and rep3, and states its valid input range and its accuracy; the accuracy bounds
// are what fixed_point_test.cc checks on every protocol. An "ulp" is 2^-f.
//
// Outside a function's range the result is defined but not meaningful. Debug checks
// (set_debug_checks) make such inputs detectable: each function then opens its input and its
// result, compares them with double precision, and returns an error naming the function, the
// range or bound that failed and the first offending element. Opening is the opposite of what
// Arca is for, so debug checks are for development on synthetic data only; they say so in
// the log when enabled.
#ifndef ARCA_FXP_FIXED_POINT_H_
#define ARCA_FXP_FIXED_POINT_H_

#include <vector>

#include "arca/fxp/encoding.h"
#include "arca/mpc/protocol.h"

namespace arca::fxp {

class FixedPoint {
 public:
  // `frac_bits` must lie in [kMinFracBits, kMaxFracBits]; Create checks it.
  explicit FixedPoint(mpc::Protocol& protocol, int frac_bits = kDefaultFracBits)
      : p_(&protocol), f_(frac_bits) {}
  static Result<FixedPoint> Create(mpc::Protocol& protocol, int frac_bits);

  mpc::Protocol& protocol() const { return *p_; }
  int frac_bits() const { return f_; }

  // See the file comment. All parties must set the same value.
  void set_debug_checks(bool on);
  bool debug_checks() const { return debug_; }

  // Shares real values held by input owner `owner` (values null where !Holds(owner)).
  Result<mpc::Shared> Input(int owner, const mpc::Shape& shape, const std::vector<double>* values);
  Result<std::vector<double>> Reveal(const mpc::Shared& x);

  // x + c, and x·c for a public real c. x·c needs |x·c| < 2^(62-2f), like Mul; error <= 2 ulp
  // + |x·c|·2^-(f+1) (c is encoded with f significant bits).
  // A constant below 1 costs one more round (x is divided by c's power of two first, so that
  // small constants such as 1/n keep f significant bits).
  Result<mpc::Shared> AddConstant(const mpc::Shared& x, double c);
  Result<mpc::Shared> MulConstant(const mpc::Shared& x, double c);

  // a·b: error <= 1 ulp. |a·b| < 2^(62-2f) (6.7e7 at f = 18).
  Result<mpc::Shared> Mul(const mpc::Shared& a, const mpc::Shared& b);
  // A·B for shapes [m, k] and [k, n]: error <= 1 ulp per output; every partial sum
  // |sum a_ij·b_jk| < 2^(62-2f).
  Result<mpc::Shared> MatMul(const mpc::Shared& a, const mpc::Shared& b);

  // 1/x for x in [2^-f, 2^(62-2f)), i.e. [3.8e-6, 6.7e7) at f = 18.
  // Error <= 2^-(f-1) relative + 2 ulp (the result carries f significant bits).
  Result<mpc::Shared> Reciprocal(const mpc::Shared& x);
  // a / b for b in Reciprocal's range: Mul(a, Reciprocal(b)).
  Result<mpc::Shared> Div(const mpc::Shared& a, const mpc::Shared& b);
  // e^x for x < (60 - 2f - 2)·ln 2 (15.25 at f = 18); below -(f + 2)·ln 2 the result is 0.
  // Larger x saturate at 2^(60-2f-2). Error <= 2^-(f-1) relative + 2 ulp.
  Result<mpc::Shared> Exp(const mpc::Shared& x);
  // ln x for x in Reciprocal's range. Error <= 3 ulp.
  Result<mpc::Shared> Log(const mpc::Shared& x);
  // sqrt(x) and 1/sqrt(x) for x in Reciprocal's range. Error <= 2^-(f-1) relative + 2 ulp.
  Result<mpc::Shared> Sqrt(const mpc::Shared& x);
  Result<mpc::Shared> InvSqrt(const mpc::Shared& x);
  // 1/(1 + e^-x) for every representable x. Error <= 3 ulp (1.1e-5 at f = 18).
  //
  // Polynomial degrees follow f (half an ulp of approximation error), so higher precision
  // costs more rounds: at f = 18 the powers take 3 doublings, above about f = 21 four.
  Result<mpc::Shared> Sigmoid(const mpc::Shared& x);

 private:
  // Runs `compute` on x; with debug checks, first checks x against [lo, hi) and then the
  // result against `reference` within abs_ulps ulp + rel·|reference|.
  struct Spec;
  Result<mpc::Shared> Checked(const Spec& spec, const mpc::Shared& x,
                              const std::function<Result<mpc::Shared>()>& compute);

  mpc::Protocol* p_;
  int f_;
  bool debug_ = false;
};

// x in fixed point at `to_bits`, from fixed point at `from_bits`: a local product when the bits
// grow, a truncation (one round, within one ulp) when they shrink.
Result<mpc::Shared> Rescale(mpc::Protocol& p, const mpc::Shared& x, int from_bits, int to_bits);

}  // namespace arca::fxp

#endif  // ARCA_FXP_FIXED_POINT_H_
