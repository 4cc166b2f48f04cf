#include "arca/base/status.h"

#include <gtest/gtest.h>

#include <string>

namespace arca {
namespace {

Result<int> ParsePositive(int x) {
  if (x <= 0) return InvalidArgumentError("expected a positive number");
  return x;
}

Result<int> Doubled(int x) {
  ARCA_ASSIGN_OR_RETURN(int value, ParsePositive(x));
  return 2 * value;
}

Status Check(int x) {
  ARCA_RETURN_IF_ERROR(Doubled(x).status());
  return OkStatus();
}

TEST(StatusTest, OkIsDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s = DataLossError("frame truncated");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.ToString(), "data loss: frame truncated");
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsCode) {
  Status s = NotFoundError("no such column 'age'").WithContext("filter");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "filter: no such column 'age'");
  EXPECT_TRUE(OkStatus().WithContext("anything").ok());
}

TEST(ResultTest, MacrosPropagateErrors) {
  EXPECT_EQ(*Doubled(4), 8);
  Result<int> bad = Doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Check(3).ok());
  EXPECT_EQ(Check(0).code(), StatusCode::kInvalidArgument);
}

TEST(ResultTest, OkStatusIsNotAValue) {
  Result<std::string> r{OkStatus()};
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace arca
