#include "arca/net/inproc_link.h"

#include <atomic>
#include <tuple>

namespace arca::net {
namespace {

class InprocLink final : public Link {
 public:
  explicit InprocLink(size_t budget) : Link(budget) {}
  InprocLink(const InprocLink&) = delete;
  InprocLink& operator=(const InprocLink&) = delete;
  // Parties are torn down one at a time, so the peer may outlive this end: make it forget us,
  // or its own Shutdown would reach into freed memory.
  ~InprocLink() override {
    if (InprocLink* peer = peer_.exchange(nullptr)) peer->peer_.store(nullptr);
  }

  void Connect(InprocLink* peer) { peer_.store(peer); }

  Status Send(Frame frame) override {
    if (stopped_) return FailedPreconditionError("link already closed or aborted");
    InprocLink* peer = peer_.load();
    if (peer == nullptr) return UnavailableError("the peer left without closing the session");
    peer->Deliver(std::move(frame));
    return OkStatus();
  }

  void SendAbort(const AbortNotice& notice) override {
    if (stopped_.exchange(true)) return;
    if (InprocLink* peer = peer_.load()) {
      peer->Deliver(Frame{FrameKind::kAbort, {}, EncodeAbort(notice)});
    }
  }

  Status SendClose() override {
    if (stopped_.exchange(true)) return OkStatus();
    if (InprocLink* peer = peer_.load()) peer->Deliver(Frame{FrameKind::kClose, {}, Buffer()});
    return OkStatus();
  }

  void Shutdown() override {
    if (!stopped_.exchange(true)) {
      if (InprocLink* peer = peer_.load()) {
        peer->DeliverLoss(UnavailableError("the peer left without closing the session"));
      }
    }
    // Wakes a peer blocked on pushing into our full inbox.
    FailReceives(UnavailableError("link shut down"));
  }

 private:
  std::atomic<InprocLink*> peer_{nullptr};  // null once the peer is destroyed
  std::atomic<bool> stopped_{false};
};

}  // namespace

std::pair<std::unique_ptr<Link>, std::unique_ptr<Link>> MakeInprocLinkPair(size_t receive_budget) {
  auto a = std::make_unique<InprocLink>(receive_budget);
  auto b = std::make_unique<InprocLink>(receive_budget);
  a->Connect(b.get());
  b->Connect(a.get());
  return {std::move(a), std::move(b)};
}

std::vector<std::vector<std::unique_ptr<Link>>> MakeInprocMesh(int parties, size_t receive_budget) {
  std::vector<std::vector<std::unique_ptr<Link>>> mesh(static_cast<size_t>(parties));
  for (auto& row : mesh) row.resize(static_cast<size_t>(parties));
  for (size_t p = 0; p < mesh.size(); ++p) {
    for (size_t q = p + 1; q < mesh.size(); ++q) {
      std::tie(mesh[p][q], mesh[q][p]) = MakeInprocLinkPair(receive_budget);
    }
  }
  return mesh;
}

}  // namespace arca::net
