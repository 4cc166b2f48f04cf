#include "arca/frame/divide_by_count.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

class DivideByCountTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

TEST_P(DivideByCountTest, DividesWithRelativePrecisionAtEveryCount) {
  constexpr int64_t kRows = 400;
  constexpr int kBits = 13;  // counts below 8192
  PlainTable in = testing::RandomTable(
      5, kRows, {testing::RandomColumn{{"x", ColumnType::kDecimal, {}}, -1000, 1000}});
  std::vector<uint64_t> counts;
  std::mt19937_64 rng(6);
  for (int64_t r = 0; r < kRows; ++r) {
    // Small counts, zero, and counts up to 2^13 - 1 (log-uniform).
    counts.push_back(r % 10 == 0 ? 0
                                 : static_cast<uint64_t>(std::exp2(
                                       std::uniform_real_distribution<double>(0, kBits)(rng))));
  }
  counts.back() = (uint64_t{1} << kBits) - 1;
  Result<testing::FrameRun> run = testing::RunFrame(
      GetParam(), {in},
      [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
        mpc::Protocol& p = fp.protocol();
        const Shared c = p.Public(RingTensor::FromValues(Shape{kRows}, counts));
        Table out = inputs[0];
        ARCA_ASSIGN_OR_RETURN(out.columns[0].values,
                              DivideByCount(fp, inputs[0].columns[0].values, c, kBits));
        return out;
      });
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const double ulp = std::ldexp(1.0, -18);
  for (size_t r = 0; r < kRows; ++r) {
    const double expected =
        in.columns[0].values[r] / static_cast<double>(std::max<uint64_t>(counts[r], 1));
    EXPECT_NEAR(run->result.columns[0].values[r], expected,
                std::ldexp(std::abs(expected), -15) + 4 * ulp)
        << "row " << r << ", count " << counts[r];
  }
}

TEST(CountBitsTest, CoversEveryCountUpToTheRows) {
  EXPECT_EQ(CountBits(0), 1);
  EXPECT_EQ(CountBits(1), 1);
  EXPECT_EQ(CountBits(2), 2);
  EXPECT_EQ(CountBits(255), 8);
  EXPECT_EQ(CountBits(256), 9);
}

INSTANTIATE_TEST_SUITE_P(Protocols, DivideByCountTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
