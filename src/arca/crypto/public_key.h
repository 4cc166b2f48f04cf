// Public keys and signature verification (OpenSSL EVP): ECDSA on P-256 and P-384 as the
// TEE vendors use it, RSA-PSS and ECDSA inside X.509 (see x509.h), and Ed25519.
#ifndef ARCA_CRYPTO_PUBLIC_KEY_H_
#define ARCA_CRYPTO_PUBLIC_KEY_H_

#include <memory>
#include <string>

#include "arca/base/bytes.h"
#include "arca/base/status.h"

using EVP_PKEY = struct evp_pkey_st;

namespace arca::crypto {

enum class EcCurve { kP256, kP384 };
enum class DigestAlgorithm { kSha256, kSha384, kSha512 };

// An immutable public key of any type OpenSSL knows; cheap to copy (shared).
class PublicKey {
 public:
  // DER SubjectPublicKeyInfo.
  static Result<PublicKey> FromSpki(ByteView der);
  // An uncompressed EC point given as big-endian x || y (the SGX/TDX attestation key form).
  static Result<PublicKey> FromEcPoint(EcCurve curve, ByteView x_then_y);
  // A raw 32-byte Ed25519 public key.
  static Result<PublicKey> FromEd25519(ByteView raw);
  // Takes a reference on `key`. A null `key` (a certificate whose key OpenSSL cannot decode)
  // gives an empty PublicKey: every verification with it fails with an error.
  static PublicKey FromOpenSsl(EVP_PKEY* key);

  Bytes Spki() const;
  // "EC secp384r1", "RSA 4096", "ED25519", ...
  std::string Description() const;
  EVP_PKEY* get() const { return key_.get(); }

 private:
  explicit PublicKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// ECDSA over digest(message), the signature given as big-endian r and s of the curve's size
// each. A wrong signature is a DataLoss error "signature does not verify".
Status VerifyEcdsa(const PublicKey& key, DigestAlgorithm digest, ByteView message,
                   ByteView r_big_endian, ByteView s_big_endian);
// The same with r || s concatenated (COSE, TDX and SGX quotes).
Status VerifyEcdsaConcatenated(const PublicKey& key, DigestAlgorithm digest, ByteView message,
                               ByteView r_then_s);
// Ed25519 (RFC 8032), 64-byte signature.
Status VerifyEd25519(const PublicKey& key, ByteView message, ByteView signature);

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_PUBLIC_KEY_H_
