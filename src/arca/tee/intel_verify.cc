#include "arca/tee/intel_verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "arca/crypto/hash.h"
#include "arca/crypto/public_key.h"

namespace arca::tee::intel {
namespace {

constexpr char kIntelRootCommonName[] = "Intel SGX Root CA";

const char* TeeName(uint32_t tee_type) { return tee_type == kTeeTypeTdx ? "TDX" : "SGX"; }

// The PCS path prefix of a TEE's collateral.
std::string PcsBase(uint32_t tee_type) {
  return fmt::format("https://api.trustedservices.intel.com/{}/certification/v4",
                     tee_type == kTeeTypeTdx ? "tdx" : "sgx");
}

// The pinned anchors that fit Intel: a root of another vendor never anchors an Intel chain.
Result<std::vector<crypto::Certificate>> IntelAnchors(const VerifyInputs& in) {
  std::vector<crypto::Certificate> anchors;
  for (const crypto::Certificate& anchor : in.anchors) {
    if (anchor.CommonName() == kIntelRootCommonName) anchors.push_back(anchor);
  }
  if (anchors.empty()) {
    return FailedPreconditionError(
        fmt::format("no '{}' certificate among the {} pinned trust anchors", kIntelRootCommonName,
                    in.anchors.size()));
  }
  return anchors;
}

Result<std::vector<crypto::Certificate>> VerifyPckChain(const Quote& quote,
                                                        const VerifyInputs& in) {
  Result<std::vector<crypto::Certificate>> certs =
      crypto::Certificate::AllFromPem(quote.pck_chain_pem);
  if (!certs.ok()) {
    return DataLossError("Intel quote certification data holds no PEM PCK certificate chain");
  }
  const crypto::Certificate& leaf = certs->front();
  if (leaf.CommonName().find("SGX PCK Certificate") == std::string::npos) {
    return DataLossError("the first certificate of the quote's PCK chain is '" + leaf.CommonName() +
                         "', not an Intel SGX PCK Certificate");
  }
  ARCA_ASSIGN_OR_RETURN(std::vector<crypto::Certificate> anchors, IntelAnchors(in));
  const crypto::ChainInputs chain_in{std::move(anchors), *certs, in.collateral.crls, in.at};
  Result<std::vector<crypto::Certificate>> chain = crypto::VerifyChain(leaf, chain_in);
  if (!chain.ok()) return chain.status().WithContext("Intel PCK certificate chain");
  return chain;
}

Status VerifyQeReport(const Quote& quote, const crypto::Certificate& pck) {
  const Status signature =
      crypto::VerifyEcdsaConcatenated(pck.Key(), crypto::DigestAlgorithm::kSha256,
                                      quote.qe_report_bytes, quote.qe_report_signature);
  if (!signature.ok()) {
    return DataLossError("Intel QE report signature does not verify with the PCK certificate");
  }
  const crypto::Sha256Digest binding = crypto::Sha256({quote.attestation_key, quote.qe_auth_data});
  const auto& data = quote.qe_report.report_data;
  if (!std::equal(binding.begin(), binding.end(), data.begin()) ||
      !std::all_of(data.begin() + 32, data.end(), [](uint8_t b) { return b == 0; })) {
    return DataLossError(
        "Intel QE report_data is not SHA-256(attestation key || QE authentication data) followed "
        "by zeros: the attestation key is not bound to the Quoting Enclave");
  }
  return OkStatus();
}

Status VerifyQuoteSignature(const Quote& quote) {
  Result<crypto::PublicKey> key =
      crypto::PublicKey::FromEcPoint(crypto::EcCurve::kP256, quote.attestation_key);
  if (!key.ok()) return DataLossError("Intel quote attestation key is not a P-256 point");
  if (!crypto::VerifyEcdsaConcatenated(*key, crypto::DigestAlgorithm::kSha256, quote.signed_bytes,
                                       quote.signature)
           .ok()) {
    return DataLossError("Intel quote signature does not verify with the attestation key");
  }
  return OkStatus();
}

}  // namespace

Result<AuthenticatedQuote> AuthenticateQuote(const VerifyInputs& in, uint32_t tee_type) {
  AuthenticatedQuote out;
  ARCA_ASSIGN_OR_RETURN(out.quote, ParseQuote(in.evidence));
  if (out.quote.header.tee_type != tee_type) {
    return InvalidArgumentError(fmt::format("the evidence is an Intel {} quote, not {}",
                                            TeeName(out.quote.header.tee_type), TeeName(tee_type)));
  }
  ARCA_ASSIGN_OR_RETURN(out.pck_chain, VerifyPckChain(out.quote, in));
  ARCA_RETURN_IF_ERROR(VerifyQeReport(out.quote, out.pck_chain.front()));
  ARCA_RETURN_IF_ERROR(VerifyQuoteSignature(out.quote));
  ARCA_ASSIGN_OR_RETURN(out.pck, ReadPckExtensions(out.pck_chain.front()));
  return out;
}

Result<TcbVerdict> EvaluateCollateral(const AuthenticatedQuote& quote, const VerifyInputs& in) {
  const uint32_t tee = quote.quote.header.tee_type;
  const std::string fmspc = ToHex(quote.pck.fmspc);
  if (!in.collateral.tcb_info) {
    return FailedPreconditionError(fmt::format(
        "Intel {} verification needs the TCB info collateral for FMSPC {}, which was not given "
        "(Collateral::tcb_info; PCS: {}/tcb?fmspc={}); without it the TCB status is unknown",
        TeeName(tee), fmspc, PcsBase(tee), fmspc));
  }
  if (!in.collateral.qe_identity) {
    return FailedPreconditionError(fmt::format(
        "Intel {} verification needs the QE identity collateral, which was not given "
        "(Collateral::qe_identity; PCS: {}/qe/identity); without it the Quoting Enclave's TCB "
        "status is unknown",
        TeeName(tee), PcsBase(tee)));
  }
  ARCA_ASSIGN_OR_RETURN(const TcbInfo tcb_info, ParseTcbInfo(*in.collateral.tcb_info));
  ARCA_ASSIGN_OR_RETURN(const QeIdentity qe_identity, ParseQeIdentity(*in.collateral.qe_identity));
  ARCA_ASSIGN_OR_RETURN(std::vector<crypto::Certificate> anchors, IntelAnchors(in));
  const crypto::ChainInputs signer{std::move(anchors), in.collateral.intermediates,
                                   in.collateral.crls, in.at};
  ARCA_RETURN_IF_ERROR(VerifyTcbInfo(tcb_info, signer));
  ARCA_RETURN_IF_ERROR(VerifyQeIdentity(qe_identity, signer));
  return EvaluateTcb(quote.quote, quote.pck, tcb_info, qe_identity);
}

Claims CommonClaims(const AuthenticatedQuote& quote, const TcbVerdict& verdict) {
  Claims c;
  c.tcb_status = verdict.status;
  c.advisories = verdict.advisories;
  c.chip_id.assign(quote.pck.fmspc.begin(), quote.pck.fmspc.end());
  c.signer = "PCK";
  c.tcb["pce_svn"] = quote.pck.pce_svn;
  for (size_t i = 0; i < quote.pck.sgx_tcb_components.size(); ++i) {
    c.tcb[fmt::format("sgx_tcb_comp.{}", i)] = quote.pck.sgx_tcb_components[i];
  }
  c.tcb["qe_isv_svn"] = quote.quote.qe_report.isv_svn;
  return c;
}

}  // namespace arca::tee::intel
