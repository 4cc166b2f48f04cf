// Authenticated encryption with associated data (OpenSSL EVP): AES-128-GCM, AES-256-GCM and
// ChaCha20-Poly1305, each with a 12-byte nonce and a 16-byte tag appended to the ciphertext.
//
// Open either returns the whole plaintext or a DataLoss error "authentication failed ..."
// and no plaintext at all: nothing decrypted from a forged ciphertext leaves this file.
// Nonces are the caller's responsibility: a (key, nonce) pair must never seal twice.
#ifndef ARCA_CRYPTO_AEAD_H_
#define ARCA_CRYPTO_AEAD_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "arca/base/bytes.h"
#include "arca/base/status.h"

namespace arca::crypto {

enum class AeadAlgorithm { kAes128Gcm, kAes256Gcm, kChaCha20Poly1305 };

inline constexpr size_t kAeadNonceSize = 12;
inline constexpr size_t kAeadTagSize = 16;

// 16 for AES-128-GCM, 32 for the others.
size_t AeadKeySize(AeadAlgorithm algorithm);
// "AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305".
std::string_view AeadName(AeadAlgorithm algorithm);

// A key for one algorithm. Move-only; the key bytes are wiped when it is destroyed.
class Aead {
 public:
  // `key` must have AeadKeySize(algorithm) bytes.
  static Result<Aead> Create(AeadAlgorithm algorithm, ByteView key);

  Aead(Aead&& other) noexcept = default;
  Aead& operator=(Aead&& other) noexcept;
  Aead(const Aead&) = delete;
  Aead& operator=(const Aead&) = delete;
  ~Aead();

  AeadAlgorithm algorithm() const { return algorithm_; }

  // ciphertext || tag, plaintext.size() + kAeadTagSize bytes.
  Result<Bytes> Seal(ByteView nonce, ByteView plaintext, ByteView aad) const;
  // The same into `out`, which must have exactly plaintext.size() + kAeadTagSize bytes (it
  // may not overlap `plaintext`). For streams that reuse one buffer.
  Status SealInto(ByteView nonce, ByteView plaintext, ByteView aad, std::span<uint8_t> out) const;

  // The plaintext of `ciphertext_and_tag`, or DataLoss if it does not authenticate.
  Result<Bytes> Open(ByteView nonce, ByteView ciphertext_and_tag, ByteView aad) const;
  // The same into `out`, which must have exactly ciphertext_and_tag.size() - kAeadTagSize
  // bytes; on any error `out` is zeroed.
  Status OpenInto(ByteView nonce, ByteView ciphertext_and_tag, ByteView aad,
                  std::span<uint8_t> out) const;

 private:
  Aead(AeadAlgorithm algorithm, Bytes key) : algorithm_(algorithm), key_(std::move(key)) {}

  AeadAlgorithm algorithm_;
  Bytes key_;
};

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_AEAD_H_
