// VerifySgx: an Intel SGX DCAP quote (v3, or v4/v5 with an SGX enclave body) -> Claims.
//
// The checks are those of intel_verify.h; this file maps the enclave report to claims
// (docs/attestation/intel.md lists them).
#include <fmt/format.h>

#include "arca/tee/intel_verify.h"
#include "arca/tee/verifier.h"

namespace arca::tee {
Result<Claims> VerifySgx(const VerifyInputs& in) {
  ARCA_ASSIGN_OR_RETURN(const intel::AuthenticatedQuote quote,
                        intel::AuthenticateQuote(in, intel::kTeeTypeSgx));
  ARCA_ASSIGN_OR_RETURN(const intel::TcbVerdict verdict, intel::EvaluateCollateral(quote, in));
  const intel::EnclaveReport& enclave = *quote.quote.enclave;

  Claims c = intel::CommonClaims(quote, verdict);
  c.platform = Platform::kSgx;
  c.measurement = intel::ToBytes(enclave.mr_enclave);
  c.measurements["mrsigner"] = intel::ToBytes(enclave.mr_signer);
  c.measurements["attributes"] = intel::ToBytes(enclave.attributes);
  c.measurements["miscselect"] = intel::ToBytes(enclave.misc_select);
  c.measurements["config_id"] = intel::ToBytes(enclave.config_id);
  c.measurements["isv_ext_prod_id"] = intel::ToBytes(enclave.isv_ext_prod_id);
  c.measurements["isv_family_id"] = intel::ToBytes(enclave.isv_family_id);
  c.tcb["isv_svn"] = enclave.isv_svn;
  c.tcb["isv_prod_id"] = enclave.isv_prod_id;
  c.tcb["config_svn"] = enclave.config_svn;
  for (size_t i = 0; i < enclave.cpu_svn.size(); ++i) {
    c.tcb[fmt::format("cpu_svn.{}", i)] = enclave.cpu_svn[i];
  }
  c.debug = (enclave.attributes[0] & 0x02) != 0;  // ATTRIBUTES.DEBUG
  c.report_data = intel::ToBytes(enclave.report_data);
  return c;
}

}  // namespace arca::tee
