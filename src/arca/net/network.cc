#include "arca/net/network.h"

#include <fmt/format.h>

#include "arca/base/env.h"

namespace arca::net {

TrafficStats TrafficStats::operator-(const TrafficStats& earlier) const {
  TrafficStats d;
  for (int c = 0; c < kTrafficClasses; ++c) {
    d.bytes_sent[c] = bytes_sent[c] - earlier.bytes_sent[c];
    d.bytes_received[c] = bytes_received[c] - earlier.bytes_received[c];
  }
  d.frames_sent = frames_sent - earlier.frames_sent;
  d.frames_received = frames_received - earlier.frames_received;
  d.rounds = rounds - earlier.rounds;
  return d;
}

Network::Network(int self, std::vector<std::unique_ptr<Link>> links)
    : self_(self),
      links_(std::move(links)),
      timeout_(std::chrono::seconds(EnvInt("ARCA_NET_TIMEOUT_S", 600, 1, int64_t{7} * 24 * 3600))),
      per_peer_(links_.size()) {
  for (size_t p = 0; p < links_.size(); ++p) {
    if (links_[p]) {
      links_[p]->set_abort_handler(
          [this, p](const AbortNotice& notice) { OnPeerAbort(static_cast<int>(p), notice); });
    }
  }
}

Network::~Network() { Shutdown(); }

Link* Network::LinkTo(int party, const char* verb, Status* error) {
  if (party < 0 || party >= size() || party == self_) {
    *error = InvalidArgumentError(fmt::format("party {} cannot {} party {}: parties are 0..{}",
                                              self_, verb, party, size() - 1));
    return nullptr;
  }
  return links_[static_cast<size_t>(party)].get();
}

Status Network::Send(int to, const MessageTag& tag, Buffer payload) {
  Status error;
  Link* link = LinkTo(to, "send to", &error);
  if (link == nullptr) return error;
  const auto bytes = static_cast<int64_t>(payload.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_.ok()) return failure_;
    const auto cls = static_cast<size_t>(tag.traffic);
    for (TrafficStats* s : {&total_, &per_peer_[static_cast<size_t>(to)]}) {
      s->bytes_sent[cls] += bytes;
      s->frames_sent += 1;
    }
    if (tag.traffic == Traffic::kOnline &&
        (tag.op != last_round_.op || tag.round != last_round_.round)) {
      total_.rounds += 1;
      last_round_ = tag;
    }
  }
  Status s = link->Send(Frame{FrameKind::kData, tag, std::move(payload)});
  if (!s.ok()) {
    // A peer that aborts sends its notice, then closes: a send can fail on the closed
    // connection before this party's reader has read the notice. Give the reader a moment to
    // reach it, so that the party reports the peer's reason rather than a broken pipe.
    link->WaitReceiveEnd(Clock::now() + std::chrono::seconds(1));
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_.ok()) return failure_;
    return s.WithContext(
        fmt::format("party {} sending to party {} in '{}'", self_, to, operation_));
  }
  return OkStatus();
}

Result<Buffer> Network::Recv(int from, const MessageTag& tag, size_t bytes) {
  Status error;
  Link* link = LinkTo(from, "receive from", &error);
  if (link == nullptr) return error;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_.ok()) return failure_;
  }
  Result<Frame> frame = link->Receive(Clock::now() + timeout_);
  if (!frame.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_.ok()) return failure_;
    if (frame.status().code() == StatusCode::kDeadlineExceeded) {
      return DeadlineExceededError(fmt::format(
          "party {} timed out after {} s waiting for party {} in '{}' (op {}, round {}); the "
          "peer is stuck or far slower; set ARCA_NET_TIMEOUT_S to wait longer",
          self_, std::chrono::duration_cast<std::chrono::seconds>(timeout_).count(), from,
          operation_, tag.op, tag.round));
    }
    return frame.status().WithContext(
        fmt::format("party {} waiting for party {} in '{}'", self_, from, operation_));
  }
  if (frame->tag.op != tag.op || frame->tag.round != tag.round ||
      frame->tag.traffic != tag.traffic) {
    return DataLossError(fmt::format(
        "parties have diverged: party {} expected op {} round {} from party {} in '{}' but got "
        "op {} round {}; they are not running the same program",
        self_, tag.op, tag.round, from, operation_, frame->tag.op, frame->tag.round));
  }
  if (frame->payload.size() != bytes) {
    return DataLossError(
        fmt::format("party {} sent {} bytes in '{}' (op {}, round {}) where {} were expected", from,
                    frame->payload.size(), operation_, tag.op, tag.round, bytes));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto cls = static_cast<size_t>(tag.traffic);
    for (TrafficStats* s : {&total_, &per_peer_[static_cast<size_t>(from)]}) {
      s->bytes_received[cls] += static_cast<int64_t>(bytes);
      s->frames_received += 1;
    }
  }
  return std::move(frame->payload);
}

void Network::OnPeerAbort(int from, const AbortNotice& notice) {
  const int origin = notice.origin_party >= 0 ? notice.origin_party : from;
  const Status status = AbortedError(fmt::format("party {} aborted in '{}': {}", origin,
                                                 notice.operation, notice.error.ToString()));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_.ok()) return;
    failure_ = status;
  }
  for (auto& link : links_) {
    if (link) link->FailReceives(status);
  }
}

void Network::Abort(const Status& why) {
  Status as_seen;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Already aborted, by a peer (which told everyone) or by an earlier call.
    if (!failure_.ok()) return;
    failure_ = why.ok() ? InternalError("aborted without a reason") : why;
    as_seen = AbortedError(
        fmt::format("party {} aborted in '{}': {}", self_, operation_, failure_.ToString()));
  }
  const AbortNotice notice{self_, operation_, failure_};
  for (auto& link : links_) {
    if (!link) continue;
    link->SendAbort(notice);
    link->FailReceives(as_seen);
  }
}

Status Network::Close() {
  Status failure;
  {
    std::lock_guard<std::mutex> lock(mu_);
    failure = failure_;
  }
  if (!failure.ok()) {
    Shutdown();
    return failure;
  }
  for (auto& link : links_) {
    if (link) (void)link->SendClose();
  }
  Status result;
  for (int p = 0; p < size(); ++p) {
    Link* link = links_[static_cast<size_t>(p)].get();
    if (link == nullptr) continue;
    int64_t unread = 0;
    for (;;) {
      Result<Frame> frame = link->Receive(Clock::now() + timeout_);
      if (frame.ok()) {
        ++unread;
        continue;
      }
      if (!link->peer_closed() && result.ok()) {
        result = frame.status().WithContext(
            fmt::format("party {} closing its link to party {}", self_, p));
      }
      break;
    }
    if (unread > 0 && result.ok()) {
      result = InternalError(fmt::format(
          "party {} sent {} message(s) that party {} never read; the parties ran different "
          "programs",
          p, unread, self_));
    }
  }
  Shutdown();
  return result;
}

void Network::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  for (auto& link : links_) {
    if (link) link->Shutdown();
  }
}

TrafficStats Network::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

TrafficStats Network::stats_with(int peer) const {
  std::lock_guard<std::mutex> lock(mu_);
  return per_peer_.at(static_cast<size_t>(peer));
}

}  // namespace arca::net
