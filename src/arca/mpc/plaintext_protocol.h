// The plaintext protocol: one party holds every value in the clear.
//
// The reference every secure protocol is checked against, the denominator of the
// secure/plaintext ratio in benchmarks, and (inside one attested node) the `tee` security
// level. Semantics match the secure protocols exactly, except that Truncate always rounds
// down where secure protocols may round the last bit up.
#ifndef ARCA_MPC_PLAINTEXT_PROTOCOL_H_
#define ARCA_MPC_PLAINTEXT_PROTOCOL_H_

#include "arca/mpc/protocol.h"

namespace arca::mpc {

class PlaintextProtocol final : public Protocol {
 public:
  explicit PlaintextProtocol(Session* session) : Protocol(session) {}

  std::string_view name() const override { return "plaintext"; }
  bool Holds(int /*owner*/) const override { return true; }

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
  OpCost Cost(const OpCall& /*call*/) const override { return OpCost(1); }

 private:
  int ShareParts() const override { return 1; }
  std::optional<int> PublicPart() const override { return 0; }
};

}  // namespace arca::mpc

#endif  // ARCA_MPC_PLAINTEXT_PROTOCOL_H_
