// X25519 Diffie-Hellman (RFC 7748) on raw 32-byte keys, through OpenSSL EVP_PKEY.
#ifndef ARCA_CRYPTO_X25519_H_
#define ARCA_CRYPTO_X25519_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "arca/base/bytes.h"
#include "arca/base/status.h"

namespace arca::crypto {

inline constexpr size_t kX25519KeySize = 32;
using X25519Key = std::array<uint8_t, kX25519KeySize>;

struct X25519KeyPair {
  X25519Key private_key{};
  X25519Key public_key{};
};

// A fresh key pair from the operating system's randomness (via OpenSSL's RNG).
X25519KeyPair GenerateX25519KeyPair();

// The public key of a 32-byte private key (any 32 bytes are a valid private key).
Result<X25519Key> X25519PublicKey(ByteView private_key);

// The shared secret X25519(private_key, peer_public_key). A peer key of the wrong size, or a
// small-order one that makes the secret all zeros (RFC 7748 section 6.1), is an
// invalid-argument error.
Result<X25519Key> X25519(ByteView private_key, ByteView peer_public_key);

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_X25519_H_
