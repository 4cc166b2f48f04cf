// VerifyNitro: an AWS Nitro Enclaves attestation document -> Claims.
//
// Order of checks (docs/attestation/nitro.md): the document's structure (nitro_document.h),
// the leaf certificate's P-384 key, the COSE_Sign1 signature with that key, the leaf's role (an
// end entity that may sign), then the chain leaf -> cabundle -> a pinned AWS Nitro Enclaves
// root at `at`. Whatever a tampered document changes thus fails at the signature at the latest.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arca/crypto/public_key.h"
#include "arca/crypto/x509.h"
#include "arca/tee/nitro_document.h"
#include "arca/tee/verifier.h"

namespace arca::tee {
namespace {

// AWS names the root of each partition "CN=<partition>.nitro-enclaves, C=US, O=Amazon,
// OU=AWS" ("Nitro Enclaves attestation process", section 2.1); the commercial one is
// CN=aws.nitro-enclaves.
constexpr std::string_view kRootNameSuffix = ".nitro-enclaves";

bool IsP384(const crypto::PublicKey& key) {
  char group[64] = {};
  size_t size = 0;
  return EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC &&
         EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                        &size) == 1 &&
         std::string_view(group, size) == SN_secp384r1;
}

// Debug-mode enclaves "generate attestation documents with PCRs that are made up entirely of
// zeros" (AWS Nitro Enclaves User Guide, nitro-cli run-enclave, --debug-mode). In practice
// only the image measurements are zeroed: PCR0 (image), PCR1 (kernel and boot ramfs), PCR2
// (application) and PCR8 (signing certificate), while PCR3 (IAM role) and PCR4 (instance id)
// are still extended by the parent. An all-zero PCR0..PCR2 is therefore the debug signature,
// and no real image hashes to zero. A document that measures none of them proves nothing
// about its image and counts as debug too.
bool IsDebug(const std::map<uint32_t, Bytes>& pcrs) {
  for (uint32_t index = 0; index <= 2; ++index) {
    const auto it = pcrs.find(index);
    if (it == pcrs.end()) continue;
    if (std::any_of(it->second.begin(), it->second.end(), [](uint8_t b) { return b != 0; })) {
      return false;
    }
  }
  return true;
}

Result<crypto::Certificate> ParseCertificate(ByteView der, const std::string& name) {
  Result<crypto::Certificate> cert = crypto::Certificate::FromDer(der);
  if (!cert.ok()) {
    return DataLossError("Nitro attestation document: " + name + " is not a DER X.509 certificate");
  }
  return cert;
}

// AWS section 3.2.3.3: the document's certificate is an end entity whose key usage includes
// digitalSignature. (Chain validation checks the CA certificates' constraints.)
Status CheckSigningCertificate(const crypto::Certificate& leaf) {
  if (X509_check_ca(leaf.get()) != 0) {
    return PermissionDeniedError("Nitro attestation document: certificate '" + leaf.CommonName() +
                                 "' is a CA certificate, not a document signing certificate");
  }
  if ((X509_get_key_usage(leaf.get()) & KU_DIGITAL_SIGNATURE) == 0) {
    return PermissionDeniedError("Nitro attestation document: certificate '" + leaf.CommonName() +
                                 "' may not sign (its key usage lacks digitalSignature)");
  }
  return OkStatus();
}

// Leaf -> cabundle (untrusted, all of it: cabundle[0] is AWS's root as the document claims
// it, which must never stand in for the pinned one) -> a pinned AWS Nitro root at `at`.
Status VerifyCertificateChain(const crypto::Certificate& leaf, const NitroDocument& doc,
                              const VerifyInputs& in) {
  crypto::ChainInputs chain;
  for (const crypto::Certificate& anchor : in.anchors) {
    if (anchor.CommonName().ends_with(kRootNameSuffix)) chain.anchors.push_back(anchor);
  }
  if (chain.anchors.empty()) {
    return FailedPreconditionError(
        "Nitro attestation document: none of the " + std::to_string(in.anchors.size()) +
        " pinned trust anchors is an AWS Nitro Enclaves root (CN=<partition>" +
        std::string(kRootNameSuffix) + ")");
  }
  for (size_t i = 0; i < doc.cabundle.size(); ++i) {
    ARCA_ASSIGN_OR_RETURN(crypto::Certificate cert,
                          ParseCertificate(doc.cabundle[i], "cabundle[" + std::to_string(i) + "]"));
    chain.intermediates.push_back(std::move(cert));
  }
  chain.crls = in.collateral.crls;
  chain.at = in.at;
  const Result<std::vector<crypto::Certificate>> verified = crypto::VerifyChain(leaf, chain);
  return verified.status().WithContext("Nitro attestation document certificate chain");
}

Claims ToClaims(const NitroDocument& doc) {
  Claims claims;
  claims.platform = Platform::kNitro;
  claims.product = "Nitro";
  for (const auto& [index, value] : doc.pcrs) {
    if (index == 0) {
      claims.measurement = value;
    } else {
      claims.measurements["pcr" + std::to_string(index)] = value;
    }
  }
  claims.debug = IsDebug(doc.pcrs);
  claims.report_data = doc.user_data.value_or(Bytes{});
  claims.public_key = doc.public_key.value_or(Bytes{});
  claims.nonce = doc.nonce.value_or(Bytes{});
  claims.chip_id.assign(doc.module_id.begin(), doc.module_id.end());
  claims.signer = "AWS Nitro";
  // Recorded as signed, even if it lies after `at`: judging evidence age is the policy's job.
  claims.evidence_time =
      UnixTime(std::chrono::seconds(static_cast<int64_t>(doc.timestamp_ms / 1000)));
  return claims;
}

}  // namespace

Result<Claims> VerifyNitro(const VerifyInputs& in) {
  ARCA_ASSIGN_OR_RETURN(const NitroDocument doc, ParseNitroDocument(in.evidence));
  ARCA_ASSIGN_OR_RETURN(const crypto::Certificate leaf,
                        ParseCertificate(doc.certificate, "field 'certificate'"));
  // Certificate::Key() needs a key OpenSSL could decode; a forged certificate may carry none.
  if (X509_get0_pubkey(leaf.get()) == nullptr) {
    return DataLossError("Nitro attestation document: certificate '" + leaf.CommonName() +
                         "' has a public key OpenSSL cannot decode");
  }
  const crypto::PublicKey key = leaf.Key();
  if (!IsP384(key)) {
    return DataLossError("Nitro attestation document: the key of certificate '" +
                         leaf.CommonName() + "' is " + key.Description() +
                         ", not the EC P-384 key ES384 needs");
  }
  ARCA_ASSIGN_OR_RETURN(const Bytes to_be_signed, NitroToBeSigned(doc));
  const Status signature = crypto::VerifyEcdsaConcatenated(key, crypto::DigestAlgorithm::kSha384,
                                                           to_be_signed, doc.signature);
  if (!signature.ok()) {
    const std::string certificate = "its certificate '" + leaf.CommonName() + "'";
    return DataLossError("Nitro attestation document signature does not verify with the key of " +
                         certificate);
  }
  ARCA_RETURN_IF_ERROR(CheckSigningCertificate(leaf));
  ARCA_RETURN_IF_ERROR(VerifyCertificateChain(leaf, doc, in));
  return ToClaims(doc);
}

}  // namespace arca::tee
