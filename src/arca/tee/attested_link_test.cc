#include "arca/tee/attested_link.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "arca/net/tcp_socket.h"
#include "arca/tee/mesh_test_util.h"

namespace arca::tee {
namespace {

using ::testing::HasSubstr;
using testing::OpenFdCount;
using testing::SettledThreadCount;
using testing::SimNodes;
using testing::ThreadCount;

struct ChannelPair {
  std::unique_ptr<AttestedChannel> dialer;    // node 0
  std::unique_ptr<AttestedChannel> acceptor;  // node 1
};

// Two mutually attested channels over TCP on 127.0.0.1, node 0 dialing node 1.
ChannelPair OpenPair(const AttestedTlsOptions& dialer, const AttestedTlsOptions& acceptor) {
  const int listener = *net::ListenTcp({"127.0.0.1", 0});
  const uint16_t port = *net::BoundPort(listener);
  auto accepted = std::async(std::launch::async, [&] {
    return AttestedChannel::Accept(*net::AcceptTcp(listener, std::chrono::seconds(10)), acceptor);
  });
  Result<std::unique_ptr<AttestedChannel>> connected = AttestedChannel::Connect(
      *net::ConnectTcp({"127.0.0.1", port}, std::chrono::seconds(10)), dialer);
  Result<std::unique_ptr<AttestedChannel>> served = accepted.get();
  ::close(listener);
  EXPECT_TRUE(connected.ok()) << connected.status().ToString();
  EXPECT_TRUE(served.ok()) << served.status().ToString();
  if (!connected.ok() || !served.ok()) return {};
  return {*std::move(connected), *std::move(served)};
}

struct LinkPair {
  std::unique_ptr<net::Link> a;  // party 0's link to party 1
  std::unique_ptr<net::Link> b;  // party 1's link to party 0
};

LinkPair OpenLinks(const SimNodes& nodes, const AttestedLinkOptions& a_options = {},
                   const AttestedLinkOptions& b_options = {}) {
  ChannelPair channels = OpenPair(nodes.Mutual(0), nodes.Mutual(1));
  if (!channels.dialer) return {};
  Result<std::unique_ptr<net::Link>> a =
      MakeAttestedLink(std::move(channels.dialer), /*peer=*/1, a_options);
  Result<std::unique_ptr<net::Link>> b =
      MakeAttestedLink(std::move(channels.acceptor), /*peer=*/0, b_options);
  EXPECT_TRUE(a.ok() && b.ok());
  if (!a.ok() || !b.ok()) return {};
  return {*std::move(a), *std::move(b)};
}

net::Clock::time_point Soon() { return net::Clock::now() + std::chrono::seconds(30); }

// The payload of frame `i`: a size that crosses record boundaries, and bytes that depend on
// both the frame and the position, so that a reordered or corrupted frame shows.
Buffer Payload(int i) {
  constexpr size_t kSizes[] = {0, 1, 23, 16359, 16360, 16361, 70000, (size_t{1} << 20) + 3};
  Buffer payload(kSizes[static_cast<size_t>(i) % std::size(kSizes)]);
  for (size_t j = 0; j < payload.size(); ++j) {
    payload.data()[j] = static_cast<uint8_t>(i * 31 + static_cast<int>(j % 251));
  }
  return payload;
}

net::Frame DataFrame(int i) {
  return {net::FrameKind::kData, net::MessageTag{static_cast<uint32_t>(i), 0, {}}, Payload(i)};
}

// Sends `count` frames while receiving `count` from the peer, and checks each.
Status Exchange(net::Link& link, int count) {
  auto sent = std::async(std::launch::async, [&]() -> Status {
    for (int i = 0; i < count; ++i) ARCA_RETURN_IF_ERROR(link.Send(DataFrame(i)));
    return OkStatus();
  });
  for (int i = 0; i < count; ++i) {
    ARCA_ASSIGN_OR_RETURN(net::Frame frame, link.Receive(Soon()));
    const Buffer want = Payload(i);
    if (frame.tag.op != static_cast<uint32_t>(i) || frame.payload.size() != want.size() ||
        !std::equal(want.bytes().begin(), want.bytes().end(), frame.payload.bytes().begin())) {
      return DataLossError("frame " + std::to_string(i) + " arrived changed or out of order");
    }
  }
  return sent.get();
}

TEST(AttestedLinkTest, FramesArriveIntactAndInOrderWhileBothSidesSend) {
  const SimNodes nodes(2);
  LinkPair links = OpenLinks(nodes);
  ASSERT_TRUE(links.a && links.b);
  auto b_side = std::async(std::launch::async, [&] { return Exchange(*links.b, 200); });
  const Status a_status = Exchange(*links.a, 200);
  const Status b_status = b_side.get();
  EXPECT_TRUE(a_status.ok()) << a_status.ToString();
  EXPECT_TRUE(b_status.ok()) << b_status.ToString();

  // One frame larger than any socket buffer or TLS buffer.
  Buffer big(size_t{48} << 20);
  for (size_t j = 0; j < big.size(); ++j) big.data()[j] = static_cast<uint8_t>(j * 7 + 1);
  const Buffer copy = big;
  ASSERT_TRUE(
      links.a->Send({net::FrameKind::kData, {7, 1, net::Traffic::kPreprocessing}, std::move(big)})
          .ok());
  Result<net::Frame> got = links.b->Receive(Soon());
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->tag, (net::MessageTag{7, 1, net::Traffic::kPreprocessing}));
  ASSERT_EQ(got->payload.size(), copy.size());
  EXPECT_TRUE(std::equal(copy.bytes().begin(), copy.bytes().end(), got->payload.bytes().begin()));
}

TEST(AttestedLinkTest, CloseEndsTheSessionCleanlyAfterTheData) {
  const SimNodes nodes(2);
  LinkPair links = OpenLinks(nodes);
  ASSERT_TRUE(links.a && links.b);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(links.a->Send(DataFrame(i)).ok());
  ASSERT_TRUE(links.a->SendClose().ok());
  for (int i = 0; i < 3; ++i) {
    Result<net::Frame> frame = links.b->Receive(Soon());
    ASSERT_TRUE(frame.ok()) << frame.status().ToString();
    EXPECT_EQ(frame->tag.op, static_cast<uint32_t>(i));
  }
  Result<net::Frame> end = links.b->Receive(Soon());
  ASSERT_FALSE(end.ok());
  EXPECT_THAT(end.status().message(), HasSubstr("the peer closed the session"));
  EXPECT_TRUE(links.b->peer_closed());
  // A link that has sent its close frame sends nothing more.
  EXPECT_FALSE(links.a->Send(DataFrame(3)).ok());
  // The other direction still works after the first one closed.
  ASSERT_TRUE(links.b->Send(DataFrame(4)).ok());
  ASSERT_TRUE(links.b->SendClose().ok());
  Result<net::Frame> last = links.a->Receive(Soon());
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(last->tag.op, 4u);
  EXPECT_FALSE(links.a->Receive(Soon()).ok());
  EXPECT_TRUE(links.a->peer_closed());
}

TEST(AttestedLinkTest, AnAbortOvertakesQueuedData) {
  const SimNodes nodes(2);
  AttestedLinkOptions sender;
  sender.send_budget = size_t{1} << 30;  // room to queue every frame at once
  AttestedLinkOptions receiver;
  receiver.receive_budget = size_t{4} << 20;
  LinkPair links = OpenLinks(nodes, sender, receiver);
  ASSERT_TRUE(links.a && links.b);
  std::promise<net::AbortNotice> aborted;
  links.b->set_abort_handler([&](const net::AbortNotice& notice) {
    aborted.set_value(notice);
    links.b->FailReceives(AbortedError("party 0 aborted"));
  });

  constexpr int kFrames = 100;
  for (int i = 0; i < kFrames; ++i) {
    Buffer payload(size_t{1} << 20);
    std::fill_n(payload.data(), payload.size(), uint8_t{1});
    ASSERT_TRUE(
        links.a
            ->Send({net::FrameKind::kData, {static_cast<uint32_t>(i), 0, {}}, std::move(payload)})
            .ok());
  }
  links.a->SendAbort({0, "mul", InternalError("party 0 ran out of memory")});

  int received = 0;
  while (links.b->Receive(Soon()).ok()) ++received;
  const net::AbortNotice notice = aborted.get_future().get();
  EXPECT_EQ(notice.origin_party, 0);
  EXPECT_EQ(notice.operation, "mul");
  EXPECT_EQ(notice.error, InternalError("party 0 ran out of memory"));
  // What was queued behind the frames already on the wire was dropped.
  EXPECT_LT(received, kFrames);
}

TEST(AttestedLinkTest, ALostPeerIsReportedByName) {
  const SimNodes nodes(2);
  LinkPair links = OpenLinks(nodes);
  ASSERT_TRUE(links.a && links.b);
  ASSERT_TRUE(links.b->Send(DataFrame(0)).ok());
  ASSERT_TRUE(links.a->Receive(Soon()).ok());
  // Party 1 goes away without a close or an abort frame, as a crashed process would.
  links.b.reset();
  Result<net::Frame> frame = links.a->Receive(Soon());
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(frame.status().message(), HasSubstr("connection lost to party 1"));
  // Sending to the lost peer fails too, sooner or later, instead of hanging.
  Status sent;
  for (int i = 0; i < 1000 && sent.ok(); ++i) sent = links.a->Send(DataFrame(7));
  EXPECT_FALSE(sent.ok());
  EXPECT_THAT(sent.message(), HasSubstr("connection lost to party 1"));
}

TEST(AttestedLinkTest, NoThreadOrSocketOutlivesTheLinks) {
  const SimNodes nodes(2);
  // The first connection may open process-wide resources (OpenSSL's random source).
  { LinkPair warm_up = OpenLinks(nodes); }
  const size_t threads = ThreadCount();
  const size_t fds = OpenFdCount();
  {
    LinkPair links = OpenLinks(nodes);
    ASSERT_TRUE(links.a && links.b);
    EXPECT_EQ(ThreadCount(), threads + 4);  // a reader and a writer per link
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(links.a->Send(DataFrame(i)).ok());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(links.b->Receive(Soon()).ok());
    links.a->Shutdown();
    links.a->Shutdown();  // idempotent
  }
  EXPECT_EQ(SettledThreadCount(threads), threads);
  EXPECT_EQ(OpenFdCount(), fds);
}

TEST(AttestedLinkTest, RefusesAChannelThatDidNotCheckItsPeer) {
  const SimNodes nodes(2);
  AttestedTlsOptions client;  // outside any TEE, checks the node
  client.peer = nodes.Mutual(1).peer;
  AttestedTlsOptions node;  // proves itself, checks nobody
  node.self = nodes.Mutual(1).self;
  ChannelPair channels = OpenPair(client, node);
  ASSERT_TRUE(channels.acceptor);
  Result<std::unique_ptr<net::Link>> link = MakeAttestedLink(std::move(channels.acceptor), 0);
  ASSERT_FALSE(link.ok());
  EXPECT_THAT(link.status().message(), HasSubstr("checked the peer's attestation"));
}

}  // namespace
}  // namespace arca::tee
