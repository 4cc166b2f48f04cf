// HKDF with SHA-256 (RFC 5869), split into its two steps as HPKE (RFC 9180) needs them.
//
// Both steps are OpenSSL's EVP_KDF "HKDF" in EXTRACT_ONLY / EXPAND_ONLY mode; nothing here
// computes an HMAC by hand.
#ifndef ARCA_CRYPTO_HKDF_H_
#define ARCA_CRYPTO_HKDF_H_

#include <cstddef>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/crypto/hash.h"

namespace arca::crypto {

// HashLen of SHA-256: the size of a pseudorandom key, and Expand's block size.
inline constexpr size_t kHkdfSha256PrkSize = 32;
// RFC 5869 section 2.3: Expand produces at most 255 * HashLen bytes.
inline constexpr size_t kHkdfSha256MaxOutput = 255 * kHkdfSha256PrkSize;

// HKDF-Extract(salt, ikm) -> PRK. An empty salt means HashLen zero bytes (RFC 5869 2.2).
Sha256Digest HkdfSha256Extract(ByteView salt, ByteView ikm);

// HKDF-Expand(prk, info, length). `prk` must be at least HashLen bytes and `length` at most
// kHkdfSha256MaxOutput; otherwise an invalid-argument error.
Result<Bytes> HkdfSha256Expand(ByteView prk, ByteView info, size_t length);

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_HKDF_H_
