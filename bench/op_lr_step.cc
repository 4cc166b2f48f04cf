// One step of logistic-regression training on 10^6 rows of 32 features, as in PEERS.md:
// z = X·w, p = sigmoid(z), g = X^T·(p - y), w <- w - (lr / n)·g. X is prepared once with
// Reusable() outside the timed step, as training does before its first iteration, so that
// every step opens only w and p - y.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cmath>
#include <memory>

#include "arca/fxp/fixed_point.h"
#include "bench/fixed_point_calls.h"
#include "bench/inputs.h"
#include "bench/ops.h"

namespace arca::bench {
namespace {

constexpr int64_t kFeatures = 32;
constexpr double kLearningRate = 1.0;

}  // namespace

Operation LrStepOperation() {
  Operation op;
  op.name = "lr_step";
  op.unit = "row";
  op.full_size = 1'000'000;
  op.smoke_size = 1000;
  op.ops = [](int64_t n) { return n; };
  op.prepare = [](mpc::Protocol& p, int64_t n) -> Result<PreparedOp> {
    const int f = fxp::kDefaultFracBits;
    const mpc::Shape xs{n, kFeatures}, ys{n, 1}, ws{kFeatures, 1};
    // Features in [-1, 1), labels 0/1, weights small: values of a standardised data set.
    ARCA_ASSIGN_OR_RETURN(
        mpc::Shared x, InputFrom(p, 0, xs, [&] { return RandomSigned(xs, int64_t{1} << f, 7); }));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared y, InputFrom(p, 1, ys, [&] {
                            mpc::RingTensor t = RandomSigned(ys, 1, 8);
                            for (uint64_t& v : t.values()) v = (v & 1) << f;
                            return t;
                          }));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared w, InputFrom(p, 1, ws, [&] {
                            return RandomSigned(ws, int64_t{1} << (f - 4), 9);
                          }));
    ARCA_ASSIGN_OR_RETURN(x, p.Reusable(x));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared xt, p.Transpose(x));
    const bool reusable = p.name() == "dealer2pc";
    PreparedOp prepared;
    using mpc::Op;
    using mpc::OpCall;
    prepared.calls = {OpCall{.op = Op::kMatMul, .a = xs, .b = ws, .a_reusable = reusable},
                      OpCall{.op = Op::kTruncate, .a = ys}};
    for (const OpCall& c : SigmoidCalls(n)) prepared.calls.push_back(c);
    prepared.calls.push_back(
        OpCall{.op = Op::kMatMul, .a = mpc::Shape{kFeatures, n}, .b = ys, .a_reusable = reusable});
    // The gradient's truncation, then MulConstant by lr/n: a division by lr/n's power of two
    // and a truncation after the product with its mantissa.
    for (int i = 0; i < 3; ++i) prepared.calls.push_back(OpCall{.op = Op::kTruncate, .a = ws});
    prepared.run = [&p, n, x = std::move(x), xt = std::move(xt), y = std::move(y),
                    w = std::move(w)]() -> Result<mpc::Shared> {
      fxp::FixedPoint fp(p);
      ARCA_ASSIGN_OR_RETURN(mpc::Shared z, fp.MatMul(x, w));
      ARCA_ASSIGN_OR_RETURN(mpc::Shared prob, fp.Sigmoid(z));
      ARCA_ASSIGN_OR_RETURN(mpc::Shared error, p.Sub(prob, y));
      ARCA_ASSIGN_OR_RETURN(mpc::Shared gradient, fp.MatMul(xt, error));
      ARCA_ASSIGN_OR_RETURN(gradient,
                            fp.MulConstant(gradient, kLearningRate / static_cast<double>(n)));
      return p.Sub(w, gradient);
    };
    return prepared;
  };
  op.prepare_float64 = [](int64_t n) {
    // numpy: z = X @ w; p = 1 / (1 + np.exp(-z)); g = X.T @ (p - y); w -= lr / n * g.
    struct Data {
      std::vector<double> x, y, w, z, g;
    };
    auto d = std::make_shared<Data>(
        Data{RandomDoubles(n * kFeatures, 7), RandomDoubles(n, 8), RandomDoubles(kFeatures, 9),
             std::vector<double>(static_cast<size_t>(n)), std::vector<double>(kFeatures)});
    for (double& v : d->y) v = v < 0 ? 0 : 1;
    return PreparedFloat64{[d, n] {
      const auto rows = static_cast<int>(n);
      cblas_dgemv(CblasRowMajor, CblasNoTrans, rows, kFeatures, 1.0, d->x.data(), kFeatures,
                  d->w.data(), 1, 0.0, d->z.data(), 1);
      for (int64_t i = 0; i < n; ++i) {
        const auto k = static_cast<size_t>(i);
        d->z[k] = 1 / (1 + std::exp(-d->z[k])) - d->y[k];
      }
      cblas_dgemv(CblasRowMajor, CblasTrans, rows, kFeatures, 1.0, d->x.data(), kFeatures,
                  d->z.data(), 1, 0.0, d->g.data(), 1);
      for (int j = 0; j < kFeatures; ++j) {
        d->w[static_cast<size_t>(j)] -=
            kLearningRate / static_cast<double>(n) * d->g[static_cast<size_t>(j)];
      }
      benchmark::DoNotOptimize(d->w.data());
      benchmark::ClobberMemory();
    }};
  };
  return op;
}

}  // namespace arca::bench
