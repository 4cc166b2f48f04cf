// Party processes: one process per party of a measured computation, on both sides.
//
// The parent (arca-bench, arca-bench-plan) starts one copy of its own executable per party
// with RunPartyProcesses: the case's arguments, followed by each party's own flags (--party,
// --parent-pid, and for networked protocols --endpoints and --session). A child reads them with
// AddPartyFlags, calls FollowParent first, runs its program as its party with RunAsParty, and
// ends with FinishParty, which prints its one PartyReport line (report.h).
//
// Nothing outlives the parent: children ask the kernel to kill them when it dies, and
// RunChildren (base/child_processes.h) kills the rest when one fails or the deadline passes.
#ifndef ARCA_BENCH_PARTY_PROCESS_H_
#define ARCA_BENCH_PARTY_PROCESS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/runner.h"
#include "bench/report.h"

namespace CLI {
class App;
}  // namespace CLI

namespace arca::bench {

// The flags RunPartyProcesses gives each child.
struct PartyFlags {
  int party = 0;
  std::string endpoints;  // IP:PORT of every party, comma-separated; empty in one process
  uint64_t session = 0;   // tells this run's connections apart from any other's
  int64_t parent_pid = 0;
};

// Adds --party, --endpoints, --session and --parent-pid to `app`, read into `flags`.
void AddPartyFlags(CLI::App& app, PartyFlags* flags);

// Asks the kernel to kill this process when its parent dies. False if the parent is gone
// already: the child should exit at once.
bool FollowParent(const PartyFlags& flags);

// Runs `program` as this process's party of `kind`: over TCP to the other processes at
// flags.endpoints, or, for plaintext, every party (one) in this process.
Status RunAsParty(mpc::ProtocolKind kind, const PartyFlags& flags,
                  const mpc::PartyProgram& program);

// Stops this process once its resident memory passes `limit_bytes` (checked every 20 ms by a
// background thread): it prints a report line for `party` saying so, with what `where` says the
// process was doing (called on that thread: it must be safe to call from any thread), and exits
// with status 1, so that the parent reports a clear failure instead of the machine running out
// of memory.
void LimitResidentMemory(int64_t limit_bytes, int party, std::function<std::string()> where);

// Peak resident memory of this process (VmHWM), and its reset to the current resident set
// (so that a later peak excludes the setup).
int64_t PeakRssBytes();
void ResetPeakRss();

// Sets the report's peak RSS (unless the caller recorded one) and error, prints its line, and on
// failure also one line on stderr starting with `who`; returns the process's exit code.
int FinishParty(std::string_view who, PartyReport report, const Status& status);

// Parent side: starts `processes` copies of this executable, each with `args` (after the
// executable) and its party's flags, networked over fresh 127.0.0.1 ports when `networked`;
// waits at most `timeout`, and returns each party's report. A failure names every process
// that failed, how, and the error it reported.
Result<std::vector<PartyReport>> RunPartyProcesses(int processes, bool networked,
                                                   const std::vector<std::string>& args,
                                                   std::chrono::seconds timeout);

}  // namespace arca::bench

#endif  // ARCA_BENCH_PARTY_PROCESS_H_
