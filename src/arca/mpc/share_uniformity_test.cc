// Shares look uniform: a chi-square test on the bytes of every party's share parts.
//
// A share on its own must be uniformly random (DESIGN.md: a node whose TEE leaks learns
// nothing). The sharpest test input is a constant: if a share depended on the value, a tensor
// of 65536 copies of one value (or of zeros) would show it. For dealer2pc and rep3, with the
// parties as threads, each test below makes one shared output from constant inputs — the input
// itself, and the outputs of mul, truncate, less_than, equal (0/1 results) and shuffle — and
// checks the bytes of each share part each party holds with Pearson's chi-square statistic
// over the 256 byte values (255 degrees of freedom).
//
// Flakiness. Every statistic is computed on fresh randomness (each session agrees new seeds),
// so a correct protocol fails any one check with the chosen significance level (the chi-square
// approximation is accurate with 2048 expected counts per byte value). At p = 0.001 (critical
// value 330.52) the 56 protocol checks here (35 distinct statistics: each rep3 component is
// held by two parties) would fail 3-5% of runs. So each check uses the critical value for
// p = 1e-8 instead (Bonferroni): with at most kMaxChecks = 100 checks in the suite, a correct
// implementation fails a run with probability below 100 · 1e-8 = 1e-6 (union bound, whatever
// the dependence between checks). The test keeps its power: a share that depends on the value
// at all is far beyond either threshold, and a 2% bias in one bit of every byte already gives a
// statistic near 1100 at this size (see the negative controls, which use fixed seeds and so are
// deterministic).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "arca/mpc/runner.h"

namespace arca::mpc {
namespace {

// Critical values of the chi-square distribution with 255 degrees of freedom, computed with
// SciPy 1.10.1 (Debian python3-scipy): /usr/bin/python3 -c "from scipy.stats import chi2;
// print(chi2.isf(1e-3, 255), chi2.isf(1e-8, 255))" prints 330.5197... and 402.6846...
// (A table gives 330.52 for p = 0.001.)
constexpr double kCritical255AtP1e3 = 330.52;
constexpr double kCritical255AtP1e8 = 402.6846;
// The threshold every check uses, and the most checks the suite may make with it (see the
// comment at the top): 7 tests below on dealer2pc (2 share parts each) and on rep3 (6 each).
constexpr double kThreshold = kCritical255AtP1e8;
constexpr int kMaxChecks = 100;
static_assert(7 * (2 + 6) <= kMaxChecks, "more checks need a stricter threshold");
static_assert(kCritical255AtP1e3 < kThreshold);

// Elements of each constant input: 65536 · 8 bytes per share part, 2048 expected per byte value.
constexpr int64_t kElements = 65536;
constexpr uint64_t kConstant = 0x0123456789abcdefu;

// Pearson's chi-square statistic of the byte values in `bytes` against the uniform
// distribution on 0..255: the sum over values of (observed - expected)^2 / expected.
double ByteChiSquare(std::span<const uint8_t> bytes) {
  std::array<int64_t, 256> counts{};
  for (uint8_t b : bytes) ++counts[b];
  const double expected = static_cast<double>(bytes.size()) / 256.0;
  double statistic = 0;
  for (int64_t observed : counts) {
    const double d = static_cast<double>(observed) - expected;
    statistic += d * d / expected;
  }
  return statistic;
}

std::span<const uint8_t> BytesOf(const RingTensor& t) {
  return {reinterpret_cast<const uint8_t*>(t.data()), static_cast<size_t>(t.numel()) * 8};
}

// One shared output to test: how every party makes it, and the value it must open to.
struct Output {
  std::function<Result<Shared>(Protocol&)> make;
  // Checks the opened value (so the test knows the operation did its work).
  std::function<Status(const RingTensor&)> check;
};

// The bytes of each share part that each party holds: parts[party][part].
using PartyParts = std::vector<std::vector<std::vector<uint8_t>>>;

// Runs `output` with the parties as threads and collects every party's share parts, then
// opens the output and checks it.
PartyParts Collect(ProtocolKind kind, const Output& output) {
  PartyParts parts(static_cast<size_t>(PartiesOf(kind)));
  const std::vector<Status> results = RunInProcess(kind, [&](Protocol& p) -> Status {
    ARCA_ASSIGN_OR_RETURN(Shared s, output.make(p));
    for (const RingTensor& part : s.parts()) {
      const std::span<const uint8_t> bytes = BytesOf(part);
      parts[static_cast<size_t>(p.party())].emplace_back(bytes.begin(), bytes.end());
    }
    ARCA_ASSIGN_OR_RETURN(RingTensor opened, p.Reveal(s));
    return output.check(opened);
  });
  for (size_t party = 0; party < results.size(); ++party) {
    EXPECT_TRUE(results[party].ok()) << "party " << party << ": " << results[party].ToString();
  }
  return parts;
}

Status ExpectAll(const RingTensor& got, const std::vector<uint64_t>& allowed) {
  for (int64_t i = 0; i < got.numel(); ++i) {
    if (std::find(allowed.begin(), allowed.end(), got[i]) == allowed.end()) {
      return InternalError("element " + std::to_string(i) + " opened to " + std::to_string(got[i]) +
                           ", not an expected value");
    }
  }
  return OkStatus();
}

// Rows of a [T, n] comparison result: row t must be all want[t].
Status ExpectRows(const RingTensor& got, const std::vector<uint64_t>& want) {
  const int64_t n = got.numel() / static_cast<int64_t>(want.size());
  for (int64_t i = 0; i < got.numel(); ++i) {
    if (got[i] != want[static_cast<size_t>(i / n)]) {
      return InternalError("element " + std::to_string(i) + " opened to " + std::to_string(got[i]) +
                           ", expected " + std::to_string(want[static_cast<size_t>(i / n)]));
    }
  }
  return OkStatus();
}

// Input owner `owner` shares a constant tensor.
Result<Shared> InputConstant(Protocol& p, int owner, const Shape& shape, uint64_t value) {
  const RingTensor x = RingTensor::Filled(shape, value);
  return p.Input(owner, shape, p.Holds(owner) ? &x : nullptr);
}

class ShareUniformityTest : public ::testing::TestWithParam<ProtocolKind> {
 protected:
  // How many share parts each party holds: one additive share at each compute party of
  // dealer2pc (none at the dealer), two replicated components at each party of rep3.
  static std::vector<size_t> PartsPerParty(ProtocolKind kind) {
    return kind == ProtocolKind::kDealer2pc ? std::vector<size_t>{1, 1, 0}
                                            : std::vector<size_t>{2, 2, 2};
  }

  // Tests every share part of `output`'s result at every party against kThreshold.
  void ExpectUniformShares(const std::string& what, const Output& output) {
    const ProtocolKind kind = GetParam();
    const PartyParts parts = Collect(kind, output);
    const std::vector<size_t> expected_parts = PartsPerParty(kind);
    for (size_t party = 0; party < parts.size(); ++party) {
      ASSERT_EQ(parts[party].size(), expected_parts[party]) << "party " << party;
      for (size_t part = 0; part < parts[party].size(); ++part) {
        const std::vector<uint8_t>& bytes = parts[party][part];
        ASSERT_GE(bytes.size(), static_cast<size_t>(kElements) * 8);
        const double statistic = ByteChiSquare(bytes);
        fmt::print("chi-square {} {} party {} part {}: {:.1f}\n", ProtocolKindName(kind), what,
                   party, part, statistic);
        EXPECT_LT(statistic, kThreshold)
            << what << " on " << ProtocolKindName(kind) << ": party " << party << "'s share part "
            << part << " does not look uniform";
      }
    }
  }
};

TEST_P(ShareUniformityTest, InputOfAConstant) {
  ExpectUniformShares("input",
                      {[](Protocol& p) { return InputConstant(p, 0, Shape{kElements}, kConstant); },
                       [](const RingTensor& got) { return ExpectAll(got, {kConstant}); }});
}

TEST_P(ShareUniformityTest, InputOfZeros) {
  ExpectUniformShares("input zeros",
                      {[](Protocol& p) { return InputConstant(p, 0, Shape{kElements}, 0); },
                       [](const RingTensor& got) { return ExpectAll(got, {0}); }});
}

TEST_P(ShareUniformityTest, MulOfConstants) {
  constexpr uint64_t kA = 1234567, kB = 7654321;
  ExpectUniformShares("mul",
                      {[](Protocol& p) -> Result<Shared> {
                         ARCA_ASSIGN_OR_RETURN(Shared a, InputConstant(p, 0, Shape{kElements}, kA));
                         ARCA_ASSIGN_OR_RETURN(Shared b, InputConstant(p, 1, Shape{kElements}, kB));
                         return p.Mul(a, b);
                       },
                       [](const RingTensor& got) { return ExpectAll(got, {kA * kB}); }});
}

TEST_P(ShareUniformityTest, TruncateOfAConstant) {
  constexpr uint64_t kValue = (uint64_t{12345} << 18) + 777;
  ExpectUniformShares("truncate", {[](Protocol& p) -> Result<Shared> {
                                     ARCA_ASSIGN_OR_RETURN(
                                         Shared x, InputConstant(p, 0, Shape{kElements}, kValue));
                                     return p.Truncate(x, 18);
                                   },
                                   // floor(x / 2^18), or one more.
                                   [](const RingTensor& got) {
                                     return ExpectAll(got, {12345, 12346});
                                   }});
}

// Comparison results are 0/1; here every element is 1 in the first row and 0 in the second,
// and the shares of both must still look uniform.
TEST_P(ShareUniformityTest, LessThanOfAConstant) {
  ExpectUniformShares("less_than",
                      {[](Protocol& p) -> Result<Shared> {
                         ARCA_ASSIGN_OR_RETURN(Shared x, InputConstant(p, 0, Shape{kElements}, 42));
                         return p.LessThanPublic(x, RingTensor::FromValues(Shape{2}, {100, 7}));
                       },
                       [](const RingTensor& got) {
                         return ExpectRows(got, {1, 0});
                       }});
}

TEST_P(ShareUniformityTest, EqualOfAConstant) {
  ExpectUniformShares("equal",
                      {[](Protocol& p) -> Result<Shared> {
                         ARCA_ASSIGN_OR_RETURN(Shared x, InputConstant(p, 0, Shape{kElements}, 42));
                         return p.EqualPublic(x, RingTensor::FromValues(Shape{2}, {42, 7}));
                       },
                       [](const RingTensor& got) {
                         return ExpectRows(got, {1, 0});
                       }});
}

TEST_P(ShareUniformityTest, ShuffleOfConstantRows) {
  ExpectUniformShares(
      "shuffle",
      {[](Protocol& p) -> Result<Shared> {
         ARCA_ASSIGN_OR_RETURN(Shared x, InputConstant(p, 0, Shape{kElements, 1}, kConstant));
         return p.Shuffle(x);
       },
       [](const RingTensor& got) { return ExpectAll(got, {kConstant}); }});
}

INSTANTIATE_TEST_SUITE_P(SecureProtocols, ShareUniformityTest,
                         ::testing::Values(ProtocolKind::kDealer2pc, ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param));
                         });

// --- The statistic itself, and negative controls (fixed seeds: deterministic). -------------

TEST(ByteChiSquareTest, MatchesHandComputedValues) {
  // Every value exactly twice: a perfect fit.
  std::vector<uint8_t> even(512);
  for (size_t i = 0; i < even.size(); ++i) even[i] = static_cast<uint8_t>(i % 256);
  EXPECT_DOUBLE_EQ(ByteChiSquare(even), 0.0);
  // 512 zero bytes: (512 - 2)^2 / 2 + 255 · (0 - 2)^2 / 2 = 130050 + 510.
  EXPECT_DOUBLE_EQ(ByteChiSquare(std::vector<uint8_t>(512, 0)), 130560.0);
}

TEST(ByteChiSquareTest, AcceptsUniformBytes) {
  std::mt19937_64 rng(1);
  RingTensor t(Shape{kElements});
  for (uint64_t& v : t.values()) v = rng();
  const double statistic = ByteChiSquare(BytesOf(t));
  fmt::print("chi-square of mt19937_64 bytes: {:.1f}\n", statistic);
  EXPECT_LT(statistic, kThreshold);
}

// The constant input itself, as a party would hold it with no secret sharing at all.
TEST(ByteChiSquareTest, RejectsTheConstantInput) {
  const double statistic = ByteChiSquare(BytesOf(RingTensor::Filled(Shape{kElements}, kConstant)));
  fmt::print("chi-square of the constant input: {:.1f}\n", statistic);
  EXPECT_GT(statistic, kThreshold);
}

// Slightly biased bytes: one value never occurs, or the top bit is set 52% of the time.
TEST(ByteChiSquareTest, RejectsBiasedBytes) {
  std::mt19937_64 rng(2);
  std::vector<uint8_t> no_255(static_cast<size_t>(kElements) * 8);
  for (uint8_t& b : no_255) b = static_cast<uint8_t>(rng() % 255);
  std::bernoulli_distribution top_bit(0.52);
  std::vector<uint8_t> top_biased(static_cast<size_t>(kElements) * 8);
  for (uint8_t& b : top_biased) {
    b = static_cast<uint8_t>((rng() & 0x7f) | (top_bit(rng) ? 0x80 : 0));
  }
  const double missing = ByteChiSquare(no_255), biased = ByteChiSquare(top_biased);
  fmt::print("chi-square of bytes without 255: {:.1f}; with a 52% top bit: {:.1f}\n", missing,
             biased);
  EXPECT_GT(missing, kThreshold);
  EXPECT_GT(biased, kThreshold);
}

// The same pipeline as the protocol checks, on the plaintext protocol, whose single "share" is
// the value itself: the check must reject it.
TEST(ByteChiSquareTest, RejectsThePlaintextProtocolsShares) {
  const PartyParts parts =
      Collect(ProtocolKind::kPlaintext,
              {[](Protocol& p) { return InputConstant(p, 0, Shape{kElements}, kConstant); },
               [](const RingTensor& got) { return ExpectAll(got, {kConstant}); }});
  ASSERT_EQ(parts.size(), 1u);
  ASSERT_EQ(parts[0].size(), 1u);
  EXPECT_GT(ByteChiSquare(parts[0][0]), kThreshold);
}

}  // namespace
}  // namespace arca::mpc
