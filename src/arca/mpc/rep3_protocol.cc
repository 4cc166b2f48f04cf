#include "arca/mpc/rep3_protocol.h"

#include "arca/mpc/checks.h"
#include "arca/mpc/comparison.h"
#include "arca/mpc/oblivious.h"
#include "arca/mpc/ring_matmul.h"
#include "arca/mpc/ring_ops.h"
#include "arca/mpc/shuffle.h"
#include "arca/mpc/truncation.h"

namespace arca::mpc {
namespace {

constexpr int kParties = 3;

Buffer CopyOut(const RingTensor& t) { return RingTensor(t).TakeBuffer(); }

net::MessageTag Online(uint32_t op, int round = 0) {
  return net::MessageTag{op, static_cast<uint16_t>(round), net::Traffic::kOnline};
}

Result<RingTensor> ReceiveTensor(net::Network& net, int from, const net::MessageTag& tag,
                                 const Shape& shape) {
  ARCA_ASSIGN_OR_RETURN(Buffer b, net.Recv(from, tag, static_cast<size_t>(shape.numel()) * 8));
  // A share part (Reveal marks the sum public once it is opened). In-process the bytes arrive
  // undefined already; over a socket they would arrive defined, so mark them here.
  MarkSecret(b.As<uint64_t>());
  return RingTensor::FromBuffer(shape, std::move(b));
}

// Costs of the two-party kernels plus the return to replicated shares.
OpCost WithReturn(const AssistedCost& kernel, int64_t out_elements) {
  OpCost cost = {kernel.a, kernel.b, kernel.helper};
  for (int p : {0, 1}) {
    cost[static_cast<size_t>(p)].rounds += 1;
    cost[static_cast<size_t>(p)].online_bytes += 8 * out_elements;
  }
  return cost;
}

}  // namespace

std::optional<int> Rep3Protocol::PublicPart() const {
  // The constant goes into x_0, held by party 0 (first part) and party 2 (second part).
  if (party() == 0) return 0;
  if (party() == 2) return 1;
  return std::nullopt;
}

Result<Shared> Rep3Protocol::Input(int owner, const Shape& shape, const RingTensor* value) {
  ARCA_RETURN_IF_ERROR(CheckInput(owner, kParties, Holds(owner), shape, value));
  const uint32_t op = session().BeginOp(OpName(Op::kInput));
  net::Network& net = session().network();
  const int o_next = (owner + 1) % 3, o_prev = (owner + 2) % 3;
  // x_owner comes from the seed of (owner, owner-1), x_{owner+1} from that of
  // (owner, owner+1); the owner sends x_{owner+2} = value - both to the other two parties.
  if (party() == owner) {
    RingTensor own = Assisted::Draw(session().StreamWith(o_prev, Stream::kPair), shape);
    RingTensor nxt = Assisted::Draw(session().StreamWith(o_next, Stream::kPair), shape);
    RingTensor last = ring::Sub(ring::Sub(*value, own), nxt);
    MarkSecret(last);
    ARCA_RETURN_IF_ERROR(net.Send(o_next, Online(op), CopyOut(last)));
    ARCA_RETURN_IF_ERROR(net.Send(o_prev, Online(op), CopyOut(last)));
    return Shared(shape, {std::move(own), std::move(nxt)});
  }
  ARCA_ASSIGN_OR_RETURN(RingTensor last, ReceiveTensor(net, owner, Online(op), shape));
  if (party() == o_next) {
    RingTensor mine = Assisted::Draw(session().StreamWith(owner, Stream::kPair), shape);
    return Shared(shape, {std::move(mine), std::move(last)});
  }
  RingTensor owners = Assisted::Draw(session().StreamWith(owner, Stream::kPair), shape);
  return Shared(shape, {std::move(last), std::move(owners)});
}

Result<RingTensor> Rep3Protocol::Reveal(const Shared& x) {
  const uint32_t op = session().BeginOp(OpName(Op::kReveal));
  net::Network& net = session().network();
  // Party i lacks x_{i+2}, which party i+1 holds as its second part.
  ARCA_RETURN_IF_ERROR(net.Send(prev(), Online(op), CopyOut(x.part(1))));
  ARCA_ASSIGN_OR_RETURN(RingTensor value, ReceiveTensor(net, next(), Online(op), x.shape()));
  ring::AddInPlace(value, x.part(0));
  ring::AddInPlace(value, x.part(1));
  MarkPublic(value);
  return value;
}

Result<std::optional<RingTensor>> Rep3Protocol::RevealTo(int to, const Shared& x) {
  ARCA_RETURN_IF_ERROR(CheckRecipient(to, kParties));
  const uint32_t op = session().BeginOp(OpName(Op::kRevealTo));
  net::Network& net = session().network();
  if (party() == (to + 1) % 3) {
    ARCA_RETURN_IF_ERROR(net.Send(to, Online(op), CopyOut(x.part(1))));
  }
  if (party() != to) return std::optional<RingTensor>();
  ARCA_ASSIGN_OR_RETURN(RingTensor value, ReceiveTensor(net, (to + 1) % 3, Online(op), x.shape()));
  ring::AddInPlace(value, x.part(0));
  ring::AddInPlace(value, x.part(1));
  MarkPublic(value);
  return std::optional<RingTensor>(std::move(value));
}

Result<Shared> Rep3Protocol::Reshare(
    uint32_t op, const Shape& shape, int64_t n,
    const std::function<void(int64_t, int64_t, uint64_t*)>& terms) {
  // Party i's part of the product, z_i = terms + (next seed - previous seed), a zero-sharing,
  // goes to party i-1, which holds (z_{i-1}, z_i). Chunk k is computed and sent before chunk
  // k-1 is received, so computing overlaps the transfer.
  net::Network& net = session().network();
  crypto::Prg& to_next = session().StreamWith(next(), Stream::kPair);
  crypto::Prg& to_prev = session().StreamWith(prev(), Stream::kPair);
  RingTensor mine(Shape{n}), theirs(Shape{n});
  const int64_t chunk = ChunkElements();
  const auto receive = [&](int64_t begin) -> Status {
    const int64_t len = std::min(chunk, n - begin);
    ARCA_ASSIGN_OR_RETURN(Buffer b, net.Recv(next(), Online(op), static_cast<size_t>(len) * 8));
    MarkSecret(b.As<uint64_t>());
    std::copy_n(b.As<uint64_t>().data(), len, theirs.data() + begin);
    return OkStatus();
  };
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const int64_t len = std::min(chunk, n - begin);
    uint64_t* z = mine.data() + begin;
    terms(begin, begin + len, z);
    const RingTensor plus = Assisted::Draw(to_next, Shape{len});
    const RingTensor minus = Assisted::Draw(to_prev, Shape{len});
    ring::ParallelRange(len, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) z[i] += plus[i] - minus[i];
    });
    ARCA_RETURN_IF_ERROR(net.Send(
        prev(), Online(op),
        Buffer::CopyOf({reinterpret_cast<const uint8_t*>(z), static_cast<size_t>(len) * 8})));
    if (begin > 0) ARCA_RETURN_IF_ERROR(receive(begin - chunk));
  }
  if (n > 0) ARCA_RETURN_IF_ERROR(receive((n - 1) / chunk * chunk));
  return Shared(shape, {*std::move(mine).Reshaped(shape), *std::move(theirs).Reshaped(shape)});
}

Result<Shared> Rep3Protocol::Mul(const Shared& a, const Shared& b) {
  ARCA_RETURN_IF_ERROR(CheckMul(a, b));
  const uint32_t op = session().BeginOp(OpName(Op::kMul));
  const uint64_t *a0 = a.part(0).data(), *a1 = a.part(1).data();
  const uint64_t *b0 = b.part(0).data(), *b1 = b.part(1).data();
  return Reshare(op, a.shape(), a.numel(), [&](int64_t begin, int64_t end, uint64_t* z) {
    ring::ParallelRange(end - begin, [&](int64_t lo, int64_t hi) {
      for (int64_t i = begin + lo; i < begin + hi; ++i) {
        z[i - begin] = a0[i] * (b0[i] + b1[i]) + a1[i] * b0[i];
      }
    });
  });
}

Result<Shared> Rep3Protocol::MatMul(const Shared& a, const Shared& b) {
  ARCA_RETURN_IF_ERROR(CheckMatMul(a, b));
  const uint32_t op = session().BeginOp(OpName(Op::kMatMul));
  const int64_t m = a.shape().dim(0), k = a.shape().dim(1), n = b.shape().dim(1);
  // Z_i = X_i·(Y_i + Y_{i+1}) + X_{i+1}·Y_i: two ring matrix products, then reshared.
  RingTensor z = RingTensor::Zeros(Shape{m, n});
  const RingTensor right = ring::Add(b.part(0), b.part(1));
  ring::MatMulAccumulate(m, n, k, a.part(0).data(), k, right.data(), n, z.data(), n);
  ring::MatMulAccumulate(m, n, k, a.part(1).data(), k, b.part(0).data(), n, z.data(), n);
  return Reshare(op, Shape{m, n}, m * n, [&](int64_t begin, int64_t end, uint64_t* out) {
    std::copy(z.data() + begin, z.data() + end, out);
  });
}

RingTensor Rep3Protocol::ToAdditive(const Shared& x) const {
  if (party() == 0) return ring::Add(x.part(0), x.part(1));
  if (party() == 1) return x.part(1);
  return RingTensor();
}

Result<Shared> Rep3Protocol::ToReplicated(Assisted& ctx, const Shape& shape, RingTensor additive) {
  // P0 and P1 re-randomise their additive shares with zeta and split off z_1 (both from
  // their pair stream, in that order); P2 receives z_0 = y_0 + zeta - z_1 and z_2 = y_1 - zeta,
  // whose sum y - z_1 it cannot unmask.
  ctx.NextRound();
  net::Network& net = session().network();
  const net::MessageTag tag = Online(session().current_op(), ctx.round());
  if (party() == 2) {
    ARCA_ASSIGN_OR_RETURN(RingTensor z0, ReceiveTensor(net, 0, tag, shape));
    ARCA_ASSIGN_OR_RETURN(RingTensor z2, ReceiveTensor(net, 1, tag, shape));
    return Shared(shape, {std::move(z2), std::move(z0)});
  }
  // On y in place, each mask dropped once used: y, z_1 and the copy sent are all it holds.
  crypto::Prg& pair = ctx.WithPeer();
  RingTensor y = *std::move(additive).Reshaped(shape);
  {
    const RingTensor zeta = Assisted::Draw(pair, shape);
    if (party() == 0) {
      ring::AddInPlace(y, zeta);
    } else {
      ring::SubInPlace(y, zeta);
    }
  }
  RingTensor z1 = Assisted::Draw(pair, shape);
  if (party() == 0) ring::SubInPlace(y, z1);
  ARCA_RETURN_IF_ERROR(net.Send(2, tag, CopyOut(y)));
  if (party() == 0) return Shared(shape, {std::move(y), std::move(z1)});
  return Shared(shape, {std::move(z1), std::move(y)});
}

Result<Shared> Rep3Protocol::Truncate(const Shared& x, int bits) {
  ARCA_RETURN_IF_ERROR(CheckTruncate(bits));
  Assisted ctx(session(), 0, 1, 2, session().BeginOp(OpName(Op::kTruncate)));
  const RingTensor additive = ToAdditive(x);
  ARCA_ASSIGN_OR_RETURN(RingTensor y,
                        TruncateShares(ctx, party() == 2 ? nullptr : &additive, x.shape(), bits));
  return ToReplicated(ctx, x.shape(), std::move(y));
}

Result<Shared> Rep3Protocol::Compare(const Shared& x, const RingTensor& values, Comparison kind) {
  const bool less = kind == Comparison::kLess;
  ARCA_RETURN_IF_ERROR(CheckThresholds(less ? "less_than" : "equal", values));
  Assisted ctx(session(), 0, 1, 2, session().BeginOp(OpName(less ? Op::kLessThan : Op::kEqual)));
  const RingTensor additive = ToAdditive(x);
  ARCA_ASSIGN_OR_RETURN(RingTensor bits, CompareShares(ctx, party() == 2 ? nullptr : &additive,
                                                       x.numel(), values, kind));
  return ToReplicated(ctx, ComparisonShape(x, values.numel()), std::move(bits));
}

Result<Shared> Rep3Protocol::LessThanPublic(const Shared& x, const RingTensor& thresholds) {
  return Compare(x, thresholds, Comparison::kLess);
}

Result<Shared> Rep3Protocol::EqualPublic(const Shared& x, const RingTensor& values) {
  return Compare(x, values, Comparison::kEqual);
}

Result<Shared> Rep3Protocol::Shuffle(Shared x) {
  ARCA_RETURN_IF_ERROR(CheckShuffle(x));
  Assisted ctx(session(), 0, 1, 2, session().BeginOp(OpName(Op::kShuffle)));
  const Shape shape = x.shape();
  RingTensor additive = ToAdditive(x);
  x = Shared();
  ARCA_ASSIGN_OR_RETURN(RingTensor y, ShuffleShares(ctx, std::move(additive), shape));
  return ToReplicated(ctx, shape, std::move(y));
}

OpCost Rep3Protocol::Cost(const OpCall& call) const {
  const int64_t n = call.a.numel();
  switch (call.op) {
    case Op::kInput: {
      OpCost cost(kParties);
      cost[static_cast<size_t>(call.party)] = {1, 16 * n, 0};
      return cost;
    }
    case Op::kReveal:
      return OpCost(kParties, PartyCost{1, 8 * n, 0});
    case Op::kRevealTo: {
      OpCost cost(kParties);
      cost[static_cast<size_t>((call.party + 1) % 3)] = {1, 8 * n, 0};
      return cost;
    }
    case Op::kMul:
      return OpCost(kParties, PartyCost{1, 8 * n, 0});
    case Op::kMatMul:
      return OpCost(kParties, PartyCost{1, 8 * call.a.dim(0) * call.b.dim(1), 0});
    case Op::kTruncate:
      return WithReturn(TruncateCost(n), n);
    case Op::kLessThan:
      return WithReturn(CompareCost(n, call.count, Comparison::kLess), call.count * n);
    case Op::kEqual:
      return WithReturn(CompareCost(n, call.count, Comparison::kEqual), call.count * n);
    case Op::kShuffle:
      return WithReturn(ShuffleCost(call.a), n);
    case Op::kReusable:
      return OpCost(kParties);
  }
  return OpCost(kParties);
}

}  // namespace arca::mpc
