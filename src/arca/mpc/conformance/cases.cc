#include "arca/mpc/conformance/cases.h"

#include <fmt/format.h>

#include <algorithm>

#include "arca/mpc/assisted.h"
#include "arca/mpc/conformance/harness.h"
#include "arca/mpc/ops.h"
#include "arca/mpc/ring_matmul.h"
#include "arca/mpc/ring_ops.h"

namespace arca::mpc::conformance {
namespace {

// One operation's result against its expected value.
struct Check {
  const char* what;
  Result<Shared> got;
  RingTensor want;
};

// Reveals every result and compares it with its expected value.
Status RunChecks(Harness& h, std::vector<Check>& checks) {
  for (Check& check : checks) {
    if (!check.got.ok()) return check.got.status().WithContext(check.what);
    ARCA_ASSIGN_OR_RETURN(RingTensor got, h.Open(*check.got));
    ARCA_RETURN_IF_ERROR(Harness::ExpectEqual(check.what, got, check.want));
  }
  return OkStatus();
}

// A size that spans several message chunks, to exercise streaming.
int64_t Streamed() { return 2 * ChunkElements() + 123; }

Status InputAndReveal(Protocol& p) {
  Harness h(p);
  TestData data(1);
  for (int owner : {0, 1}) {
    const RingTensor x = data.Ring({37});
    ARCA_ASSIGN_OR_RETURN(Shared s,
                          h.Costed<Shared>({.op = Op::kInput, .a = x.shape(), .party = owner},
                                           [&] { return h.In(owner, x); }));
    ARCA_ASSIGN_OR_RETURN(
        RingTensor opened,
        h.Costed<RingTensor>({.op = Op::kReveal, .a = x.shape()}, [&] { return p.Reveal(s); }));
    ARCA_RETURN_IF_ERROR(Harness::ExpectEqual("reveal", opened, x));
    for (int to : {0, 1}) {
      ARCA_ASSIGN_OR_RETURN(
          std::optional<RingTensor> got,
          h.Costed<std::optional<RingTensor>>({.op = Op::kRevealTo, .a = x.shape(), .party = to},
                                              [&] { return p.RevealTo(to, s); }));
      const bool recipient = p.name() == "plaintext" || p.party() == to;
      if (got.has_value() != recipient) {
        return InternalError(fmt::format("reveal_to {}: party {} {} a value", to, p.party(),
                                         got.has_value() ? "received" : "did not receive"));
      }
      if (got) ARCA_RETURN_IF_ERROR(Harness::ExpectEqual("reveal_to", *got, x));
    }
  }
  return OkStatus();
}

Status LocalOperations(Protocol& p) {
  Harness h(p);
  TestData data(2);
  const RingTensor x = data.Ring({4, 6}), y = data.Ring({4, 6}), c = data.Ring({4, 6});
  const RingTensor k = RingTensor::Scalar(data.Next());
  ARCA_ASSIGN_OR_RETURN(Shared sx, h.In(0, x));
  ARCA_ASSIGN_OR_RETURN(Shared sy, h.In(1, y));
  Shared sx_rows;
  ARCA_ASSIGN_OR_RETURN(sx_rows, p.SliceRows(sx, 1, 3));
  std::vector<Check> checks;
  checks.push_back({"public", Result<Shared>(p.Public(c)), c});
  checks.push_back({"add", p.Add(sx, sy), ring::Add(x, y)});
  checks.push_back({"sub", p.Sub(sx, sy), ring::Sub(x, y)});
  checks.push_back({"neg", p.Neg(sx), ring::Neg(x)});
  checks.push_back({"add_public", p.AddPublic(sx, c), ring::Add(x, c)});
  checks.push_back({"add_public scalar", p.AddPublic(sx, k), ring::Add(x, k)});
  checks.push_back({"mul_public", p.MulPublic(sx, c), ring::Mul(x, c)});
  checks.push_back({"mul_public scalar", p.MulPublic(sx, k), ring::Mul(x, k)});
  checks.push_back({"sum all", p.Sum(sx, -1), ring::Sum(x, -1)});
  checks.push_back({"sum rows", p.Sum(sx, 0), ring::Sum(x, 0)});
  checks.push_back({"sum columns", p.Sum(sx, 1), ring::Sum(x, 1)});
  checks.push_back({"transpose", p.Transpose(sx), ring::Transpose(x)});
  checks.push_back({"reshape", p.Reshape(sx, Shape{24}), *RingTensor(x).Reshaped(Shape{24})});
  checks.push_back({"slice_rows", Result<Shared>(sx_rows), ring::SliceRows(x, 1, 3)});
  checks.push_back({"concat_rows", p.ConcatRows({sx, sy}), ring::ConcatRows({&x, &y})});
  return RunChecks(h, checks);
}

Status Multiply(Protocol& p) {
  Harness h(p);
  TestData data(3);
  for (int64_t n : {int64_t{1}, int64_t{1000}, Streamed()}) {
    const RingTensor x = data.Ring({n}), y = data.Ring({n});
    ARCA_ASSIGN_OR_RETURN(Shared sx, h.In(0, x));
    ARCA_ASSIGN_OR_RETURN(Shared sy, h.In(1, y));
    ARCA_ASSIGN_OR_RETURN(Shared z,
                          h.Costed<Shared>({.op = Op::kMul, .a = x.shape(), .b = y.shape()},
                                           [&] { return p.Mul(sx, sy); }));
    ARCA_ASSIGN_OR_RETURN(RingTensor got, h.Open(z));
    ARCA_RETURN_IF_ERROR(Harness::ExpectEqual(fmt::format("mul of {}", n), got, ring::Mul(x, y)));
  }
  return OkStatus();
}

// An operand made Reusable is opened once; later products with it send only the other operand.
Status MultiplyReusable(Protocol& p) {
  Harness h(p);
  TestData data(4);
  const int64_t n = 5000;
  const RingTensor x = data.Ring({n});
  ARCA_ASSIGN_OR_RETURN(Shared sx, h.In(0, x));
  ARCA_ASSIGN_OR_RETURN(Shared rx, h.Costed<Shared>({.op = Op::kReusable, .a = x.shape()},
                                                    [&] { return p.Reusable(sx); }));
  const bool reusable = p.name() == "dealer2pc";
  for (int round = 0; round < 3; ++round) {
    const RingTensor y = data.Ring({n});
    ARCA_ASSIGN_OR_RETURN(Shared sy, h.In(1, y));
    ARCA_ASSIGN_OR_RETURN(
        Shared z,
        h.Costed<Shared>({.op = Op::kMul, .a = x.shape(), .b = y.shape(), .a_reusable = reusable},
                         [&] { return p.Mul(rx, sy); }));
    ARCA_ASSIGN_OR_RETURN(RingTensor got, h.Open(z));
    ARCA_RETURN_IF_ERROR(Harness::ExpectEqual("mul with a reusable operand", got, ring::Mul(x, y)));
  }
  // Both operands reusable: no message at all.
  ARCA_ASSIGN_OR_RETURN(Shared z, h.Costed<Shared>({.op = Op::kMul,
                                                    .a = x.shape(),
                                                    .b = x.shape(),
                                                    .a_reusable = reusable,
                                                    .b_reusable = reusable},
                                                   [&] { return p.Mul(rx, rx); }));
  ARCA_ASSIGN_OR_RETURN(RingTensor got, h.Open(z));
  return Harness::ExpectEqual("square of a reusable operand", got, ring::Mul(x, x));
}

Status MatrixMultiply(Protocol& p) {
  Harness h(p);
  TestData data(5);
  for (auto [m, k, n] : {std::array<int64_t, 3>{1, 1, 1}, {5, 7, 3}, {64, 100, 33}}) {
    const RingTensor x = data.Ring({m, k}), y = data.Ring({k, n});
    ARCA_ASSIGN_OR_RETURN(Shared sx, h.In(0, x));
    ARCA_ASSIGN_OR_RETURN(Shared sy, h.In(1, y));
    ARCA_ASSIGN_OR_RETURN(Shared z,
                          h.Costed<Shared>({.op = Op::kMatMul, .a = x.shape(), .b = y.shape()},
                                           [&] { return p.MatMul(sx, sy); }));
    ARCA_ASSIGN_OR_RETURN(RingTensor got, h.Open(z));
    ARCA_RETURN_IF_ERROR(
        Harness::ExpectEqual(fmt::format("matmul {}x{}x{}", m, k, n), got, ring::MatMul(x, y)));
  }
  // A reusable feature matrix X used as X·w and as X^T·v, as a training step does.
  const RingTensor x = data.Ring({200, 8});
  ARCA_ASSIGN_OR_RETURN(Shared sx, h.In(0, x));
  ARCA_ASSIGN_OR_RETURN(Shared rx, p.Reusable(sx));
  ARCA_ASSIGN_OR_RETURN(Shared rxt, p.Transpose(rx));
  const bool reusable = p.name() == "dealer2pc";
  for (int step = 0; step < 2; ++step) {
    const RingTensor w = data.Ring({8, 1}), v = data.Ring({200, 1});
    ARCA_ASSIGN_OR_RETURN(Shared sw, h.In(1, w));
    ARCA_ASSIGN_OR_RETURN(Shared sv, h.In(1, v));
    ARCA_ASSIGN_OR_RETURN(
        Shared xw, h.Costed<Shared>(
                       {.op = Op::kMatMul, .a = x.shape(), .b = w.shape(), .a_reusable = reusable},
                       [&] { return p.MatMul(rx, sw); }));
    ARCA_ASSIGN_OR_RETURN(
        Shared xtv,
        h.Costed<Shared>(
            {.op = Op::kMatMul, .a = Shape{8, 200}, .b = v.shape(), .a_reusable = reusable},
            [&] { return p.MatMul(rxt, sv); }));
    ARCA_ASSIGN_OR_RETURN(RingTensor got_xw, h.Open(xw));
    ARCA_ASSIGN_OR_RETURN(RingTensor got_xtv, h.Open(xtv));
    ARCA_RETURN_IF_ERROR(Harness::ExpectEqual("X·w, X reusable", got_xw, ring::MatMul(x, w)));
    ARCA_RETURN_IF_ERROR(
        Harness::ExpectEqual("X^T·v, X reusable", got_xtv, ring::MatMul(ring::Transpose(x), v)));
  }
  return OkStatus();
}

Status Truncate(Protocol& p) {
  Harness h(p);
  TestData data(6);
  const int64_t bound = (int64_t{1} << 62) - 1;
  for (int64_t n : {int64_t{1}, int64_t{4000}, Streamed()}) {
    for (int bits : {1, 18, 40}) {
      const RingTensor x = data.Signed({n}, bound);
      ARCA_ASSIGN_OR_RETURN(Shared sx, h.In(0, x));
      ARCA_ASSIGN_OR_RETURN(Shared t, h.Costed<Shared>({.op = Op::kTruncate, .a = x.shape()},
                                                       [&] { return p.Truncate(sx, bits); }));
      ARCA_ASSIGN_OR_RETURN(RingTensor got, h.Open(t));
      const RingTensor floor = ring::ShiftRightArithmetic(x, bits);
      for (int64_t i = 0; i < n; ++i) {
        const uint64_t up = got[i] - floor[i];
        if (up > 1) {
          return InternalError(fmt::format("truncate by {} of {}: got {}, expected {} or one more",
                                           bits, x.signed_at(i), got.signed_at(i),
                                           floor.signed_at(i)));
        }
      }
    }
  }
  return OkStatus();
}

// Values around each threshold and at the ends of the exact range, then random ones.
RingTensor ComparisonInputs(TestData& data, const std::vector<int64_t>& thresholds, int64_t n) {
  const int64_t bound = int64_t{1} << 62;
  RingTensor x = data.Signed({n}, bound);
  int64_t at = 5;
  for (int64_t t : thresholds) {
    for (int64_t d : {-1, 0, 1}) {
      if (at < n && t + d >= -bound && t + d <= bound)
        x.data()[at++] = static_cast<uint64_t>(t + d);
    }
  }
  return x;
}

Status Compare(Protocol& p, bool equality) {
  Harness h(p);
  TestData data(equality ? 8 : 7);
  const int64_t edge = (int64_t{1} << 62) - 1;
  const std::vector<int64_t> thresholds = {0, 1, -1, 12345, -987654321, edge, -edge};
  RingTensor values(Shape{static_cast<int64_t>(thresholds.size())});
  for (size_t i = 0; i < thresholds.size(); ++i)
    values.data()[i] = static_cast<uint64_t>(thresholds[i]);
  for (int64_t n : {int64_t{1}, int64_t{300}, int64_t{70001}}) {
    const RingTensor x = ComparisonInputs(data, thresholds, n);
    ARCA_ASSIGN_OR_RETURN(Shared sx, h.In(0, x));
    const OpCall call{
        .op = equality ? Op::kEqual : Op::kLessThan, .a = x.shape(), .count = values.numel()};
    ARCA_ASSIGN_OR_RETURN(Shared bits, h.Costed<Shared>(call, [&] {
      return equality ? p.EqualPublic(sx, values) : p.LessThanPublic(sx, values);
    }));
    ARCA_ASSIGN_OR_RETURN(RingTensor got, h.Open(bits));
    RingTensor want(Shape{values.numel(), n});
    for (int64_t t = 0; t < values.numel(); ++t) {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t xi = x.signed_at(i), ti = thresholds[static_cast<size_t>(t)];
        want.data()[t * n + i] = (equality ? xi == ti : xi < ti) ? 1 : 0;
      }
    }
    ARCA_RETURN_IF_ERROR(Harness::ExpectEqual(
        fmt::format("{} on {} elements", equality ? "equal" : "less_than", n), got, want));
  }
  return OkStatus();
}

Status Shuffle(Protocol& p) {
  Harness h(p);
  TestData data(9);
  const int64_t rows = 50, width = 3;
  RingTensor x(Shape{rows, width});
  for (int64_t i = 0; i < x.numel(); ++i) x.data()[i] = data.Next();
  ARCA_ASSIGN_OR_RETURN(Shared sx, h.In(0, x));
  std::vector<std::vector<uint64_t>> orders;
  for (int run = 0; run < 2; ++run) {
    ARCA_ASSIGN_OR_RETURN(Shared s, h.Costed<Shared>({.op = Op::kShuffle, .a = x.shape()},
                                                     [&] { return p.Shuffle(sx); }));
    ARCA_ASSIGN_OR_RETURN(RingTensor got, h.Open(s));
    // The same rows, whole, in some order.
    std::vector<std::vector<uint64_t>> in, out;
    for (int64_t r = 0; r < rows; ++r) {
      in.emplace_back(x.data() + r * width, x.data() + (r + 1) * width);
      out.emplace_back(got.data() + r * width, got.data() + (r + 1) * width);
    }
    orders.emplace_back();
    for (const auto& row : out) orders.back().push_back(row[0]);
    std::sort(in.begin(), in.end());
    std::sort(out.begin(), out.end());
    if (in != out) return InternalError("shuffle: the output rows are not the input rows");
  }
  // Two shuffles of 50 distinct rows agree with probability 1/50!.
  if (orders[0] == orders[1]) return InternalError("shuffle: two shuffles gave the same order");
  return OkStatus();
}

// The composite operations of ops.h, against exact arithmetic.
Status Composites(Protocol& p) {
  Harness h(p);
  TestData data(11);
  const int64_t n = 37;
  const int64_t bound = int64_t{1} << 61;
  const RingTensor x = data.Signed({n}, bound), y = data.Signed({n}, bound);
  const RingTensor bits = data.Signed({n}, 1);
  ARCA_ASSIGN_OR_RETURN(Shared sx, h.In(0, x));
  ARCA_ASSIGN_OR_RETURN(Shared sy, h.In(1, y));
  RingTensor cond(Shape{n});
  for (int64_t i = 0; i < n; ++i) cond.data()[i] = bits[i] & 1;
  ARCA_ASSIGN_OR_RETURN(Shared scond, h.In(0, cond));
  RingTensor want_max(Shape{n}), want_min(Shape{n}), want_abs(Shape{n}), want_relu(Shape{n});
  RingTensor want_less(Shape{n}), want_select(Shape{n});
  int64_t largest = x.signed_at(0), smallest = x.signed_at(0);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t a = x.signed_at(i), b = y.signed_at(i);
    want_max.data()[i] = static_cast<uint64_t>(std::max(a, b));
    want_min.data()[i] = static_cast<uint64_t>(std::min(a, b));
    want_abs.data()[i] = static_cast<uint64_t>(a < 0 ? -a : a);
    want_relu.data()[i] = static_cast<uint64_t>(std::max<int64_t>(a, 0));
    want_less.data()[i] = a < b ? 1 : 0;
    want_select.data()[i] = cond[i] != 0 ? x[i] : y[i];
    largest = std::max(largest, a);
    smallest = std::min(smallest, a);
  }
  std::vector<Check> checks;
  checks.push_back({"less_than", LessThan(p, sx, sy), want_less});
  checks.push_back({"max", Max(p, sx, sy), want_max});
  checks.push_back({"min", Min(p, sx, sy), want_min});
  checks.push_back({"abs", Abs(p, sx), want_abs});
  checks.push_back({"relu", Relu(p, sx), want_relu});
  checks.push_back({"select", Select(p, scond, sx, sy), want_select});
  checks.push_back(
      {"reduce_max", ReduceMax(p, sx), RingTensor::Scalar(static_cast<uint64_t>(largest))});
  checks.push_back(
      {"reduce_min", ReduceMin(p, sx), RingTensor::Scalar(static_cast<uint64_t>(smallest))});
  return RunChecks(h, checks);
}

// Every interactive operation on rank-0 tensors (a mean, a variance, a single weight).
Status Scalars(Protocol& p) {
  Harness h(p);
  const RingTensor x = RingTensor::Scalar(static_cast<uint64_t>(int64_t{-123456789}));
  const RingTensor y = RingTensor::Scalar(987654321);
  ARCA_ASSIGN_OR_RETURN(Shared sx, h.In(0, x));
  ARCA_ASSIGN_OR_RETURN(Shared sy, h.In(1, y));
  ARCA_ASSIGN_OR_RETURN(Shared product, p.Mul(sx, sy));
  ARCA_ASSIGN_OR_RETURN(RingTensor got, h.Open(product));
  ARCA_RETURN_IF_ERROR(Harness::ExpectEqual("scalar mul", got, ring::Mul(x, y)));
  ARCA_ASSIGN_OR_RETURN(Shared truncated, p.Truncate(sx, 10));
  ARCA_ASSIGN_OR_RETURN(got, h.Open(truncated));
  ARCA_RETURN_IF_ERROR(
      Harness::ExpectNear("scalar truncate", got, ring::ShiftRightArithmetic(x, 10), 1));
  const RingTensor values = RingTensor::FromSigned(Shape{3}, {-123456789, 0, 5});
  ARCA_ASSIGN_OR_RETURN(Shared less, p.LessThanPublic(sx, values));
  ARCA_ASSIGN_OR_RETURN(got, h.Open(less));
  ARCA_RETURN_IF_ERROR(
      Harness::ExpectEqual("scalar less_than", got, RingTensor::FromValues(Shape{3}, {0, 1, 1})));
  ARCA_ASSIGN_OR_RETURN(Shared equal, p.EqualPublic(sx, values));
  ARCA_ASSIGN_OR_RETURN(got, h.Open(equal));
  ARCA_RETURN_IF_ERROR(
      Harness::ExpectEqual("scalar equal", got, RingTensor::FromValues(Shape{3}, {1, 0, 0})));
  ARCA_ASSIGN_OR_RETURN(Shared reusable, p.Reusable(sx));
  ARCA_ASSIGN_OR_RETURN(Shared square, p.Mul(reusable, reusable));
  ARCA_ASSIGN_OR_RETURN(got, h.Open(square));
  return Harness::ExpectEqual("scalar square", got, ring::Mul(x, x));
}

// Bad arguments are refused before any message, so the session stays usable.
Status BadArguments(Protocol& p) {
  Harness h(p);
  TestData data(10);
  ARCA_ASSIGN_OR_RETURN(Shared a, h.In(0, data.Ring({3})));
  ARCA_ASSIGN_OR_RETURN(Shared b, h.In(1, data.Ring({4})));
  ARCA_ASSIGN_OR_RETURN(Shared m, h.In(0, data.Ring({2, 3})));
  const std::vector<std::pair<const char*, Status>> refused = {
      {"shapes differ", p.Mul(a, b).status()},
      {"do not multiply", p.MatMul(m, m).status()},
      {"outside 1..62", p.Truncate(a, 63).status()},
      {"rank-1", p.LessThanPublic(a, RingTensor::Zeros({2, 2})).status()},
      {"element counts differ", p.Reshape(a, Shape{5}).status()},
      {"a scalar has no rows", p.Shuffle(Shared(Shape(), {})).status()},
  };
  for (const auto& [needle, status] : refused) {
    if (status.code() != StatusCode::kInvalidArgument ||
        status.message().find(needle) == std::string::npos) {
      return InternalError(fmt::format("expected an invalid-argument error mentioning '{}'; got {}",
                                       needle, status.ToString()));
    }
  }
  // The session still works.
  ARCA_ASSIGN_OR_RETURN(Shared z, p.Mul(a, a));
  return h.Open(z).status();
}

}  // namespace

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"input_and_reveal", InputAndReveal},
      {"local_operations", LocalOperations},
      {"mul", Multiply},
      {"mul_reusable", MultiplyReusable},
      {"matmul", MatrixMultiply},
      {"truncate", Truncate},
      {"less_than", [](Protocol& p) { return Compare(p, false); }},
      {"equal", [](Protocol& p) { return Compare(p, true); }},
      {"shuffle", Shuffle},
      {"scalars", Scalars},
      {"composites", Composites},
      {"bad_arguments", BadArguments},
  };
  return cases;
}

Status RunAll(Protocol& protocol) {
  for (const Case& c : Cases()) {
    ARCA_RETURN_IF_ERROR(c.run(protocol).WithContext(c.name));
  }
  return OkStatus();
}

}  // namespace arca::mpc::conformance
