// rep3: three parties with 2-of-3 replicated shares over Z_2^64, no dealer.
//
// x = x_0 + x_1 + x_2 and party i holds (x_i, x_{i+1}). Products are native: party i computes
// x_i·y_i + x_i·y_{i+1} + x_{i+1}·y_i plus its part of a zero-sharing drawn from the seeds it
// shares with its neighbours, and sends the result to party i-1 (one round, one element per
// party per product element).
//
// Truncation, comparisons and shuffles re-share locally to two-party additive shares
// (P0: x_0 + x_1, P1: x_2), run the helper-assisted kernels with P2 as the helper, and return
// to replicated shares in one more round, re-randomised so that P2, who generated the
// kernel's randomness, learns nothing from the shares it receives. Security rests on the
// same assumption as rep3 itself: no two parties collude.
#ifndef ARCA_MPC_REP3_PROTOCOL_H_
#define ARCA_MPC_REP3_PROTOCOL_H_

#include <functional>

#include "arca/mpc/assisted.h"
#include "arca/mpc/comparison.h"
#include "arca/mpc/protocol.h"

namespace arca::mpc {

class Rep3Protocol final : public Protocol {
 public:
  explicit Rep3Protocol(Session* session) : Protocol(session) {}

  std::string_view name() const override { return "rep3"; }
  bool Holds(int owner) const override { return owner == party(); }

  Result<Shared> Input(int owner, const Shape& shape, const RingTensor* value) override;
  Result<RingTensor> Reveal(const Shared& x) override;
  Result<std::optional<RingTensor>> RevealTo(int to, const Shared& x) override;
  Result<Shared> Mul(const Shared& a, const Shared& b) override;
  Result<Shared> MatMul(const Shared& a, const Shared& b) override;
  Result<Shared> Truncate(const Shared& x, int bits) override;
  Result<Shared> LessThanPublic(const Shared& x, const RingTensor& thresholds) override;
  Result<Shared> EqualPublic(const Shared& x, const RingTensor& values) override;
  Result<Shared> Shuffle(Shared x) override;
  Result<Shared> Reusable(const Shared& x) override { return x; }
  OpCost Cost(const OpCall& call) const override;

 private:
  int ShareParts() const override { return 2; }
  std::optional<int> PublicPart() const override;
  int next() const { return (party() + 1) % 3; }
  int prev() const { return (party() + 2) % 3; }
  // P0's and P1's additive shares of x for an assisted kernel (nothing at P2).
  RingTensor ToAdditive(const Shared& x) const;
  // Less-than or equality with public values, through the assisted comparison kernel.
  Result<Shared> Compare(const Shared& x, const RingTensor& values, Comparison kind);
  // From additive shares of P0 and P1 back to replicated shares, in round ctx.round().
  Result<Shared> ToReplicated(Assisted& ctx, const Shape& shape, RingTensor additive);
  // One round: this party's product terms, computed chunk by chunk by `terms` into its
  // argument, plus a zero-sharing, go to party i-1; party i+1's arrive.
  Result<Shared> Reshare(uint32_t op, const Shape& shape, int64_t n,
                         const std::function<void(int64_t begin, int64_t end, uint64_t* z)>& terms);
};

}  // namespace arca::mpc

#endif  // ARCA_MPC_REP3_PROTOCOL_H_
