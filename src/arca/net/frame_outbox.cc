#include "arca/net/frame_outbox.h"

#include <utility>

namespace arca::net {

void FrameOutbox::Abort(const AbortNotice& notice) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (final_frame_) return;
    final_frame_ = Frame{FrameKind::kAbort, {}, EncodeAbort(notice)};
  }
  queue_.Fail(AbortedError("this party aborted"));
}

void FrameOutbox::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (final_frame_) return;
    final_frame_ = Frame{FrameKind::kClose, {}, Buffer()};
  }
  queue_.Finish(FailedPreconditionError("link closed"));
}

void FrameOutbox::Drain(const std::function<Status(const Frame&)>& write,
                        const std::function<void(bool final_frame_written)>& finish) {
  bool healthy = true;
  for (;;) {
    Result<Frame> frame = queue_.Pop(Clock::time_point::max());
    if (!frame.ok()) break;
    Status written = write(*frame);
    if (!written.ok()) {
      queue_.Fail(std::move(written));
      healthy = false;
      break;
    }
  }
  // The final frame never changes once set, so it is written without holding mu_: Stop can
  // give up on a peer that no longer reads.
  const Frame* last = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (healthy && final_frame_) last = &*final_frame_;
  }
  finish(last != nullptr && write(*last).ok());
  std::lock_guard<std::mutex> lock(mu_);
  drained_ = true;
  drained_cv_.notify_all();
}

void FrameOutbox::Stop(std::chrono::milliseconds timeout, Status status) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (final_frame_) drained_cv_.wait_for(lock, timeout, [&] { return drained_; });
  }
  queue_.Fail(std::move(status));
}

}  // namespace arca::net
