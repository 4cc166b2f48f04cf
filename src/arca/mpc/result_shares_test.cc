#include "arca/mpc/result_shares.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "arca/mpc/ring_ops.h"
#include "arca/mpc/upload_shares.h"

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

class ResultSharesTest : public ::testing::TestWithParam<ProtocolKind> {};

// Every party imports its upload parts of x, multiplies by y (an interactive step, so the
// shares are the protocol's own), and hands its result part on; the consumer's Combine gives
// x·y, and no part equals the share it came from.
TEST_P(ResultSharesTest, PartsCombineToTheOutputAndAreRerandomized) {
  const ProtocolKind kind = GetParam();
  const Shape shape{257};
  const RingTensor x = RandomTensor(shape, 1), y = RandomTensor(shape, 2);
  const std::vector<Parts> x_parts = SplitForUpload(kind, x);
  const std::vector<Parts> y_parts = SplitForUpload(kind, y);
  std::mutex mu;
  std::vector<std::optional<RingTensor>> parts(static_cast<size_t>(PartiesOf(kind)));
  std::vector<RingTensor> shares(parts.size());
  const std::vector<Status> statuses = RunInProcess(kind, [&](Protocol& p) -> Status {
    const auto party = static_cast<size_t>(p.party());
    ARCA_ASSIGN_OR_RETURN(Shared xs, ImportUploaded(kind, p.party(), shape, x_parts[party]));
    ARCA_ASSIGN_OR_RETURN(Shared ys, ImportUploaded(kind, p.party(), shape, y_parts[party]));
    ARCA_ASSIGN_OR_RETURN(Shared product, p.Mul(xs, ys));
    ARCA_ASSIGN_OR_RETURN(std::optional<RingTensor> part, ResultPart(p, product));
    std::lock_guard<std::mutex> lock(mu);
    if (!product.parts().empty()) shares[party] = product.part(0);
    parts[party] = std::move(part);
    return OkStatus();
  });
  for (const Status& s : statuses) ASSERT_TRUE(s.ok()) << s.ToString();

  std::vector<RingTensor> sent;
  for (const int party : ResultParties(kind)) {
    const auto p = static_cast<size_t>(party);
    ASSERT_TRUE(parts[p].has_value()) << "party " << party;
    if (kind != ProtocolKind::kPlaintext) {
      EXPECT_FALSE(*parts[p] == shares[p]) << "party " << party << " sent its share unmasked";
    }
    sent.push_back(*parts[p]);
  }
  if (kind == ProtocolKind::kDealer2pc) {
    EXPECT_FALSE(parts[2].has_value());
  }
  Result<RingTensor> value = Combine(kind, sent);
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_TRUE(*value == ring::Mul(x, y));
}

TEST_P(ResultSharesTest, CombineRefusesTheWrongNumberOfParts) {
  const ProtocolKind kind = GetParam();
  std::vector<RingTensor> parts(ResultParties(kind).size() + 1, RingTensor::Zeros(Shape{2}));
  EXPECT_THAT(Combine(kind, parts).status().message(), HasSubstr("parts"));
  if (parts.size() > 2) {
    parts.pop_back();
    parts.back() = RingTensor::Zeros(Shape{3});
    EXPECT_THAT(Combine(kind, parts).status().message(), HasSubstr("different shapes"));
  }
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, ResultSharesTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         KindName);

}  // namespace
}  // namespace arca::mpc
