// dealer2pc: two compute parties with additive shares over Z_2^64, and a dealer.
//
// Parties 0 and 1 hold x = x_0 + x_1. Party 2 is the dealer: in deployment an attested TEE
// that holds no data, sees no data-dependent message, and supplies correlated randomness with
// seed compression (assisted.h). The dealer runs the same program as the compute parties, with
// shapes only, so it produces each operation's randomness before the parties need it; it also
// receives revealed values, so that a program may branch on them.
//
// Costs per party (online bytes; rounds) for n elements: input 0; reveal 16n (to the peer and
// the dealer), 1 round; mul 16n, 1 round (8n per operand already made Reusable); matmul
// |X| + |Y| elements, 1 round; truncate 8n, 1 round; comparisons see comparison.h.
#ifndef ARCA_MPC_DEALER2PC_PROTOCOL_H_
#define ARCA_MPC_DEALER2PC_PROTOCOL_H_

#include "arca/mpc/assisted.h"
#include "arca/mpc/comparison.h"
#include "arca/mpc/protocol.h"

namespace arca::mpc {

class Dealer2pcProtocol final : public Protocol {
 public:
  static constexpr int kDealer = 2;

  explicit Dealer2pcProtocol(Session* session) : Protocol(session) {}

  std::string_view name() const override { return "dealer2pc"; }
  bool Holds(int owner) const override { return owner == party(); }
  bool is_dealer() const { return party() == kDealer; }

  Result<Shared> Input(int owner, const Shape& shape, const RingTensor* value) override;
  Result<RingTensor> Reveal(const Shared& x) override;
  Result<std::optional<RingTensor>> RevealTo(int to, const Shared& x) override;
  Result<Shared> Mul(const Shared& a, const Shared& b) override;
  Result<Shared> MatMul(const Shared& a, const Shared& b) override;
  Result<Shared> Truncate(const Shared& x, int bits) override;
  Result<Shared> LessThanPublic(const Shared& x, const RingTensor& thresholds) override;
  Result<Shared> EqualPublic(const Shared& x, const RingTensor& values) override;
  Result<Shared> Shuffle(Shared x) override;
  Result<Shared> Reusable(const Shared& x) override;
  OpCost Cost(const OpCall& call) const override;

 private:
  int ShareParts() const override { return is_dealer() ? 0 : 1; }
  std::optional<int> PublicPart() const override {
    return party() == 0 ? std::optional<int>(0) : std::nullopt;
  }
  Assisted Begin(Op op);
  // Less-than or equality with public values, through the assisted comparison kernel.
  Result<Shared> Compare(const Shared& x, const RingTensor& values, Comparison kind);
  // A share at a compute party; nothing at the dealer.
  Shared Make(const Shape& shape, RingTensor share,
              std::shared_ptr<const Opening> opening = nullptr) const;
  static OpCost FromAssisted(const AssistedCost& c) { return {c.a, c.b, c.helper}; }
};

}  // namespace arca::mpc

#endif  // ARCA_MPC_DEALER2PC_PROTOCOL_H_
