// The context of a helper-assisted two-party kernel.
//
// Parties A and B hold additive shares x = x_A + x_B over Z_2^64. A helper H holds no data and
// supplies correlated randomness (Beaver triples, truncation pairs, comparison tables) with
// seed compression: A and B each expand their part of it from a seed they share with H, and H
// sends B alone the few corrections that make the parts correlate. H never receives anything
// that depends on data. dealer2pc runs these kernels with its dealer as H; rep3 runs them with
// one of its three parties as H.
//
// All three roles run every kernel (H with shapes only), drawing from their streams in the
// same order; that order is part of each kernel's definition.
#ifndef ARCA_MPC_ASSISTED_H_
#define ARCA_MPC_ASSISTED_H_

#include <cstdint>

#include "arca/base/status.h"
#include "arca/crypto/prg.h"
#include "arca/mpc/protocol.h"
#include "arca/mpc/ring_tensor.h"
#include "arca/mpc/session.h"

namespace arca::mpc {

enum class Role { kA, kB, kHelper };

// What A, B and H each send in one kernel call.
struct AssistedCost {
  PartyCost a, b, helper;
};

class Assisted {
 public:
  // Party indices of A, B and H in the session; `op` is the operation's number (its tag) and
  // `first_round` the round this kernel starts at within the operation.
  Assisted(Session& session, int a, int b, int helper, uint32_t op, int first_round = 0);

  Role role() const { return role_; }
  bool is_helper() const { return role_ == Role::kHelper; }
  bool is_a() const { return role_ == Role::kA; }
  // Rounds started so far, counting from `first_round`: the next kernel on the same operation
  // starts here.
  int next_round() const { return round_; }

  // Streams. A and B: the one each shares with H, and the one they share with each other.
  crypto::Prg& WithHelper();
  crypto::Prg& WithPeer();
  // H: the stream it shares with A or with B.
  crypto::Prg& HelperWith(Role party);

  // Draws `n` ring elements from `prg`, marked secret for the obliviousness check.
  static RingTensor Draw(crypto::Prg& prg, Shape shape);
  static void DrawInto(crypto::Prg& prg, uint64_t* out, int64_t n);

  // Starts the next round; messages below are tagged with it.
  void NextRound() { ++round_; }
  int round() const { return round_; }

  // A <-> B, online traffic of the current round.
  Status SendToPeer(Buffer payload);
  Result<Buffer> RecvFromPeer(size_t bytes);
  // H -> A or B, preprocessing traffic of the current round.
  Status SendFromHelper(Role to, Buffer payload);
  Result<Buffer> RecvFromHelper(size_t bytes);

 private:
  Session& session_;
  const int a_, b_, helper_;
  Role role_;
  const uint32_t op_;
  int round_;
};

// Elements per message chunk: large operations stream through chunks of this size, so that
// memory stays a small multiple of the operands and transfer overlaps computation.
// $ARCA_CHUNK_ELEMENTS overrides the default of 2^18.
int64_t ChunkElements();

}  // namespace arca::mpc

#endif  // ARCA_MPC_ASSISTED_H_
