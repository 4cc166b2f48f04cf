#include "arca/crypto/hkdf.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace arca::crypto {
namespace {

Bytes Range(int first, int last) {
  Bytes out;
  for (int b = first; b <= last; ++b) out.push_back(static_cast<uint8_t>(b));
  return out;
}

struct Rfc5869Case {
  const char* name;
  Bytes ikm;
  Bytes salt;
  Bytes info;
  size_t length;
  std::string prk;
  std::string okm;
};

// RFC 5869 appendix A, test cases 1-3 (the SHA-256 ones).
std::vector<Rfc5869Case> Rfc5869Cases() {
  return {
      {"A.1 basic", Bytes(22, 0x0b), Range(0x00, 0x0c), Range(0xf0, 0xf9), 42,
       "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
       "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
      {"A.2 long inputs and outputs", Range(0x00, 0x4f), Range(0x60, 0xaf), Range(0xb0, 0xff), 82,
       "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
       "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
       "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
       "cc30c58179ec3e87c14c01d5c1f3434f1d87"},
      {"A.3 empty salt and info",
       Bytes(22, 0x0b),
       {},
       {},
       42,
       "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
       "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
  };
}

TEST(HkdfTest, MatchesRfc5869TestCases) {
  for (const Rfc5869Case& c : Rfc5869Cases()) {
    SCOPED_TRACE(c.name);
    const Sha256Digest prk = HkdfSha256Extract(c.salt, c.ikm);
    EXPECT_EQ(ToHex(prk), c.prk);
    const Result<Bytes> okm = HkdfSha256Expand(prk, c.info, c.length);
    ASSERT_TRUE(okm.ok()) << okm.status().ToString();
    EXPECT_EQ(ToHex(*okm), c.okm);
  }
}

// RFC 5869 section 2.2: an absent salt is HashLen zero bytes.
TEST(HkdfTest, EmptySaltIsHashLenZeros) {
  const ByteView ikm = AsBytes("input keying material");
  EXPECT_EQ(HkdfSha256Extract({}, ikm), HkdfSha256Extract(Bytes(32, 0), ikm));
}

TEST(HkdfTest, EmptyIkmIsAllowed) { EXPECT_NE(HkdfSha256Extract({}, {}), Sha256Digest{}); }

TEST(HkdfTest, ExpandLengthLimits) {
  const Sha256Digest prk = HkdfSha256Extract({}, Bytes(32, 7));
  EXPECT_TRUE(HkdfSha256Expand(prk, {}, 0)->empty());
  EXPECT_EQ(HkdfSha256Expand(prk, {}, kHkdfSha256MaxOutput)->size(), kHkdfSha256MaxOutput);
  const Result<Bytes> too_long = HkdfSha256Expand(prk, {}, kHkdfSha256MaxOutput + 1);
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);
  // A prefix of a longer output is the shorter output: Expand is a stream of HMAC blocks.
  const Bytes long_okm = *HkdfSha256Expand(prk, AsBytes("x"), 100);
  EXPECT_EQ(*HkdfSha256Expand(prk, AsBytes("x"), 33),
            Bytes(long_okm.begin(), long_okm.begin() + 33));
}

TEST(HkdfTest, ExpandRefusesShortPrk) {
  const Result<Bytes> okm = HkdfSha256Expand(Bytes(31, 1), {}, 32);
  EXPECT_EQ(okm.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace arca::crypto
