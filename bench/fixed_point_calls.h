// The interactive calls that fixed-point functions make, for the benchmarks' declared costs.
//
// These follow fxp's implementation at the default precision (f = 18), where the sigmoid's
// interpolants have degree 6. If fxp changes, the measured and declared columns of the table
// disagree, which is the point of listing them.
#ifndef ARCA_BENCH_FIXED_POINT_CALLS_H_
#define ARCA_BENCH_FIXED_POINT_CALLS_H_

#include <vector>

#include "arca/mpc/protocol.h"

namespace arca::bench {

// fxp::FixedPoint::Sigmoid on n elements.
std::vector<mpc::OpCall> SigmoidCalls(int64_t n);

}  // namespace arca::bench

#endif  // ARCA_BENCH_FIXED_POINT_CALLS_H_
