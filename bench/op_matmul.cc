// Matrix product of two shared square matrices (Protocol::MatMul).
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <memory>

#include "bench/inputs.h"
#include "bench/ops.h"

namespace arca::bench {

Operation MatMulOperation() {
  Operation op;
  op.name = "matmul";
  op.unit = "MAC";
  op.full_size = 1024;
  op.smoke_size = 16;
  op.ops = [](int64_t n) { return n * n * n; };
  op.prepare = [](mpc::Protocol& p, int64_t n) -> Result<PreparedOp> {
    const mpc::Shape shape{n, n};
    ARCA_ASSIGN_OR_RETURN(mpc::Shared x,
                          InputFrom(p, 0, shape, [&] { return RandomRing(shape, 3); }));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared y,
                          InputFrom(p, 1, shape, [&] { return RandomRing(shape, 4); }));
    PreparedOp prepared;
    prepared.calls = {mpc::OpCall{.op = mpc::Op::kMatMul, .a = shape, .b = shape}};
    prepared.run = [&p, x = std::move(x), y = std::move(y)] { return p.MatMul(x, y); };
    return prepared;
  };
  op.prepare_float64 = [](int64_t n) {
    // numpy's x @ y on float64: OpenBLAS dgemm, on every core.
    struct Data {
      std::vector<double> x, y, z;
    };
    auto d = std::make_shared<Data>(Data{RandomDoubles(n * n, 3), RandomDoubles(n * n, 4),
                                         std::vector<double>(static_cast<size_t>(n * n))});
    return PreparedFloat64{[d, n] {
      const auto dim = static_cast<blasint>(n);
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, dim, dim, dim, 1.0, d->x.data(), dim,
                  d->y.data(), dim, 0.0, d->z.data(), dim);
      benchmark::DoNotOptimize(d->z.data());
      benchmark::ClobberMemory();
    }};
  };
  return op;
}

}  // namespace arca::bench
