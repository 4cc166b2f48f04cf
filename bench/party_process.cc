#include "bench/party_process.h"

#include <fmt/format.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "arca/base/child_processes.h"
#include "arca/net/free_ports.h"

namespace arca::bench {
namespace {

// How long the other parties get to notice a failed party and exit on their own.
constexpr std::chrono::milliseconds kFailureGrace{5000};

// Resident memory now: the second field of /proc/self/statm, in pages.
int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0;
  int64_t resident = 0;
  statm >> size >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

std::vector<std::string> ChildArgv(const std::string& self, const std::vector<std::string>& args,
                                   int party, const std::string& endpoints, uint64_t session) {
  std::vector<std::string> argv = {self};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(),
              {"--party", std::to_string(party), "--parent-pid", std::to_string(::getpid())});
  if (!endpoints.empty()) {
    argv.insert(argv.end(), {"--endpoints", endpoints, "--session", std::to_string(session)});
  }
  return argv;
}

// Why a run failed, from the parties' reports and exit statuses.
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

void AddPartyFlags(CLI::App& app, PartyFlags* flags) {
  app.add_option("--party", flags->party, "this party's index");
  app.add_option("--endpoints", flags->endpoints, "IP:PORT of every party, comma-separated");
  app.add_option("--session", flags->session, "session id shared by all parties");
  app.add_option("--parent-pid", flags->parent_pid, "the process that started this one");
}

bool FollowParent(const PartyFlags& flags) {
  if (flags.parent_pid == 0) return true;
  // The check after prctl closes the race of a parent that died before prctl ran.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  return ::getppid() == static_cast<pid_t>(flags.parent_pid);
}

Status RunAsParty(mpc::ProtocolKind kind, const PartyFlags& flags,
                  const mpc::PartyProgram& program) {
  if (kind == mpc::ProtocolKind::kPlaintext) return mpc::RunInProcess(kind, program)[0];
  ARCA_ASSIGN_OR_RETURN(std::vector<net::Endpoint> endpoints,
                        net::ParseEndpointList(flags.endpoints));
  net::TcpOptions options;
  options.session = flags.session;
  return mpc::RunTcpParty(kind, flags.party, endpoints, options, program);
}

void LimitResidentMemory(int64_t limit_bytes, int party, std::function<std::string()> where) {
  std::thread([limit_bytes, party, where = std::move(where)] {
    while (ResidentBytes() <= limit_bytes) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    PartyReport report;
    report.party = party;
    report.peak_rss_bytes = PeakRssBytes();
    report.error = fmt::format("stopped {}: resident memory passed the limit of {} MB", where(),
                               limit_bytes / 1'000'000);
    std::printf("%s\n", ToJsonLine(report).c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "party %d: %s\n", party, report.error.c_str());
    std::_Exit(1);
  }).detach();
}

int64_t PeakRssBytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    int64_t kib = 0;
    fields >> kib;
    return kib * 1024;
  }
  return 0;
}

void ResetPeakRss() {
  // "5" resets VmHWM to the current resident set (Linux 4.0 and later; proc(5)).
  std::ofstream("/proc/self/clear_refs") << "5";
}

int FinishParty(std::string_view who, PartyReport report, const Status& status) {
  if (report.peak_rss_bytes == 0) report.peak_rss_bytes = PeakRssBytes();
  if (!status.ok()) report.error = status.ToString();
  std::printf("%s\n", ToJsonLine(report).c_str());
  std::fflush(stdout);
  if (!status.ok()) {
    std::fprintf(stderr, "%.*s party %d: %s\n", static_cast<int>(who.size()), who.data(),
                 report.party, status.ToString().c_str());
    return 1;
  }
  return 0;
}

Result<std::vector<PartyReport>> RunPartyProcesses(int processes, bool networked,
                                                   const std::vector<std::string>& args,
                                                   std::chrono::seconds timeout) {
  ARCA_ASSIGN_OR_RETURN(std::string self, SelfExecutable());
  std::string endpoints;
  uint64_t session = 0;
  if (networked) {
    ARCA_ASSIGN_OR_RETURN(endpoints, net::FreeLoopbackEndpoints(processes));
    session = std::random_device()();
  }
  std::vector<std::vector<std::string>> argvs;
  argvs.reserve(static_cast<size_t>(processes));
  for (int p = 0; p < processes; ++p) {
    argvs.push_back(ChildArgv(self, args, p, endpoints, session));
  }
  ARCA_ASSIGN_OR_RETURN(std::vector<ChildOutcome> outcomes,
                        RunChildren(argvs, timeout, kFailureGrace));
  for (const ChildOutcome& o : outcomes) {
    if (!o.succeeded()) return Failure(outcomes);
  }
  std::vector<PartyReport> reports;
  for (size_t p = 0; p < outcomes.size(); ++p) {
    Result<PartyReport> report = ParseReport(outcomes[p].output);
    if (!report.ok()) return report.status().WithContext(fmt::format("process {}", p));
    reports.push_back(*std::move(report));
  }
  return reports;
}

}  // namespace arca::bench
