#include "arca/crypto/signing_key.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "arca/crypto/openssl_ptr.h"

namespace arca::crypto {

Result<Bytes> ReadEd25519PublicKeyFile(const std::string& path) {
  ARCA_ASSIGN_OR_RETURN(const Bytes bytes, ReadFileBytes(path));
  if (bytes.size() == 32) return bytes;
  std::string text(bytes.begin(), bytes.end());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  Result<Bytes> hex = FromHex(text);
  if (hex.ok() && hex->size() == 32) return hex;
  return InvalidArgumentError(path +
                              " is not an Ed25519 public key (64 hex digits or 32 raw bytes)");
}
namespace {

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* key) { return {key, EVP_PKEY_free}; }

}  // namespace

SigningKey SigningKey::Generate() {
  const OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &key) != 1) {
    // Only a failing RNG or allocation gets here; a guessable key would be worse than stopping.
    std::abort();
  }
  return SigningKey(Share(key));
}

Result<SigningKey> SigningKey::FromSeed(ByteView seed) {
  if (seed.size() != kEd25519SeedSize) {
    return InvalidArgumentError("an Ed25519 seed has 32 bytes, not " + std::to_string(seed.size()));
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size());
  if (key == nullptr) return InternalError("OpenSSL cannot load an Ed25519 seed");
  return SigningKey(Share(key));
}

Ed25519Seed SigningKey::Seed() const {
  Ed25519Seed seed{};
  size_t size = seed.size();
  // A loaded Ed25519 key always has its seed; failing here would be an OpenSSL bug.
  if (EVP_PKEY_get_raw_private_key(key_.get(), seed.data(), &size) != 1 || size != seed.size()) {
    std::abort();
  }
  return seed;
}

std::array<uint8_t, 32> SigningKey::RawPublicKey() const {
  std::array<uint8_t, 32> raw{};
  size_t size = raw.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), raw.data(), &size) != 1 || size != raw.size()) {
    std::abort();
  }
  return raw;
}

crypto::PublicKey SigningKey::PublicKey() const {
  Result<crypto::PublicKey> key = PublicKey::FromEd25519(RawPublicKey());
  if (!key.ok()) std::abort();  // 32 bytes that came out of a valid key always load
  return *std::move(key);
}

Ed25519Signature SigningKey::Sign(ByteView message) const {
  const OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free> ctx(EVP_MD_CTX_new());
  Ed25519Signature signature{};
  size_t size = signature.size();
  // Ed25519 signs the message itself ("one-shot"), hence no digest and EVP_DigestSign.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()) != 1 ||
      size != signature.size()) {
    // Only allocation failure can get here.
    std::abort();
  }
  return signature;
}

}  // namespace arca::crypto
