#include "bench/fixed_point_calls.h"

namespace arca::bench {

std::vector<mpc::OpCall> SigmoidCalls(int64_t n) {
  using mpc::Op;
  using mpc::OpCall;
  using mpc::Shape;
  // One batch of comparisons against the 17 piece bounds; powers u^2 | u^3, u^4 | u^5, u^6
  // (a product and a truncation per doubling); the coefficients' products; one truncation.
  std::vector<OpCall> calls = {OpCall{.op = Op::kLessThan, .a = Shape{n}, .count = 17}};
  for (int64_t rows : {1, 2, 2}) {
    calls.push_back(OpCall{.op = Op::kMul, .a = Shape{rows * n}, .b = Shape{rows * n}});
    calls.push_back(OpCall{.op = Op::kTruncate, .a = Shape{rows * n}});
  }
  calls.push_back(OpCall{.op = Op::kMul, .a = Shape{6 * n}, .b = Shape{6 * n}});
  calls.push_back(OpCall{.op = Op::kTruncate, .a = Shape{n}});
  return calls;
}

}  // namespace arca::bench
