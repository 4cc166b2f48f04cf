#include "arca/net/frame_queue.h"

namespace arca::net {

Status FrameQueue::Push(Frame frame) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return ended_ || frames_.empty() || bytes_ < budget_; });
  if (ended_) return end_status_;
  bytes_ += frame.payload.size();
  frames_.push_back(std::move(frame));
  changed_.notify_all();
  return OkStatus();
}

Result<Frame> FrameQueue::Pop(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!changed_.wait_until(lock, deadline, [&] { return ended_ || !frames_.empty(); })) {
    return DeadlineExceededError("timed out");
  }
  if (frames_.empty()) return end_status_;
  Frame frame = std::move(frames_.front());
  frames_.pop_front();
  bytes_ -= frame.payload.size();
  changed_.notify_all();
  return frame;
}

void FrameQueue::Finish(Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  if (ended_) return;
  ended_ = true;
  end_status_ = std::move(status);
  changed_.notify_all();
}

void FrameQueue::Fail(Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  frames_.clear();
  bytes_ = 0;
  if (!ended_ || end_status_.code() != StatusCode::kAborted) {
    // A failure replaces a clean end, but the first abort keeps its origin.
    end_status_ = std::move(status);
  }
  ended_ = true;
  changed_.notify_all();
}

bool FrameQueue::WaitEnded(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_until(lock, deadline, [this] { return ended_; });
}

size_t FrameQueue::pending_frames() const {
  std::lock_guard<std::mutex> lock(mu_);
  return frames_.size();
}

}  // namespace arca::net
