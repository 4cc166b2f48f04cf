#include "bench/case_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "bench/party_mode.h"
#include "bench/party_process.h"

namespace arca::bench {

std::string_view EngineName(Engine engine) {
  switch (engine) {
    case Engine::kFloat64:
      return "float64";
    case Engine::kPlaintext:
      return "plaintext";
    case Engine::kDealer2pc:
      return "dealer2pc";
    case Engine::kRep3:
      return "rep3";
  }
  return "unknown";
}

bool IsSecure(Engine engine) { return engine == Engine::kDealer2pc || engine == Engine::kRep3; }

int ProcessesOf(Engine engine) { return IsSecure(engine) ? 3 : 1; }

double CaseResult::MeanSeconds() const {
  if (seconds.empty()) return 0;
  double sum = 0;
  for (double s : seconds) sum += s;
  return sum / static_cast<double>(seconds.size());
}

double CaseResult::MeanCpuSeconds(int party) const {
  const std::vector<int64_t>& cpu = parties[static_cast<size_t>(party)].cpu_ns;
  if (cpu.empty()) return 0;
  int64_t sum = 0;
  for (int64_t ns : cpu) sum += ns;
  return static_cast<double>(sum) * 1e-9 / static_cast<double>(cpu.size());
}

mpc::PartyCost CaseResult::MeanMeasured(int party, bool* uniform) const {
  const std::vector<mpc::PartyCost>& runs = parties[static_cast<size_t>(party)].measured;
  mpc::PartyCost sum;
  *uniform = true;
  for (const mpc::PartyCost& c : runs) {
    sum.rounds += c.rounds;
    sum.online_bytes += c.online_bytes;
    sum.preprocessing_bytes += c.preprocessing_bytes;
    if (!(c == runs.front())) *uniform = false;
  }
  if (runs.empty()) return sum;
  const auto n = static_cast<int64_t>(runs.size());
  return mpc::PartyCost{sum.rounds / n, sum.online_bytes / n, sum.preprocessing_bytes / n};
}

Result<CaseResult> RunCase(const CaseSpec& spec) {
  const std::vector<std::string> args = {std::string(kPartyModeFlag),
                                         "--engine",
                                         std::string(EngineName(spec.engine)),
                                         "--op",
                                         spec.op->name,
                                         "--size",
                                         std::to_string(spec.size),
                                         "--reps",
                                         std::to_string(spec.reps)};
  ARCA_ASSIGN_OR_RETURN(
      std::vector<PartyReport> reports,
      RunPartyProcesses(ProcessesOf(spec.engine), IsSecure(spec.engine), args, spec.timeout));
  return CombineReports(std::move(reports), spec.reps);
}

Result<CaseResult> CombineReports(std::vector<PartyReport> parties, int reps) {
  for (size_t p = 0; p < parties.size(); ++p) {
    if (static_cast<int>(parties[p].start_ns.size()) != reps) {
      return DataLossError(fmt::format("party {} reported {} repetitions, not {}", p,
                                       parties[p].start_ns.size(), reps));
    }
  }
  CaseResult result;
  result.parties = std::move(parties);
  for (int rep = 0; rep < reps; ++rep) {
    int64_t first_start = INT64_MAX;
    int64_t last_end = INT64_MIN;
    for (const PartyReport& r : result.parties) {
      first_start = std::min(first_start, r.start_ns[static_cast<size_t>(rep)]);
      last_end = std::max(last_end, r.end_ns[static_cast<size_t>(rep)]);
    }
    result.seconds.push_back(static_cast<double>(last_end - first_start) * 1e-9);
  }
  return result;
}

}  // namespace arca::bench
