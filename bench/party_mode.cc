#include "bench/party_mode.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <ctime>
#include <string>

#include "arca/base/logging.h"
#include "arca/mpc/runner.h"
#include "bench/operation.h"
#include "bench/party_process.h"
#include "bench/report.h"

namespace arca::bench {
namespace {

struct PartyArgs {
  std::string engine;  // float64, plaintext, dealer2pc, rep3
  PartyFlags party;
  std::string op;
  int64_t size = 0;
  int reps = 1;
};

// CLOCK_MONOTONIC is one clock for every process of the machine, which is what lets the
// parent compare the parties' timestamps directly.
int64_t MonotonicNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// CPU time of every thread of this process so far.
int64_t ProcessCpuNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

mpc::PartyCost CostOf(const net::TrafficStats& spent) {
  return mpc::PartyCost{spent.rounds, spent.online_bytes_sent(), spent.preprocessing_bytes_sent()};
}

net::TrafficStats Traffic(mpc::Protocol& p) {
  return p.session().has_network() ? p.session().network().stats() : net::TrafficStats();
}

Status MeasureFloat64(const Operation& op, int64_t size, int reps, PartyReport* report) {
  PreparedFloat64 prepared = op.prepare_float64(size);
  for (int rep = -1; rep < reps; ++rep) {
    const int64_t cpu_start = ProcessCpuNs();
    const int64_t start = MonotonicNs();
    prepared.run();
    const int64_t end = MonotonicNs();
    const int64_t cpu_end = ProcessCpuNs();
    if (rep < 0) continue;
    report->start_ns.push_back(start);
    report->end_ns.push_back(end);
    report->cpu_ns.push_back(cpu_end - cpu_start);
    report->measured.push_back(mpc::PartyCost{});
  }
  return OkStatus();
}

Status Measure(const PartyArgs& args, PartyReport* report) {
  const Operation* op = FindOperation(args.op);
  if (op == nullptr) return InvalidArgumentError(fmt::format("unknown operation '{}'", args.op));
  if (args.engine == "float64") return MeasureFloat64(*op, args.size, args.reps, report);
  ARCA_ASSIGN_OR_RETURN(mpc::ProtocolKind kind, mpc::ParseProtocolKind(args.engine));
  return RunAsParty(kind, args.party, [&](mpc::Protocol& p) {
    return MeasureAtParty(p, *op, args.size, args.reps, report);
  });
}

}  // namespace

Status MeasureRuns(mpc::Protocol& p, const PreparedOp& prepared, int warmups, int reps,
                   PartyReport* report) {
  report->party = p.party();
  // The synchronisation token. A party leaves its Reveal once a peer has entered it, so no
  // party can start run r+1 while another is still early in run r, and the dealer (which
  // only sends during runs) cannot run ahead. What skew remains only lengthens the measured
  // span (first start to last end): it can make a figure worse, never better.
  const mpc::RingTensor one = mpc::RingTensor::Scalar(1);
  ARCA_ASSIGN_OR_RETURN(mpc::Shared token, p.Input(0, mpc::Shape{}, p.Holds(0) ? &one : nullptr));
  for (int run = -warmups; run < reps; ++run) {  // negative runs warm up and are not recorded
    if (prepared.before_run) prepared.before_run();
    ARCA_RETURN_IF_ERROR(p.Reveal(token).status());
    const net::TrafficStats before = Traffic(p);
    const int64_t cpu_start = ProcessCpuNs();
    const int64_t start = MonotonicNs();
    Result<mpc::Shared> output = prepared.run();
    const int64_t end = MonotonicNs();
    const int64_t cpu_end = ProcessCpuNs();
    const net::TrafficStats spent = Traffic(p) - before;
    ARCA_RETURN_IF_ERROR(output.status());
    if (run < 0) continue;
    report->start_ns.push_back(start);
    report->end_ns.push_back(end);
    report->cpu_ns.push_back(cpu_end - cpu_start);
    report->measured.push_back(CostOf(spent));
  }
  if (!prepared.calls.empty()) {
    mpc::PartyCost declared;
    for (const mpc::OpCall& call : prepared.calls) {
      const mpc::PartyCost c = p.Cost(call)[static_cast<size_t>(p.party())];
      declared.rounds += c.rounds;
      declared.online_bytes += c.online_bytes;
      declared.preprocessing_bytes += c.preprocessing_bytes;
    }
    report->declared = declared;
  }
  return OkStatus();
}

Status MeasureAtParty(mpc::Protocol& p, const Operation& op, int64_t size, int reps,
                      PartyReport* report) {
  report->party = p.party();
  ARCA_ASSIGN_OR_RETURN(PreparedOp prepared, op.prepare(p, size));
  return MeasureRuns(p, prepared, /*warmups=*/1, reps, report).WithContext(op.name);
}

int RunPartyMode(int argc, char** argv) {
  log::InitLogging();
  CLI::App app{"arca-bench party mode: measures one case in this process (started by arca-bench)"};
  PartyArgs args;
  bool party_mode = false;
  app.add_flag(std::string(kPartyModeFlag), party_mode, "selects party mode");
  app.add_option("--engine", args.engine, "float64, plaintext, dealer2pc or rep3")->required();
  app.add_option("--op", args.op, "operation name")->required();
  app.add_option("--size", args.size, "operation size")->required();
  app.add_option("--reps", args.reps, "timed repetitions")->check(CLI::PositiveNumber);
  AddPartyFlags(app, &args.party);
  CLI11_PARSE(app, argc, argv);
  if (!FollowParent(args.party)) return 3;

  PartyReport report;
  report.party = args.party.party;
  const Status status = Measure(args, &report);
  return FinishParty("arca-bench " + args.engine, std::move(report), status);
}

}  // namespace arca::bench
