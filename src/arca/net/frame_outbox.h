// FrameOutbox: the sending half of a link over a byte stream (TCP, or attested TLS).
//
// Frames queue in a bounded FrameQueue that one writer thread drains. A link ends with one
// final frame, close or abort, written after the data: a close after every queued frame, an
// abort as soon as the frame on the wire is done (queued data is dropped). Shutting down lets
// a pending final frame reach the wire, but never waits long on a peer that no longer reads:
// the final frame is written without holding the outbox's lock.
#ifndef ARCA_NET_FRAME_OUTBOX_H_
#define ARCA_NET_FRAME_OUTBOX_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>

#include "arca/base/status.h"
#include "arca/net/frame.h"
#include "arca/net/frame_queue.h"

namespace arca::net {

class FrameOutbox {
 public:
  explicit FrameOutbox(size_t byte_budget) : queue_(byte_budget) {}

  // Link::Send: queues a frame, waiting while the outbox is over budget.
  Status Push(Frame frame) { return queue_.Push(std::move(frame)); }
  // Link::SendAbort: the abort frame goes next; queued data is dropped. Only the first final
  // frame counts.
  void Abort(const AbortNotice& notice);
  // Link::SendClose: the close frame goes after the queued data.
  void Close();

  // The writer thread's body: writes each queued frame with `write` (a non-OK status: the
  // connection is lost, and every queued and later Push fails with that status), then the
  // final frame if the connection is still healthy, then calls `finish(final_frame_written)`
  // and returns.
  void Drain(const std::function<Status(const Frame&)>& write,
             const std::function<void(bool final_frame_written)>& finish);

  // Waits at most `timeout` for Drain to finish when a final frame is pending, then fails
  // every queued and later Push with `status` (which also ends Drain).
  void Stop(std::chrono::milliseconds timeout, Status status);

 private:
  FrameQueue queue_;
  std::mutex mu_;
  std::optional<Frame> final_frame_;  // set once, never changed
  bool drained_ = false;
  std::condition_variable drained_cv_;
};

}  // namespace arca::net

#endif  // ARCA_NET_FRAME_OUTBOX_H_
