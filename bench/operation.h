// Operation: one benchmarked computation, described once and measured four ways.
//
// Every operation is measured on the secure protocols (dealer2pc, rep3; one process per party
// over loopback TCP), on the engine's own `plaintext` protocol (one process, no network), and as
// the float64 code a user would otherwise run (OpenBLAS or a plain loop, as numpy would).
//
// Adding an operation is one function that returns an Operation (see op_mul.cc for the
// shortest example) plus one line in Operations() (op_registry.cc). The function says how to
// set up the inputs (untimed) and what one timed run does, for a Protocol and for float64.
#ifndef ARCA_BENCH_OPERATION_H_
#define ARCA_BENCH_OPERATION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"

namespace arca::bench {

// An operation ready to run at one party: its inputs are already shared.
struct PreparedOp {
  // One timed run; returns its output. Every party calls it the same number of times, in step.
  // The caller drops the output after stopping the clock, so freeing it is not timed (the
  // float64 baselines write into preallocated outputs, which are not timed either).
  std::function<Result<mpc::Shared>()> run;
  // Optional: called before each run, outside the clock. A run that keeps what it made (a
  // plan's result, which is not a Shared) drops the previous run's here, so that it is neither
  // timed nor counted in the next run's memory.
  std::function<void()> before_run;
  // The interactive calls one run makes, in order. The theoretical figures of a run are the
  // sum of their declared costs (Protocol::Cost): calls run one after another, so their rounds
  // add up. Leave empty when the operation has no declared cost; the table then says "n/a".
  std::vector<mpc::OpCall> calls;
};

// The float64 baseline, ready to run: inputs allocated and filled.
struct PreparedFloat64 {
  std::function<void()> run;
};

struct Operation {
  std::string name;        // first part of the benchmark name: "mul", "matmul", ...
  std::string unit;        // what `ops` counts, for throughput: "mul", "MAC", "cmp"
  int64_t full_size = 0;   // the size of the peer figures (docs/PERFORMANCE.md)
  int64_t smoke_size = 0;  // a size that runs in well under a second, for the smoke test
  // How many `unit`s one run at `size` performs.
  std::function<int64_t(int64_t size)> ops;
  // Shares the inputs for `size` with Protocol::Input (untimed) and returns the timed run.
  // Runs at every party of the protocol, with the same `size`.
  std::function<Result<PreparedOp>(mpc::Protocol& protocol, int64_t size)> prepare;
  // The same computation in float64 (or bool for comparisons), as a user would write it.
  std::function<PreparedFloat64(int64_t size)> prepare_float64;
};

// Every benchmarked operation, in table order.
const std::vector<Operation>& Operations();
// The operation named `name`, or null.
const Operation* FindOperation(std::string_view name);

}  // namespace arca::bench

#endif  // ARCA_BENCH_OPERATION_H_
