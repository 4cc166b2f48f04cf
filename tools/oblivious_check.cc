// arca-oblivious-check: the data-obliviousness check, run under valgrind memcheck.
//
// DESIGN.md (Invariants): a share is never a branch condition, a loop bound or a memory index.
// The protocols mark every share and every mask they draw as undefined for memcheck
// (MarkSecret, oblivious.h) and mark values opened by design as defined again (MarkPublic).
// This program runs every interactive operation of dealer2pc and rep3, and the composite
// operations of ops.h, with the parties as threads (RunInProcess), on small tensors. Under
//   valgrind --tool=memcheck --error-exitcode=1 --track-origins=yes arca-oblivious-check
// any conditional jump, conditional move or address that depends on a share is reported, and
// the run fails. Results are revealed (public by design) and checked against exact ring
// arithmetic, so the operations are known to have done their work. Without valgrind this is a
// quick correctness run and exits 0 as well.
//
// --leaky=branch|index runs a test fixture that deliberately branches on, or indexes a table
// with, a share through the same harness: memcheck must report it (the negative control).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arca/base/logging.h"
#include "arca/mpc/conformance/harness.h"
#include "arca/mpc/oblivious.h"
#include "arca/mpc/ops.h"
#include "arca/mpc/ring_matmul.h"
#include "arca/mpc/ring_ops.h"
#include "arca/mpc/runner.h"

namespace arca::mpc {
namespace {

using conformance::Harness;
using conformance::TestData;

// Small sizes: a few hundred elements keep the run to seconds under memcheck while covering
// every code path of the kernels. With the default chunk size each operation is one message
// chunk; the ctest variant oblivious_check_memcheck_streamed sets $ARCA_CHUNK_ELEMENTS=64 so
// that several chunks are in flight.
constexpr int64_t kElements = 256;
// Comparisons are exact when |x - t| < 2^63; composite ops compare two such values.
constexpr int64_t kBound = int64_t{1} << 61;

// What every party of one run does: the operations of the protocol, one after another, on the
// same deterministic test data (only the input owner's copy enters the protocol).
class Run {
 public:
  explicit Run(Protocol& p) : p_(p), data_(p.name() == "rep3" ? 31 : 17) {}

  Status All() {
    ARCA_RETURN_IF_ERROR(InputAndReveal().WithContext("input/reveal"));
    ARCA_RETURN_IF_ERROR(Multiply().WithContext("mul"));
    ARCA_RETURN_IF_ERROR(MatrixMultiply().WithContext("matmul"));
    ARCA_RETURN_IF_ERROR(Truncate().WithContext("truncate"));
    ARCA_RETURN_IF_ERROR(Compare().WithContext("less_than/equal"));
    ARCA_RETURN_IF_ERROR(ShuffleRows().WithContext("shuffle"));
    ARCA_RETURN_IF_ERROR(Composite().WithContext("ops"));
    return OkStatus();
  }

 private:
  // Input owners and reveal recipients: the compute parties.
  std::vector<int> Owners() const {
    return p_.name() == "rep3" ? std::vector<int>{0, 1, 2} : std::vector<int>{0, 1};
  }

  // Shares `value` from `owner`. The owner's plaintext is secret too: the copy it hands to the
  // protocol is marked undefined, so that Input itself is checked; `value` stays public here
  // because every party uses it to compute the expected results.
  Result<Shared> In(int owner, const RingTensor& value) {
    if (!p_.Holds(owner)) return p_.Input(owner, value.shape(), nullptr);
    const RingTensor secret = value;
    MarkSecret(secret);
    return p_.Input(owner, value.shape(), &secret);
  }

  Status Expect(const std::string& what, const Shared& got, const RingTensor& want) {
    ARCA_ASSIGN_OR_RETURN(RingTensor opened, p_.Reveal(got));
    return Harness::ExpectEqual(what, opened, want);
  }

  Status InputAndReveal() {
    for (int owner : Owners()) {
      const RingTensor x = data_.Ring({kElements});
      ARCA_ASSIGN_OR_RETURN(Shared s, In(owner, x));
      ARCA_RETURN_IF_ERROR(Expect(fmt::format("reveal of owner {}'s input", owner), s, x));
      for (int to : Owners()) {
        ARCA_ASSIGN_OR_RETURN(std::optional<RingTensor> got, p_.RevealTo(to, s));
        if (got.has_value() != (p_.party() == to)) {
          return InternalError(fmt::format("reveal_to {}: party {} {} a value", to, p_.party(),
                                           got.has_value() ? "received" : "did not receive"));
        }
        if (got) ARCA_RETURN_IF_ERROR(Harness::ExpectEqual("reveal_to", *got, x));
      }
    }
    return OkStatus();
  }

  Status Multiply() {
    const RingTensor x = data_.Ring({kElements}), y = data_.Ring({kElements});
    ARCA_ASSIGN_OR_RETURN(Shared sx, In(0, x));
    ARCA_ASSIGN_OR_RETURN(Shared sy, In(1, y));
    ARCA_ASSIGN_OR_RETURN(Shared z, p_.Mul(sx, sy));
    ARCA_RETURN_IF_ERROR(Expect("mul", z, ring::Mul(x, y)));
    // Reusable operands: one of them, then both (on dealer2pc their masked values are opened
    // once by Reusable and reused here).
    ARCA_ASSIGN_OR_RETURN(Shared rx, p_.Reusable(sx));
    ARCA_ASSIGN_OR_RETURN(Shared rx_y, p_.Mul(rx, sy));
    ARCA_RETURN_IF_ERROR(Expect("mul, first operand reusable", rx_y, ring::Mul(x, y)));
    ARCA_ASSIGN_OR_RETURN(Shared y_rx, p_.Mul(sy, rx));
    ARCA_RETURN_IF_ERROR(Expect("mul, second operand reusable", y_rx, ring::Mul(y, x)));
    ARCA_ASSIGN_OR_RETURN(Shared rx_rx, p_.Mul(rx, rx));
    return Expect("mul, both operands reusable", rx_rx, ring::Mul(x, x));
  }

  Status MatrixMultiply() {
    const RingTensor a = data_.Ring({6, 20}), b = data_.Ring({20, 5});
    ARCA_ASSIGN_OR_RETURN(Shared sa, In(0, a));
    ARCA_ASSIGN_OR_RETURN(Shared sb, In(1, b));
    ARCA_ASSIGN_OR_RETURN(Shared z, p_.MatMul(sa, sb));
    ARCA_RETURN_IF_ERROR(Expect("matmul", z, ring::MatMul(a, b)));
    // A reusable feature matrix X used as X·w and, transposed, as X^T·v.
    const RingTensor x = data_.Ring({40, 6}), w = data_.Ring({6, 1}), v = data_.Ring({40, 2});
    ARCA_ASSIGN_OR_RETURN(Shared sx, In(0, x));
    ARCA_ASSIGN_OR_RETURN(Shared sw, In(1, w));
    ARCA_ASSIGN_OR_RETURN(Shared sv, In(1, v));
    ARCA_ASSIGN_OR_RETURN(Shared rx, p_.Reusable(sx));
    ARCA_ASSIGN_OR_RETURN(Shared rxt, p_.Transpose(rx));
    ARCA_ASSIGN_OR_RETURN(Shared xw, p_.MatMul(rx, sw));
    ARCA_RETURN_IF_ERROR(Expect("matmul X·w, X reusable", xw, ring::MatMul(x, w)));
    ARCA_ASSIGN_OR_RETURN(Shared xtv, p_.MatMul(rxt, sv));
    return Expect("matmul X^T·v, X^T reusable", xtv, ring::MatMul(ring::Transpose(x), v));
  }

  Status Truncate() {
    const RingTensor x = data_.Signed({kElements}, (int64_t{1} << 62) - 1);
    ARCA_ASSIGN_OR_RETURN(Shared sx, In(0, x));
    for (int bits : {1, 18, 62}) {
      ARCA_ASSIGN_OR_RETURN(Shared t, p_.Truncate(sx, bits));
      ARCA_ASSIGN_OR_RETURN(RingTensor got, p_.Reveal(t));
      const RingTensor floor = ring::ShiftRightArithmetic(x, bits);
      for (int64_t i = 0; i < kElements; ++i) {
        if (got[i] - floor[i] > 1) {
          return InternalError(fmt::format("truncate by {} of {}: got {}, expected {} or one more",
                                           bits, x.signed_at(i), got.signed_at(i),
                                           floor.signed_at(i)));
        }
      }
    }
    return OkStatus();
  }

  Status Compare() {
    const int64_t edge = (int64_t{1} << 62) - 1;
    const std::vector<int64_t> thresholds = {0, 1, -1, 12345, -987654321, edge, -edge};
    const RingTensor values =
        RingTensor::FromSigned(Shape{static_cast<int64_t>(thresholds.size())}, thresholds);
    RingTensor x = data_.Signed({kElements}, int64_t{1} << 62);
    // Values at and beside each threshold, so that both outcomes and equality occur.
    int64_t at = 5;
    for (int64_t t : thresholds) {
      for (int64_t d : {-1, 0, 1}) x.data()[at++] = static_cast<uint64_t>(t + d);
    }
    ARCA_ASSIGN_OR_RETURN(Shared sx, In(0, x));
    ARCA_ASSIGN_OR_RETURN(Shared less, p_.LessThanPublic(sx, values));
    ARCA_ASSIGN_OR_RETURN(Shared equal, p_.EqualPublic(sx, values));
    const int64_t count = values.numel();
    RingTensor want_less(Shape{count, kElements}), want_equal(Shape{count, kElements});
    for (int64_t t = 0; t < count; ++t) {
      const int64_t ti = thresholds[static_cast<size_t>(t)];
      for (int64_t i = 0; i < kElements; ++i) {
        want_less.data()[t * kElements + i] = x.signed_at(i) < ti ? 1 : 0;
        want_equal.data()[t * kElements + i] = x.signed_at(i) == ti ? 1 : 0;
      }
    }
    ARCA_RETURN_IF_ERROR(Expect("less_than", less, want_less));
    return Expect("equal", equal, want_equal);
  }

  Status ShuffleRows() {
    const int64_t rows = 64, width = 3;
    const RingTensor x = data_.Ring({rows, width});
    ARCA_ASSIGN_OR_RETURN(Shared sx, In(0, x));
    ARCA_ASSIGN_OR_RETURN(Shared s, p_.Shuffle(sx));
    ARCA_ASSIGN_OR_RETURN(RingTensor got, p_.Reveal(s));
    // The same rows, whole, in some order.
    std::vector<std::vector<uint64_t>> in, out;
    for (int64_t r = 0; r < rows; ++r) {
      in.emplace_back(x.data() + r * width, x.data() + (r + 1) * width);
      out.emplace_back(got.data() + r * width, got.data() + (r + 1) * width);
    }
    std::sort(in.begin(), in.end());
    std::sort(out.begin(), out.end());
    if (in != out) return InternalError("shuffle: the output rows are not the input rows");
    return OkStatus();
  }

  Status Composite() {
    const int64_t n = kElements;
    const RingTensor a = data_.Signed({n}, kBound);
    RingTensor b = data_.Signed({n}, kBound);
    for (int64_t i = 0; i < n; i += 7) b.data()[i] = a[i];  // some equal pairs
    RingTensor cond(Shape{n});
    for (int64_t i = 0; i < n; ++i) cond.data()[i] = data_.Next() & 1;
    ARCA_ASSIGN_OR_RETURN(Shared sa, In(0, a));
    ARCA_ASSIGN_OR_RETURN(Shared sb, In(1, b));
    ARCA_ASSIGN_OR_RETURN(Shared scond, In(0, cond));

    RingTensor less(Shape{n}), equal(Shape{n}), select(Shape{n}), max(Shape{n}), min(Shape{n}),
        negative(Shape{n}), abs(Shape{n}), relu(Shape{n});
    for (int64_t i = 0; i < n; ++i) {
      const int64_t ai = a.signed_at(i), bi = b.signed_at(i);
      less.data()[i] = ai < bi ? 1 : 0;
      equal.data()[i] = ai == bi ? 1 : 0;
      select.data()[i] = cond[i] != 0 ? a[i] : b[i];
      max.data()[i] = static_cast<uint64_t>(std::max(ai, bi));
      min.data()[i] = static_cast<uint64_t>(std::min(ai, bi));
      negative.data()[i] = ai < 0 ? 1 : 0;
      abs.data()[i] = static_cast<uint64_t>(ai < 0 ? -ai : ai);
      relu.data()[i] = static_cast<uint64_t>(std::max<int64_t>(ai, 0));
    }
    const std::vector<std::pair<const char*, std::function<Result<Shared>()>>> ops = {
        {"LessThan", [&] { return LessThan(p_, sa, sb); }},
        {"Equal", [&] { return Equal(p_, sa, sb); }},
        {"Select", [&] { return Select(p_, scond, sa, sb); }},
        {"Max", [&] { return Max(p_, sa, sb); }},
        {"Min", [&] { return Min(p_, sa, sb); }},
        {"IsNegative", [&] { return IsNegative(p_, sa); }},
        {"Abs", [&] { return Abs(p_, sa); }},
        {"Relu", [&] { return Relu(p_, sa); }},
    };
    const std::vector<const RingTensor*> wants = {&less, &equal,    &select, &max,
                                                  &min,  &negative, &abs,    &relu};
    for (size_t k = 0; k < ops.size(); ++k) {
      Result<Shared> got = ops[k].second();
      if (!got.ok()) return got.status().WithContext(ops[k].first);
      ARCA_RETURN_IF_ERROR(Expect(ops[k].first, *got, *wants[k]));
    }

    const std::vector<int64_t> bounds = {-(int64_t{1} << 40), -5, 0, 1000, int64_t{1} << 50};
    const RingTensor public_bounds =
        RingTensor::FromSigned(Shape{static_cast<int64_t>(bounds.size())}, bounds);
    ARCA_ASSIGN_OR_RETURN(Shared hot, IntervalOneHot(p_, sa, public_bounds));
    const auto t = static_cast<int64_t>(bounds.size());
    RingTensor want = RingTensor::Zeros(Shape{t + 1, n});
    for (int64_t i = 0; i < n; ++i) {
      const int64_t interval =
          std::upper_bound(bounds.begin(), bounds.end(), a.signed_at(i)) - bounds.begin();
      want.data()[interval * n + i] = 1;
    }
    return Expect("IntervalOneHot", hot, want);
  }

  Protocol& p_;
  TestData data_;
};

// ---- Test fixture: deliberately leaky code (the negative control). -------------------------
//
// NOT protocol code. These functions break the invariant on purpose, so that the memcheck
// test can show it catches such code: a run with --leaky must make valgrind report an error
// whose stack names the function.

// Branches on each element of a share. The asm statement in the taken branch keeps the
// compiler from turning the branch into branch-free code (a set or a conditional move).
[[gnu::noinline]] int64_t LeakyFixtureBranchOnShare(const RingTensor& share) {
  int64_t taken = 0;
  for (uint64_t v : share.values()) {
    if (static_cast<int64_t>(v) < 0) {
      asm volatile("" ::: "memory");
      ++taken;
    }
  }
  return taken;
}

// Reads a table at an address computed from each element of a share (a cache side channel).
[[gnu::noinline]] uint64_t LeakyFixtureIndexByShare(const RingTensor& share) {
  static const std::array<uint64_t, 256> table = [] {
    std::array<uint64_t, 256> t{};
    for (size_t i = 0; i < t.size(); ++i) t[i] = i * 0x9e3779b97f4a7c15u;
    return t;
  }();
  uint64_t sum = 0;
  for (uint64_t v : share.values()) sum += table[v & 255];
  return sum;
}

Status RunLeakyFixture(Protocol& p, const std::string& mode) {
  TestData data(99);
  const RingTensor x = data.Ring({kElements});
  ARCA_ASSIGN_OR_RETURN(Shared s, p.Input(0, x.shape(), p.Holds(0) ? &x : nullptr));
  for (const RingTensor& part : s.parts()) {
    // The results are printed so that the leaky loops cannot be optimised away; they are
    // meaningless (functions of a random share).
    if (mode == "branch") {
      fmt::print("leaky fixture (branch), party {}: {}\n", p.party(),
                 LeakyFixtureBranchOnShare(part));
    } else {
      fmt::print("leaky fixture (index), party {}: {}\n", p.party(),
                 LeakyFixtureIndexByShare(part));
    }
  }
  // Reveal, so that the fixture is a complete protocol run like the real check.
  return p.Reveal(s).status();
}

// ---- Driver. ---------------------------------------------------------------------------------

// Runs `program` at every party of `kind`; reports each party's failure.
bool RunAll(ProtocolKind kind, const PartyProgram& program) {
  const std::vector<Status> results = RunInProcess(kind, program);
  bool ok = true;
  for (size_t party = 0; party < results.size(); ++party) {
    if (!results[party].ok()) {
      fmt::print(stderr, "arca-oblivious-check: {}, party {}: {}\n", ProtocolKindName(kind), party,
                 results[party].ToString());
      ok = false;
    }
  }
  return ok;
}

}  // namespace
}  // namespace arca::mpc

namespace {

int Main(int argc, char** argv) {
  using arca::mpc::ProtocolKind;
  arca::log::InitLogging();
  CLI::App app{
      "Runs every interactive MPC operation on dealer2pc and rep3 for valgrind memcheck to check "
      "that no share is a branch condition or memory address."};
  std::string leaky;
  app.add_option("--leaky", leaky,
                 "run a deliberately leaky test fixture instead (negative control): "
                 "'branch' branches on a share, 'index' indexes a table with a share")
      ->check(CLI::IsMember({"branch", "index"}));
  CLI11_PARSE(app, argc, argv);

  // Under valgrind, which hides AVX-512, this is "portable".
  fmt::print("ring matmul kernel: {}\n", arca::mpc::ring::MatMulKernelName());
  if (!leaky.empty()) {
    const bool ok = arca::mpc::RunAll(ProtocolKind::kDealer2pc, [&](arca::mpc::Protocol& p) {
      return arca::mpc::RunLeakyFixture(p, leaky);
    });
    return ok ? 0 : 1;
  }
  bool ok = true;
  for (ProtocolKind kind : {ProtocolKind::kDealer2pc, ProtocolKind::kRep3}) {
    const bool passed =
        arca::mpc::RunAll(kind, [](arca::mpc::Protocol& p) { return arca::mpc::Run(p).All(); });
    fmt::print("{}: {}\n", arca::mpc::ProtocolKindName(kind),
               passed ? "every operation ran and gave the right results" : "FAILED");
    ok = ok && passed;
  }
  return ok ? 0 : 1;
}

}  // namespace

// An unexpected exception (from the standard library or CLI11) ends the check with a message
// and a failing status rather than std::terminate.
int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arca-oblivious-check: %s\n", e.what());
    return 1;
  }
}
