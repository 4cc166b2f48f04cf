#include "arca/crypto/hkdf.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <string>

#include "arca/crypto/openssl_ptr.h"

namespace arca::crypto {
namespace {

// OpenSSL's HKDF implementation, fetched from the provider once: a fetch per call would cost
// more than the derivation itself.
EVP_KDF* HkdfAlgorithm() {
  // EVP_KDF_CTX_new takes a non-const EVP_KDF, but a fetched algorithm is immutable and
  // thread-safe in OpenSSL 3: the non-const static is shared read-only.
  // NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr);
  return kdf;
}

// OSSL_PARAM holds non-const pointers, but a derivation only reads its inputs. An empty input
// still needs a non-null pointer: OpenSSL takes a null one as "not set".
OSSL_PARAM OctetParam(const char* name, ByteView bytes) {
  static uint8_t empty = 0;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): OpenSSL only reads the bytes.
  void* data = bytes.empty() ? &empty : const_cast<uint8_t*>(bytes.data());
  return OSSL_PARAM_construct_octet_string(name, data, bytes.size());
}

// One HKDF step in `mode`; `salt` and `info` are ignored by the step that does not use them.
bool Derive(int mode, ByteView key, ByteView salt, ByteView info, std::span<uint8_t> out) {
  EVP_KDF* kdf = HkdfAlgorithm();
  if (kdf == nullptr) return false;
  const OpenSslPtr<EVP_KDF_CTX, EVP_KDF_CTX_free> ctx(EVP_KDF_CTX_new(kdf));
  if (!ctx) return false;
  std::string digest = "SHA256";
  std::array<OSSL_PARAM, 6> params{};
  size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0);
  params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  params[n++] = OctetParam(OSSL_KDF_PARAM_KEY, key);
  // An empty salt is left unset: OpenSSL then uses HashLen zero bytes, as the RFC says.
  if (!salt.empty()) params[n++] = OctetParam(OSSL_KDF_PARAM_SALT, salt);
  if (!info.empty()) params[n++] = OctetParam(OSSL_KDF_PARAM_INFO, info);
  params[n] = OSSL_PARAM_construct_end();
  return EVP_KDF_derive(ctx.get(), out.data(), out.size(), params.data()) == 1;
}

}  // namespace

Sha256Digest HkdfSha256Extract(ByteView salt, ByteView ikm) {
  Sha256Digest prk{};
  // Only allocation failure can get here; a wrong key would be a silent security failure.
  if (!Derive(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm, salt, {}, prk)) std::abort();
  return prk;
}

Result<Bytes> HkdfSha256Expand(ByteView prk, ByteView info, size_t length) {
  if (prk.size() < kHkdfSha256PrkSize) {
    return InvalidArgumentError("HKDF-Expand: the pseudorandom key has " +
                                std::to_string(prk.size()) + " bytes, fewer than 32");
  }
  if (length > kHkdfSha256MaxOutput) {
    return InvalidArgumentError("HKDF-Expand: " + std::to_string(length) +
                                " bytes requested, more than 255 * 32");
  }
  Bytes okm(length);
  if (length == 0) return okm;  // OpenSSL refuses an empty output; the RFC's answer is empty.
  if (!Derive(EVP_KDF_HKDF_MODE_EXPAND_ONLY, prk, {}, info, okm)) {
    return InternalError("HKDF-Expand: OpenSSL EVP_KDF_derive failed");
  }
  return okm;
}

}  // namespace arca::crypto
