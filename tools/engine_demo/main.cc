// arca-engine-demo: two hospitals pool blood-pressure records, and three processes on
// 127.0.0.1 compute statistics and a model on them while each process holds only shares.
//
// The parent process starts one child per party (this same program with --party) and prints
// what they computed and what each one sent. See story.cc for the computation.
#include <fmt/format.h>
#include <sys/prctl.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <exception>
#include <sstream>

#include "arca/base/child_processes.h"
#include "arca/base/logging.h"
#include "arca/mpc/runner.h"
#include "arca/net/free_ports.h"
#include "story.h"

namespace arca::demo {
namespace {

// Child mode: runs the story as one party and prints one line per step for the parent.
int RunParty(mpc::ProtocolKind kind, int party, const std::string& endpoint_list,
             const Options& options) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the demo
  const Result<std::vector<net::Endpoint>> endpoints = net::ParseEndpointList(endpoint_list);
  if (!endpoints.ok()) {
    std::fprintf(stderr, "arca-engine-demo: %s\n", endpoints.status().message().c_str());
    return 2;
  }
  std::vector<Step> steps;
  net::TcpOptions tcp;
  tcp.session = 0xDE30;
  const Status status = mpc::RunTcpParty(kind, party, *endpoints, tcp, [&](mpc::Protocol& p) {
    Result<std::vector<Step>> done = RunStory(p, options);
    if (!done.ok()) return done.status();
    steps = std::move(done).value();
    return OkStatus();
  });
  if (!status.ok()) {
    std::fprintf(stderr, "arca-engine-demo: party %d: %s\n", party, status.ToString().c_str());
    return 1;
  }
  for (const Step& s : steps) {
    std::printf("%s\t%s\t%.17g\t%.17g\t%lld\t%lld\t%lld\n", s.name.c_str(), s.unit.c_str(),
                s.secure, s.clear, static_cast<long long>(s.online_bytes),
                static_cast<long long>(s.preprocessing_bytes), static_cast<long long>(s.rounds));
  }
  return 0;
}

std::vector<Step> ParseSteps(const std::string& output) {
  std::vector<Step> steps;
  std::stringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::stringstream fields(line);
    Step s;
    std::string secure, clear, online, pre, rounds;
    std::getline(fields, s.name, '\t');
    std::getline(fields, s.unit, '\t');
    std::getline(fields, secure, '\t');
    std::getline(fields, clear, '\t');
    std::getline(fields, online, '\t');
    std::getline(fields, pre, '\t');
    std::getline(fields, rounds, '\t');
    s.secure = std::stod(secure);
    s.clear = std::stod(clear);
    s.online_bytes = std::stoll(online);
    s.preprocessing_bytes = std::stoll(pre);
    s.rounds = std::stoll(rounds);
    steps.push_back(s);
  }
  return steps;
}

std::string Bytes(int64_t b) {
  const auto bytes = static_cast<double>(b);
  if (b >= 10'000'000) return fmt::format("{:.1f} MB", bytes / 1e6);
  if (b >= 10'000) return fmt::format("{:.1f} kB", bytes / 1e3);
  return fmt::format("{} B", b);
}

int RunDemo(mpc::ProtocolKind kind, const Options& options) {
  const int parties = mpc::PartiesOf(kind);
  const Result<std::string> endpoints = net::FreeLoopbackEndpoints(parties);
  const Result<std::string> self = SelfExecutable();
  if (!endpoints.ok() || !self.ok()) {
    std::fprintf(stderr, "arca-engine-demo: %s\n",
                 (endpoints.ok() ? self.status() : endpoints.status()).ToString().c_str());
    return 1;
  }
  std::vector<std::vector<std::string>> argvs;
  argvs.reserve(static_cast<size_t>(parties));
  for (int party = 0; party < parties; ++party) {
    argvs.push_back({*self, "--protocol", std::string(mpc::ProtocolKindName(kind)), "--party",
                     std::to_string(party), "--endpoints", *endpoints, "--rows-a",
                     std::to_string(options.rows_a), "--rows-b", std::to_string(options.rows_b),
                     "--iterations", std::to_string(options.iterations)});
  }

  std::printf(
      "Arca engine demo: two hospitals pool blood-pressure records that neither may "
      "show.\n\n");
  if (kind == mpc::ProtocolKind::kDealer2pc) {
    std::printf(
        "  protocol dealer2pc: nodes 0 and 1 each hold one additive share of every value;\n"
        "  node 2 is the dealer, which sends correlated randomness and never sees data.\n");
  } else if (kind == mpc::ProtocolKind::kRep3) {
    std::printf("  protocol rep3: three nodes each hold two of three replicated shares.\n");
  } else {
    std::printf("  protocol plaintext: one node sees everything (the reference, not secure).\n");
  }
  std::printf(
      "  The nodes are %d processes on 127.0.0.1 (plain TCP: attested TEEs and TLS come\n"
      "  with the platform; nothing here claims hardware protection).\n"
      "  Hospital A: %d patients, hospital B: %d (synthetic records, fixed seeds).\n\n",
      parties, options.rows_a, options.rows_b);
  std::fflush(stdout);

  const Result<std::vector<ChildOutcome>> outcomes =
      RunChildren(argvs, std::chrono::minutes(10), std::chrono::seconds(10));
  if (!outcomes.ok()) {
    std::fprintf(stderr, "arca-engine-demo: %s\n", outcomes.status().ToString().c_str());
    return 1;
  }
  for (size_t p = 0; p < outcomes->size(); ++p) {
    if (!(*outcomes)[p].succeeded()) {
      std::fprintf(stderr, "arca-engine-demo: node %zu %s\n", p, (*outcomes)[p].Describe().c_str());
      return 1;
    }
  }
  std::vector<std::vector<Step>> reports;
  for (const ChildOutcome& o : *outcomes) reports.push_back(ParseSteps(o.output));

  std::printf("  %-46s %14s %14s %10s\n", "result (opened at the end of its step)", "secure",
              "in the clear", "|diff|");
  for (const Step& step : reports[0]) {
    std::printf("  %-46s %14.4f %14.4f %10.1e %s\n", step.name.c_str(), step.secure, step.clear,
                std::fabs(step.secure - step.clear), step.unit.c_str());
  }
  std::printf(
      "\n  \"in the clear\" is computed from the pooled records, which only a demo with "
      "synthetic\n  data can do. The differences are fixed-point rounding (18 fractional "
      "bits).\n\n");
  std::printf(
      "  What each node sent (online bytes / correlated randomness from the dealer), and "
      "rounds:\n");
  std::printf("  %-46s", "step");
  for (int p = 0; p < parties; ++p) std::printf(" %26s", fmt::format("node {}", p).c_str());
  std::printf("\n");
  for (size_t s = 0; s < reports[0].size(); ++s) {
    std::printf("  %-46s", reports[0][s].name.c_str());
    for (int p = 0; p < parties; ++p) {
      const Step& step = reports[static_cast<size_t>(p)][s];
      std::printf(" %26s", fmt::format("{} / {}, {} rd", Bytes(step.online_bytes),
                                       Bytes(step.preprocessing_bytes), step.rounds)
                               .c_str());
    }
    std::printf("\n");
  }
  std::printf(
      "\n  Opened: the results above, nothing else. Every other message was a masked "
      "value.\n");
  return 0;
}

}  // namespace
}  // namespace arca::demo

namespace {

int Main(int argc, char** argv) {
  arca::log::InitLogging();
  CLI::App app{
      "Arca engine demo: secure statistics and a logistic regression over two hospitals' "
      "records, with the parties as processes on 127.0.0.1."};
  std::string protocol_name = "dealer2pc";
  int party = -1;
  std::string endpoints;
  arca::demo::Options options;
  app.add_option("--protocol", protocol_name, "dealer2pc (default), rep3 or plaintext");
  app.add_option("--rows-a", options.rows_a, "hospital A's patients")
      ->check(CLI::Range(10, 10000000));
  app.add_option("--rows-b", options.rows_b, "hospital B's patients")
      ->check(CLI::Range(10, 10000000));
  app.add_option("--iterations", options.iterations, "gradient steps")->check(CLI::Range(1, 1000));
  app.add_option("--party", party, "internal: run as this party")->group("");
  app.add_option("--endpoints", endpoints, "internal: the parties' endpoints")->group("");
  CLI11_PARSE(app, argc, argv);
  const arca::Result<arca::mpc::ProtocolKind> kind = arca::mpc::ParseProtocolKind(protocol_name);
  if (!kind.ok()) {
    std::fprintf(stderr, "arca-engine-demo: %s\n", kind.status().message().c_str());
    return 2;
  }
  if (party >= 0) return arca::demo::RunParty(*kind, party, endpoints, options);
  return arca::demo::RunDemo(*kind, options);
}

}  // namespace

// An unexpected exception (from the standard library or CLI11) ends the demo with a message
// rather than std::terminate.
int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arca-engine-demo: %s\n", e.what());
    return 1;
  }
}
