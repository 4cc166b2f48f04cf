#include "arca/crypto/self_signed.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <memory>

#include "arca/crypto/openssl_ptr.h"
#include "arca/crypto/os_random.h"

namespace arca::crypto {
namespace {

using X509Ptr = OpenSslPtr<X509, X509_free>;
using ObjectPtr = OpenSslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using OctetPtr = OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using ExtensionPtr = OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free>;
using BnPtr = OpenSslPtr<BIGNUM, BN_free>;

bool AddExtension(X509* cert, const std::string& oid, ByteView value) {
  ObjectPtr object(OBJ_txt2obj(oid.c_str(), 1));
  OctetPtr octets(ASN1_OCTET_STRING_new());
  if (!object || !octets ||
      ASN1_OCTET_STRING_set(octets.get(), value.data(), static_cast<int>(value.size())) != 1) {
    return false;
  }
  ExtensionPtr extension(X509_EXTENSION_create_by_OBJ(nullptr, object.get(), 0, octets.get()));
  return extension && X509_add_ext(cert, extension.get(), -1) == 1;
}

bool AddBasicConstraints(X509* cert, bool is_ca) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints,
                                             is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE"));
  return extension && X509_add_ext(cert, extension.get(), -1) == 1;
}

}  // namespace

Result<Certificate> SelfSignedCertificate(const SigningKey& key, const CertificateFields& fields) {
  X509Ptr cert(X509_new());
  if (!cert) return ResourceExhaustedError("out of memory");
  if (fields.serial.size() > 16) return InvalidArgumentError("a serial has at most 16 bytes");
  std::array<uint8_t, 16> serial{};
  if (fields.serial.empty()) {
    OsRandom(serial);
  } else {
    std::copy(fields.serial.begin(), fields.serial.end(), serial.begin());
  }
  serial[0] &= 0x7f;  // a positive INTEGER
  BnPtr serial_bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>(fields.common_name.c_str());
  const bool ok =
      serial_bn && X509_set_version(cert.get(), X509_VERSION_3) == 1 &&
      BN_to_ASN1_INTEGER(serial_bn.get(), X509_get_serialNumber(cert.get())) != nullptr &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) == 1 &&
      X509_set_issuer_name(cert.get(), name) == 1 &&
      ASN1_TIME_set(X509_getm_notBefore(cert.get()),
                    static_cast<time_t>(fields.not_before.time_since_epoch().count())) != nullptr &&
      ASN1_TIME_set(X509_getm_notAfter(cert.get()),
                    static_cast<time_t>(fields.not_after.time_since_epoch().count())) != nullptr &&
      X509_set_pubkey(cert.get(), key.get()) == 1 && AddBasicConstraints(cert.get(), fields.is_ca);
  bool extensions_ok = ok;
  for (const auto& [oid, value] : fields.extensions) {
    extensions_ok = extensions_ok && AddExtension(cert.get(), oid, value);
  }
  // Ed25519 signs the message itself: no digest.
  if (!extensions_ok || X509_sign(cert.get(), key.get(), nullptr) <= 0) {
    ERR_clear_error();
    return InternalError("cannot issue a self-signed certificate for '" + fields.common_name + "'");
  }
  return Certificate::FromOpenSsl(cert.get());
}

}  // namespace arca::crypto
