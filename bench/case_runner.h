// Measures one benchmark case (an operation, a size, an engine) in fresh processes.
//
// Secure engines run one process per party over TCP on 127.0.0.1; the plaintext and float64
// baselines run in one process. Fresh processes per case make each peak-memory figure that
// case's own.
#ifndef ARCA_BENCH_CASE_RUNNER_H_
#define ARCA_BENCH_CASE_RUNNER_H_

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "bench/operation.h"
#include "bench/report.h"

namespace arca::bench {

enum class Engine { kFloat64, kPlaintext, kDealer2pc, kRep3 };

std::string_view EngineName(Engine engine);
bool IsSecure(Engine engine);
// Processes a case runs: 3 for the secure protocols, else 1.
int ProcessesOf(Engine engine);

struct CaseSpec {
  const Operation* op = nullptr;
  int64_t size = 0;
  Engine engine = Engine::kFloat64;
  int reps = 3;
  std::chrono::seconds timeout{900};
};

struct CaseResult {
  // Wall time of each timed repetition: from the first party starting it to the last party
  // finishing it (all parties read the same monotonic clock). This is at least every party's
  // own time, so it never flatters: the result exists only when the slowest party has it.
  std::vector<double> seconds;
  std::vector<PartyReport> parties;  // indexed by party

  double MeanSeconds() const;
  // Mean CPU seconds per repetition that `party`'s process used (all its threads).
  double MeanCpuSeconds(int party) const;
  // Mean cost per repetition at `party`; also whether every repetition sent the same.
  mpc::PartyCost MeanMeasured(int party, bool* uniform) const;
};

Result<CaseResult> RunCase(const CaseSpec& spec);

// A case's result from its parties' reports (indexed by party), each of `reps` repetitions.
Result<CaseResult> CombineReports(std::vector<PartyReport> parties, int reps);

}  // namespace arca::bench

#endif  // ARCA_BENCH_CASE_RUNNER_H_
