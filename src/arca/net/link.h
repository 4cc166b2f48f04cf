// Link: a reliable, ordered, framed connection to one peer.
//
// The receive side is common to every transport: frames land in a FrameQueue; a close frame
// ends it cleanly; an abort frame is handed to the owner (the Network), which wakes every
// receive of the party at once.
#ifndef ARCA_NET_LINK_H_
#define ARCA_NET_LINK_H_

#include <atomic>
#include <functional>

#include "arca/base/status.h"
#include "arca/net/frame.h"
#include "arca/net/frame_queue.h"

namespace arca::net {

class Link {
 public:
  using AbortHandler = std::function<void(const AbortNotice&)>;

  explicit Link(size_t receive_budget) : inbox_(receive_budget) {}
  virtual ~Link() = default;
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  // Hands a data frame to the link and returns once the link owns it: delivery is
  // asynchronous, so the caller computes while the bytes travel.
  virtual Status Send(Frame frame) = 0;

  // Sends `notice` ahead of anything not yet on the wire, then stops sending.
  virtual void SendAbort(const AbortNotice& notice) = 0;

  // Sends what was queued and a close frame. Does not wait for the peer.
  virtual Status SendClose() = 0;

  // Releases the connection and joins any threads. Idempotent.
  virtual void Shutdown() = 0;

  // The next frame from the peer, or the reason there is none.
  Result<Frame> Receive(Clock::time_point deadline) { return inbox_.Pop(deadline); }

  // Called with a decoded abort frame; set before traffic starts.
  void set_abort_handler(AbortHandler handler) { on_abort_ = std::move(handler); }

  // Makes pending and future receives fail with `status` (used to wake a blocked party).
  void FailReceives(const Status& status) { inbox_.Fail(status); }

  // Waits until the receive side has ended (closed, lost, or failed by an abort) or
  // `deadline`; true if it has.
  bool WaitReceiveEnd(Clock::time_point deadline) { return inbox_.WaitEnded(deadline); }

  // True once the peer's close frame has arrived (it ended the session cleanly).
  bool peer_closed() const { return peer_closed_; }

 protected:
  // Called by the transport with each frame that arrives, in order.
  void Deliver(Frame frame);
  // Called by the transport when the connection ends without a close frame.
  void DeliverLoss(const Status& status) { inbox_.Finish(status); }

 private:
  FrameQueue inbox_;
  AbortHandler on_abort_;
  std::atomic<bool> peer_closed_{false};
};

}  // namespace arca::net

#endif  // ARCA_NET_LINK_H_
