#include "arca/crypto/x25519.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "arca/crypto/openssl_ptr.h"

namespace arca::crypto {
namespace {

using Pkey = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtx = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;

Status CheckSize(ByteView key, const char* what) {
  if (key.size() != kX25519KeySize) {
    return InvalidArgumentError(std::string("X25519 ") + what + " has " +
                                std::to_string(key.size()) + " bytes; expected 32");
  }
  return OkStatus();
}

Pkey PrivateKey(ByteView raw) {
  return Pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, raw.data(), raw.size()));
}

bool RawPublic(EVP_PKEY* key, X25519Key& out) {
  size_t size = out.size();
  return EVP_PKEY_get_raw_public_key(key, out.data(), &size) == 1 && size == out.size();
}

}  // namespace

X25519KeyPair GenerateX25519KeyPair() {
  const PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, nullptr));
  EVP_PKEY* raw_key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw_key) != 1) {
    // Only a failing RNG or allocation gets here; a guessable key would be worse than stopping.
    std::abort();
  }
  const Pkey key(raw_key);
  X25519KeyPair pair;
  size_t size = pair.private_key.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), pair.private_key.data(), &size) != 1 ||
      size != pair.private_key.size() || !RawPublic(key.get(), pair.public_key)) {
    std::abort();
  }
  return pair;
}

Result<X25519Key> X25519PublicKey(ByteView private_key) {
  ARCA_RETURN_IF_ERROR(CheckSize(private_key, "private key"));
  const Pkey key = PrivateKey(private_key);
  X25519Key out{};
  if (!key || !RawPublic(key.get(), out)) {
    return InternalError("X25519: OpenSSL cannot load the private key");
  }
  return out;
}

Result<X25519Key> X25519(ByteView private_key, ByteView peer_public_key) {
  ARCA_RETURN_IF_ERROR(CheckSize(private_key, "private key"));
  ARCA_RETURN_IF_ERROR(CheckSize(peer_public_key, "peer public key"));
  const Pkey key = PrivateKey(private_key);
  const Pkey peer(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer_public_key.data(),
                                              peer_public_key.size()));
  if (!key || !peer) return InternalError("X25519: OpenSSL cannot load the keys");
  const PkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
  X25519Key secret{};
  size_t size = secret.size();
  // OpenSSL refuses to derive an all-zero secret; the check below says so explicitly too.
  const bool derived = ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
                       EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) == 1 &&
                       EVP_PKEY_derive(ctx.get(), secret.data(), &size) == 1 &&
                       size == secret.size();
  if (!derived || CRYPTO_memcmp(secret.data(), X25519Key{}.data(), secret.size()) == 0) {
    OPENSSL_cleanse(secret.data(), secret.size());
    return InvalidArgumentError(
        "X25519: the peer public key is a small-order point (the shared secret would be zero)");
  }
  return secret;
}

}  // namespace arca::crypto
