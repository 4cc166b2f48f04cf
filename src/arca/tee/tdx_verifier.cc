// VerifyTdx: an Intel TDX quote (v4, or v5 with a TDX 1.0 or 1.5 body) -> Claims.
//
// The checks are those of intel_verify.h; this file maps the TD report to claims
// (docs/attestation/intel.md lists them).
#include <fmt/format.h>

#include "arca/tee/intel_verify.h"
#include "arca/tee/verifier.h"

namespace arca::tee {
Result<Claims> VerifyTdx(const VerifyInputs& in) {
  ARCA_ASSIGN_OR_RETURN(const intel::AuthenticatedQuote quote,
                        intel::AuthenticateQuote(in, intel::kTeeTypeTdx));
  ARCA_ASSIGN_OR_RETURN(const intel::TcbVerdict verdict, intel::EvaluateCollateral(quote, in));
  const intel::TdReport& td = *quote.quote.td;

  Claims c = intel::CommonClaims(quote, verdict);
  c.platform = Platform::kTdx;
  c.measurement = intel::ToBytes(td.mr_td);
  for (size_t i = 0; i < td.rtmr.size(); ++i) {
    c.measurements[fmt::format("rtmr{}", i)] = intel::ToBytes(td.rtmr[i]);
  }
  c.measurements["mrconfigid"] = intel::ToBytes(td.mr_config_id);
  c.measurements["mrowner"] = intel::ToBytes(td.mr_owner);
  c.measurements["mrownerconfig"] = intel::ToBytes(td.mr_owner_config);
  c.measurements["mrseam"] = intel::ToBytes(td.mr_seam);
  c.measurements["mrsignerseam"] = intel::ToBytes(td.mr_signer_seam);
  c.measurements["td_attributes"] = intel::ToBytes(td.td_attributes);
  c.measurements["xfam"] = intel::ToBytes(td.xfam);
  if (td.mr_service_td) c.measurements["mrservicetd"] = intel::ToBytes(*td.mr_service_td);
  for (size_t i = 0; i < td.tee_tcb_svn.size(); ++i) {
    c.tcb[fmt::format("tee_tcb_svn.{}", i)] = td.tee_tcb_svn[i];
  }
  if (td.tee_tcb_svn2) {
    for (size_t i = 0; i < td.tee_tcb_svn2->size(); ++i) {
      c.tcb[fmt::format("tee_tcb_svn2.{}", i)] = (*td.tee_tcb_svn2)[i];
    }
  }
  c.debug = (td.td_attributes[0] & 0x01) != 0;  // TUD.DEBUG
  c.report_data = intel::ToBytes(td.report_data);
  return c;
}

}  // namespace arca::tee
