// Self-signed X.509 certificates for keys Arca generates itself: the SIMULATED TEE root and
// the certificates of attested TLS, whose trust comes from attestation evidence, not from a
// certificate authority.
#ifndef ARCA_CRYPTO_SELF_SIGNED_H_
#define ARCA_CRYPTO_SELF_SIGNED_H_

#include <string>
#include <utility>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/crypto/signing_key.h"
#include "arca/crypto/x509.h"

namespace arca::crypto {

struct CertificateFields {
  std::string common_name;
  UnixTime not_before;
  UnixTime not_after;
  bool is_ca = false;
  // Up to 16 bytes; random when empty. A fixed serial makes the certificate a function of the
  // key and these fields (Ed25519 signatures are deterministic).
  Bytes serial;
  // Non-critical extensions: OID (dotted) and the bytes to carry (as an OCTET STRING).
  std::vector<std::pair<std::string, Bytes>> extensions;
};

// A certificate for `key`'s public key, signed by `key` itself (Ed25519).
Result<Certificate> SelfSignedCertificate(const SigningKey& key, const CertificateFields& fields);

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_SELF_SIGNED_H_
