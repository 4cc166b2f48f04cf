#include "arca/mpc/assisted.h"

#include "arca/base/env.h"
#include "arca/mpc/oblivious.h"

namespace arca::mpc {

Assisted::Assisted(Session& session, int a, int b, int helper, uint32_t op, int first_round)
    : session_(session), a_(a), b_(b), helper_(helper), op_(op), round_(first_round) {
  const int self = session.party();
  role_ = self == a ? Role::kA : self == b ? Role::kB : Role::kHelper;
}

crypto::Prg& Assisted::WithHelper() { return session_.StreamWith(helper_, Stream::kCorrelated); }

crypto::Prg& Assisted::WithPeer() {
  return session_.StreamWith(role_ == Role::kA ? b_ : a_, Stream::kPair);
}

crypto::Prg& Assisted::HelperWith(Role party) {
  return session_.StreamWith(party == Role::kA ? a_ : b_, Stream::kCorrelated);
}

void Assisted::DrawInto(crypto::Prg& prg, uint64_t* out, int64_t n) {
  const std::span<uint64_t> values(out, static_cast<size_t>(n));
  prg.Fill(values);
  MarkSecret(values);
}

RingTensor Assisted::Draw(crypto::Prg& prg, Shape shape) {
  RingTensor t(std::move(shape));
  DrawInto(prg, t.data(), t.numel());
  return t;
}

Status Assisted::SendToPeer(Buffer payload) {
  const int to = role_ == Role::kA ? b_ : a_;
  return session_.network().Send(
      to, net::MessageTag{op_, static_cast<uint16_t>(round_), net::Traffic::kOnline},
      std::move(payload));
}

Result<Buffer> Assisted::RecvFromPeer(size_t bytes) {
  const int from = role_ == Role::kA ? b_ : a_;
  Result<Buffer> b = session_.network().Recv(
      from, net::MessageTag{op_, static_cast<uint16_t>(round_), net::Traffic::kOnline}, bytes);
  // The peer's half of an opening (or its masked share) is secret until the kernel combines it
  // with this party's half and marks the opened value public. In-process the bytes arrive
  // undefined already; over a socket they would arrive defined, so mark them here.
  if (b.ok()) MarkSecret(b->As<uint64_t>());
  return b;
}

Status Assisted::SendFromHelper(Role to, Buffer payload) {
  return session_.network().Send(
      to == Role::kA ? a_ : b_,
      net::MessageTag{op_, static_cast<uint16_t>(round_), net::Traffic::kPreprocessing},
      std::move(payload));
}

Result<Buffer> Assisted::RecvFromHelper(size_t bytes) {
  Result<Buffer> b = session_.network().Recv(
      helper_, net::MessageTag{op_, static_cast<uint16_t>(round_), net::Traffic::kPreprocessing},
      bytes);
  // Correlated randomness: secret, like what Draw expands (see RecvFromPeer).
  if (b.ok()) MarkSecret(b->As<uint64_t>());
  return b;
}

int64_t ChunkElements() {
  static const int64_t chunk =
      EnvInt("ARCA_CHUNK_ELEMENTS", int64_t{1} << 18, 64, int64_t{1} << 26);
  return chunk;
}

}  // namespace arca::mpc
