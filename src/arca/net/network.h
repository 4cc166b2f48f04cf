// Network: one party's connections to every other party of a computation.
//
// Every message carries a tag (the operation's sequence number and round). Parties run the
// same operations in the same order, so a receiver knows exactly which tag and how many bytes
// it must get next: anything else means the parties have diverged, and is reported as such.
//
// Counters are always on: payload bytes sent and received per traffic class, frames, and
// online rounds. A round is one (op, round) tag among this party's online sends, so n batched
// messages of one protocol round count once.
//
// When a party fails, Abort() tells every peer which party failed, in which operation, and
// why; a peer blocked in Recv wakes at once with that error instead of hanging.
#ifndef ARCA_NET_NETWORK_H_
#define ARCA_NET_NETWORK_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "arca/base/buffer.h"
#include "arca/base/status.h"
#include "arca/net/link.h"

namespace arca::net {

struct TrafficStats {
  std::array<int64_t, kTrafficClasses> bytes_sent{};  // payload bytes, by Traffic
  std::array<int64_t, kTrafficClasses> bytes_received{};
  int64_t frames_sent = 0;
  int64_t frames_received = 0;
  int64_t rounds = 0;  // online rounds this party sent in

  int64_t online_bytes_sent() const { return bytes_sent[0]; }
  int64_t preprocessing_bytes_sent() const { return bytes_sent[1]; }
  TrafficStats operator-(const TrafficStats& earlier) const;
};

class Network {
 public:
  // `links[p]` connects to party p; links[self] is null.
  Network(int self, std::vector<std::unique_ptr<Link>> links);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  int self() const { return self_; }
  int size() const { return static_cast<int>(links_.size()); }

  // How long Recv waits for a peer; default $ARCA_NET_TIMEOUT_S or 600 s.
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

  // Names the operation now running, for error messages and abort notices.
  void set_operation(std::string name) { operation_ = std::move(name); }
  const std::string& operation() const { return operation_; }

  Status Send(int to, const MessageTag& tag, Buffer payload);
  // The next message from `from`, which must carry `tag` and exactly `bytes` payload bytes.
  Result<Buffer> Recv(int from, const MessageTag& tag, size_t bytes);

  // Gives up the session because of `why`: tells every peer (unless `why` is itself an abort
  // that came from a peer) and makes every later Send and Recv fail with the abort.
  void Abort(const Status& why);

  // Ends the session cleanly: sends a close frame to every peer, waits for theirs, and
  // reports a peer that sent messages this party never read. Then shuts the links down.
  Status Close();

  TrafficStats stats() const;
  TrafficStats stats_with(int peer) const;

 private:
  Link* LinkTo(int party, const char* verb, Status* error);
  void OnPeerAbort(int from, const AbortNotice& notice);
  void Shutdown();

  const int self_;
  std::vector<std::unique_ptr<Link>> links_;
  std::chrono::milliseconds timeout_;
  std::string operation_ = "setup";

  mutable std::mutex mu_;
  Status failure_;  // set once the session is aborted
  std::vector<TrafficStats> per_peer_;
  TrafficStats total_;
  MessageTag last_round_{0xffffffff, 0xffff, Traffic::kOnline};
  bool shut_down_ = false;
};

}  // namespace arca::net

#endif  // ARCA_NET_NETWORK_H_
