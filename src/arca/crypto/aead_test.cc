#include "arca/crypto/aead.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace arca::crypto {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Bytes Hex(const std::string& hex) { return FromHex(hex).value(); }

struct KnownAnswer {
  const char* source;
  AeadAlgorithm algorithm;
  std::string key, nonce, aad, plaintext, ciphertext_and_tag;
};

std::vector<KnownAnswer> KnownAnswers() {
  const std::string gcm_plaintext =
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
  return {
      // RFC 8439 section 2.8.2 ("Ladies and Gentlemen of the class of '99: ...").
      {"RFC 8439 2.8.2", AeadAlgorithm::kChaCha20Poly1305,
       "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
       "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
       ToHex(AsBytes("Ladies and Gentlemen of the class of '99: If I could offer you only one "
                     "tip for the future, sunscreen would be it.")),
       "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
       "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
       "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
       "3ff4def08e4b7a9de576d26586cec64b6116"
       "1ae10b594f09e26a7e902ecbd0600691"},
      // McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", test case 4.
      {"GCM spec test case 4", AeadAlgorithm::kAes128Gcm, "feffe9928665731c6d6a8f9467308308",
       "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2", gcm_plaintext,
       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
       "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
       "5bc94fbc3221a5db94fae95ae7121a47"},
      // The same document, test case 16 (AES-256).
      {"GCM spec test case 16", AeadAlgorithm::kAes256Gcm,
       "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
       "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2", gcm_plaintext,
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
       "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
       "76fc6ece0f4e1768cddf8853bb2d551b"},
  };
}

TEST(AeadTest, MatchesKnownAnswers) {
  for (const KnownAnswer& k : KnownAnswers()) {
    SCOPED_TRACE(k.source);
    const Aead aead = Aead::Create(k.algorithm, Hex(k.key)).value();
    const Result<Bytes> sealed = aead.Seal(Hex(k.nonce), Hex(k.plaintext), Hex(k.aad));
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    EXPECT_EQ(ToHex(*sealed), k.ciphertext_and_tag);
    const Result<Bytes> opened = aead.Open(Hex(k.nonce), Hex(k.ciphertext_and_tag), Hex(k.aad));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(ToHex(*opened), k.plaintext);
  }
}

void ExpectAuthenticationFailure(const Result<Bytes>& opened) {
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(opened.status().message(), StartsWith("authentication failed"));
}

// Every single-bit change to the ciphertext, the tag or the associated data is refused.
TEST(AeadTest, RefusesEveryTamperedByte) {
  for (const KnownAnswer& k : KnownAnswers()) {
    SCOPED_TRACE(k.source);
    const Aead aead = Aead::Create(k.algorithm, Hex(k.key)).value();
    const Bytes nonce = Hex(k.nonce), aad = Hex(k.aad), sealed = Hex(k.ciphertext_and_tag);
    for (size_t i = 0; i < sealed.size(); ++i) {
      Bytes tampered = sealed;
      tampered[i] ^= 0x01;
      ExpectAuthenticationFailure(aead.Open(nonce, tampered, aad));
    }
    for (size_t i = 0; i < aad.size(); ++i) {
      Bytes tampered = aad;
      tampered[i] ^= 0x80;
      ExpectAuthenticationFailure(aead.Open(nonce, sealed, tampered));
    }
    ExpectAuthenticationFailure(aead.Open(nonce, sealed, {}));
    ExpectAuthenticationFailure(aead.Open(nonce, ByteView(sealed).first(sealed.size() - 1), aad));
    ExpectAuthenticationFailure(aead.Open(nonce, ByteView(sealed).first(15), aad));
    Bytes other_nonce = nonce;
    other_nonce[11] ^= 1;
    ExpectAuthenticationFailure(aead.Open(other_nonce, sealed, aad));
    Bytes other_key = Hex(k.key);
    other_key[0] ^= 1;
    ExpectAuthenticationFailure(
        Aead::Create(k.algorithm, other_key).value().Open(nonce, sealed, aad));
  }
}

// A failed OpenInto leaves no decrypted bytes in the caller's buffer.
TEST(AeadTest, FailedOpenIntoLeavesNoPlaintext) {
  const Aead aead = Aead::Create(AeadAlgorithm::kAes256Gcm, Bytes(32, 9)).value();
  const Bytes nonce(12, 1);
  const Bytes plaintext(100, 0x41);
  Bytes sealed = *aead.Seal(nonce, plaintext, {});
  sealed.back() ^= 1;
  Bytes out(plaintext.size(), 0x55);
  const Status status = aead.OpenInto(nonce, sealed, {}, out);
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(out, Bytes(plaintext.size(), 0));
}

TEST(AeadTest, RoundTripsEveryAlgorithmAndSize) {
  for (const AeadAlgorithm algorithm :
       {AeadAlgorithm::kAes128Gcm, AeadAlgorithm::kAes256Gcm, AeadAlgorithm::kChaCha20Poly1305}) {
    SCOPED_TRACE(AeadName(algorithm));
    const Aead aead = Aead::Create(algorithm, Bytes(AeadKeySize(algorithm), 3)).value();
    for (const size_t size : {0, 1, 15, 16, 17, 1000, 65537}) {
      Bytes plaintext(size);
      for (size_t i = 0; i < size; ++i) plaintext[i] = static_cast<uint8_t>(i * 7);
      const Bytes nonce(12, static_cast<uint8_t>(size));
      const Bytes sealed = *aead.Seal(nonce, plaintext, AsBytes("aad"));
      ASSERT_EQ(sealed.size(), size + kAeadTagSize);
      EXPECT_EQ(*aead.Open(nonce, sealed, AsBytes("aad")), plaintext);
    }
  }
}

TEST(AeadTest, RefusesWrongKeyAndNonceSizes) {
  EXPECT_EQ(Aead::Create(AeadAlgorithm::kAes128Gcm, Bytes(32)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Aead::Create(AeadAlgorithm::kChaCha20Poly1305, Bytes(16)).status().code(),
            StatusCode::kInvalidArgument);
  const Aead aead = Aead::Create(AeadAlgorithm::kAes128Gcm, Bytes(16)).value();
  const Result<Bytes> sealed = aead.Seal(Bytes(8), AsBytes("x"), {});
  EXPECT_EQ(sealed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(sealed.status().message(), HasSubstr("nonce"));
}

}  // namespace
}  // namespace arca::crypto
