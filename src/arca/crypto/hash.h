// SHA-2 digests (OpenSSL EVP).
#ifndef ARCA_CRYPTO_HASH_H_
#define ARCA_CRYPTO_HASH_H_

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>

#include "arca/base/bytes.h"

using EVP_MD_CTX = struct evp_md_ctx_st;

namespace arca::crypto {

using Sha256Digest = std::array<uint8_t, 32>;
using Sha384Digest = std::array<uint8_t, 48>;
using Sha512Digest = std::array<uint8_t, 64>;

// Each digest is over the concatenation of the parts.
Sha256Digest Sha256(std::initializer_list<ByteView> parts);
Sha384Digest Sha384(std::initializer_list<ByteView> parts);
Sha512Digest Sha512(std::initializer_list<ByteView> parts);
inline Sha256Digest Sha256(ByteView data) { return Sha256({data}); }
inline Sha384Digest Sha384(ByteView data) { return Sha384({data}); }
inline Sha512Digest Sha512(ByteView data) { return Sha512({data}); }

// SHA-256 of data that arrives piece by piece (an upload too large to hold at once).
class Sha256Hasher {
 public:
  Sha256Hasher();
  void Update(ByteView data);
  // The digest of everything passed to Update; the hasher then starts over, empty.
  Sha256Digest Finish();

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_HASH_H_
