// arca-bench-plan: runs one plan document on given datasets with every party a process.
//
//   arca-bench-plan --plan plan.json --input t=t/manifest.json --protocol rep3 [--reps 1]
//                   [--warmups 0] [--out outputs.json] [--report report.json]
//                   [--timeout-s 3600] [--max-rss-mb N]
//   arca-bench-plan --plan plan.json --check
//
// The parties are copies of this program (party_process.h): three over TCP on 127.0.0.1 for
// dealer2pc and rep3, one for plaintext. Each loads the plan and the manifests (manifest.h),
// shares the inputs as an upload does (plan_inputs.h, untimed), then runs plan::Execute
// `warmups` times untimed and `reps` times timed (MeasureRuns: each run after a barrier), and
// opens the last run's outputs (untimed). Printed per party: wall time, CPU, bytes sent, rounds
// and peak resident memory while the plan runs (reset before each run, once the previous run's
// result is dropped, so the owner's loading and earlier results are excluded and the input shares
// included). --out writes the opened outputs as JSON (opened_outputs.h), --report the figures.
// --check validates the plan's structure only and says whether this build can run it.
//
// Exit status: 0 on success, 1 if the run failed, 2 for a bad command line, plan or manifest
// (one line on stderr: "arca-bench-plan: plan invalid: ...").
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/logging.h"
#include "arca/mpc/runner.h"
#include "arca/plan/executor.h"
#include "bench/case_runner.h"
#include "bench/operation.h"
#include "bench/party_mode.h"
#include "bench/party_process.h"
#include "bench/plan/opened_outputs.h"
#include "bench/plan/plan_inputs.h"
#include "bench/plan/plan_job.h"
#include "bench/report.h"

namespace arca::bench {
namespace {

using nlohmann::json;

constexpr std::string_view kTool = "arca-bench-plan";
// The first argument of a party process.
constexpr std::string_view kPartyFlag = "--arca-plan-party";

struct Options {
  std::string plan;
  std::vector<std::string> inputs;  // NAME=MANIFEST
  std::string protocol = "rep3";
  int reps = 1;
  int warmups = 0;
  std::string out;
  std::string report;
  int timeout_s = 3600;
  int64_t max_rss_mb = 0;  // 0: no limit
  bool check = false;
};

void AddOptions(CLI::App& app, Options* o) {
  app.add_option("--plan", o->plan, "the plan document (JSON, as arca.Plan.to_json() writes)")
      ->required();
  app.add_option("--input", o->inputs, "NAME=MANIFEST for each plan input (repeat)");
  app.add_option("--protocol", o->protocol, "plaintext, dealer2pc or rep3 (default rep3)");
  app.add_option("--reps", o->reps, "timed runs (default 1)")->check(CLI::PositiveNumber);
  app.add_option("--warmups", o->warmups, "untimed runs before them (default 0)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--out", o->out, "writes the opened outputs here as JSON");
  app.add_option("--report", o->report, "writes the figures here as JSON");
  app.add_option("--timeout-s", o->timeout_s, "kills the parties after this long (default 3600)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-rss-mb", o->max_rss_mb,
                 "stops a party whose resident memory passes this many MB (default: no limit)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--check", o->check, "only validate the plan's structure");
}

// --input NAME=MANIFEST flags as a map.
Result<std::map<std::string, std::string>> Manifests(const std::vector<std::string>& flags) {
  std::map<std::string, std::string> out;
  for (const std::string& flag : flags) {
    const size_t eq = flag.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == flag.size()) {
      return InvalidArgumentError(fmt::format("--input {}: expected NAME=MANIFEST", flag));
    }
    if (!out.emplace(flag.substr(0, eq), flag.substr(eq + 1)).second) {
      return InvalidArgumentError(fmt::format("--input: '{}' is given twice", flag.substr(0, eq)));
    }
  }
  return out;
}

Status WriteJson(const std::string& path, const json& value) {
  std::ofstream file(path);
  file << value.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  if (!file) return UnavailableError(fmt::format("cannot write {}", path));
  return OkStatus();
}

// Where a party is: sharing the inputs, running a node of the plan, or past the last node. The
// executor reports the end of each node through its progress callback (plans without training
// nodes, which also report their iterations). Each node's peak resident memory is recorded
// (then the peak is reset for the next node). The memory watchdog reads the stage from its own
// thread.
class PlanStages {
 public:
  explicit PlanStages(const plan::ValidatedPlan& plan) {
    for (const size_t i : plan.order) {
      const plan::Node& node = plan.plan.nodes[i];
      if (node.op == plan::Op::kTrainLogistic || node.op == plan::Op::kTrainLinear) {
        nodes_.clear();  // their iterations report progress too: no stages
        return;
      }
      nodes_.push_back(node.Describe());
    }
    peaks_.assign(nodes_.size(), 0);
  }

  // The progress callback for plan::Execute, or null without stages.
  plan::ExecutionProgress Callback() {
    if (nodes_.empty()) return nullptr;
    stage_ = 0;
    return [this](double /*fraction*/) {
      const int stage = stage_.load();
      if (stage >= 0 && stage < static_cast<int>(peaks_.size())) {
        peaks_[static_cast<size_t>(stage)] =
            std::max(peaks_[static_cast<size_t>(stage)], PeakRssBytes());
        ResetPeakRss();
      }
      stage_ = stage + 1;
    };
  }

  // "in node 'g' (groupby)", for the watchdog's message.
  std::string Where() const {
    const int stage = stage_.load();
    if (stage < 0) return "while sharing the inputs or in the plan";
    if (stage >= static_cast<int>(nodes_.size())) return "after the plan's last node";
    return "in " + nodes_[static_cast<size_t>(stage)];
  }

  std::vector<PhasePeak> Peaks() const {
    std::vector<PhasePeak> out;
    for (size_t k = 0; k < nodes_.size(); ++k) out.push_back(PhasePeak{nodes_[k], peaks_[k]});
    return out;
  }

 private:
  std::vector<std::string> nodes_;  // in execution order
  std::vector<int64_t> peaks_;      // the largest over the runs
  std::atomic<int> stage_{-1};      // index into nodes_; -1 before the first run
};

// What every party does: share, measure, open; party 0 writes the outputs.
Status RunPlanAtParty(mpc::Protocol& p, mpc::ProtocolKind kind, const PlanJob& job,
                      const Options& options, PlanStages& stages, PartyReport* report) {
  plan::ExecutionInputs inputs;
  ARCA_ASSIGN_OR_RETURN(inputs.datasets, ShareInputs(p, kind, job));
  // Only the last run's result is kept (it is the one opened and written): each earlier one is
  // dropped before the next run, outside the clock, and the peak is reset after that, so that
  // every run's peaks are its own.
  std::optional<plan::ExecutionResult> last;
  // Execute consumes its inputs: each run but the last gets a copy, made outside the clock
  // and before the peak is reset, and the last the inputs themselves, so that its peaks hold
  // the inputs once, as a node's run does.
  plan::ExecutionInputs run_inputs;
  int runs_left = options.warmups + options.reps;
  PreparedOp prepared;
  prepared.before_run = [&] {
    last.reset();
    if (--runs_left == 0) {
      run_inputs = std::move(inputs);
    } else {
      run_inputs = inputs;
    }
    ResetPeakRss();
  };
  prepared.run = [&]() -> Result<mpc::Shared> {
    ARCA_ASSIGN_OR_RETURN(last,
                          plan::Execute(job.plan, p, std::move(run_inputs), stages.Callback()));
    return mpc::Shared();
  };
  ARCA_RETURN_IF_ERROR(MeasureRuns(p, prepared, options.warmups, options.reps, report));
  report->phase_peaks = stages.Peaks();
  report->peak_rss_bytes = PeakRssBytes();
  for (const PhasePeak& peak : report->phase_peaks) {
    report->peak_rss_bytes = std::max(report->peak_rss_bytes, peak.peak_rss_bytes);
  }
  ARCA_ASSIGN_OR_RETURN(const json opened, OpenOutputs(p, last->outputs));
  if (p.party() == 0 && !options.out.empty()) return WriteJson(options.out, opened);
  return OkStatus();
}

int RunParty(int argc, char** argv) {
  log::InitLogging();
  CLI::App app{"arca-bench-plan party process (started by arca-bench-plan)"};
  Options options;
  PartyFlags flags;
  bool party_mode = false;
  app.add_flag(std::string(kPartyFlag), party_mode, "selects party mode");
  AddOptions(app, &options);
  AddPartyFlags(app, &flags);
  CLI11_PARSE(app, argc, argv);
  if (!FollowParent(flags)) return 3;

  PartyReport report;
  report.party = flags.party;
  const Status status = [&]() -> Status {
    ARCA_ASSIGN_OR_RETURN(const mpc::ProtocolKind kind, mpc::ParseProtocolKind(options.protocol));
    ARCA_ASSIGN_OR_RETURN(const auto manifests, Manifests(options.inputs));
    ARCA_ASSIGN_OR_RETURN(const PlanJob job, LoadPlanJob(options.plan, manifests));
    // Never destroyed: the watchdog thread may read it until the process exits.
    auto* stages = new PlanStages(job.plan);
    if (options.max_rss_mb > 0) {
      LimitResidentMemory(options.max_rss_mb * 1'000'000, flags.party,
                          [stages] { return stages->Where(); });
    }
    return RunAsParty(kind, flags, [&](mpc::Protocol& p) {
      return RunPlanAtParty(p, kind, job, options, *stages, &report);
    });
  }();
  return FinishParty(fmt::format("{} {}", kTool, options.protocol), std::move(report), status);
}

// The arguments of every party process: party mode and the parent's own options.
std::vector<std::string> PartyArgs(const Options& o) {
  std::vector<std::string> args = {std::string(kPartyFlag),
                                   "--plan",
                                   o.plan,
                                   "--protocol",
                                   o.protocol,
                                   "--reps",
                                   std::to_string(o.reps),
                                   "--warmups",
                                   std::to_string(o.warmups),
                                   "--max-rss-mb",
                                   std::to_string(o.max_rss_mb)};
  for (const std::string& input : o.inputs) args.insert(args.end(), {"--input", input});
  if (!o.out.empty()) args.insert(args.end(), {"--out", o.out});
  return args;
}

double Mean(const std::vector<int64_t>& ns) {
  if (ns.empty()) return 0;
  double sum = 0;
  for (int64_t v : ns) sum += static_cast<double>(v);
  return sum * 1e-9 / static_cast<double>(ns.size());
}

// One party's figures, means over the timed runs.
struct PartyFigures {
  int party = 0;
  double seconds = 0;        // its own wall time
  double cpu_seconds = 0;    // its process's CPU time (all threads)
  mpc::PartyCost sent;       // bytes sent (online, preprocessing) and online rounds
  bool sent_uniform = true;  // whether every run sent the same (else `sent` is a mean)
  int64_t peak_rss_bytes = 0;
};

std::vector<PartyFigures> FiguresOf(const CaseResult& result) {
  std::vector<PartyFigures> out;
  for (size_t p = 0; p < result.parties.size(); ++p) {
    const PartyReport& r = result.parties[p];
    std::vector<int64_t> wall;
    for (size_t i = 0; i < r.start_ns.size(); ++i) wall.push_back(r.end_ns[i] - r.start_ns[i]);
    PartyFigures figures;
    figures.party = r.party;
    figures.seconds = Mean(wall);
    figures.cpu_seconds = result.MeanCpuSeconds(static_cast<int>(p));
    figures.sent = result.MeanMeasured(static_cast<int>(p), &figures.sent_uniform);
    figures.peak_rss_bytes = r.peak_rss_bytes;
    out.push_back(figures);
  }
  return out;
}

void Print(const Options& o, const PlanJob& job, const CaseResult& result,
           const std::vector<PartyFigures>& parties) {
  std::printf("plan '%s' on %s, %zu process(es) on 127.0.0.1: %.3f s per run (%d timed)\n",
              job.plan.plan.name.c_str(), o.protocol.c_str(), parties.size(), result.MeanSeconds(),
              o.reps);
  std::printf(
      "| party | wall s | CPU s | online bytes sent | preprocessing bytes sent | rounds | "
      "peak RSS MB |\n|---|---|---|---|---|---|---|\n");
  for (const PartyFigures& p : parties) {
    std::printf("| P%d | %.3f | %.3f | %lld | %lld | %lld | %.1f |\n", p.party, p.seconds,
                p.cpu_seconds, static_cast<long long>(p.sent.online_bytes),
                static_cast<long long>(p.sent.preprocessing_bytes),
                static_cast<long long>(p.sent.rounds), static_cast<double>(p.peak_rss_bytes) / 1e6);
  }
  for (const PartyFigures& p : parties) {
    if (!p.sent_uniform) {
      std::printf("note: P%d sent different bytes or rounds in different runs; shown are means\n",
                  p.party);
    }
  }
  if (result.parties.empty() || result.parties[0].phase_peaks.empty()) return;
  std::printf("peak RSS MB while each node ran (P0 / P1 / ...):\n");
  for (size_t k = 0; k < result.parties[0].phase_peaks.size(); ++k) {
    std::string line = "  " + result.parties[0].phase_peaks[k].phase + ":";
    for (const PartyReport& r : result.parties) {
      if (k < r.phase_peaks.size()) {
        line += fmt::format(" {:.0f}", static_cast<double>(r.phase_peaks[k].peak_rss_bytes) / 1e6);
      }
    }
    std::printf("%s\n", line.c_str());
  }
}

// The figures as --report writes them.
json ReportJson(const Options& o, const PlanJob& job, const CaseResult& result,
                const std::vector<PartyFigures>& parties) {
  json out = json::object();
  out["plan"] = job.plan.plan.name;
  out["protocol"] = o.protocol;
  out["reps"] = o.reps;
  out["seconds"] = result.seconds;
  out["mean_seconds"] = result.MeanSeconds();
  out["parties"] = json::array();
  for (size_t i = 0; i < parties.size(); ++i) {
    const PartyFigures& p = parties[i];
    json party = json::object();
    party["party"] = p.party;
    party["seconds"] = p.seconds;
    party["cpu_seconds"] = p.cpu_seconds;
    party["online_bytes"] = p.sent.online_bytes;
    party["preprocessing_bytes"] = p.sent.preprocessing_bytes;
    party["rounds"] = p.sent.rounds;
    party["sent_uniform"] = p.sent_uniform;
    party["peak_rss_bytes"] = p.peak_rss_bytes;
    json nodes = json::object();
    for (const PhasePeak& peak : result.parties[i].phase_peaks) {
      nodes[peak.phase] = peak.peak_rss_bytes;
    }
    party["node_peak_rss_bytes"] = std::move(nodes);
    out["parties"].push_back(std::move(party));
  }
  return out;
}

// Exit status 2 with one line for problems of the command line, plan or manifests.
int Refuse(const Status& status) {
  std::fprintf(stderr, "%s: %s\n", kTool.data(), status.message().c_str());
  return 2;
}

int RunParent(int argc, char** argv) {
  log::InitLogging();
  CLI::App app{
      "arca-bench-plan: runs one plan document on datasets, every party a process over "
      "127.0.0.1; prints time, CPU, bytes, rounds and peak memory per party"};
  Options options;
  AddOptions(app, &options);
  CLI11_PARSE(app, argc, argv);
  if (options.check) {
    const Status status = CheckPlan(options.plan);
    if (!status.ok()) return Refuse(status);
    std::printf("plan %s: valid\n", options.plan.c_str());
    return 0;
  }
  const Result<mpc::ProtocolKind> kind = mpc::ParseProtocolKind(options.protocol);
  if (!kind.ok()) return Refuse(kind.status().WithContext("--protocol"));
  const Result<std::map<std::string, std::string>> manifests = Manifests(options.inputs);
  if (!manifests.ok()) return Refuse(manifests.status());
  // Checked here once, so that a bad plan or manifest is one line rather than every party's.
  const Result<PlanJob> job = LoadPlanJob(options.plan, *manifests);
  if (!job.ok()) return Refuse(job.status());

  const int processes = mpc::PartiesOf(*kind);
  Result<std::vector<PartyReport>> reports =
      RunPartyProcesses(processes, *kind != mpc::ProtocolKind::kPlaintext, PartyArgs(options),
                        std::chrono::seconds(options.timeout_s));
  Result<CaseResult> result = reports.ok() ? CombineReports(*std::move(reports), options.reps)
                                           : Result<CaseResult>(reports.status());
  if (!result.ok()) {
    std::fprintf(stderr, "%s: %s\n", kTool.data(), result.status().ToString().c_str());
    return 1;
  }
  const std::vector<PartyFigures> parties = FiguresOf(*result);
  Print(options, *job, *result, parties);
  if (!options.report.empty()) {
    const Status written = WriteJson(options.report, ReportJson(options, *job, *result, parties));
    if (!written.ok()) {
      std::fprintf(stderr, "%s: %s\n", kTool.data(), written.message().c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace arca::bench

int main(int argc, char** argv) {
  // CLI11 and the JSON library report some failures (out of memory, say) by exceptions.
  try {
    if (argc > 1 && std::string_view(argv[1]) == arca::bench::kPartyFlag) {
      return arca::bench::RunParty(argc, argv);
    }
    return arca::bench::RunParent(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arca-bench-plan: %s\n", e.what());
    return 1;
  }
}
