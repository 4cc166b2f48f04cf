#include "arca/crypto/hash.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

#include "arca/crypto/openssl_ptr.h"

namespace arca::crypto {
namespace {

template <size_t N>
std::array<uint8_t, N> Digest(const EVP_MD* md, std::initializer_list<ByteView> parts) {
  OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free> ctx(EVP_MD_CTX_new());
  std::array<uint8_t, N> out{};
  unsigned size = 0;
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), md, nullptr) == 1;
  for (const ByteView part : parts) {
    ok = ok && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx.get(), out.data(), &size) == 1 && size == N;
  // Only allocation failure can get here; a wrong digest would be a silent security failure.
  if (!ok) std::abort();
  return out;
}

}  // namespace

Sha256Digest Sha256(std::initializer_list<ByteView> parts) {
  return Digest<32>(EVP_sha256(), parts);
}
Sha384Digest Sha384(std::initializer_list<ByteView> parts) {
  return Digest<48>(EVP_sha384(), parts);
}
Sha512Digest Sha512(std::initializer_list<ByteView> parts) {
  return Digest<64>(EVP_sha512(), parts);
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
  // As in Digest: only allocation failure can fail here.
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) std::abort();
}

void Sha256Hasher::Update(ByteView data) {
  if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) std::abort();
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out{};
  unsigned size = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &size) != 1 || size != out.size() ||
      EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
  return out;
}

}  // namespace arca::crypto
