#include "arca/mpc/dealer2pc_protocol.h"

#include "arca/mpc/beaver.h"
#include "arca/mpc/checks.h"
#include "arca/mpc/comparison.h"
#include "arca/mpc/oblivious.h"
#include "arca/mpc/ring_ops.h"
#include "arca/mpc/shuffle.h"
#include "arca/mpc/truncation.h"

namespace arca::mpc {
namespace {

constexpr int kComputeParties = 2;

// A copy of a share to send (the Shared keeps its own).
Buffer CopyOut(const RingTensor& t) { return RingTensor(t).TakeBuffer(); }

Operand OperandOf(const Shared& x) {
  return Operand{x.parts().empty() ? nullptr : &x.part(0), x.opening().get()};
}

}  // namespace

Assisted Dealer2pcProtocol::Begin(Op op) {
  const uint32_t op_number = session().BeginOp(OpName(op));
  return Assisted(session(), 0, 1, kDealer, op_number);
}

Shared Dealer2pcProtocol::Make(const Shape& shape, RingTensor share,
                               std::shared_ptr<const Opening> opening) const {
  std::vector<RingTensor> parts;
  if (!is_dealer()) parts.push_back(*std::move(share).Reshaped(shape));
  return Shared(shape, std::move(parts), std::move(opening));
}

Result<Shared> Dealer2pcProtocol::Input(int owner, const Shape& shape, const RingTensor* value) {
  ARCA_RETURN_IF_ERROR(CheckInput(owner, kComputeParties, Holds(owner), shape, value));
  session().BeginOp(OpName(Op::kInput));
  if (is_dealer()) return Make(shape, RingTensor());
  // A mask both compute parties draw: the non-owner's share is the mask, the owner's share is
  // value - mask. No message is needed.
  RingTensor mask = Assisted::Draw(session().StreamWith(1 - party(), Stream::kPair), shape);
  if (party() != owner) return Make(shape, std::move(mask));
  RingTensor share = ring::Sub(*value, mask);
  MarkSecret(share);
  return Make(shape, std::move(share));
}

Result<RingTensor> Dealer2pcProtocol::Reveal(const Shared& x) {
  const uint32_t op = session().BeginOp(OpName(Op::kReveal));
  const net::MessageTag tag{op, 0, net::Traffic::kOnline};
  const auto bytes = static_cast<size_t>(x.numel()) * 8;
  net::Network& net = session().network();
  if (is_dealer()) {
    ARCA_ASSIGN_OR_RETURN(Buffer s0, net.Recv(0, tag, bytes));
    ARCA_ASSIGN_OR_RETURN(Buffer s1, net.Recv(1, tag, bytes));
    RingTensor value = *RingTensor::FromBuffer(x.shape(), std::move(s0));
    ring::AddInPlace(value, *RingTensor::FromBuffer(x.shape(), std::move(s1)));
    // Opened by design: the dealer follows the program, which may branch on revealed values.
    MarkPublic(value);
    return value;
  }
  ARCA_RETURN_IF_ERROR(net.Send(1 - party(), tag, CopyOut(x.part(0))));
  ARCA_RETURN_IF_ERROR(net.Send(kDealer, tag, CopyOut(x.part(0))));
  ARCA_ASSIGN_OR_RETURN(Buffer theirs, net.Recv(1 - party(), tag, bytes));
  RingTensor value = *RingTensor::FromBuffer(x.shape(), std::move(theirs));
  ring::AddInPlace(value, x.part(0));
  MarkPublic(value);
  return value;
}

Result<std::optional<RingTensor>> Dealer2pcProtocol::RevealTo(int to, const Shared& x) {
  ARCA_RETURN_IF_ERROR(CheckRecipient(to, kComputeParties));
  const uint32_t op = session().BeginOp(OpName(Op::kRevealTo));
  const net::MessageTag tag{op, 0, net::Traffic::kOnline};
  const auto bytes = static_cast<size_t>(x.numel()) * 8;
  net::Network& net = session().network();
  if (is_dealer()) return std::optional<RingTensor>();
  if (party() != to) {
    ARCA_RETURN_IF_ERROR(net.Send(to, tag, CopyOut(x.part(0))));
    return std::optional<RingTensor>();
  }
  ARCA_ASSIGN_OR_RETURN(Buffer theirs, net.Recv(1 - to, tag, bytes));
  RingTensor value = *RingTensor::FromBuffer(x.shape(), std::move(theirs));
  ring::AddInPlace(value, x.part(0));
  MarkPublic(value);
  return std::optional<RingTensor>(std::move(value));
}

Result<Shared> Dealer2pcProtocol::Mul(const Shared& a, const Shared& b) {
  ARCA_RETURN_IF_ERROR(CheckMul(a, b));
  Assisted ctx = Begin(Op::kMul);
  ARCA_ASSIGN_OR_RETURN(RingTensor z, BeaverMul(ctx, a.shape(), OperandOf(a), OperandOf(b)));
  return Make(a.shape(), std::move(z));
}

Result<Shared> Dealer2pcProtocol::MatMul(const Shared& a, const Shared& b) {
  ARCA_RETURN_IF_ERROR(CheckMatMul(a, b));
  Assisted ctx = Begin(Op::kMatMul);
  const int64_t m = a.shape().dim(0), k = a.shape().dim(1), n = b.shape().dim(1);
  ARCA_ASSIGN_OR_RETURN(RingTensor z, BeaverMatMul(ctx, m, k, n, OperandOf(a), OperandOf(b)));
  return Make(Shape{m, n}, std::move(z));
}

Result<Shared> Dealer2pcProtocol::Truncate(const Shared& x, int bits) {
  ARCA_RETURN_IF_ERROR(CheckTruncate(bits));
  Assisted ctx = Begin(Op::kTruncate);
  ARCA_ASSIGN_OR_RETURN(RingTensor y, TruncateShares(ctx, OperandOf(x).share, x.shape(), bits));
  return Make(x.shape(), std::move(y));
}

Result<Shared> Dealer2pcProtocol::Compare(const Shared& x, const RingTensor& values,
                                          Comparison kind) {
  const bool less = kind == Comparison::kLess;
  ARCA_RETURN_IF_ERROR(CheckThresholds(less ? "less_than" : "equal", values));
  Assisted ctx = Begin(less ? Op::kLessThan : Op::kEqual);
  ARCA_ASSIGN_OR_RETURN(RingTensor bits,
                        CompareShares(ctx, OperandOf(x).share, x.numel(), values, kind));
  return Make(ComparisonShape(x, values.numel()), std::move(bits));
}

Result<Shared> Dealer2pcProtocol::LessThanPublic(const Shared& x, const RingTensor& thresholds) {
  return Compare(x, thresholds, Comparison::kLess);
}

Result<Shared> Dealer2pcProtocol::EqualPublic(const Shared& x, const RingTensor& values) {
  return Compare(x, values, Comparison::kEqual);
}

Result<Shared> Dealer2pcProtocol::Shuffle(Shared x) {
  ARCA_RETURN_IF_ERROR(CheckShuffle(x));
  Assisted ctx = Begin(Op::kShuffle);
  const Shape shape = x.shape();
  std::vector<RingTensor> parts = std::move(x).TakeParts();
  RingTensor share = parts.empty() ? RingTensor() : std::move(parts[0]);
  ARCA_ASSIGN_OR_RETURN(RingTensor y, ShuffleShares(ctx, std::move(share), shape));
  return Make(shape, std::move(y));
}

Result<Shared> Dealer2pcProtocol::Reusable(const Shared& x) {
  if (x.opening()) return x;
  Assisted ctx = Begin(Op::kReusable);
  ARCA_ASSIGN_OR_RETURN(Opening opening, OpenMasked(ctx, OperandOf(x).share, x.shape()));
  return Shared(x.shape(), x.parts(), std::make_shared<const Opening>(std::move(opening)));
}

OpCost Dealer2pcProtocol::Cost(const OpCall& call) const {
  const int64_t n = call.a.numel();
  switch (call.op) {
    case Op::kInput:
      return OpCost(3);
    case Op::kReveal:
      return {{1, 16 * n, 0}, {1, 16 * n, 0}, {}};
    case Op::kRevealTo: {
      OpCost cost(3);
      cost[static_cast<size_t>(1 - call.party)] = {1, 8 * n, 0};
      return cost;
    }
    case Op::kMul:
      return FromAssisted(BeaverMulCost(n, call.a_reusable, call.b_reusable));
    case Op::kMatMul:
      return FromAssisted(BeaverMatMulCost(call.a.dim(0), call.a.dim(1), call.b.dim(1),
                                           call.a_reusable, call.b_reusable));
    case Op::kTruncate:
      return FromAssisted(TruncateCost(n));
    case Op::kLessThan:
      return FromAssisted(CompareCost(n, call.count, Comparison::kLess));
    case Op::kEqual:
      return FromAssisted(CompareCost(n, call.count, Comparison::kEqual));
    case Op::kShuffle:
      return FromAssisted(ShuffleCost(call.a));
    case Op::kReusable:
      return FromAssisted(OpenMaskedCost(n));
  }
  return OpCost(3);
}

}  // namespace arca::mpc
