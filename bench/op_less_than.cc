// Comparison of a shared vector with one public value (Protocol::LessThanPublic).
#include <benchmark/benchmark.h>

#include <memory>

#include "bench/inputs.h"
#include "bench/ops.h"

namespace arca::bench {
namespace {

// Operands are 40-bit signed integers (fixed-point values of a typical range), so that
// x - t fits in 63 bits as LessThanPublic requires.
constexpr int64_t kBound = int64_t{1} << 40;
constexpr int64_t kThreshold = 12345;

}  // namespace

Operation LessThanOperation() {
  Operation op;
  op.name = "less_than";
  op.unit = "cmp";
  op.full_size = 1'000'000;
  op.smoke_size = 1000;
  op.ops = [](int64_t n) { return n; };
  op.prepare = [](mpc::Protocol& p, int64_t n) -> Result<PreparedOp> {
    const mpc::Shape shape{n};
    ARCA_ASSIGN_OR_RETURN(mpc::Shared x,
                          InputFrom(p, 0, shape, [&] { return RandomSigned(shape, kBound, 5); }));
    const mpc::RingTensor threshold = mpc::RingTensor::FromSigned(mpc::Shape{1}, {kThreshold});
    PreparedOp prepared;
    prepared.calls = {mpc::OpCall{.op = mpc::Op::kLessThan, .a = shape, .count = 1}};
    prepared.run = [&p, x = std::move(x), threshold] { return p.LessThanPublic(x, threshold); };
    return prepared;
  };
  op.prepare_float64 = [](int64_t n) {
    // numpy's x < t: one vectorised pass writing a bool array.
    struct Data {
      std::vector<double> x;
      std::vector<uint8_t> out;
    };
    auto d = std::make_shared<Data>(
        Data{RandomDoubles(n, 5), std::vector<uint8_t>(static_cast<size_t>(n))});
    return PreparedFloat64{[d] {
      const double* x = d->x.data();
      uint8_t* out = d->out.data();
      const double t = static_cast<double>(kThreshold) / static_cast<double>(kBound);
      const size_t size = d->out.size();
      for (size_t i = 0; i < size; ++i) out[i] = x[i] < t ? 1 : 0;
      benchmark::DoNotOptimize(out);
      benchmark::ClobberMemory();
    }};
  };
  return op;
}

}  // namespace arca::bench
