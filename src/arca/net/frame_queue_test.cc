#include "arca/net/frame_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace arca::net {
namespace {

Frame DataFrame(size_t bytes, uint32_t op = 0) {
  return Frame{FrameKind::kData, MessageTag{op, 0, Traffic::kOnline}, Buffer(bytes)};
}

Clock::time_point Soon() { return Clock::now() + std::chrono::seconds(5); }

TEST(FrameQueueTest, DeliversInOrderThenTerminalStatus) {
  FrameQueue q(1 << 20);
  ASSERT_TRUE(q.Push(DataFrame(10, 1)).ok());
  ASSERT_TRUE(q.Push(DataFrame(10, 2)).ok());
  q.Finish(UnavailableError("closed"));
  EXPECT_EQ(q.Pop(Soon())->tag.op, 1u);
  EXPECT_EQ(q.Pop(Soon())->tag.op, 2u);
  EXPECT_EQ(q.Pop(Soon()).status().message(), "closed");
  EXPECT_FALSE(q.Push(DataFrame(1)).ok());
}

TEST(FrameQueueTest, FailDropsQueuedFramesAndKeepsFirstAbort) {
  FrameQueue q(1 << 20);
  ASSERT_TRUE(q.Push(DataFrame(10)).ok());
  q.Fail(AbortedError("first"));
  q.Fail(UnavailableError("later"));
  EXPECT_EQ(q.Pop(Soon()).status().message(), "first");
}

TEST(FrameQueueTest, PopTimesOut) {
  FrameQueue q(1 << 20);
  Result<Frame> f = q.Pop(Clock::now() + std::chrono::milliseconds(20));
  EXPECT_EQ(f.status().code(), StatusCode::kDeadlineExceeded);
}

TEST(FrameQueueTest, WaitEndedReturnsWhenTheQueueEndsOrAtTheDeadline) {
  FrameQueue q(1 << 20);
  ASSERT_TRUE(q.Push(DataFrame(10)).ok());
  EXPECT_FALSE(q.WaitEnded(Clock::now() + std::chrono::milliseconds(20)));
  std::thread ender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    q.Finish(UnavailableError("lost"));
  });
  EXPECT_TRUE(q.WaitEnded(Clock::now() + std::chrono::seconds(10)));
  ender.join();
  EXPECT_TRUE(q.Pop(Soon()).ok());  // the frame before the end is still there
}

TEST(FrameQueueTest, OverBudgetPushWaitsForConsumer) {
  FrameQueue q(100);
  ASSERT_TRUE(q.Push(DataFrame(150)).ok());  // an empty queue takes any one frame
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    EXPECT_TRUE(q.Push(DataFrame(10)).ok());
    pushed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(pushed.load());
  ASSERT_TRUE(q.Pop(Soon()).ok());
  producer.join();
  EXPECT_TRUE(pushed.load());
}

TEST(FrameQueueTest, FailWakesBlockedProducer) {
  FrameQueue q(10);
  ASSERT_TRUE(q.Push(DataFrame(50)).ok());
  std::thread producer([&] { EXPECT_EQ(q.Push(DataFrame(5)).code(), StatusCode::kAborted); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  q.Fail(AbortedError("stop"));
  producer.join();
}

}  // namespace
}  // namespace arca::net
