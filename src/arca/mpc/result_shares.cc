#include "arca/mpc/result_shares.h"

#include <fmt/format.h>

#include "arca/mpc/assisted.h"
#include "arca/mpc/ring_ops.h"

namespace arca::mpc {

std::vector<int> ResultParties(ProtocolKind kind) {
  switch (kind) {
    case ProtocolKind::kPlaintext:
      return {0};
    case ProtocolKind::kDealer2pc:
      return {0, 1};
    case ProtocolKind::kRep3:
      return {0, 1, 2};
  }
  return {};
}

Result<std::optional<RingTensor>> ResultPart(Protocol& protocol, const Shared& x) {
  ARCA_ASSIGN_OR_RETURN(const ProtocolKind kind, ParseProtocolKind(protocol.name()));
  const int self = protocol.party();
  Session& session = protocol.session();
  switch (kind) {
    case ProtocolKind::kPlaintext:
      return std::optional<RingTensor>(x.part(0));
    case ProtocolKind::kDealer2pc: {
      if (self == 2) return std::optional<RingTensor>();
      RingTensor part = x.part(0);
      const RingTensor mask =
          Assisted::Draw(session.StreamWith(1 - self, Stream::kPair), x.shape());
      if (self == 0) {
        ring::AddInPlace(part, mask);
      } else {
        ring::SubInPlace(part, mask);
      }
      return std::optional<RingTensor>(std::move(part));
    }
    case ProtocolKind::kRep3: {
      // s_i + r(i, i+1) - r(i-1, i): the masks of the three pairs cancel in the sum.
      RingTensor part = x.part(0);
      ring::AddInPlace(
          part, Assisted::Draw(session.StreamWith((self + 1) % 3, Stream::kPair), x.shape()));
      ring::SubInPlace(
          part, Assisted::Draw(session.StreamWith((self + 2) % 3, Stream::kPair), x.shape()));
      return std::optional<RingTensor>(std::move(part));
    }
  }
  return InternalError("unknown protocol");
}

Result<RingTensor> Combine(ProtocolKind kind, const std::vector<RingTensor>& parts) {
  const size_t expected = ResultParties(kind).size();
  if (parts.size() != expected) {
    return InvalidArgumentError(fmt::format("{} results combine {} parts, not {}",
                                            ProtocolKindName(kind), expected, parts.size()));
  }
  RingTensor value = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].shape() != value.shape()) {
      return InvalidArgumentError("result parts have different shapes");
    }
    ring::AddInPlace(value, parts[i]);
  }
  return value;
}

}  // namespace arca::mpc
