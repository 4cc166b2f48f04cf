// Logistic-regression training as a plan runs it (ml::Train): 569 rows of 30 features, the
// shape of the Wisconsin breast-cancer data, 200 full-batch iterations, with every row
// selected (a secret selection, as after a filter). One run is the whole training: the masked
// design matrix made Reusable once, the scale learning_rate·2^K/m computed once, then 200
// iterations.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cmath>
#include <memory>

#include "arca/fxp/fixed_point.h"
#include "arca/ml/linear_model.h"
#include "bench/inputs.h"
#include "bench/ops.h"

namespace arca::bench {
namespace {

constexpr int64_t kFeatures = 30;
constexpr int kIterations = 200;
constexpr double kLearningRate = 0.5;
constexpr double kL2 = 0.01;

}  // namespace

Operation LrTrainOperation() {
  Operation op;
  op.name = "lr_train";
  op.unit = "row-iteration";
  op.full_size = 569;
  op.smoke_size = 40;
  op.ops = [](int64_t n) { return n * kIterations; };
  op.prepare = [](mpc::Protocol& p, int64_t n) -> Result<PreparedOp> {
    const int f = fxp::kDefaultFracBits;
    const mpc::Shape xs{n, kFeatures}, ys{n};
    // Standardised features in [-1, 1), labels 0/1, every row selected.
    ARCA_ASSIGN_OR_RETURN(
        mpc::Shared x, InputFrom(p, 0, xs, [&] { return RandomSigned(xs, int64_t{1} << f, 11); }));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared y, InputFrom(p, 1, ys, [&] {
                            mpc::RingTensor t = RandomSigned(ys, 1, 12);
                            for (uint64_t& v : t.values()) v = (v & 1) << f;
                            return t;
                          }));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared s,
                          InputFrom(p, 0, ys, [&] { return mpc::RingTensor::Filled(ys, 1); }));
    PreparedOp prepared;  // no declared cost: the reciprocal's calls are not itemised
    prepared.run = [&p, x = std::move(x), y = std::move(y), s = std::move(s)] {
      fxp::FixedPoint fp(p);
      ml::TrainOptions options;
      options.kind = ml::ModelKind::kLogistic;
      options.iterations = kIterations;
      options.learning_rate = kLearningRate;
      options.l2 = kL2;
      return ml::Train(fp, x, y, s, options);
    };
    return prepared;
  };
  op.prepare_float64 = [](int64_t n) {
    // numpy: 200 times z = X @ w + b; p = 1 / (1 + np.exp(-z)); w -= lr * (X.T @ (p - y) / n
    // + l2 * w); b -= lr * mean(p - y).
    struct Data {
      std::vector<double> x, y, w, z;
      double b = 0;
    };
    auto d = std::make_shared<Data>(Data{RandomDoubles(n * kFeatures, 11), RandomDoubles(n, 12),
                                         std::vector<double>(kFeatures),
                                         std::vector<double>(static_cast<size_t>(n))});
    for (double& v : d->y) v = v < 0 ? 0 : 1;
    return PreparedFloat64{[d, n] {
      const auto rows = static_cast<int>(n);
      const double scale = kLearningRate / static_cast<double>(n);
      std::fill(d->w.begin(), d->w.end(), 0.0);
      d->b = 0;
      std::vector<double> g(kFeatures);
      for (int t = 0; t < kIterations; ++t) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, rows, kFeatures, 1.0, d->x.data(), kFeatures,
                    d->w.data(), 1, 0.0, d->z.data(), 1);
        double bias_gradient = 0;
        for (size_t i = 0; i < d->z.size(); ++i) {
          d->z[i] = 1 / (1 + std::exp(-(d->z[i] + d->b))) - d->y[i];
          bias_gradient += d->z[i];
        }
        cblas_dgemv(CblasRowMajor, CblasTrans, rows, kFeatures, 1.0, d->x.data(), kFeatures,
                    d->z.data(), 1, 0.0, g.data(), 1);
        for (size_t j = 0; j < g.size(); ++j) {
          d->w[j] -= scale * g[j] + kLearningRate * kL2 * d->w[j];
        }
        d->b -= scale * bias_gradient;
      }
      benchmark::DoNotOptimize(d->w.data());
      benchmark::ClobberMemory();
    }};
  };
  return op;
}

}  // namespace arca::bench
