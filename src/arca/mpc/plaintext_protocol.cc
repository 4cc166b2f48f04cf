#include "arca/mpc/plaintext_protocol.h"

#include "arca/mpc/checks.h"
#include "arca/mpc/permutation.h"
#include "arca/mpc/ring_matmul.h"
#include "arca/mpc/ring_ops.h"

namespace arca::mpc {
namespace {

Shared Wrap(RingTensor t) {
  Shape shape = t.shape();
  std::vector<RingTensor> parts;
  parts.push_back(std::move(t));
  return Shared(std::move(shape), std::move(parts));
}

// out[t, i] = predicate(x[i], values[t]).
template <typename Predicate>
Shared CompareAll(const Shared& x, const RingTensor& values, Predicate predicate) {
  RingTensor out(ComparisonShape(x, values.numel()));
  const int64_t n = x.numel();
  for (int64_t t = 0; t < values.numel(); ++t) {
    for (int64_t i = 0; i < n; ++i) {
      out.data()[t * n + i] = predicate(x.part(0)[i], values[t]) ? 1 : 0;
    }
  }
  return Wrap(std::move(out));
}

}  // namespace

Result<Shared> PlaintextProtocol::Input(int owner, const Shape& shape, const RingTensor* value) {
  // Input owners are logical here: the one party holds them all.
  ARCA_RETURN_IF_ERROR(CheckInput(owner, owner + 1, true, shape, value));
  return Wrap(*value);
}

Result<RingTensor> PlaintextProtocol::Reveal(const Shared& x) { return x.part(0); }

Result<std::optional<RingTensor>> PlaintextProtocol::RevealTo(int to, const Shared& x) {
  ARCA_RETURN_IF_ERROR(CheckRecipient(to, to + 1));
  return std::optional<RingTensor>(x.part(0));
}

Result<Shared> PlaintextProtocol::Mul(const Shared& a, const Shared& b) {
  ARCA_RETURN_IF_ERROR(CheckMul(a, b));
  return Wrap(ring::Mul(a.part(0), b.part(0)));
}

Result<Shared> PlaintextProtocol::MatMul(const Shared& a, const Shared& b) {
  ARCA_RETURN_IF_ERROR(CheckMatMul(a, b));
  return Wrap(ring::MatMul(a.part(0), b.part(0)));
}

Result<Shared> PlaintextProtocol::Truncate(const Shared& x, int bits) {
  ARCA_RETURN_IF_ERROR(CheckTruncate(bits));
  return Wrap(ring::ShiftRightArithmetic(x.part(0), bits));
}

Result<Shared> PlaintextProtocol::LessThanPublic(const Shared& x, const RingTensor& thresholds) {
  ARCA_RETURN_IF_ERROR(CheckThresholds("less_than", thresholds));
  // The sign of x - t, as the secure protocols compute it.
  return CompareAll(x, thresholds, [](uint64_t v, uint64_t t) { return ((v - t) >> 63) != 0; });
}

Result<Shared> PlaintextProtocol::EqualPublic(const Shared& x, const RingTensor& values) {
  ARCA_RETURN_IF_ERROR(CheckThresholds("equal", values));
  return CompareAll(x, values, [](uint64_t v, uint64_t t) { return v == t; });
}

Result<Shared> PlaintextProtocol::Shuffle(Shared x) {
  ARCA_RETURN_IF_ERROR(CheckShuffle(x));
  return Wrap(
      PermuteRows(x.part(0), RandomPermutation(x.shape().dim(0), session().PrivateStream())));
}

}  // namespace arca::mpc
