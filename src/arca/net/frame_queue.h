// FrameQueue: the hand-off between a link's producer and its consumer.
//
// Bounded in bytes, so a party that runs ahead (a dealer streaming randomness) is held back
// instead of filling memory; an empty queue accepts any one frame, so a single large message
// cannot deadlock. A queue ends in a terminal status (closed, lost, aborted) that the consumer
// sees instead of a hang.
#ifndef ARCA_NET_FRAME_QUEUE_H_
#define ARCA_NET_FRAME_QUEUE_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "arca/base/status.h"
#include "arca/net/frame.h"

namespace arca::net {

using Clock = std::chrono::steady_clock;

class FrameQueue {
 public:
  explicit FrameQueue(size_t byte_budget) : budget_(byte_budget) {}

  // Appends a frame, waiting while the queue is over budget. Fails with the terminal status
  // if the queue has ended.
  Status Push(Frame frame);

  // The oldest frame. Once the queue has ended and is drained, its terminal status;
  // DeadlineExceeded if nothing arrives by `deadline`.
  Result<Frame> Pop(Clock::time_point deadline);

  // Ends the queue after the frames already in it: consumers drain them, then see `status`.
  void Finish(Status status);
  // Ends the queue now: queued frames are dropped and every waiter sees `status` at once.
  void Fail(Status status);

  // Waits until the queue has ended or `deadline`; true if it has ended.
  bool WaitEnded(Clock::time_point deadline);

  size_t pending_frames() const;

 private:
  const size_t budget_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Frame> frames_;
  size_t bytes_ = 0;
  bool ended_ = false;
  Status end_status_;
};

}  // namespace arca::net

#endif  // ARCA_NET_FRAME_QUEUE_H_
