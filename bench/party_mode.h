// Party mode: arca-bench started by itself to measure one case in a fresh process.
//
// `arca-bench --arca-party-mode --engine dealer2pc --party 1 --endpoints ... --op mul
// --size 10000000 --reps 3 --parent-pid N` runs party 1 of dealer2pc over TCP; engines
// `plaintext` and `float64` run in this one process. The process shares its inputs (untimed),
// runs the operation once to warm up and then `reps` times, and prints one PartyReport line.
//
// Between repetitions every party reveals a shared scalar, outside the timed region: the
// parties start each repetition together, and a dealer cannot prepare the next repetition's
// randomness while the compute parties still work on the current one.
#ifndef ARCA_BENCH_PARTY_MODE_H_
#define ARCA_BENCH_PARTY_MODE_H_

#include <cstdint>
#include <string_view>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"
#include "bench/operation.h"
#include "bench/report.h"

namespace arca::bench {

// The first argument that selects party mode.
inline constexpr std::string_view kPartyModeFlag = "--arca-party-mode";

// Runs party mode (argv[1] is kPartyModeFlag); returns the process exit code.
int RunPartyMode(int argc, char** argv);

// What party mode runs at one party of any protocol (plaintext included): shares the inputs,
// warms up once, runs `reps` timed repetitions as described above, and records their start and
// end times, CPU time, traffic and declared cost in `report`. Also used by arca-bench-trust,
// whose parties are threads of one process.
Status MeasureAtParty(mpc::Protocol& p, const Operation& op, int64_t size, int reps,
                      PartyReport* report);

// The measurement of MeasureAtParty for a computation already set up at this party: `warmups`
// untimed runs, then `reps` timed ones, each after the barrier; the declared cost is that of
// `prepared.calls` (none if empty). Also used by arca-bench-plan.
Status MeasureRuns(mpc::Protocol& p, const PreparedOp& prepared, int warmups, int reps,
                   PartyReport* report);

}  // namespace arca::bench

#endif  // ARCA_BENCH_PARTY_MODE_H_
