#include "bench/trust/mpc_links_bench.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <deque>
#include <future>
#include <random>

#include "arca/mpc/runner.h"
#include "arca/net/free_ports.h"
#include "arca/tee/attested_mesh.h"
#include "bench/case_runner.h"
#include "bench/ops.h"
#include "bench/party_mode.h"
#include "bench/results.h"
#include "bench/trust/sim_node.h"

namespace arca::bench {
namespace {

// Timed repetitions per case, after one warm-up (as arca-bench's default).
constexpr int kReps = 3;
constexpr std::chrono::seconds kConnectTimeout(30);

enum class Transport { kTcp, kAttested };

std::string_view TransportName(Transport transport) {
  return transport == Transport::kTcp ? "tcp" : "attested";
}

// The cases measured in this run, one store per transport. Never destroyed (Google style for
// function-local statics).
ResultStore& Store(Transport transport) {
  // NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
  static auto* const stores = new std::array<ResultStore, 2>();
  return (*stores)[static_cast<size_t>(transport)];
}

mpc::ProtocolKind KindOf(Engine engine) {
  return engine == Engine::kRep3 ? mpc::ProtocolKind::kRep3 : mpc::ProtocolKind::kDealer2pc;
}

// Runs party(p) for p = 0..parties-1, each on its own thread; returns their statuses.
std::vector<Status> OnThreads(int parties, const std::function<Status(int)>& party) {
  std::vector<std::future<Status>> running(static_cast<size_t>(parties));
  for (size_t p = 0; p < running.size(); ++p) {
    running[p] = std::async(std::launch::async, party, static_cast<int>(p));
  }
  std::vector<Status> results(running.size());
  for (size_t p = 0; p < running.size(); ++p) results[p] = running[p].get();
  return results;
}

// Runs `program` at every party of `kind` over TCP on 127.0.0.1, each party a thread.
std::vector<Status> RunOverTcp(mpc::ProtocolKind kind, const mpc::PartyProgram& program) {
  const int parties = mpc::PartiesOf(kind);
  Result<std::string> endpoints = net::FreeLoopbackEndpoints(parties);
  if (!endpoints.ok()) return {endpoints.status()};
  Result<std::vector<net::Endpoint>> parsed = net::ParseEndpointList(*endpoints);
  if (!parsed.ok()) return {parsed.status()};
  net::TcpOptions options;
  options.session = std::random_device()();
  options.connect_timeout = kConnectTimeout;
  return OnThreads(parties,
                   [&](int p) { return mpc::RunTcpParty(kind, p, *parsed, options, program); });
}

// The same over attested links: every party a SIMULATED node with its own identity and TEE
// under one SIMULATED root, with its own MeshAcceptor on 127.0.0.1.
std::vector<Status> RunOverAttestedLinks(mpc::ProtocolKind kind, const mpc::PartyProgram& program) {
  const int parties = mpc::PartiesOf(kind);
  const tee::SimRoot root = *tee::SimRoot::Create(crypto::SigningKey::Generate());
  std::deque<SimNode> nodes;  // a deque: the TLS options point into the nodes
  std::vector<tee::AttestedTlsOptions> tls;
  std::vector<std::unique_ptr<tee::MeshAcceptor>> acceptors;
  std::vector<net::Endpoint> endpoints;
  std::vector<Bytes> keys;
  for (int p = 0; p < parties; ++p) {
    const SimNode& node = nodes.emplace_back(root, static_cast<uint8_t>(p));
    tls.push_back({node.Self(), node.Check(), kConnectTimeout});
    Result<std::unique_ptr<tee::MeshAcceptor>> acceptor =
        tee::MeshAcceptor::Start({"127.0.0.1", 0}, tls.back());
    if (!acceptor.ok()) return {acceptor.status()};
    endpoints.push_back({"127.0.0.1", (*acceptor)->port()});
    acceptors.push_back(*std::move(acceptor));
    const auto key = node.identity().signing_key().RawPublicKey();
    keys.emplace_back(key.begin(), key.end());
  }
  const std::string session = fmt::format("bench-{:x}", std::random_device()());
  return OnThreads(parties, [&](int p) -> Status {
    const auto index = static_cast<size_t>(p);
    ARCA_ASSIGN_OR_RETURN(std::unique_ptr<net::Network> network,
                          tee::BuildAttestedNetwork(p, session, endpoints, keys, *acceptors[index],
                                                    tls[index], kConnectTimeout));
    return mpc::RunParty(kind, network.get(), program);
  });
}

Result<CaseResult> MeasureCase(const Operation& op, int64_t size, Engine engine,
                               Transport transport) {
  const mpc::ProtocolKind kind = KindOf(engine);
  std::vector<PartyReport> reports(static_cast<size_t>(mpc::PartiesOf(kind)));
  const mpc::PartyProgram program = [&](mpc::Protocol& p) {
    return MeasureAtParty(p, op, size, kReps, &reports[static_cast<size_t>(p.party())]);
  };
  const std::vector<Status> results = transport == Transport::kTcp
                                          ? RunOverTcp(kind, program)
                                          : RunOverAttestedLinks(kind, program);
  for (size_t p = 0; p < results.size(); ++p) {
    if (!results[p].ok()) return results[p].WithContext(fmt::format("party {}", p));
  }
  return CombineReports(std::move(reports), kReps);
}

// Whether every repetition at every party sent exactly the declared cost.
bool AsDeclared(const CaseResult& r) {
  for (size_t p = 0; p < r.parties.size(); ++p) {
    bool uniform = true;
    const mpc::PartyCost measured = r.MeanMeasured(static_cast<int>(p), &uniform);
    if (!uniform || !r.parties[p].declared || !(measured == *r.parties[p].declared)) return false;
  }
  return true;
}

void RunBenchmarkCase(benchmark::State& state, const Operation& op, Engine engine,
                      Transport transport) {
  Result<CaseResult> result = MeasureCase(op, op.full_size, engine, transport);
  if (!result.ok()) {
    state.SkipWithError(result.status().ToString().c_str());
    return;
  }
  size_t rep = 0;
  for (auto _ : state) state.SetIterationTime(result->seconds[rep++ % result->seconds.size()]);
  const CaseKey key{op.name, op.full_size, engine};
  Store(transport).Put(key, *result);
  for (size_t p = 0; p < result->parties.size(); ++p) {
    bool uniform = true;
    const mpc::PartyCost m = result->MeanMeasured(static_cast<int>(p), &uniform);
    const std::string prefix = fmt::format("P{}_", p);
    state.counters[prefix + "online_B"] = static_cast<double>(m.online_bytes);
    state.counters[prefix + "preproc_B"] = static_cast<double>(m.preprocessing_bytes);
    state.counters[prefix + "rounds"] = static_cast<double>(m.rounds);
  }
  // The parties are threads of this process, so a party's CPU time is every party's.
  state.counters["cpu_s"] = result->MeanCpuSeconds(0);
  const CaseResult* tcp = Store(Transport::kTcp).Find(key);
  if (transport == Transport::kAttested && tcp != nullptr && tcp->MeanSeconds() > 0) {
    state.counters["x_tcp"] = result->MeanSeconds() / tcp->MeanSeconds();
  }
  if (!AsDeclared(*result)) state.SetLabel("TRAFFIC DIFFERS FROM Protocol::Cost");
}

std::string Grouped(int64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "a / b / c" over the parties of `r`.
std::string PerParty(const CaseResult& r, const std::function<std::string(int)>& figure) {
  std::string out;
  for (size_t p = 0; p < r.parties.size(); ++p) {
    if (p > 0) out += " / ";
    out += figure(static_cast<int>(p));
  }
  return out;
}

}  // namespace

void RegisterMpcLinkBenchmarks() {
  static const Operation kOperations[] = {MulOperation(), MatMulOperation()};
  for (const Operation& op : kOperations) {
    for (Engine engine : {Engine::kDealer2pc, Engine::kRep3}) {
      // TCP first, so that the attested row finds its reference measured.
      for (Transport transport : {Transport::kTcp, Transport::kAttested}) {
        const std::string name = fmt::format("mpc_links/{}/{}/{}/{}", op.name, op.full_size,
                                             EngineName(engine), TransportName(transport));
        benchmark::RegisterBenchmark(name.c_str(),
                                     [&op, engine, transport](benchmark::State& state) {
                                       RunBenchmarkCase(state, op, engine, transport);
                                     })
            ->UseManualTime()
            ->Iterations(kReps)
            ->Unit(benchmark::kMillisecond);
      }
    }
  }
}

std::string MpcLinksTable() {
  const ResultStore& attested = Store(Transport::kAttested);
  if (attested.order().empty()) return "";
  std::string out =
      "\n| operation | size | protocol | TCP s | attested TLS s | attested/TCP | CPU s TCP | CPU "
      "s attested | bytes sent P0 / P1 / P2 | rounds P0 / P1 / P2 | as declared |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const CaseKey& key : attested.order()) {
    const CaseResult& secure = *attested.Find(key);
    const CaseResult* tcp = Store(Transport::kTcp).Find(key);
    bool uniform = true;
    const auto bytes = [&](int p) {
      const mpc::PartyCost m = secure.MeanMeasured(p, &uniform);
      return Grouped(m.online_bytes + m.preprocessing_bytes);
    };
    const auto rounds = [&](int p) {
      return std::to_string(secure.MeanMeasured(p, &uniform).rounds);
    };
    // Both transports must send exactly the declared cost.
    const bool declared = AsDeclared(secure) && (tcp == nullptr || AsDeclared(*tcp));
    out += fmt::format(
        "| {} | {} | {} | {} | {:.4g} | {} | {} | {:.3g} | {} | {} | {} |\n", key.op, key.size,
        EngineName(key.engine), tcp ? fmt::format("{:.4g}", tcp->MeanSeconds()) : "n/a",
        secure.MeanSeconds(),
        tcp && tcp->MeanSeconds() > 0
            ? fmt::format("{:.3g}x", secure.MeanSeconds() / tcp->MeanSeconds())
            : "n/a",
        tcp ? fmt::format("{:.3g}", tcp->MeanCpuSeconds(0)) : "n/a", secure.MeanCpuSeconds(0),
        PerParty(secure, bytes), PerParty(secure, rounds), declared ? "yes" : "NO");
  }
  return out;
}

}  // namespace arca::bench
