#include "arca/plan/input_encoding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "arca/fxp/encoding.h"

namespace arca::plan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

PlainInput Column(ColumnType type, const std::vector<double>& values, size_t categories = 0) {
  return PlainInput{"hospital", "income", type, categories, values};
}

// The error message of encoding `values` as `type`.
std::string Refusal(ColumnType type, const std::vector<double>& values, size_t categories = 0,
                    int frac_bits = fxp::kDefaultFracBits) {
  Result<mpc::RingTensor> out = EncodeInput(Column(type, values, categories), frac_bits);
  EXPECT_FALSE(out.ok());
  return out.ok() ? "" : out.status().message();
}

TEST(EncodeInputTest, DecimalsAreRoundedFixedPoint) {
  const std::vector<double> values = {0, 1.5, -2.25, 1e-6, -3.0000019073486328, 12345.678};
  Result<mpc::RingTensor> out = EncodeInput(Column(ColumnType::kDecimal, values), 18);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->numel(), 6);
  for (size_t i = 0; i < values.size(); ++i) {
    const auto expected = static_cast<int64_t>(std::llround(std::ldexp(values[i], 18)));
    EXPECT_EQ(static_cast<int64_t>(out->data()[i]), expected) << "row " << i;
    EXPECT_NEAR(fxp::DecodeValue(out->data()[i], 18), values[i], 0x1p-19) << "row " << i;
  }
}

TEST(EncodeInputTest, IntegersBooleansAndCategoriesAreRingIntegers) {
  const std::vector<double> integers = {0, 7, -7, 0x1p52 - 1, -(0x1p52 - 1)};
  Result<mpc::RingTensor> out = EncodeInput(Column(ColumnType::kInteger, integers), 18);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  for (size_t i = 0; i < integers.size(); ++i) {
    EXPECT_EQ(static_cast<int64_t>(out->data()[i]), static_cast<int64_t>(integers[i]));
  }
  out = EncodeInput(Column(ColumnType::kBoolean, {1, 0, 1}), 18);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(std::vector<uint64_t>(out->data(), out->data() + 3), (std::vector<uint64_t>{1, 0, 1}));
  out = EncodeInput(Column(ColumnType::kCategorical, {2, 0, 1}, 3), 18);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(std::vector<uint64_t>(out->data(), out->data() + 3), (std::vector<uint64_t>{2, 0, 1}));
}

TEST(EncodeInputTest, AnEmptyColumnIsAnEmptyTensor) {
  Result<mpc::RingTensor> out = EncodeInput(Column(ColumnType::kDecimal, {}), 18);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->numel(), 0);
}

TEST(EncodeInputTest, ErrorsNameDatasetColumnAndRowButNeverTheValue) {
  // 2^44 is the first decimal outside the range at 18 bits.
  std::string message = Refusal(ColumnType::kDecimal, {1, 17592186044416.5});
  EXPECT_EQ(message,
            "dataset 'hospital', column 'income', row 1: outside the fixed-point range "
            "(|v| < 2^44)");
  EXPECT_THAT(message, Not(HasSubstr("17592186044416")));
  // At 26 bits the range shrinks to 2^36.
  EXPECT_THAT(Refusal(ColumnType::kDecimal, {0x1p36}, 0, 26), HasSubstr("row 0: outside"));
  EXPECT_THAT(Refusal(ColumnType::kDecimal, {std::nan("")}), HasSubstr("row 0: outside"));

  message = Refusal(ColumnType::kInteger, {3, 4, 41.5});
  EXPECT_EQ(message,
            "dataset 'hospital', column 'income', row 2: needs a whole number below 2^52 in "
            "magnitude");
  EXPECT_THAT(message, Not(HasSubstr("41")));
  EXPECT_THAT(Refusal(ColumnType::kInteger, {0x1p52}), HasSubstr("row 0: needs a whole number"));
  EXPECT_THAT(Refusal(ColumnType::kInteger, {std::numeric_limits<double>::infinity()}),
              HasSubstr("row 0: needs a whole number"));

  EXPECT_EQ(Refusal(ColumnType::kBoolean, {0, 2}),
            "dataset 'hospital', column 'income', row 1: a boolean is 0 or 1");
  EXPECT_EQ(Refusal(ColumnType::kCategorical, {0, 1, 3}, 3),
            "dataset 'hospital', column 'income', row 2: not an index into the column's 3 "
            "categories");
  EXPECT_THAT(Refusal(ColumnType::kCategorical, {-1}, 3), HasSubstr("row 0: not an index"));
}

TEST(EncodeInputTest, RefusesFractionalBitsOutsideThePlansRange) {
  EXPECT_THAT(Refusal(ColumnType::kDecimal, {1}, 0, 30), HasSubstr("30 fractional bits"));
}

}  // namespace
}  // namespace arca::plan
