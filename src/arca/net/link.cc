#include "arca/net/link.h"

namespace arca::net {

void Link::Deliver(Frame frame) {
  switch (frame.kind) {
    case FrameKind::kData:
      // A failed push means this side has already ended; the frame is of no use.
      (void)inbox_.Push(std::move(frame));
      return;
    case FrameKind::kClose:
      peer_closed_ = true;
      inbox_.Finish(UnavailableError("the peer closed the session"));
      return;
    case FrameKind::kAbort: {
      Result<AbortNotice> notice = DecodeAbort(frame.payload);
      if (!notice.ok()) {
        inbox_.Fail(notice.status());
        return;
      }
      if (on_abort_) on_abort_(*notice);
      return;
    }
    case FrameKind::kHello:
      inbox_.Fail(DataLossError("unexpected hello frame in the middle of a session"));
      return;
  }
}

}  // namespace arca::net
