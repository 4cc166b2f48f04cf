// Evidence as it travels: the platform's report and the collateral that came with it.
//
// A node serves an evidence bundle (JSON, below). An operator may also hand `arca attest
// verify` the raw evidence a platform produces — an SEV-SNP report (binary or hex), a DCAP
// quote, a Nitro attestation document (CBOR or base64), a SIMULATED report — and the platform
// is recognised from the bytes.
//
// Bundle: {"format": "arca-evidence-v1", "platform": "sev-snp", "report": "<base64>",
//          "certificates": ["<base64 DER>", ...], "crls": ["<base64 DER>", ...],
//          "tcb_info": "<PCS JSON text>", "qe_identity": "<PCS JSON text>"}
// Everything but "format", "platform" and "report" is optional. Certificates and CRLs are
// untrusted: they only help build a chain to the policy's pinned anchors.
#ifndef ARCA_TEE_EVIDENCE_H_
#define ARCA_TEE_EVIDENCE_H_

#include <optional>
#include <string>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/tee/claims.h"
#include "arca/tee/collateral.h"
#include "arca/tee/verifier.h"

namespace arca::tee {

struct Evidence {
  Platform platform = Platform::kSim;
  Bytes report;
  std::vector<Bytes> certificates;
  std::vector<Bytes> crls;
  std::optional<std::string> tcb_info;
  std::optional<std::string> qe_identity;

  std::string ToJson() const;
};

// A bundle, or raw evidence of any supported platform (recognised from its bytes).
Result<Evidence> ParseEvidence(ByteView bytes);

// Adds the bundle's certificates, CRLs and Intel collateral to `collateral`.
Status AddBundleCollateral(const Evidence& evidence, Collateral& collateral);

// Runs the evidence's platform verifier.
Result<Claims> VerifyEvidence(Platform platform, const VerifyInputs& in);

}  // namespace arca::tee

#endif  // ARCA_TEE_EVIDENCE_H_
