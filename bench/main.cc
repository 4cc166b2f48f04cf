// arca-bench: honest figures for Arca's secure operations, next to plaintext baselines.
//
// Each benchmark case runs in fresh processes (one per party over 127.0.0.1 for the secure
// protocols), started by this same binary in party mode (party_mode.h). Google Benchmark
// prints one row per case with manual time and counters; a summary table follows (table.h).
// Figures are never pass/fail. See docs/PERFORMANCE.md.
//
// Flags besides Google Benchmark's:
//   --arca_scale=full|smoke  sizes of the peer figures (default), or tiny ones
//   --arca_reps=N            timed repetitions per case, after one warm-up (default 3)
//   --arca_timeout_s=N       a case's processes are killed after this long (default 900)
//   --arca_table_out=FILE    also writes the summary tables to FILE
//   --arca_size=N            runs every operation at size N instead (use with a filter, e.g.
//                            to measure memory at 10^8 multiplications)
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "arca/base/logging.h"
#include "bench/case_runner.h"
#include "bench/operation.h"
#include "bench/party_mode.h"
#include "bench/results.h"
#include "bench/table.h"

namespace arca::bench {
namespace {

struct Options {
  bool smoke = false;
  int64_t size = 0;  // 0: the operation's own size
  int reps = 3;
  int timeout_s = 900;
  std::string table_out;
};

// "--flag=value" -> value, if `arg` is `flag` with a value.
std::optional<std::string_view> ValueOf(std::string_view arg, std::string_view flag) {
  if (!arg.starts_with(flag) || arg.size() <= flag.size() || arg[flag.size()] != '=') {
    return std::nullopt;
  }
  return arg.substr(flag.size() + 1);
}

// A positive decimal integer of at most 7 digits.
std::optional<int> Positive(std::string_view text) {
  if (text.empty() || text.size() > 7) return std::nullopt;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? std::optional<int>(v) : std::nullopt;
}

// Applies one --arca_* flag to `options`.
Status ApplyFlag(std::string_view arg, Options* options) {
  if (const auto v = ValueOf(arg, "--arca_scale")) {
    if (*v != "full" && *v != "smoke") return InvalidArgumentError("--arca_scale: full or smoke");
    options->smoke = *v == "smoke";
  } else if (const auto reps = ValueOf(arg, "--arca_reps")) {
    const std::optional<int> n = Positive(*reps);
    if (!n) return InvalidArgumentError("--arca_reps: a positive integer");
    options->reps = *n;
  } else if (const auto timeout = ValueOf(arg, "--arca_timeout_s")) {
    const std::optional<int> n = Positive(*timeout);
    if (!n) return InvalidArgumentError("--arca_timeout_s: a positive integer");
    options->timeout_s = *n;
  } else if (const auto size = ValueOf(arg, "--arca_size")) {
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), n);
    if (ec != std::errc() || end != size->data() + size->size() || n <= 0) {
      return InvalidArgumentError("--arca_size: a positive integer");
    }
    options->size = n;
  } else if (const auto file = ValueOf(arg, "--arca_table_out")) {
    options->table_out = std::string(*file);
  } else {
    return InvalidArgumentError(fmt::format("unknown flag {}", arg));
  }
  return OkStatus();
}

// Takes this binary's own --arca_* flags out of argv, leaving Google Benchmark's.
Result<Options> TakeOptions(int* argc, char** argv) {
  Options options;
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--arca_")) {
      ARCA_RETURN_IF_ERROR(ApplyFlag(arg, &options));
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  argv[kept] = nullptr;
  return options;
}

// Every case's result, for the baselines of later cases and the final tables. Never destroyed
// (Google style for function-local statics).
ResultStore& Store() {
  // NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
  static auto* const store = new ResultStore();
  return *store;
}

// Cases whose processes failed. Figures are never pass/fail, but a case that could not be
// measured makes the run exit non-zero, which is what the smoke test checks.
int& FailedCases() {
  static int failed = 0;
  return failed;
}

// The baseline `engine` for the secure case `secure`: measured earlier in this run (cases are
// registered baselines first), or now, when a filter left its own row out.
const CaseResult* Baseline(const CaseSpec& secure, Engine engine) {
  const CaseKey key{secure.op->name, secure.size, engine};
  if (const CaseResult* found = Store().Find(key)) return found;
  CaseSpec spec = secure;
  spec.engine = engine;
  Result<CaseResult> result = RunCase(spec);
  if (!result.ok()) {
    ++FailedCases();
    std::fprintf(stderr, "arca-bench: %s baseline of %s failed: %s\n",
                 std::string(EngineName(engine)).c_str(), secure.op->name.c_str(),
                 result.status().ToString().c_str());
    return nullptr;
  }
  Store().Put(key, *std::move(result));
  return Store().Find(key);
}

void SetCounters(benchmark::State& state, const CaseSpec& spec, const CaseResult& r) {
  const double seconds = r.MeanSeconds();
  state.counters["ops_per_s"] = static_cast<double>(spec.op->ops(spec.size)) / seconds;
  if (!IsSecure(spec.engine)) {
    state.counters["peak_rss_B"] = static_cast<double>(r.parties[0].peak_rss_bytes);
    state.counters["cpu_s"] = r.MeanCpuSeconds(0);
    return;
  }
  for (const auto& [engine, counter] :
       {std::pair{Engine::kPlaintext, "x_plaintext"}, std::pair{Engine::kFloat64, "x_float64"}}) {
    const CaseResult* base = Baseline(spec, engine);
    if (base != nullptr && base->MeanSeconds() > 0) {
      state.counters[counter] = seconds / base->MeanSeconds();
    }
  }
  bool as_declared = true;
  for (size_t p = 0; p < r.parties.size(); ++p) {
    const PartyReport& party = r.parties[p];
    bool uniform = true;
    const mpc::PartyCost m = r.MeanMeasured(static_cast<int>(p), &uniform);
    const std::string prefix = fmt::format("P{}_", p);
    state.counters[prefix + "online_B"] = static_cast<double>(m.online_bytes);
    state.counters[prefix + "preproc_B"] = static_cast<double>(m.preprocessing_bytes);
    state.counters[prefix + "rounds"] = static_cast<double>(m.rounds);
    if (party.declared) {
      state.counters[prefix + "online_B_decl"] = static_cast<double>(party.declared->online_bytes);
      state.counters[prefix + "preproc_B_decl"] =
          static_cast<double>(party.declared->preprocessing_bytes);
      state.counters[prefix + "rounds_decl"] = static_cast<double>(party.declared->rounds);
      if (!uniform || !(m == *party.declared)) as_declared = false;
    }
    state.counters[prefix + "peak_rss_B"] = static_cast<double>(party.peak_rss_bytes);
    state.counters[prefix + "cpu_s"] = r.MeanCpuSeconds(static_cast<int>(p));
  }
  // Loud in the console row: a protocol that sends other than it declares is a bug.
  if (!as_declared) state.SetLabel("TRAFFIC DIFFERS FROM Protocol::Cost");
}

void RunBenchmarkCase(benchmark::State& state, const CaseSpec& spec) {
  Result<CaseResult> result = RunCase(spec);
  if (!result.ok()) {
    ++FailedCases();
    state.SkipWithError(result.status().ToString().c_str());
    return;
  }
  size_t rep = 0;
  for (auto _ : state) {
    state.SetIterationTime(result->seconds[rep++ % result->seconds.size()]);
  }
  Store().Put({spec.op->name, spec.size, spec.engine}, *result);
  SetCounters(state, spec, *result);
}

void RegisterAll(const Options& options) {
  for (const Operation& op : Operations()) {
    const int64_t size = options.size > 0 ? options.size
                         : options.smoke  ? op.smoke_size
                                          : op.full_size;
    // Baselines first, so that the secure rows find them measured.
    for (Engine engine :
         {Engine::kFloat64, Engine::kPlaintext, Engine::kDealer2pc, Engine::kRep3}) {
      CaseSpec spec;
      spec.op = &op;
      spec.size = size;
      spec.engine = engine;
      spec.reps = options.reps;
      spec.timeout = std::chrono::seconds(options.timeout_s);
      const std::string name = fmt::format("{}/{}/{}", op.name, size, EngineName(engine));
      benchmark::RegisterBenchmark(
          name.c_str(), [spec](benchmark::State& state) { RunBenchmarkCase(state, spec); })
          ->UseManualTime()
          ->Iterations(options.reps)
          ->Unit(benchmark::kMillisecond);
    }
  }
}

// The 1-minute load average, so that the summary says how busy the machine was: other work
// on the same cores slows every figure down.
std::string LoadAverage() {
  std::ifstream file("/proc/loadavg");
  std::string one_minute;
  file >> one_minute;
  return one_minute.empty() ? "unknown" : one_minute;
}

int Main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == kPartyModeFlag) return RunPartyMode(argc, argv);
  log::InitLogging();
  Result<Options> options = TakeOptions(&argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "arca-bench: %s\n", options.status().message().c_str());
    return 2;
  }
  // With --benchmark_format=json or csv, stdout is for machines: the tables go to stderr.
  bool machine_format = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--benchmark_format=") && arg != "--benchmark_format=console") {
      machine_format = true;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  RegisterAll(*options);
  const std::string load_before = LoadAverage();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const std::string tables =
      fmt::format("\n1-minute load average: {} at the start, {} at the end ({} cores)\n",
                  load_before, LoadAverage(), std::thread::hardware_concurrency()) +
      FormatTables(Store());
  std::fputs(tables.c_str(), machine_format ? stderr : stdout);
  if (!options->table_out.empty()) {
    std::ofstream file(options->table_out);
    file << tables;
    if (!file) {
      std::fprintf(stderr, "arca-bench: cannot write %s\n", options->table_out.c_str());
      return 1;
    }
  }
  if (FailedCases() > 0) {
    std::fprintf(stderr, "arca-bench: %d case(s) could not be measured\n", FailedCases());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace arca::bench

int main(int argc, char** argv) { return arca::bench::Main(argc, argv); }
