// The fixed-point logistic function on a shared vector (fxp::FixedPoint::Sigmoid).
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>

#include "arca/fxp/fixed_point.h"
#include "bench/fixed_point_calls.h"
#include "bench/inputs.h"
#include "bench/ops.h"

namespace arca::bench {

Operation SigmoidOperation() {
  Operation op;
  op.name = "sigmoid";
  op.unit = "sigmoid";
  op.full_size = 1'000'000;
  op.smoke_size = 1000;
  op.ops = [](int64_t n) { return n; };
  op.prepare = [](mpc::Protocol& p, int64_t n) -> Result<PreparedOp> {
    const mpc::Shape shape{n};
    // Inputs across the interesting range, [-10, 10), at 18 fractional bits.
    ARCA_ASSIGN_OR_RETURN(mpc::Shared x, InputFrom(p, 0, shape, [&] {
                            return RandomSigned(shape, int64_t{10} << fxp::kDefaultFracBits, 6);
                          }));
    PreparedOp prepared;
    prepared.calls = SigmoidCalls(n);
    prepared.run = [&p, x = std::move(x)] { return fxp::FixedPoint(p).Sigmoid(x); };
    return prepared;
  };
  op.prepare_float64 = [](int64_t n) {
    // numpy's 1 / (1 + np.exp(-x)).
    struct Data {
      std::vector<double> x, out;
    };
    auto d = std::make_shared<Data>(
        Data{RandomDoubles(n, 6), std::vector<double>(static_cast<size_t>(n))});
    for (double& v : d->x) v *= 10;
    return PreparedFloat64{[d] {
      const size_t size = d->out.size();
      for (size_t i = 0; i < size; ++i) d->out[i] = 1 / (1 + std::exp(-d->x[i]));
      benchmark::DoNotOptimize(d->out.data());
      benchmark::ClobberMemory();
    }};
  };
  return op;
}

}  // namespace arca::bench
