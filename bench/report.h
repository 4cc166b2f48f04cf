// PartyReport: what one measuring process sends back to the benchmark, as one JSON line.
//
// A measuring process is one party of a secure protocol, or the single process of a plaintext
// or float64 baseline. It writes exactly one line to its stdout, starting with `{"arca_bench"`,
// and exits; anything else it prints is ignored.
#ifndef ARCA_BENCH_REPORT_H_
#define ARCA_BENCH_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"

namespace arca::bench {

// The peak resident memory of one phase of a measured run (a plan node, say).
struct PhasePeak {
  std::string phase;
  int64_t peak_rss_bytes = 0;
  bool operator==(const PhasePeak&) const = default;
};

struct PartyReport {
  int party = 0;
  // CLOCK_MONOTONIC, in ns, at the start and end of each timed repetition. The clock is
  // system-wide, so the parent can line up the parties' clocks without correction.
  std::vector<int64_t> start_ns;
  std::vector<int64_t> end_ns;
  // CPU time this process used (all its threads) in each timed repetition, in ns. Summed over
  // the parties and divided by the wall time, it shows how busy the cores were.
  std::vector<int64_t> cpu_ns;
  // What this party sent in each timed repetition (network counter deltas).
  std::vector<mpc::PartyCost> measured;
  // The declared cost of one repetition at this party; nullopt for float64 and for
  // operations without a declared cost.
  std::optional<mpc::PartyCost> declared;
  // Peak resident memory of the process (VmHWM), setup included unless the measuring process
  // says otherwise.
  int64_t peak_rss_bytes = 0;
  // Peak resident memory by phase, in order, when the measuring process records phases.
  std::vector<PhasePeak> phase_peaks;
  // Why the measurement failed; empty on success.
  std::string error;
};

// The report as one line of JSON (no newline).
std::string ToJsonLine(const PartyReport& report);
// Finds the report line in a process's stdout and parses it.
Result<PartyReport> ParseReport(std::string_view output);

}  // namespace arca::bench

#endif  // ARCA_BENCH_REPORT_H_
