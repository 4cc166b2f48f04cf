// arca-bench-trust: the trust layer's benchmarks (docs/PERFORMANCE.md, "Trust layer").
//
// Google Benchmark's own flags only. The MPC-over-attested-links cases end with a summary
// table, on stdout, or on stderr with --benchmark_format=json or csv (stdout is then for
// machines).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string_view>

#include "arca/base/logging.h"
#include "bench/trust/mpc_links_bench.h"

int main(int argc, char** argv) {
  arca::log::InitLogging();
  bool machine_format = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--benchmark_format=") && arg != "--benchmark_format=console") {
      machine_format = true;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  arca::bench::RegisterMpcLinkBenchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::fputs(arca::bench::MpcLinksTable().c_str(), machine_format ? stderr : stdout);
  return 0;
}
