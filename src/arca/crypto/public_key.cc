#include "arca/crypto/public_key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <memory>

#include "arca/crypto/openssl_ptr.h"

namespace arca::crypto {
namespace {

using PkeyPtr = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPtr = OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using BnPtr = OpenSslPtr<BIGNUM, BN_free>;
using SigPtr = OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free>;
using ParamBldPtr = OpenSslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamPtr = OpenSslPtr<OSSL_PARAM, OSSL_PARAM_free>;

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* key) { return {key, EVP_PKEY_free}; }

const EVP_MD* Md(DigestAlgorithm digest) {
  switch (digest) {
    case DigestAlgorithm::kSha256:
      return EVP_sha256();
    case DigestAlgorithm::kSha384:
      return EVP_sha384();
    case DigestAlgorithm::kSha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

Status BadSignature() { return DataLossError("signature does not verify"); }

// Verifies a DER signature over digest(message) with EVP_DigestVerify (md null for Ed25519).
Status DigestVerify(EVP_PKEY* key, const EVP_MD* md, ByteView message, ByteView signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) {
    return InvalidArgumentError("the key cannot verify this kind of signature");
  }
  const int ok = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                                  message.size());
  return ok == 1 ? OkStatus() : BadSignature();
}

}  // namespace

Result<PublicKey> PublicKey::FromSpki(ByteView der) {
  const unsigned char* p = der.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<int64_t>(der.size()));
  if (key == nullptr || p != der.data() + der.size()) {
    EVP_PKEY_free(key);
    return InvalidArgumentError("not a DER SubjectPublicKeyInfo");
  }
  return PublicKey(Share(key));
}

Result<PublicKey> PublicKey::FromEcPoint(EcCurve curve, ByteView x_then_y) {
  const size_t coordinate = curve == EcCurve::kP256 ? 32 : 48;
  if (x_then_y.size() != 2 * coordinate) {
    return InvalidArgumentError("EC point has " + std::to_string(x_then_y.size()) +
                                " bytes, expected " + std::to_string(2 * coordinate));
  }
  Bytes encoded(1 + x_then_y.size());
  encoded[0] = 0x04;  // uncompressed point (SEC 1, 2.3.3)
  std::copy(x_then_y.begin(), x_then_y.end(), encoded.begin() + 1);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  const char* group = curve == EcCurve::kP256 ? "P-256" : "P-384";
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, encoded.data(),
                                       encoded.size()) != 1) {
    return InternalError("cannot build EC key parameters");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return InvalidArgumentError(std::string("not a point on ") + group);
  }
  PkeyPtr owned(key);
  // fromdata does not check that the point is on the curve; a public check does.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return InvalidArgumentError(std::string("not a point on ") + group);
  }
  return PublicKey(Share(owned.release()));
}

Result<PublicKey> PublicKey::FromEd25519(ByteView raw) {
  if (raw.size() != 32) return InvalidArgumentError("an Ed25519 public key has 32 bytes");
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size());
  if (key == nullptr) return InvalidArgumentError("not an Ed25519 public key");
  return PublicKey(Share(key));
}

PublicKey PublicKey::FromOpenSsl(EVP_PKEY* key) {
  if (key == nullptr) return PublicKey(nullptr);
  EVP_PKEY_up_ref(key);
  return PublicKey(Share(key));
}

Bytes PublicKey::Spki() const {
  if (!key_) return {};
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key_.get(), &der);
  if (size <= 0) return {};
  Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

std::string PublicKey::Description() const {
  if (!key_) return "an undecodable key";
  const int type = EVP_PKEY_get_base_id(key_.get());
  if (type == EVP_PKEY_EC) {
    char group[64] = {};
    size_t size = 0;
    EVP_PKEY_get_utf8_string_param(key_.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                   &size);
    return std::string("EC ") + group;
  }
  if (type == EVP_PKEY_RSA || type == EVP_PKEY_RSA_PSS) {
    return "RSA " + std::to_string(EVP_PKEY_get_bits(key_.get()));
  }
  const char* name = OBJ_nid2sn(type);
  return name != nullptr ? name : "unknown key type";
}

Status VerifyEcdsa(const PublicKey& key, DigestAlgorithm digest, ByteView message,
                   ByteView r_big_endian, ByteView s_big_endian) {
  if (!key.get() || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC) {
    return InvalidArgumentError("an ECDSA signature needs an EC key, got " + key.Description());
  }
  SigPtr sig(ECDSA_SIG_new());
  BnPtr r(BN_bin2bn(r_big_endian.data(), static_cast<int>(r_big_endian.size()), nullptr));
  BnPtr s(BN_bin2bn(s_big_endian.data(), static_cast<int>(s_big_endian.size()), nullptr));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return InternalError("cannot build an ECDSA signature");
  }
  static_cast<void>(r.release());  // owned by sig now
  static_cast<void>(s.release());
  unsigned char* der = nullptr;
  const int size = i2d_ECDSA_SIG(sig.get(), &der);
  if (size <= 0) return InternalError("cannot encode an ECDSA signature");
  const Bytes der_signature(der, der + size);
  OPENSSL_free(der);
  return DigestVerify(key.get(), Md(digest), message, der_signature);
}

Status VerifyEcdsaConcatenated(const PublicKey& key, DigestAlgorithm digest, ByteView message,
                               ByteView r_then_s) {
  if (r_then_s.empty() || r_then_s.size() % 2 != 0) {
    return DataLossError("ECDSA signature has an odd or zero length");
  }
  const size_t half = r_then_s.size() / 2;
  return VerifyEcdsa(key, digest, message, r_then_s.first(half), r_then_s.subspan(half));
}

Status VerifyEd25519(const PublicKey& key, ByteView message, ByteView signature) {
  if (!key.get() || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519) {
    return InvalidArgumentError("an Ed25519 signature needs an Ed25519 key, got " +
                                key.Description());
  }
  if (signature.size() != 64) return BadSignature();
  return DigestVerify(key.get(), nullptr, message, signature);
}

}  // namespace arca::crypto
