// Elementwise multiplication of two shared vectors (Protocol::Mul).
#include <benchmark/benchmark.h>

#include <memory>

#include "bench/inputs.h"
#include "bench/ops.h"

namespace arca::bench {

Operation MulOperation() {
  Operation op;
  op.name = "mul";
  op.unit = "mul";
  op.full_size = 10'000'000;
  op.smoke_size = 1000;
  op.ops = [](int64_t n) { return n; };
  op.prepare = [](mpc::Protocol& p, int64_t n) -> Result<PreparedOp> {
    const mpc::Shape shape{n};
    ARCA_ASSIGN_OR_RETURN(mpc::Shared a,
                          InputFrom(p, 0, shape, [&] { return RandomRing(shape, 1); }));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared b,
                          InputFrom(p, 1, shape, [&] { return RandomRing(shape, 2); }));
    PreparedOp prepared;
    prepared.calls = {mpc::OpCall{.op = mpc::Op::kMul, .a = shape, .b = shape}};
    prepared.run = [&p, a = std::move(a), b = std::move(b)] { return p.Mul(a, b); };
    return prepared;
  };
  op.prepare_float64 = [](int64_t n) {
    // numpy's a * b: one vectorised pass (numpy runs elementwise work on one thread).
    struct Data {
      std::vector<double> a, b, c;
    };
    auto d = std::make_shared<Data>(Data{RandomDoubles(n, 1), RandomDoubles(n, 2),
                                         std::vector<double>(static_cast<size_t>(n))});
    return PreparedFloat64{[d] {
      const double* a = d->a.data();
      const double* b = d->b.data();
      double* c = d->c.data();
      const size_t size = d->c.size();
      for (size_t i = 0; i < size; ++i) c[i] = a[i] * b[i];
      benchmark::DoNotOptimize(c);
      benchmark::ClobberMemory();
    }};
  };
  return op;
}

}  // namespace arca::bench
