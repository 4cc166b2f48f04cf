#include "arca/mpc/conformance/harness.h"

#include <fmt/format.h>

namespace arca::mpc::conformance {

Result<Shared> Harness::In(int owner, const RingTensor& value) {
  return p_.Input(owner, value.shape(), p_.Holds(owner) ? &value : nullptr);
}

net::TrafficStats Harness::Traffic() {
  return p_.session().has_network() ? p_.session().network().stats() : net::TrafficStats();
}

Status Harness::CheckCost(const OpCall& call, const net::TrafficStats& spent) {
  if (!p_.session().has_network()) return OkStatus();
  const PartyCost declared = p_.Cost(call)[static_cast<size_t>(p_.party())];
  const PartyCost measured{spent.rounds, spent.online_bytes_sent(),
                           spent.preprocessing_bytes_sent()};
  if (measured == declared) return OkStatus();
  return InternalError(fmt::format(
      "{} on {} (shape {}): party {} measured {} rounds, {} online bytes, {} preprocessing "
      "bytes; declared {}, {}, {}",
      OpName(call.op), p_.name(), call.a.ToString(), p_.party(), measured.rounds,
      measured.online_bytes, measured.preprocessing_bytes, declared.rounds, declared.online_bytes,
      declared.preprocessing_bytes));
}

Result<RingTensor> Harness::Open(const Shared& x) { return p_.Reveal(x); }

Status Harness::ExpectEqual(const std::string& what, const RingTensor& got,
                            const RingTensor& want) {
  return ExpectNear(what, got, want, 0);
}

Status Harness::ExpectNear(const std::string& what, const RingTensor& got, const RingTensor& want,
                           int64_t tolerance) {
  if (got.shape() != want.shape()) {
    return InternalError(fmt::format("{}: shape {} where {} was expected", what,
                                     got.shape().ToString(), want.shape().ToString()));
  }
  for (int64_t i = 0; i < got.numel(); ++i) {
    const auto diff = static_cast<int64_t>(got[i] - want[i]);
    if (diff > tolerance || diff < -tolerance) {
      return InternalError(fmt::format("{}: element {} is {} where {} was expected (tolerance {})",
                                       what, i, got.signed_at(i), want.signed_at(i), tolerance));
    }
  }
  return OkStatus();
}

RingTensor TestData::Ring(Shape shape) {
  RingTensor t(std::move(shape));
  const uint64_t planted[] = {0, 1, ~uint64_t{0}, uint64_t{1} << 63, (uint64_t{1} << 63) - 1};
  for (int64_t i = 0; i < t.numel(); ++i) {
    t.data()[i] = i < 5 ? planted[i] : rng_();
  }
  return t;
}

RingTensor TestData::Signed(Shape shape, int64_t bound) {
  RingTensor t(std::move(shape));
  const int64_t planted[] = {0, 1, -1, bound, -bound};
  std::uniform_int_distribution<int64_t> dist(-bound, bound);
  for (int64_t i = 0; i < t.numel(); ++i) {
    t.data()[i] = static_cast<uint64_t>(i < 5 ? planted[i] : dist(rng_));
  }
  return t;
}

}  // namespace arca::mpc::conformance
