#include "arca/mpc/upload_shares.h"

#include <fmt/format.h>

#include <utility>

#include "arca/crypto/os_random.h"
#include "arca/crypto/prg.h"
#include "arca/mpc/dealer2pc_protocol.h"
#include "arca/mpc/oblivious.h"
#include "arca/mpc/ring_ops.h"

namespace arca::mpc {

int PartsHeldBy(ProtocolKind kind, int party) {
  switch (kind) {
    case ProtocolKind::kPlaintext:
      return 1;
    case ProtocolKind::kDealer2pc:
      return party == Dealer2pcProtocol::kDealer ? 0 : 1;
    case ProtocolKind::kRep3:
      return 2;
  }
  return 0;
}

std::vector<Parts> SplitForUpload(ProtocolKind kind, const RingTensor& value) {
  // AES-CTR keyed by 128 fresh bits from the kernel: as good as OS randomness for masks, and
  // one system call per tensor instead of one per element.
  crypto::Prg prg(crypto::RandomSeed(), /*stream_id=*/0);
  const auto draw = [&] {
    RingTensor mask(value.shape());
    prg.Fill(mask.values());
    return mask;
  };
  std::vector<Parts> parts(static_cast<size_t>(PartiesOf(kind)));
  switch (kind) {
    case ProtocolKind::kPlaintext:
      parts[0].push_back(value);
      break;
    case ProtocolKind::kDealer2pc: {
      RingTensor x0 = draw();
      parts[1].push_back(ring::Sub(value, x0));
      parts[0].push_back(std::move(x0));
      break;
    }
    case ProtocolKind::kRep3: {
      RingTensor s0 = draw(), s1 = draw();
      RingTensor s2 = ring::Sub(ring::Sub(value, s0), s1);
      parts[0] = {s0, s1};
      parts[1] = {std::move(s1), s2};
      parts[2] = {std::move(s2), std::move(s0)};
      break;
    }
  }
  return parts;
}

Result<Shared> ImportUploaded(ProtocolKind kind, int party, const Shape& shape, Parts parts) {
  if (party < 0 || party >= PartiesOf(kind)) {
    return InvalidArgumentError(fmt::format("{} has no party {}: its parties are 0..{}",
                                            ProtocolKindName(kind), party, PartiesOf(kind) - 1));
  }
  const int want = PartsHeldBy(kind, party);
  if (static_cast<int>(parts.size()) != want) {
    return InvalidArgumentError(fmt::format("party {} of {} holds {} part(s) of a tensor, got {}",
                                            party, ProtocolKindName(kind), want, parts.size()));
  }
  for (const RingTensor& part : parts) {
    if (part.shape() != shape) {
      return InvalidArgumentError(fmt::format("an uploaded part has shape {} but {} was expected",
                                              part.shape().ToString(), shape.ToString()));
    }
    if (kind != ProtocolKind::kPlaintext) MarkSecret(part);
  }
  return Shared(shape, std::move(parts));
}

}  // namespace arca::mpc
