// Session: one party's context for a computation.
//
// Holds the party's Network, the seeds it shares with each peer (agreed once at the start),
// and the running operation number that tags every message. Parties run the same operations
// in the same order; the operation number is how a receiver knows what it must see next.
#ifndef ARCA_MPC_SESSION_H_
#define ARCA_MPC_SESSION_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arca/base/status.h"
#include "arca/crypto/prg.h"
#include "arca/net/network.h"

namespace arca::mpc {

// What a pairwise pseudorandom stream is used for; each purpose is an independent stream, so
// parties only need to agree on the order of draws within one purpose.
enum class Stream : uint64_t {
  kCorrelated = 1,   // correlated randomness expanded by a party and its dealer/helper
  kPair = 2,         // masks known to both parties of a pair (inputs, zero-sharing)
  kPermutation = 3,  // permutations for shuffles
};

class Session {
 public:
  // Agrees a fresh seed with every peer: the lower-numbered party of each pair draws it from
  // the OS and sends it (in production over the attested channel). `net` must outlive the
  // session. A session without peers (the plaintext protocol) has no network.
  static Result<std::unique_ptr<Session>> Create(net::Network* net);
  static std::unique_ptr<Session> Local();

  int party() const { return net_ ? net_->self() : 0; }
  int parties() const { return net_ ? net_->size() : 1; }
  net::Network& network() { return *net_; }
  bool has_network() const { return net_ != nullptr; }

  // The stream this party shares with `peer` for `purpose`; the peer sees the same bytes.
  crypto::Prg& StreamWith(int peer, Stream purpose);
  // A stream only this party knows.
  crypto::Prg& PrivateStream() { return private_; }

  // Starts the next operation; returns its number, which tags its messages.
  uint32_t BeginOp(std::string_view name);
  uint32_t current_op() const { return op_; }

  // Names a group of operations (a fixed-point function, an ML step) in error messages:
  // "sigmoid > less_than". Scopes nest.
  class Scope {
   public:
    Scope(Session& session, std::string_view name);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Session& session_;
  };

 private:
  explicit Session(net::Network* net);

  net::Network* net_;
  std::vector<crypto::Seed> seeds_;  // seeds_[peer]
  std::map<std::pair<int, Stream>, crypto::Prg> streams_;
  crypto::Prg private_;
  uint32_t op_ = 0;
  std::vector<std::string> scopes_;
};

}  // namespace arca::mpc

#endif  // ARCA_MPC_SESSION_H_
