// X.509 certificates, CRLs and chain validation (OpenSSL), as attestation needs them.
//
// Chains are validated against pinned trust anchors only: any certificate that arrives with
// evidence is an untrusted intermediate. The validation time is an input, never the clock.
// Each failure is one line naming the certificate and the check: a certificate expired at the
// verification time, a chain that reaches no pinned anchor, a revoked certificate, and a CRL
// that is stale are four different errors.
#ifndef ARCA_CRYPTO_X509_H_
#define ARCA_CRYPTO_X509_H_

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/crypto/hash.h"
#include "arca/crypto/public_key.h"

using X509 = struct x509_st;
using X509_CRL = struct X509_crl_st;

namespace arca::crypto {

class Certificate {
 public:
  static Result<Certificate> FromDer(ByteView der);
  // Every certificate in a PEM text, in order; none is an error.
  static Result<std::vector<Certificate>> AllFromPem(std::string_view pem);
  // Takes a reference on `cert`.
  static Certificate FromOpenSsl(X509* cert);

  Bytes Der() const;
  std::string Pem() const;
  Sha256Digest Fingerprint() const;  // SHA-256 of the DER
  std::string Subject() const;       // one line, e.g. "CN=SEV-Milan, O=Advanced Micro Devices"
  std::string CommonName() const;    // the CN alone, or the subject if it has none
  UnixTime NotBefore() const;
  UnixTime NotAfter() const;
  PublicKey Key() const;
  // The DER contents of the extension's OCTET STRING; NotFound if absent.
  Result<Bytes> Extension(std::string_view oid) const;
  // True if this certificate's signature verifies with `issuer`'s key.
  bool IsSignedBy(const Certificate& issuer) const;

  X509* get() const { return cert_.get(); }

 private:
  explicit Certificate(std::shared_ptr<X509> cert) : cert_(std::move(cert)) {}
  std::shared_ptr<X509> cert_;
};

class Crl {
 public:
  static Result<Crl> FromDer(ByteView der);
  static Result<Crl> FromPem(std::string_view pem);
  // DER or PEM, whichever the bytes are.
  static Result<Crl> Parse(ByteView bytes);

  std::string Issuer() const;
  UnixTime ThisUpdate() const;
  std::optional<UnixTime> NextUpdate() const;
  X509_CRL* get() const { return crl_.get(); }

 private:
  explicit Crl(std::shared_ptr<X509_CRL> crl) : crl_(std::move(crl)) {}
  std::shared_ptr<X509_CRL> crl_;
};

struct ChainInputs {
  std::vector<Certificate> anchors;        // pinned roots; the chain must end at one of them
  std::vector<Certificate> intermediates;  // untrusted, from the evidence or collateral
  std::vector<Crl> crls;                   // optional; each is checked when its issuer is
  UnixTime at;                             // the verification time
};

// Validates `leaf` up to a pinned anchor at `inputs.at` (signatures, validity periods, CA
// constraints). Every CRL whose issuer is in the chain must be signed by that issuer and
// current at `at`, and must not list a certificate of the chain. Returns the chain, leaf
// first, anchor last.
Result<std::vector<Certificate>> VerifyChain(const Certificate& leaf, const ChainInputs& inputs);

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_X509_H_
