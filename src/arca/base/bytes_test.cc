#include "arca/base/bytes.h"

#include <gtest/gtest.h>

#include "arca/base/time.h"

namespace arca {
namespace {

TEST(BytesTest, HexRoundTripAndErrors) {
  const Bytes bytes = {0x00, 0x7f, 0xab, 0xff};
  EXPECT_EQ(ToHex(bytes), "007fabff");
  EXPECT_EQ(*FromHex("007FabFF"), bytes);
  EXPECT_FALSE(FromHex("abc").ok());
  EXPECT_FALSE(FromHex("zz").ok());
}

// RFC 4648, section 10.
TEST(BytesTest, Base64Rfc4648Vectors) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(ToBase64(AsBytes(plain[i])), coded[i]);
    const Bytes back = *FromBase64(coded[i]);
    EXPECT_EQ(std::string(back.begin(), back.end()), plain[i]);
  }
  EXPECT_FALSE(FromBase64("Zm9v!").ok());
  EXPECT_FALSE(FromBase64("Zg=a").ok());
  EXPECT_EQ(FromBase64("Zm9v\nYmFy")->size(), 6u);
}

TEST(TimeTest, ParsesAndFormatsUtc) {
  EXPECT_EQ(FormatTime(*ParseTime("2023-07-01T01:00:00Z")), "2023-07-01T01:00:00Z");
  EXPECT_EQ(ParseTime("2022-10-13T08:58:02.136Z")->time_since_epoch().count(), 1665651482);
  EXPECT_EQ(*ParseTime("@1665651482"), *ParseTime("2022-10-13T08:58:02Z"));
  EXPECT_EQ(*ParseTime("2025-06-01"), *ParseTime("2025-06-01T00:00:00Z"));
  EXPECT_EQ(*ParseTime("2025-06-01T02:00:00+02:00"), *ParseTime("2025-06-01T00:00:00Z"));
  EXPECT_FALSE(ParseTime("2025-13-01").ok());
  EXPECT_FALSE(ParseTime("yesterday").ok());
  EXPECT_FALSE(ParseTime("2025-06-01T00:00:00").ok());
}

}  // namespace
}  // namespace arca
