#include "arca/crypto/aead.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include "arca/crypto/openssl_ptr.h"

namespace arca::crypto {
namespace {

using CipherCtx = OpenSslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

// EVP_*Update take an int length, so long inputs go through in pieces of this size.
constexpr size_t kMaxUpdate = size_t{1} << 30;

constexpr std::string_view kAuthenticationFailed =
    "authentication failed: the ciphertext, its tag or its associated data was modified, or "
    "the key or nonce is not the one it was sealed with";

// The cipher implementation, fetched from the provider once per algorithm rather than on every
// call (an implicit fetch per message would cost more than sealing a short one).
const EVP_CIPHER* Cipher(AeadAlgorithm algorithm) {
  static const EVP_CIPHER* const aes128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  static const EVP_CIPHER* const aes256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  static const EVP_CIPHER* const chacha = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  switch (algorithm) {
    case AeadAlgorithm::kAes128Gcm:
      return aes128;
    case AeadAlgorithm::kAes256Gcm:
      return aes256;
    case AeadAlgorithm::kChaCha20Poly1305:
      return chacha;
  }
  return nullptr;
}

// A context keyed for `encrypt`ing or decrypting with `nonce`, or null.
CipherCtx NewContext(AeadAlgorithm algorithm, ByteView key, ByteView nonce, bool encrypt) {
  const EVP_CIPHER* cipher = Cipher(algorithm);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  // The default IV length of all three ciphers is the 12 bytes used here.
  if (cipher == nullptr || !ctx ||
      EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), nonce.data(), encrypt ? 1 : 0, nullptr) !=
          1) {
    return nullptr;
  }
  return ctx;
}

// Feeds the associated data (out == nullptr) or the text through EVP_CipherUpdate.
bool Update(EVP_CIPHER_CTX* ctx, ByteView in, uint8_t* out) {
  for (size_t done = 0; done < in.size();) {
    const size_t piece = std::min(kMaxUpdate, in.size() - done);
    int written = 0;
    if (EVP_CipherUpdate(ctx, out == nullptr ? nullptr : out + done, &written, in.data() + done,
                         static_cast<int>(piece)) != 1) {
      return false;
    }
    // AEAD ciphers are stream ciphers here: every input byte comes out at once.
    if (out != nullptr && static_cast<size_t>(written) != piece) return false;
    done += piece;
  }
  return true;
}

Status CheckNonce(ByteView nonce) {
  if (nonce.size() != kAeadNonceSize) {
    return InvalidArgumentError("AEAD nonce has " + std::to_string(nonce.size()) +
                                " bytes; expected 12");
  }
  return OkStatus();
}

}  // namespace

size_t AeadKeySize(AeadAlgorithm algorithm) {
  return algorithm == AeadAlgorithm::kAes128Gcm ? 16 : 32;
}

std::string_view AeadName(AeadAlgorithm algorithm) {
  switch (algorithm) {
    case AeadAlgorithm::kAes128Gcm:
      return "AES-128-GCM";
    case AeadAlgorithm::kAes256Gcm:
      return "AES-256-GCM";
    case AeadAlgorithm::kChaCha20Poly1305:
      return "ChaCha20-Poly1305";
  }
  return "unknown AEAD";
}

Result<Aead> Aead::Create(AeadAlgorithm algorithm, ByteView key) {
  if (key.size() != AeadKeySize(algorithm)) {
    return InvalidArgumentError(std::string(AeadName(algorithm)) + " key has " +
                                std::to_string(key.size()) + " bytes; expected " +
                                std::to_string(AeadKeySize(algorithm)));
  }
  return Aead(algorithm, Bytes(key.begin(), key.end()));
}

Aead& Aead::operator=(Aead&& other) noexcept {
  if (this != &other) {
    OPENSSL_cleanse(key_.data(), key_.size());
    algorithm_ = other.algorithm_;
    key_ = std::move(other.key_);
  }
  return *this;
}

Aead::~Aead() { OPENSSL_cleanse(key_.data(), key_.size()); }

Result<Bytes> Aead::Seal(ByteView nonce, ByteView plaintext, ByteView aad) const {
  Bytes out(plaintext.size() + kAeadTagSize);
  ARCA_RETURN_IF_ERROR(SealInto(nonce, plaintext, aad, out));
  return out;
}

Status Aead::SealInto(ByteView nonce, ByteView plaintext, ByteView aad,
                      std::span<uint8_t> out) const {
  ARCA_RETURN_IF_ERROR(CheckNonce(nonce));
  if (out.size() != plaintext.size() + kAeadTagSize) {
    return InvalidArgumentError("AEAD seal: the output buffer must be the plaintext size + 16");
  }
  const CipherCtx ctx = NewContext(algorithm_, key_, nonce, /*encrypt=*/true);
  int final_size = 0;
  if (!ctx || !Update(ctx.get(), aad, nullptr) || !Update(ctx.get(), plaintext, out.data()) ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + plaintext.size(), &final_size) != 1 ||
      final_size != 0 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kAeadTagSize),
                          out.data() + plaintext.size()) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return InternalError(std::string(AeadName(algorithm_)) + " seal failed in OpenSSL");
  }
  return OkStatus();
}

Result<Bytes> Aead::Open(ByteView nonce, ByteView ciphertext_and_tag, ByteView aad) const {
  if (ciphertext_and_tag.size() < kAeadTagSize) {
    return DataLossError(std::string(kAuthenticationFailed) + " (it is shorter than a tag)");
  }
  Bytes out(ciphertext_and_tag.size() - kAeadTagSize);
  ARCA_RETURN_IF_ERROR(OpenInto(nonce, ciphertext_and_tag, aad, out));
  return out;
}

Status Aead::OpenInto(ByteView nonce, ByteView ciphertext_and_tag, ByteView aad,
                      std::span<uint8_t> out) const {
  ARCA_RETURN_IF_ERROR(CheckNonce(nonce));
  if (ciphertext_and_tag.size() < kAeadTagSize) {
    return DataLossError(std::string(kAuthenticationFailed) + " (it is shorter than a tag)");
  }
  const ByteView ciphertext = ciphertext_and_tag.first(ciphertext_and_tag.size() - kAeadTagSize);
  if (out.size() != ciphertext.size()) {
    return InvalidArgumentError("AEAD open: the output buffer must be the ciphertext size - 16");
  }
  // EVP_CTRL_AEAD_SET_TAG takes a non-const pointer.
  std::array<uint8_t, kAeadTagSize> tag{};
  std::copy(ciphertext_and_tag.end() - kAeadTagSize, ciphertext_and_tag.end(), tag.begin());
  const CipherCtx ctx = NewContext(algorithm_, key_, nonce, /*encrypt=*/false);
  if (!ctx ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                          tag.data()) != 1 ||
      !Update(ctx.get(), aad, nullptr) || !Update(ctx.get(), ciphertext, out.data())) {
    OPENSSL_cleanse(out.data(), out.size());
    return InternalError(std::string(AeadName(algorithm_)) + " open failed in OpenSSL");
  }
  // The final step checks the tag; until it passes, `out` holds unauthenticated bytes.
  int final_size = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + out.size(), &final_size) != 1 ||
      final_size != 0) {
    OPENSSL_cleanse(out.data(), out.size());
    return DataLossError(std::string(kAuthenticationFailed));
  }
  return OkStatus();
}

}  // namespace arca::crypto
