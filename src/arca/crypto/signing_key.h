// An Ed25519 private key (RFC 8032) for signing, through OpenSSL EVP. Signatures verify with
// VerifyEd25519 in public_key.h.
#ifndef ARCA_CRYPTO_SIGNING_KEY_H_
#define ARCA_CRYPTO_SIGNING_KEY_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/crypto/public_key.h"

namespace arca::crypto {

inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;
using Ed25519Seed = std::array<uint8_t, kEd25519SeedSize>;
using Ed25519Signature = std::array<uint8_t, kEd25519SignatureSize>;

// Immutable and cheap to copy (the OpenSSL key is shared).
// Reads an Ed25519 public key file: 64 hex digits and an optional newline (what `arca keygen`
// writes to FILE.pub and a node to identity.pub), or the 32 raw bytes.
Result<Bytes> ReadEd25519PublicKeyFile(const std::string& path);

class SigningKey {
 public:
  // A fresh key from the operating system's randomness (via OpenSSL's RNG).
  static SigningKey Generate();
  // The key whose RFC 8032 private seed is `seed` (32 bytes).
  static Result<SigningKey> FromSeed(ByteView seed);

  // The private seed, e.g. to seal the key to disk. A secret: never log it.
  Ed25519Seed Seed() const;
  crypto::PublicKey PublicKey() const;
  // The raw 32-byte public key.
  std::array<uint8_t, 32> RawPublicKey() const;

  // The deterministic RFC 8032 signature of `message`.
  Ed25519Signature Sign(ByteView message) const;

  // For OpenSSL calls that sign with the key (certificates, TLS).
  EVP_PKEY* get() const { return key_.get(); }

 private:
  explicit SigningKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_SIGNING_KEY_H_
