// Inputs of benchmarked operations: deterministic pseudorandom data, and sharing it.
//
// Values never change timings (every protocol is data-oblivious), but they must be valid for
// the operation: comparisons need operands whose differences fit in 63 bits.
#ifndef ARCA_BENCH_INPUTS_H_
#define ARCA_BENCH_INPUTS_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"

namespace arca::bench {

// Uniform ring elements.
mpc::RingTensor RandomRing(const mpc::Shape& shape, uint64_t seed);
// Signed integers uniform in [-bound, bound].
mpc::RingTensor RandomSigned(const mpc::Shape& shape, int64_t bound, uint64_t seed);
// Doubles uniform in [-1, 1).
std::vector<double> RandomDoubles(int64_t n, uint64_t seed);

// Secret-shares a tensor of `shape` held by input owner `owner`. Only a party that holds the
// owner's inputs calls `make`, so other parties never build the data.
Result<mpc::Shared> InputFrom(mpc::Protocol& protocol, int owner, const mpc::Shape& shape,
                              const std::function<mpc::RingTensor()>& make);

}  // namespace arca::bench

#endif  // ARCA_BENCH_INPUTS_H_
