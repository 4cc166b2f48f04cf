#include "bench/case_runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "arca/base/child_processes.h"
#include "arca/net/free_ports.h"
#include "bench/party_mode.h"

namespace arca::bench {
namespace {

// How long the other parties get to notice a failed party and exit on their own.
constexpr std::chrono::milliseconds kFailureGrace{5000};

std::vector<std::string> ChildArgv(const std::string& self, const CaseSpec& spec, int party,
                                   const std::string& endpoints, uint64_t session) {
  std::vector<std::string> argv = {self,           std::string(kPartyModeFlag),
                                   "--engine",     std::string(EngineName(spec.engine)),
                                   "--op",         spec.op->name,
                                   "--size",       std::to_string(spec.size),
                                   "--reps",       std::to_string(spec.reps),
                                   "--parent-pid", std::to_string(::getpid()),
                                   "--party",      std::to_string(party)};
  if (!endpoints.empty()) {
    argv.insert(argv.end(), {"--endpoints", endpoints, "--session", std::to_string(session)});
  }
  return argv;
}

// Why a case failed, from the parties' reports and exit statuses.
Status Failure(const std::vector<ChildOutcome>& outcomes) {
  std::string why;
  for (size_t p = 0; p < outcomes.size(); ++p) {
    if (outcomes[p].succeeded()) continue;
    const Result<PartyReport> report = ParseReport(outcomes[p].output);
    const std::string detail =
        report.ok() && !report->error.empty() ? ": " + report->error : std::string();
    if (!why.empty()) why += "; ";
    why += fmt::format("process {} {}{}", p, outcomes[p].Describe(), detail);
  }
  return AbortedError(why);
}

}  // namespace

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
  ARCA_ASSIGN_OR_RETURN(std::string self, SelfExecutable());
  const int processes = ProcessesOf(spec.engine);
  std::string endpoints;
  uint64_t session = 0;
  if (IsSecure(spec.engine)) {
    ARCA_ASSIGN_OR_RETURN(endpoints, net::FreeLoopbackEndpoints(processes));
    // Tells this case's connections apart from any other run's on the same machine.
    session = std::random_device()();
  }
  std::vector<std::vector<std::string>> argvs;
  argvs.reserve(static_cast<size_t>(processes));
  for (int p = 0; p < processes; ++p) argvs.push_back(ChildArgv(self, spec, p, endpoints, session));

  ARCA_ASSIGN_OR_RETURN(std::vector<ChildOutcome> outcomes,
                        RunChildren(argvs, spec.timeout, kFailureGrace));
  for (const ChildOutcome& o : outcomes) {
    if (!o.succeeded()) return Failure(outcomes);
  }
  std::vector<PartyReport> reports;
  for (size_t p = 0; p < outcomes.size(); ++p) {
    Result<PartyReport> report = ParseReport(outcomes[p].output);
    if (!report.ok()) return report.status().WithContext(fmt::format("process {}", p));
    reports.push_back(*std::move(report));
  }
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
