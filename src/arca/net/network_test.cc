#include "arca/net/network.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <future>
#include <thread>

#include "arca/net/free_ports.h"
#include "arca/net/inproc_link.h"
#include "arca/net/tcp_link.h"

namespace arca::net {
namespace {

using ::testing::HasSubstr;

enum class Transport { kInproc, kTcp };

MessageTag Tag(uint32_t op, uint16_t round = 0) { return {op, round, Traffic::kOnline}; }

Buffer Bytes(size_t n, uint8_t fill) {
  Buffer b(n);
  std::memset(b.data(), fill, n);
  return b;
}

// Three connected parties over the chosen transport.
std::vector<std::unique_ptr<Network>> MakeParties(Transport transport, int n = 3) {
  std::vector<std::vector<std::unique_ptr<Link>>> mesh;
  if (transport == Transport::kInproc) {
    mesh = MakeInprocMesh(n, 1 << 20);
  } else {
    Result<std::vector<uint16_t>> ports = PickFreeLoopbackPorts(n);
    EXPECT_TRUE(ports.ok());
    std::vector<Endpoint> endpoints;
    for (uint16_t port : *ports) endpoints.push_back({"127.0.0.1", port});
    TcpOptions options;
    options.session = 42;
    std::vector<std::future<Result<std::vector<std::unique_ptr<Link>>>>> pending;
    pending.reserve(static_cast<size_t>(n));
    for (int p = 0; p < n; ++p) {
      pending.push_back(
          std::async(std::launch::async, [=] { return ConnectTcpMesh(p, endpoints, options); }));
    }
    for (auto& f : pending) {
      auto links = f.get();
      EXPECT_TRUE(links.ok()) << links.status().ToString();
      mesh.push_back(std::move(*links));
    }
  }
  std::vector<std::unique_ptr<Network>> parties;
  parties.reserve(static_cast<size_t>(n));
  for (int p = 0; p < n; ++p) {
    parties.push_back(std::make_unique<Network>(p, std::move(mesh[static_cast<size_t>(p)])));
  }
  return parties;
}

// Closes every party at once, as separate processes would.
std::vector<Status> CloseAll(std::vector<std::unique_ptr<Network>>& parties) {
  std::vector<std::future<Status>> closing;
  closing.reserve(parties.size());
  for (auto& p : parties) {
    closing.push_back(std::async(std::launch::async, [&p] { return p->Close(); }));
  }
  std::vector<Status> results;
  results.reserve(closing.size());
  for (auto& f : closing) results.push_back(f.get());
  return results;
}

class NetworkTest : public ::testing::TestWithParam<Transport> {};

TEST_P(NetworkTest, DeliversTaggedMessagesAndCountsBytesAndRounds) {
  auto parties = MakeParties(GetParam());
  Network& a = *parties[0];
  Network& b = *parties[1];
  // Two messages in one round to two peers, then a second round.
  ASSERT_TRUE(a.Send(1, Tag(5), Bytes(100, 1)).ok());
  ASSERT_TRUE(a.Send(2, Tag(5), Bytes(50, 2)).ok());
  ASSERT_TRUE(a.Send(1, Tag(5, 1), Bytes(8, 3)).ok());
  ASSERT_TRUE(a.Send(1, {6, 0, Traffic::kPreprocessing}, Bytes(16, 4)).ok());

  Result<Buffer> m = b.Recv(0, Tag(5), 100);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->data()[99], 1);
  ASSERT_TRUE(parties[2]->Recv(0, Tag(5), 50).ok());
  ASSERT_TRUE(b.Recv(0, Tag(5, 1), 8).ok());
  ASSERT_TRUE(b.Recv(0, {6, 0, Traffic::kPreprocessing}, 16).ok());

  const TrafficStats sa = a.stats();
  EXPECT_EQ(sa.online_bytes_sent(), 158);
  EXPECT_EQ(sa.preprocessing_bytes_sent(), 16);
  EXPECT_EQ(sa.frames_sent, 4);
  EXPECT_EQ(sa.rounds, 2);
  EXPECT_EQ(a.stats_with(1).online_bytes_sent(), 108);
  EXPECT_EQ(b.stats().bytes_received[0], 108);
  EXPECT_EQ(b.stats().rounds, 0);
  for (const Status& s : CloseAll(parties)) EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(NetworkTest, DivergedTagIsReported) {
  auto parties = MakeParties(GetParam());
  parties[1]->set_operation("mul");
  ASSERT_TRUE(parties[0]->Send(1, Tag(8), Bytes(8, 0)).ok());
  Result<Buffer> m = parties[1]->Recv(0, Tag(7), 8);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(m.status().message(), HasSubstr("diverged"));
  EXPECT_THAT(m.status().message(), HasSubstr("'mul'"));
}

TEST_P(NetworkTest, ShortMessageIsReported) {
  auto parties = MakeParties(GetParam());
  ASSERT_TRUE(parties[0]->Send(1, Tag(1), Bytes(12, 0)).ok());
  Result<Buffer> m = parties[1]->Recv(0, Tag(1), 16);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("sent 12 bytes"));
  EXPECT_THAT(m.status().message(), HasSubstr("16 were expected"));
}

// Party 2 waits on party 1, which never sends; party 0 fails. Party 2 must wake with party
// 0's reason, not hang.
TEST_P(NetworkTest, AbortWakesPartyBlockedOnAnotherPeer) {
  auto parties = MakeParties(GetParam());
  parties[2]->set_operation("matmul");
  std::future<Result<Buffer>> waiting =
      std::async(std::launch::async, [&] { return parties[2]->Recv(1, Tag(3), 8); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  parties[0]->set_operation("truncate");
  parties[0]->Abort(OutOfRangeError("shape mismatch in input 'x'"));
  Result<Buffer> woke = waiting.get();
  ASSERT_FALSE(woke.ok());
  EXPECT_EQ(woke.status().code(), StatusCode::kAborted);
  EXPECT_THAT(woke.status().message(), HasSubstr("party 0 aborted in 'truncate'"));
  EXPECT_THAT(woke.status().message(), HasSubstr("shape mismatch in input 'x'"));
  // Every other party learns of it too (asynchronously over TCP: a receive waits for the
  // abort frame); the failing party's own calls report its own error.
  EXPECT_EQ(parties[1]->Recv(0, Tag(4), 1).status().code(), StatusCode::kAborted);
  EXPECT_EQ(parties[1]->Send(2, Tag(4), Bytes(1, 0)).code(), StatusCode::kAborted);
  EXPECT_EQ(parties[0]->Close().code(), StatusCode::kOutOfRange);
}

TEST_P(NetworkTest, RecvTimesOutWithAClearMessage) {
  auto parties = MakeParties(GetParam());
  parties[0]->set_timeout(std::chrono::milliseconds(100));
  parties[0]->set_operation("reveal");
  Result<Buffer> m = parties[0]->Recv(1, Tag(1), 8);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_THAT(m.status().message(), HasSubstr("waiting for party 1 in 'reveal'"));
  EXPECT_THAT(m.status().message(), HasSubstr("ARCA_NET_TIMEOUT_S"));
}

TEST_P(NetworkTest, CloseReportsUnreadMessages) {
  auto parties = MakeParties(GetParam());
  ASSERT_TRUE(parties[0]->Send(1, Tag(1), Bytes(8, 0)).ok());
  const std::vector<Status> closed = CloseAll(parties);
  EXPECT_TRUE(closed[0].ok());
  EXPECT_THAT(closed[1].message(), HasSubstr("never read"));
  EXPECT_TRUE(closed[2].ok());
}

TEST_P(NetworkTest, PeerLeavingWithoutCloseIsNotABareConnectionClosed) {
  auto parties = MakeParties(GetParam());
  std::future<Result<Buffer>> waiting =
      std::async(std::launch::async, [&] { return parties[1]->Recv(0, Tag(1), 8); });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  parties[0].reset();  // party 0 disappears without Close or Abort
  Result<Buffer> m = waiting.get();
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(m.status().message(), HasSubstr("waiting for party 0"));
  EXPECT_THAT(m.status().message(), HasSubstr("without closing"));
}

INSTANTIATE_TEST_SUITE_P(Transports, NetworkTest,
                         ::testing::Values(Transport::kInproc, Transport::kTcp),
                         [](const auto& param_info) {
                           return param_info.param == Transport::kInproc ? "Inproc" : "Tcp";
                         });

// --- TCP-specific: what a hostile or broken peer on the wire can do. ---

int RawConnect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) return fd;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

void RawSend(int fd, std::span<const uint8_t> bytes) {
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
}

void RawSendFrame(int fd, FrameKind kind, const MessageTag& tag, const Buffer& payload) {
  const FrameHeader h = EncodeHeader(kind, tag, payload.size());
  RawSend(fd, h);
  RawSend(fd, payload.bytes());
}

struct RawPeerCase {
  // Party 0 listens; a raw socket plays party 1 of 2.
  std::vector<Endpoint> endpoints;
  TcpOptions options;
  RawPeerCase() {
    auto ports = PickFreeLoopbackPorts(2);
    endpoints = {{"127.0.0.1", (*ports)[0]}, {"127.0.0.1", (*ports)[1]}};
    options.session = 7;
    options.connect_timeout = std::chrono::milliseconds(3000);
  }
};

TEST(TcpLinkTest, RefusesAConnectionFromAnotherSession) {
  RawPeerCase c;
  auto accepting =
      std::async(std::launch::async, [&] { return ConnectTcpMesh(0, c.endpoints, c.options); });
  const int fd = RawConnect(c.endpoints[0].port);
  ASSERT_GE(fd, 0);
  RawSendFrame(fd, FrameKind::kHello, {}, EncodeHello(Hello{999, 1, 2}));
  auto links = accepting.get();
  ::close(fd);
  ASSERT_FALSE(links.ok());
  EXPECT_EQ(links.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(links.status().message(), HasSubstr("session"));
}

TEST(TcpLinkTest, ShortFrameAndGarbageAreReported) {
  for (const bool garbage : {false, true}) {
    RawPeerCase c;
    auto accepting =
        std::async(std::launch::async, [&] { return ConnectTcpMesh(0, c.endpoints, c.options); });
    const int fd = RawConnect(c.endpoints[0].port);
    ASSERT_GE(fd, 0);
    RawSendFrame(fd, FrameKind::kHello, {}, EncodeHello(Hello{7, 1, 2}));
    auto links = accepting.get();
    ASSERT_TRUE(links.ok()) << links.status().ToString();
    Network party0(0, std::move(*links));
    if (garbage) {
      const uint8_t junk[24] = {'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P'};
      RawSend(fd, junk);
    } else {
      // Announces 1000 bytes, sends 10, then the process "dies".
      const FrameHeader h = EncodeHeader(FrameKind::kData, Tag(1), 1000);
      RawSend(fd, h);
      const uint8_t some[10] = {};
      RawSend(fd, some);
      ::close(fd);
    }
    Result<Buffer> m = party0.Recv(1, Tag(1), 1000);
    if (garbage) ::close(fd);
    ASSERT_FALSE(m.ok());
    EXPECT_THAT(m.status().message(), HasSubstr(garbage ? "malformed frame" : "short frame"));
  }
}

TEST(TcpLinkTest, ReportsAnUnreachablePeerByName) {
  RawPeerCase c;
  c.options.connect_timeout = std::chrono::milliseconds(200);
  // Party 1 connects to party 0, which never starts.
  auto links = ConnectTcpMesh(1, c.endpoints, c.options);
  ASSERT_FALSE(links.ok());
  EXPECT_THAT(links.status().message(), HasSubstr("could not reach party 0"));
}

TEST(TcpLinkTest, ParsesEndpoints) {
  Result<Endpoint> e = ParseEndpoint("127.0.0.1:9000");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->port, 9000);
  for (const char* bad :
       {"127.0.0.1", "localhost:80", "127.0.0.1:0", "127.0.0.1:70000", ":1", "1.2.3.4:80x"}) {
    EXPECT_FALSE(ParseEndpoint(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace arca::net
