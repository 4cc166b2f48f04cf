// Attested TLS on loopback: handshake (TLS 1.3 plus the attestation exchange) and bulk
// throughput, with SIMULATED TEEs (the hardware's own report latency is not included).
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

#include "arca/tee/attested_link.h"
#include "bench/trust/sim_node.h"

namespace arca::bench {
namespace {

// A listening socket on 127.0.0.1 and a connected pair of sockets from it.
class Loopback {
 public:
  Loopback() : listener_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      std::abort();
    }
    address_ = address;
  }
  ~Loopback() { ::close(listener_); }
  Loopback(const Loopback&) = delete;
  Loopback& operator=(const Loopback&) = delete;

  // {client fd, server fd}
  std::pair<int, int> Pair() const {
    const int client = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(client, reinterpret_cast<const sockaddr*>(&address_), sizeof(address_)) != 0) {
      std::abort();
    }
    return {client, ::accept(listener_, nullptr, nullptr)};
  }

 private:
  int listener_;
  sockaddr_in address_{};
};

using Channel = std::unique_ptr<tee::AttestedChannel>;

std::pair<Channel, Channel> Open(const Loopback& loopback, const tee::AttestedTlsOptions& client,
                                 const tee::AttestedTlsOptions& server) {
  const auto [client_fd, server_fd] = loopback.Pair();
  auto accepted = std::async(
      std::launch::async, [&, fd = server_fd] { return tee::AttestedChannel::Accept(fd, server); });
  Result<Channel> connected = tee::AttestedChannel::Connect(client_fd, client);
  Result<Channel> served = accepted.get();
  if (!connected.ok() || !served.ok()) std::abort();
  return {*std::move(connected), *std::move(served)};
}

void BM_AttestedTlsHandshake(benchmark::State& state) {
  const bool mutual = state.range(0) != 0;
  const SimNode a, b;
  const Loopback loopback;
  tee::AttestedTlsOptions client, server;
  client.peer = b.Check();
  server.self = b.Self();
  if (mutual) {
    client.self = a.Self();
    server.peer = a.Check();
  }
  for (auto _ : state) {
    auto channels = Open(loopback, client, server);
    benchmark::DoNotOptimize(channels);
  }
  state.SetLabel(mutual ? "node<->node, mutual" : "client->node, one-way");
}
BENCHMARK(BM_AttestedTlsHandshake)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_AttestedTlsBulk(benchmark::State& state) {
  const auto message = static_cast<size_t>(state.range(0));
  constexpr size_t kTotal = size_t{256} << 20;
  const SimNode node;
  const Loopback loopback;
  tee::AttestedTlsOptions client, server;
  client.peer = node.Check();
  server.self = node.Self();
  auto [sender, receiver] = Open(loopback, client, server);
  const Bytes payload(message, 0x5a);
  for (auto _ : state) {
    auto drained = std::async(std::launch::async, [&, r = receiver.get()] {
      for (size_t done = 0; done < kTotal; done += message) {
        if (!r->Receive().ok()) std::abort();
      }
    });
    for (size_t done = 0; done < kTotal; done += message) {
      if (!sender->Send(payload).ok()) std::abort();
    }
    drained.get();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kTotal));
}
BENCHMARK(BM_AttestedTlsBulk)
    ->Arg(64 << 10)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same bulk transfer as MPC frames over an attested link (tee/attested_link.h): its own
// reader and writer threads, frame headers, and the inbox the party reads from.
void BM_AttestedLinkBulk(benchmark::State& state) {
  const auto message = static_cast<size_t>(state.range(0));
  constexpr size_t kTotal = size_t{256} << 20;
  const SimNode a, b;
  const Loopback loopback;
  const tee::AttestedTlsOptions client{a.Self(), b.Check(), std::chrono::seconds(30)};
  const tee::AttestedTlsOptions server{b.Self(), a.Check(), std::chrono::seconds(30)};
  auto [sending_channel, receiving_channel] = Open(loopback, client, server);
  Result<std::unique_ptr<net::Link>> sender = tee::MakeAttestedLink(std::move(sending_channel), 1);
  Result<std::unique_ptr<net::Link>> receiver =
      tee::MakeAttestedLink(std::move(receiving_channel), 0);
  if (!sender.ok() || !receiver.ok()) std::abort();
  const Buffer payload = [&] {
    Buffer p(message);
    std::fill_n(p.data(), p.size(), uint8_t{0x5a});
    return p;
  }();
  for (auto _ : state) {
    auto drained = std::async(std::launch::async, [&, r = receiver->get()] {
      for (size_t done = 0; done < kTotal; done += message) {
        if (!r->Receive(net::Clock::now() + std::chrono::seconds(60)).ok()) std::abort();
      }
    });
    for (size_t done = 0; done < kTotal; done += message) {
      if (!(*sender)->Send({net::FrameKind::kData, {}, payload}).ok()) std::abort();
    }
    drained.get();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kTotal));
}
BENCHMARK(BM_AttestedLinkBulk)
    ->Arg(64 << 10)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace arca::bench
