#include "arca/crypto/x509.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

#include "arca/crypto/openssl_ptr.h"

namespace arca::crypto {
namespace {

using BioPtr = OpenSslPtr<BIO, BIO_free_all>;
using StorePtr = OpenSslPtr<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = OpenSslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using ObjectPtr = OpenSslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;

struct CertStackFree {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_pop_free(stack, X509_free); }
};
using CertStackPtr = std::unique_ptr<STACK_OF(X509), CertStackFree>;

struct CertStackShallowFree {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};

UnixTime FromAsn1Time(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return UnixTime{};
  return UnixTime(std::chrono::seconds(timegm(&tm)));
}

std::string NameText(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    return "?";
  }
  char* data = nullptr;
  const auto size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string CommonNameOf(X509* cert) {
  char cn[256] = {};
  const int size =
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
  return size > 0 ? std::string(cn, static_cast<size_t>(size))
                  : NameText(X509_get_subject_name(cert));
}

std::shared_ptr<X509> Share(X509* cert) { return {cert, X509_free}; }

// The one-line reason for a failed chain validation.
Status ChainError(X509_STORE_CTX* ctx, const Certificate& leaf, UnixTime at) {
  const int error = X509_STORE_CTX_get_error(ctx);
  X509* current = X509_STORE_CTX_get_current_cert(ctx);
  const std::string who = "certificate '" + (current ? CommonNameOf(current) : "?") + "'";
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return FailedPreconditionError(who + " expired at " +
                                     FormatTime(FromAsn1Time(X509_get0_notAfter(current))) +
                                     ", before the verification time " + FormatTime(at));
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return FailedPreconditionError(who + " is not valid until " +
                                     FormatTime(FromAsn1Time(X509_get0_notBefore(current))) +
                                     ", after the verification time " + FormatTime(at));
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return PermissionDeniedError("certificate chain of '" + leaf.CommonName() +
                                   "' does not reach a pinned trust anchor (it stops at " + who +
                                   ")");
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return DataLossError("the signature of " + who + " does not verify with its issuer's key");
    default:
      return PermissionDeniedError(
          who + " fails chain validation: " + X509_verify_cert_error_string(error));
  }
}

// Checks every CRL that one of the chain's certificates issued.
Status CheckCrls(const std::vector<Certificate>& chain, const std::vector<Crl>& crls, UnixTime at) {
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    const Certificate& issuer = chain[i + 1];
    for (const Crl& crl : crls) {
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer.get())) != 0) {
        continue;
      }
      if (X509_CRL_verify(crl.get(), X509_get0_pubkey(issuer.get())) != 1) {
        ERR_clear_error();
        return DataLossError("the CRL of '" + issuer.CommonName() +
                             "' has a signature that does not verify with its issuer's key");
      }
      const std::optional<UnixTime> next = crl.NextUpdate();
      if (crl.ThisUpdate() > at || (next && *next < at)) {
        return FailedPreconditionError(
            "collateral is not current: the CRL of '" + issuer.CommonName() + "' is valid " +
            FormatTime(crl.ThisUpdate()) + " .. " + (next ? FormatTime(*next) : "?") +
            ", which does not include the verification time " + FormatTime(at));
      }
      X509_REVOKED* revoked = nullptr;
      if (X509_CRL_get0_by_cert(crl.get(), &revoked, chain[i].get()) == 1) {
        return PermissionDeniedError("certificate '" + chain[i].CommonName() +
                                     "' is revoked by the CRL of '" + issuer.CommonName() + "'");
      }
    }
  }
  return OkStatus();
}

}  // namespace

Result<Certificate> Certificate::FromDer(ByteView der) {
  const unsigned char* p = der.data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<int64_t>(der.size()));
  if (cert == nullptr || p != der.data() + der.size()) {
    X509_free(cert);
    ERR_clear_error();
    return InvalidArgumentError("not a DER X.509 certificate");
  }
  return Certificate(Share(cert));
}

Result<std::vector<Certificate>> Certificate::AllFromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<Certificate> out;
  while (bio) {
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) break;
    out.push_back(Certificate(Share(cert)));
  }
  ERR_clear_error();  // the loop ends on a "no start line" error
  if (out.empty()) return InvalidArgumentError("no PEM certificate found");
  return out;
}

Certificate Certificate::FromOpenSsl(X509* cert) {
  X509_up_ref(cert);
  return Certificate(Share(cert));
}

Bytes Certificate::Der() const {
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert_.get(), &der);
  if (size <= 0) return {};
  Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

std::string Certificate::Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert_.get()) != 1) return {};
  char* data = nullptr;
  const auto size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

Sha256Digest Certificate::Fingerprint() const { return Sha256(Der()); }

std::string Certificate::Subject() const { return NameText(X509_get_subject_name(cert_.get())); }

std::string Certificate::CommonName() const { return CommonNameOf(cert_.get()); }

UnixTime Certificate::NotBefore() const { return FromAsn1Time(X509_get0_notBefore(cert_.get())); }

UnixTime Certificate::NotAfter() const { return FromAsn1Time(X509_get0_notAfter(cert_.get())); }

PublicKey Certificate::Key() const { return PublicKey::FromOpenSsl(X509_get0_pubkey(cert_.get())); }

Result<Bytes> Certificate::Extension(std::string_view oid) const {
  ObjectPtr object(OBJ_txt2obj(std::string(oid).c_str(), 1));
  if (!object) return InvalidArgumentError("not an OID: " + std::string(oid));
  const int index = X509_get_ext_by_OBJ(cert_.get(), object.get(), -1);
  if (index < 0) {
    return NotFoundError("certificate '" + CommonName() + "' has no extension " + std::string(oid));
  }
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert_.get(), index));
  const unsigned char* bytes = ASN1_STRING_get0_data(data);
  return Bytes(bytes, bytes + ASN1_STRING_length(data));
}

bool Certificate::IsSignedBy(const Certificate& issuer) const {
  const bool ok = X509_verify(cert_.get(), X509_get0_pubkey(issuer.get())) == 1;
  ERR_clear_error();
  return ok;
}

Result<Crl> Crl::FromDer(ByteView der) {
  const unsigned char* p = der.data();
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<int64_t>(der.size()));
  if (crl == nullptr || p != der.data() + der.size()) {
    X509_CRL_free(crl);
    ERR_clear_error();
    return InvalidArgumentError("not a DER certificate revocation list");
  }
  return Crl(std::shared_ptr<X509_CRL>(crl, X509_CRL_free));
}

Result<Crl> Crl::FromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509_CRL* crl = bio ? PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  ERR_clear_error();
  if (crl == nullptr) return InvalidArgumentError("not a PEM certificate revocation list");
  return Crl(std::shared_ptr<X509_CRL>(crl, X509_CRL_free));
}

Result<Crl> Crl::Parse(ByteView bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.find("-----BEGIN") != std::string_view::npos) return FromPem(text);
  return FromDer(bytes);
}

std::string Crl::Issuer() const { return NameText(X509_CRL_get_issuer(crl_.get())); }

UnixTime Crl::ThisUpdate() const { return FromAsn1Time(X509_CRL_get0_lastUpdate(crl_.get())); }

std::optional<UnixTime> Crl::NextUpdate() const {
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl_.get());
  if (next == nullptr) return std::nullopt;
  return FromAsn1Time(next);
}

Result<std::vector<Certificate>> VerifyChain(const Certificate& leaf, const ChainInputs& inputs) {
  if (inputs.anchors.empty()) {
    return FailedPreconditionError("no trust anchor is pinned for this chain");
  }
  StorePtr store(X509_STORE_new());
  std::unique_ptr<STACK_OF(X509), CertStackShallowFree> untrusted(sk_X509_new_null());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !ctx) return ResourceExhaustedError("out of memory");
  for (const Certificate& anchor : inputs.anchors) X509_STORE_add_cert(store.get(), anchor.get());
  for (const Certificate& cert : inputs.intermediates) sk_X509_push(untrusted.get(), cert.get());
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()) != 1) {
    return InternalError("cannot set up certificate validation");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(inputs.at.time_since_epoch().count()));
  const bool valid = X509_verify_cert(ctx.get()) == 1;
  ERR_clear_error();
  if (!valid) return ChainError(ctx.get(), leaf, inputs.at);

  CertStackPtr built(X509_STORE_CTX_get1_chain(ctx.get()));
  std::vector<Certificate> chain;
  chain.reserve(static_cast<size_t>(sk_X509_num(built.get())));
  for (int i = 0; i < sk_X509_num(built.get()); ++i) {
    chain.push_back(Certificate::FromOpenSsl(sk_X509_value(built.get(), i)));
  }
  ARCA_RETURN_IF_ERROR(CheckCrls(chain, inputs.crls, inputs.at));
  return chain;
}

}  // namespace arca::crypto
