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

// Counts below 2^bits: zeros, log-uniform counts and the largest one.
std::vector<uint64_t> SomeCounts(int64_t rows, int bits) {
  std::vector<uint64_t> counts;
  std::mt19937_64 rng(6);
  for (int64_t r = 0; r < rows; ++r) {
    counts.push_back(r % 10 == 0 ? 0
                                 : static_cast<uint64_t>(std::exp2(
                                       std::uniform_real_distribution<double>(0, bits)(rng))));
  }
  counts.back() = (uint64_t{1} << bits) - 1;
  return counts;
}

// Values in [-1000, 1000]·2^scale_bits divided by counts below 2^count_bits, as [2, rows/2]
// (the division takes any shape): within the documented 2^-15 relative + 4 ulp.
void ExpectDivides(mpc::ProtocolKind kind, int count_bits, int scale_bits) {
  constexpr int64_t kRows = 400;
  PlainTable in = testing::RandomTable(
      5, kRows, {testing::RandomColumn{{"x", ColumnType::kDecimal, {}}, -1000, 1000}});
  const std::vector<uint64_t> counts = SomeCounts(kRows, count_bits);
  Result<testing::FrameRun> run = testing::RunFrame(
      kind, {in}, [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
        mpc::Protocol& p = fp.protocol();
        const Shape square{2, kRows / 2};
        const Shared c = p.Public(RingTensor::FromValues(square, counts));
        ARCA_ASSIGN_OR_RETURN(Shared x, p.MulPublic(inputs[0].columns[0].values,
                                                    RingTensor::Scalar(uint64_t{1} << scale_bits)));
        ARCA_ASSIGN_OR_RETURN(x, p.Reshape(std::move(x), square));
        ARCA_ASSIGN_OR_RETURN(Shared quotient, DivideByCount(fp, x, c, count_bits));
        if (quotient.shape() != square) return InternalError("the quotient changed shape");
        Table out = inputs[0];
        ARCA_ASSIGN_OR_RETURN(out.columns[0].values, p.Reshape(quotient, Shape{kRows}));
        return out;
      });
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const double ulp = std::ldexp(1.0, -18);
  for (size_t r = 0; r < kRows; ++r) {
    const double expected = std::ldexp(in.columns[0].values[r], scale_bits) /
                            static_cast<double>(std::max<uint64_t>(counts[r], 1));
    EXPECT_NEAR(run->result.columns[0].values[r], expected,
                std::ldexp(std::abs(expected), -15) + 4 * ulp)
        << "row " << r << ", count " << counts[r];
  }
}

TEST_P(DivideByCountTest, DividesWithRelativePrecisionAtEveryCount) {
  ExpectDivides(GetParam(), 13, 0);
}

// Counts of 10^7-row tables and sums near the top of the range (|x| up to 2^40 < 2^(61-f)).
TEST_P(DivideByCountTest, DividesLargeSumsByLargeCounts) { ExpectDivides(GetParam(), 24, 30); }

TEST_P(DivideByCountTest, RoundsFollowTheDocumentedFormula) {
  if (GetParam() == mpc::ProtocolKind::kPlaintext) GTEST_SKIP() << "no network";
  // Secret counts: a protocol may skip the comparisons of public ones.
  PlainTable in =
      testing::RandomTable(7, 8,
                           {testing::RandomColumn{{"x", ColumnType::kDecimal, {}}, 1, 2},
                            testing::RandomColumn{{"c", ColumnType::kInteger, {}}, 0, 1000}});
  int64_t expected = -1, measured = -2;
  Result<testing::FrameRun> run = testing::RunFrame(
      GetParam(), {in},
      [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
        mpc::Protocol& p = fp.protocol();
        const Shared& x = inputs[0].columns[0].values;
        const auto rounds = [&] { return p.session().network().stats().rounds; };
        int64_t before = rounds();
        ARCA_RETURN_IF_ERROR(fp.Reciprocal(x).status());
        const int64_t recip = rounds() - before;
        const auto cost = [&](mpc::Op op, int64_t count) {
          mpc::OpCall call;
          call.op = op;
          call.a = x.shape();
          call.b = x.shape();
          call.count = count;
          return p.Cost(call)[0].rounds;
        };
        const Shared& c = inputs[0].columns[1].values;
        before = rounds();
        ARCA_RETURN_IF_ERROR(DivideByCount(fp, x, c, 10).status());
        if (p.party() != 0) return inputs[0];
        measured = rounds() - before;
        expected = cost(mpc::Op::kLessThan, 10) + 4 * cost(mpc::Op::kTruncate, 1) +
                   2 * cost(mpc::Op::kMul, 1) + recip;
        return inputs[0];
      });
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(measured, expected);
}

TEST_P(DivideByCountTest, RefusesMismatchedShapesAndTooManyCountBits) {
  PlainTable in =
      testing::RandomTable(7, 8, {testing::RandomColumn{{"x", ColumnType::kDecimal, {}}, 1, 2}});
  std::vector<std::string> errors;
  Result<testing::FrameRun> run = testing::RunFrame(
      GetParam(), {in},
      [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
        mpc::Protocol& p = fp.protocol();
        const Shared& x = inputs[0].columns[0].values;
        const Shared wrong = p.Public(RingTensor::Filled(Shape{4}, 3));
        const Shared right = p.Public(RingTensor::Filled(x.shape(), 3));
        if (p.party() == 0) {
          errors.push_back(DivideByCount(fp, x, wrong, 10).status().ToString());
          errors.push_back(DivideByCount(fp, x, right, kMaxCountBits + 1).status().ToString());
        }
        return inputs[0];
      });
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("values [8] and counts [4] must have one shape"), std::string::npos)
      << errors[0];
  EXPECT_NE(errors[1].find("count bits 31 be in [1, 30]"), std::string::npos) << errors[1];
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
