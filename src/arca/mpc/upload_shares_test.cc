#include "arca/mpc/upload_shares.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "arca/mpc/ring_ops.h"

namespace arca::mpc {
namespace {

using ::testing::HasSubstr;

RingTensor RandomTensor(const Shape& shape, uint64_t seed) {
  std::mt19937_64 rng(seed);
  RingTensor t(shape);
  for (uint64_t& v : t.values()) v = rng();
  return t;
}

std::string KindName(const ::testing::TestParamInfo<ProtocolKind>& info) {
  return std::string(ProtocolKindName(info.param));
}

// Every party imports its parts of `value` and runs `program` on them; returns the statuses.
std::vector<Status> RunOnImported(ProtocolKind kind, const RingTensor& value,
                                  const std::function<Status(Protocol&, const Shared&)>& program) {
  std::vector<Parts> parts = SplitForUpload(kind, value);
  return RunInProcess(kind, [&](Protocol& p) -> Status {
    ARCA_ASSIGN_OR_RETURN(Shared x, ImportUploaded(kind, p.party(), value.shape(),
                                                   parts[static_cast<size_t>(p.party())]));
    return program(p, x);
  });
}

void ExpectAllOk(const std::vector<Status>& results) {
  for (size_t party = 0; party < results.size(); ++party) {
    EXPECT_TRUE(results[party].ok()) << "party " << party << ": " << results[party].ToString();
  }
}

class UploadSharesTest : public ::testing::TestWithParam<ProtocolKind> {};

TEST_P(UploadSharesTest, EachPartyHoldsWhatItsProtocolExpects) {
  const ProtocolKind kind = GetParam();
  const std::vector<Parts> parts = SplitForUpload(kind, RandomTensor(Shape{4, 3}, 1));
  ASSERT_EQ(parts.size(), static_cast<size_t>(PartiesOf(kind)));
  for (int party = 0; party < PartiesOf(kind); ++party) {
    EXPECT_EQ(parts[static_cast<size_t>(party)].size(),
              static_cast<size_t>(PartsHeldBy(kind, party)))
        << "party " << party;
  }
}

// Split on the owner's machine, import at each party (threads), reveal: the original, for
// vectors and matrices.
TEST_P(UploadSharesTest, RevealOfImportedPartsIsTheOriginal) {
  const ProtocolKind kind = GetParam();
  for (const Shape& shape : {Shape{1000}, Shape{7, 3}, Shape{1}}) {
    const RingTensor value = RandomTensor(shape, 2);
    ExpectAllOk(RunOnImported(kind, value, [&](Protocol& p, const Shared& x) -> Status {
      ARCA_ASSIGN_OR_RETURN(RingTensor opened, p.Reveal(x));
      if (!(opened == value)) return InternalError("revealed value differs from the original");
      return OkStatus();
    }));
  }
}

// Imported shares are the protocol's own: they combine with an Input, a product and a public
// constant (which rep3 adds to s_0, held by party 0 first and party 2 second) as shares made
// in a session do.
TEST_P(UploadSharesTest, ImportedSharesComputeLikeInputs) {
  const ProtocolKind kind = GetParam();
  const RingTensor x = RandomTensor(Shape{256}, 3), y = RandomTensor(Shape{256}, 4);
  const RingTensor c = RingTensor::Scalar(12345);
  RingTensor want = ring::Mul(x, y);
  for (uint64_t& v : want.values()) v += 12345;
  ExpectAllOk(RunOnImported(kind, x, [&](Protocol& p, const Shared& sx) -> Status {
    ARCA_ASSIGN_OR_RETURN(Shared sy, p.Input(0, y.shape(), p.Holds(0) ? &y : nullptr));
    ARCA_ASSIGN_OR_RETURN(Shared product, p.Mul(sx, sy));
    ARCA_ASSIGN_OR_RETURN(Shared sum, p.AddPublic(product, c));
    ARCA_ASSIGN_OR_RETURN(RingTensor opened, p.Reveal(sum));
    if (!(opened == want)) return InternalError("x * y + c differs");
    return OkStatus();
  }));
}

INSTANTIATE_TEST_SUITE_P(Protocols, UploadSharesTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         KindName);

TEST(ImportUploadedTest, RefusesPartsThatDoNotMatchTheProtocol) {
  const RingTensor t = RandomTensor(Shape{8}, 5);
  Result<Shared> missing = ImportUploaded(ProtocolKind::kRep3, 1, t.shape(), {t});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("party 1 of rep3 holds 2 part(s)"));

  Result<Shared> at_dealer = ImportUploaded(ProtocolKind::kDealer2pc, 2, t.shape(), {t});
  ASSERT_FALSE(at_dealer.ok());
  EXPECT_THAT(at_dealer.status().message(), HasSubstr("holds 0 part(s) of a tensor, got 1"));

  Result<Shared> shape = ImportUploaded(ProtocolKind::kDealer2pc, 0, Shape{2, 4}, {t});
  ASSERT_FALSE(shape.ok());
  EXPECT_THAT(shape.status().message(), HasSubstr("has shape [8] but [2, 4] was expected"));

  Result<Shared> party = ImportUploaded(ProtocolKind::kPlaintext, 1, t.shape(), {t});
  ASSERT_FALSE(party.ok());
  EXPECT_THAT(party.status().message(), HasSubstr("plaintext has no party 1"));

  Result<Shared> dealer = ImportUploaded(ProtocolKind::kDealer2pc, 2, Shape{8}, {});
  ASSERT_TRUE(dealer.ok()) << dealer.status().ToString();
  EXPECT_EQ(dealer->shape(), Shape{8});
  EXPECT_TRUE(dealer->parts().empty());
}

// --- Statistics: each party's parts look uniform and do not depend on the value. ----------
//
// As in share_uniformity_test.cc: Pearson's chi-square over byte values with 255 degrees of
// freedom, each check at p = 1e-8 (critical value 402.6846, SciPy 1.10.1 chi2.isf(1e-8, 255)),
// so that the at most kMaxChecks checks below fail a correct implementation with probability
// below 1e-6 (union bound). Negative controls use fixed seeds and are deterministic.

constexpr double kThreshold = 402.6846;
constexpr int kMaxChecks = 100;
// Two tests (uniformity, independence) over dealer2pc (2 parts) and rep3 (6 parts).
static_assert(2 * (2 + 6) <= kMaxChecks, "more checks need a stricter threshold");

constexpr int64_t kElements = 65536;  // 2048 expected counts per byte value

std::span<const uint8_t> BytesOf(const RingTensor& t) {
  return {reinterpret_cast<const uint8_t*>(t.data()), static_cast<size_t>(t.numel()) * 8};
}

// Pearson's chi-square of the bytes against the uniform distribution on 0..255.
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

// Pearson's chi-square test of homogeneity: do the bytes of the elements where `group` is 1
// follow the same distribution as those where it is 0? A 2 x 256 contingency table; byte
// values seen in neither group are left out. With both groups uniform, 255 degrees of freedom.
double HomogeneityChiSquare(const RingTensor& t, const std::vector<bool>& group) {
  std::array<std::array<int64_t, 256>, 2> counts{};
  std::array<int64_t, 2> totals{};
  const std::span<const uint8_t> bytes = BytesOf(t);
  for (size_t i = 0; i < bytes.size(); ++i) {
    const size_t g = group[i / 8] ? 1 : 0;
    ++counts[g][bytes[i]];
    ++totals[g];
  }
  const auto n = static_cast<double>(totals[0] + totals[1]);
  double statistic = 0;
  for (size_t b = 0; b < 256; ++b) {
    const auto column = static_cast<double>(counts[0][b] + counts[1][b]);
    if (column == 0) continue;
    for (size_t g = 0; g < 2; ++g) {
      const double expected = column * static_cast<double>(totals[g]) / n;
      const double d = static_cast<double>(counts[g][b]) - expected;
      statistic += d * d / expected;
    }
  }
  return statistic;
}

// A tensor whose elements are kA or kB, chosen by a fixed pseudorandom pattern (`group`).
constexpr uint64_t kA = 0x0123456789abcdefu, kB = 0;
RingTensor TwoValues(std::vector<bool>* group) {
  std::mt19937_64 rng(6);
  RingTensor t(Shape{kElements});
  group->resize(static_cast<size_t>(kElements));
  for (int64_t i = 0; i < kElements; ++i) {
    const bool b = (rng() & 1) != 0;
    (*group)[static_cast<size_t>(i)] = b;
    t.data()[i] = b ? kB : kA;
  }
  return t;
}

class UploadShareStatisticsTest : public ::testing::TestWithParam<ProtocolKind> {};

// A constant is the sharpest input: a part that depended on the value would repeat it.
TEST_P(UploadShareStatisticsTest, EveryPartLooksUniform) {
  const ProtocolKind kind = GetParam();
  const std::vector<Parts> parts = SplitForUpload(kind, RingTensor::Filled(Shape{kElements}, kA));
  for (size_t party = 0; party < parts.size(); ++party) {
    for (size_t part = 0; part < parts[party].size(); ++part) {
      const double statistic = ByteChiSquare(BytesOf(parts[party][part]));
      fmt::print("chi-square {} party {} part {}: {:.1f}\n", ProtocolKindName(kind), party, part,
                 statistic);
      EXPECT_LT(statistic, kThreshold) << "party " << party << " part " << part;
    }
  }
}

// The bytes of a part where the value is kA and where it is kB follow one distribution.
TEST_P(UploadShareStatisticsTest, EveryPartIsIndependentOfTheValue) {
  const ProtocolKind kind = GetParam();
  std::vector<bool> group;
  const std::vector<Parts> parts = SplitForUpload(kind, TwoValues(&group));
  for (size_t party = 0; party < parts.size(); ++party) {
    for (size_t part = 0; part < parts[party].size(); ++part) {
      const double statistic = HomogeneityChiSquare(parts[party][part], group);
      fmt::print("homogeneity {} party {} part {}: {:.1f}\n", ProtocolKindName(kind), party, part,
                 statistic);
      EXPECT_LT(statistic, kThreshold) << "party " << party << " part " << part;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SecureProtocols, UploadShareStatisticsTest,
                         ::testing::Values(ProtocolKind::kDealer2pc, ProtocolKind::kRep3),
                         KindName);

// Negative controls: the plaintext "share" (the value itself) fails both checks, and so does a
// share that is uniform on its own bytes but for one bit per element copied from the value.
TEST(UploadShareStatisticsControlTest, TheChecksCatchLeakingParts) {
  std::vector<bool> group;
  const RingTensor value = TwoValues(&group);
  const std::vector<Parts> plain = SplitForUpload(ProtocolKind::kPlaintext, value);
  EXPECT_GT(ByteChiSquare(BytesOf(plain[0][0])), kThreshold);
  EXPECT_GT(HomogeneityChiSquare(plain[0][0], group), kThreshold);

  RingTensor leaky = RandomTensor(value.shape(), 7);
  for (int64_t i = 0; i < leaky.numel(); ++i) {
    leaky.data()[i] = (leaky[i] & ~uint64_t{1}) | (value[i] & 1);  // kA is odd, kB even
  }
  const double uniform = ByteChiSquare(BytesOf(leaky));
  const double homogeneity = HomogeneityChiSquare(leaky, group);
  fmt::print("one leaked bit per element: chi-square {:.1f}, homogeneity {:.1f}\n", uniform,
             homogeneity);
  EXPECT_LT(uniform, kThreshold);      // invisible to the uniformity check ...
  EXPECT_GT(homogeneity, kThreshold);  // ... but not to the independence check
}

}  // namespace
}  // namespace arca::mpc
