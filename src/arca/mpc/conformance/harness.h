// Harness: what conformance cases use to drive a protocol and check it.
//
// Every party runs a case with the same deterministic test data (only the input owner's copy
// is used by the protocol). Results are revealed and compared with exact integer arithmetic
// and with the plaintext protocol; every interactive call's traffic at this party is compared
// with the protocol's declared cost. Mismatches are returned as errors that say which check,
// which element, and what was expected (test data only: these never see real data).
#ifndef ARCA_MPC_CONFORMANCE_HARNESS_H_
#define ARCA_MPC_CONFORMANCE_HARNESS_H_

#include <functional>
#include <random>
#include <string>

#include "arca/mpc/protocol.h"

namespace arca::mpc::conformance {

class Harness {
 public:
  explicit Harness(Protocol& protocol) : p_(protocol) {}

  Protocol& protocol() { return p_; }

  // Shares `value` from input owner `owner`.
  Result<Shared> In(int owner, const RingTensor& value);

  // Runs `op` (one interactive call described by `call`) and checks this party's traffic
  // against the protocol's declared cost.
  template <typename T>
  Result<T> Costed(const OpCall& call, const std::function<Result<T>()>& op) {
    const net::TrafficStats before = Traffic();
    Result<T> result = op();
    if (!result.ok()) return result;
    ARCA_RETURN_IF_ERROR(CheckCost(call, Traffic() - before));
    return result;
  }

  Result<RingTensor> Open(const Shared& x);

  // Exact equality, element by element.
  static Status ExpectEqual(const std::string& what, const RingTensor& got, const RingTensor& want);
  // |got - want| <= tolerance, reading elements as signed integers.
  static Status ExpectNear(const std::string& what, const RingTensor& got, const RingTensor& want,
                           int64_t tolerance);

 private:
  net::TrafficStats Traffic();
  Status CheckCost(const OpCall& call, const net::TrafficStats& spent);

  Protocol& p_;
};

// Deterministic test data, identical at every party.
class TestData {
 public:
  explicit TestData(uint64_t seed) : rng_(seed) {}
  // Uniform ring elements, with 0, 1, -1, 2^63, 2^63 - 1 planted at the start.
  RingTensor Ring(Shape shape);
  // Signed integers uniform in [-bound, bound], with 0, +-1 and +-bound planted at the start.
  RingTensor Signed(Shape shape, int64_t bound);
  uint64_t Next() { return rng_(); }

 private:
  std::mt19937_64 rng_;
};

}  // namespace arca::mpc::conformance

#endif  // ARCA_MPC_CONFORMANCE_HARNESS_H_
