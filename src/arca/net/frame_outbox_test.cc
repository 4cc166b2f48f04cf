#include "arca/net/frame_outbox.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

namespace arca::net {
namespace {

Frame DataFrame(uint32_t op) {
  return Frame{FrameKind::kData, MessageTag{op, 0, Traffic::kOnline}, Buffer(8)};
}

// What a writer thread put on the "wire", and how it finished.
struct Wire {
  std::vector<Frame> frames;
  std::optional<bool> final_written;
};

TEST(FrameOutboxTest, CloseGoesAfterTheQueuedData) {
  FrameOutbox outbox(1 << 20);
  ASSERT_TRUE(outbox.Push(DataFrame(1)).ok());
  ASSERT_TRUE(outbox.Push(DataFrame(2)).ok());
  outbox.Close();
  EXPECT_FALSE(outbox.Push(DataFrame(3)).ok());
  Wire wire;
  outbox.Drain(
      [&](const Frame& f) {
        wire.frames.push_back(f);
        return OkStatus();
      },
      [&](bool written) { wire.final_written = written; });
  ASSERT_EQ(wire.frames.size(), 3u);
  EXPECT_EQ(wire.frames[0].tag.op, 1u);
  EXPECT_EQ(wire.frames[1].tag.op, 2u);
  EXPECT_EQ(wire.frames[2].kind, FrameKind::kClose);
  EXPECT_EQ(wire.final_written, true);
}

TEST(FrameOutboxTest, AnAbortDropsTheQueuedDataAndOnlyTheFirstFinalFrameCounts) {
  FrameOutbox outbox(1 << 20);
  ASSERT_TRUE(outbox.Push(DataFrame(1)).ok());
  outbox.Abort({.origin_party = 1, .operation = "mul", .error = AbortedError("bad input")});
  outbox.Close();
  EXPECT_EQ(outbox.Push(DataFrame(2)).code(), StatusCode::kAborted);
  Wire wire;
  outbox.Drain(
      [&](const Frame& f) {
        wire.frames.push_back(f);
        return OkStatus();
      },
      [&](bool written) { wire.final_written = written; });
  ASSERT_EQ(wire.frames.size(), 1u);
  EXPECT_EQ(wire.frames[0].kind, FrameKind::kAbort);
  EXPECT_EQ(wire.final_written, true);
}

TEST(FrameOutboxTest, ALostConnectionFailsEverySendWithItsReasonAndSkipsTheFinalFrame) {
  FrameOutbox outbox(1 << 20);
  ASSERT_TRUE(outbox.Push(DataFrame(1)).ok());
  ASSERT_TRUE(outbox.Push(DataFrame(2)).ok());
  outbox.Close();
  Wire wire;
  outbox.Drain(
      [&](const Frame& f) {
        wire.frames.push_back(f);
        return f.tag.op == 2 ? UnavailableError("connection lost to party 1") : OkStatus();
      },
      [&](bool written) { wire.final_written = written; });
  ASSERT_EQ(wire.frames.size(), 2u);  // no close frame after the loss
  EXPECT_EQ(wire.final_written, false);
  EXPECT_EQ(outbox.Push(DataFrame(3)).message(), "connection lost to party 1");
}

TEST(FrameOutboxTest, StopDoesNotWaitLongForAPeerThatNoLongerReads) {
  FrameOutbox outbox(1 << 20);
  outbox.Close();
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> writing{false};
  std::thread writer([&] {
    outbox.Drain(
        [&](const Frame&) {
          writing = true;
          released.wait();  // the peer's window is full
          return UnavailableError("gone");
        },
        [](bool) {});
  });
  while (!writing) std::this_thread::yield();
  const auto before = std::chrono::steady_clock::now();
  outbox.Stop(std::chrono::milliseconds(100), UnavailableError("link shut down"));
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
  EXPECT_EQ(outbox.Push(DataFrame(1)).message(), "link shut down");
  release.set_value();
  writer.join();
}

}  // namespace
}  // namespace arca::net
