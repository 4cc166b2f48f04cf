#include "arca/crypto/public_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>
#include <vector>

namespace arca::crypto {
namespace {

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

// RFC 8032, section 7.1, TEST 2 (one-byte message 0x72).
TEST(PublicKeyTest, Ed25519Rfc8032Vector) {
  const PublicKey key = *PublicKey::FromEd25519(
      Hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"));
  const Bytes message = Hex("72");
  Bytes signature =
      Hex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
          "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  EXPECT_TRUE(VerifyEd25519(key, message, signature).ok());
  signature[10] ^= 1;
  EXPECT_EQ(VerifyEd25519(key, message, signature).message(), "signature does not verify");
  EXPECT_FALSE(VerifyEd25519(key, Hex("73"), signature).ok());
  EXPECT_FALSE(PublicKey::FromEd25519(Hex("00")).ok());
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};

// Signs with a fresh OpenSSL key and checks both the SPKI and the raw-point forms of its
// public key against both signature encodings.
TEST(PublicKeyTest, EcdsaP384RawAndConcatenatedSignatures) {
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey(EVP_EC_gen("P-384"));
  ASSERT_TRUE(pkey);
  const Bytes message = {1, 2, 3, 4, 5};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  ASSERT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha384(), nullptr, pkey.get()), 1);
  size_t size = 0;
  ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()), 1);
  Bytes der(size);
  ASSERT_EQ(EVP_DigestSign(ctx.get(), der.data(), &size, message.data(), message.size()), 1);
  const unsigned char* p = der.data();
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<int64_t>(size)), ECDSA_SIG_free);
  Bytes r_then_s(96);
  BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), r_then_s.data(), 48);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), r_then_s.data() + 48, 48);

  const PublicKey key = PublicKey::FromOpenSsl(pkey.get());
  EXPECT_EQ(key.Description(), "EC secp384r1");
  EXPECT_TRUE(VerifyEcdsaConcatenated(key, DigestAlgorithm::kSha384, message, r_then_s).ok());
  const PublicKey again = *PublicKey::FromSpki(key.Spki());
  EXPECT_TRUE(VerifyEcdsa(again, DigestAlgorithm::kSha384, message, ByteView(r_then_s).first(48),
                          ByteView(r_then_s).subspan(48))
                  .ok());
  // The raw point is the SPKI's last 96 bytes (after the 0x04 uncompressed marker).
  const Bytes spki = key.Spki();
  const Result<PublicKey> raw =
      PublicKey::FromEcPoint(EcCurve::kP384, ByteView(spki).subspan(spki.size() - 96));
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_TRUE(VerifyEcdsaConcatenated(*raw, DigestAlgorithm::kSha384, message, r_then_s).ok());

  for (const size_t i : {size_t{0}, size_t{47}, size_t{48}, size_t{95}}) {
    Bytes bad = r_then_s;
    bad[i] ^= 0x80;
    EXPECT_FALSE(VerifyEcdsaConcatenated(key, DigestAlgorithm::kSha384, message, bad).ok()) << i;
  }
  EXPECT_FALSE(VerifyEcdsaConcatenated(key, DigestAlgorithm::kSha256, message, r_then_s).ok());
  EXPECT_FALSE(VerifyEd25519(key, message, r_then_s).ok());
  // A point off the curve is refused.
  Bytes off = Bytes(spki.end() - 96, spki.end());
  off[95] ^= 1;
  EXPECT_FALSE(PublicKey::FromEcPoint(EcCurve::kP384, off).ok());
}

}  // namespace
}  // namespace arca::crypto
