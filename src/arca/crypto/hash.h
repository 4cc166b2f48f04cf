// SHA-2 digests (OpenSSL EVP).
#ifndef ARCA_CRYPTO_HASH_H_
#define ARCA_CRYPTO_HASH_H_

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>

#include "arca/base/bytes.h"

namespace arca::crypto {

using Sha256Digest = std::array<uint8_t, 32>;
using Sha384Digest = std::array<uint8_t, 48>;
using Sha512Digest = std::array<uint8_t, 64>;

// Each digest is over the concatenation of the parts.
Sha256Digest Sha256(std::initializer_list<ByteView> parts);
Sha384Digest Sha384(std::initializer_list<ByteView> parts);
Sha512Digest Sha512(std::initializer_list<ByteView> parts);
inline Sha256Digest Sha256(ByteView data) { return Sha256({data}); }

// SHA-256 of bytes that arrive in pieces (a streamed upload), without holding them all.
class Sha256Hasher {
 public:
  Sha256Hasher();
  void Update(ByteView data);
  // The digest of everything given to Update; the hasher must not be used afterwards.
  Sha256Digest Finish();

 private:
  std::shared_ptr<void> ctx_;  // EVP_MD_CTX
};
inline Sha384Digest Sha384(ByteView data) { return Sha384({data}); }
inline Sha512Digest Sha512(ByteView data) { return Sha512({data}); }

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_HASH_H_
