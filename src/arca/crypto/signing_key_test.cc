#include "arca/crypto/signing_key.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "arca/crypto/public_key.h"

namespace arca::crypto {
namespace {

Bytes Hex(const std::string& hex) { return FromHex(hex).value(); }

// RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte).
TEST(SigningKeyTest, MatchesRfc8032TestVectors) {
  struct Case {
    std::string seed, public_key, message, signature;
  };
  const Case cases[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
       "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
       "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
  };
  for (const Case& c : cases) {
    const SigningKey key = SigningKey::FromSeed(Hex(c.seed)).value();
    EXPECT_EQ(ToHex(key.Seed()), c.seed);
    EXPECT_EQ(ToHex(key.RawPublicKey()), c.public_key);
    const Ed25519Signature signature = key.Sign(Hex(c.message));
    EXPECT_EQ(ToHex(signature), c.signature);
    EXPECT_TRUE(VerifyEd25519(key.PublicKey(), Hex(c.message), signature).ok());
  }
}

TEST(SigningKeyTest, GeneratedKeySignsAndRoundTripsThroughItsSeed) {
  const SigningKey key = SigningKey::Generate();
  const ByteView message = AsBytes("attested node identity");
  const Ed25519Signature signature = key.Sign(message);
  EXPECT_TRUE(VerifyEd25519(key.PublicKey(), message, signature).ok());
  EXPECT_FALSE(VerifyEd25519(key.PublicKey(), AsBytes("another message"), signature).ok());
  Ed25519Signature tampered = signature;
  tampered[10] ^= 1;
  EXPECT_FALSE(VerifyEd25519(key.PublicKey(), message, tampered).ok());

  const SigningKey restored = SigningKey::FromSeed(key.Seed()).value();
  EXPECT_EQ(restored.RawPublicKey(), key.RawPublicKey());
  EXPECT_EQ(restored.Sign(message), signature);  // Ed25519 is deterministic
  EXPECT_EQ(restored.PublicKey().Spki(), key.PublicKey().Spki());
  EXPECT_NE(SigningKey::Generate().RawPublicKey(), key.RawPublicKey());
}

TEST(SigningKeyTest, RefusesSeedOfWrongSize) {
  EXPECT_EQ(SigningKey::FromSeed(Bytes(31)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SigningKey::FromSeed(Bytes(64)).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace arca::crypto

namespace arca::crypto {
namespace {

TEST(Ed25519PublicKeyFileTest, HexOrRawIsReadAnythingElseRefused) {
  const std::string dir = ::testing::TempDir();
  const SigningKey key = SigningKey::Generate();
  const auto raw = key.RawPublicKey();
  const Bytes expected(raw.begin(), raw.end());
  std::ofstream(dir + "/key.pub") << ToHex(expected) << "\n";
  std::ofstream(dir + "/key.raw", std::ios::binary)
      .write(reinterpret_cast<const char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
  std::ofstream(dir + "/key.bad") << "not a key\n";
  EXPECT_EQ(*ReadEd25519PublicKeyFile(dir + "/key.pub"), expected);
  EXPECT_EQ(*ReadEd25519PublicKeyFile(dir + "/key.raw"), expected);
  EXPECT_NE(ReadEd25519PublicKeyFile(dir + "/key.bad")
                .status()
                .message()
                .find("is not an Ed25519 public key"),
            std::string::npos);
}

}  // namespace
}  // namespace arca::crypto
