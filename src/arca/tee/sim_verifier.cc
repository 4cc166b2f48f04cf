// VerifySim: the SIMULATED TEE's verifier (see sim_tee.h). It checks what a hardware
// verifier checks — the report's signature by a pinned root — and nothing more, because the
// simulated root has no chain, TCB or collateral.
#include "arca/crypto/public_key.h"
#include "arca/tee/sim_tee.h"
#include "arca/tee/verifier.h"

namespace arca::tee {

Result<Claims> VerifySim(const VerifyInputs& in) {
  ARCA_ASSIGN_OR_RETURN(const SimReport report, ParseSimReport(in.evidence));
  const ByteView signed_bytes = in.evidence.first(kSimSignedSize);
  bool root_pinned = false;
  bool verified = false;
  for (const crypto::Certificate& anchor : in.anchors) {
    if (anchor.CommonName() != kSimRootName) continue;
    root_pinned = true;
    if (crypto::VerifyEd25519(anchor.Key(), signed_bytes, report.signature).ok()) {
      verified = anchor.NotBefore() <= in.at && in.at <= anchor.NotAfter();
      if (!verified) {
        return FailedPreconditionError("the SIMULATED TEE root certificate is not valid at " +
                                       FormatTime(in.at));
      }
      break;
    }
  }
  if (!root_pinned) {
    return PermissionDeniedError(
        "no SIMULATED TEE root is pinned: the policy must name the "
        "root certificate that signs simulated reports");
  }
  if (!verified) {
    return DataLossError("SIMULATED TEE report signature does not verify with a pinned root");
  }
  Claims claims;
  claims.platform = Platform::kSim;
  claims.product = "SIMULATED";
  claims.measurement.assign(report.measurement.begin(), report.measurement.end());
  claims.debug = report.debug;
  claims.report_data.assign(report.report_data.begin(), report.report_data.end());
  claims.chip_id.assign(report.chip_id.begin(), report.chip_id.end());
  claims.signer = "SIMULATED root";
  claims.evidence_time = report.time;
  return claims;
}

}  // namespace arca::tee
