// Claims: what a platform verifier concludes from evidence, in one schema for every TEE.
//
// A verifier turns evidence into Claims only when every cryptographic check passed (signature,
// chain to a pinned anchor, collateral signatures and freshness). Whether the claims are
// acceptable — measurement, TCB levels, debug, key binding, evidence age — is the policy's
// judgement (policy.h), not the verifier's. docs/ATTESTATION.md documents each field per
// platform.
#ifndef ARCA_TEE_CLAIMS_H_
#define ARCA_TEE_CLAIMS_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"

namespace arca::tee {

enum class Platform { kSim, kSevSnp, kTdx, kSgx, kNitro };

// "sim", "sev-snp", "tdx", "sgx", "nitro".
std::string_view PlatformName(Platform platform);
Result<Platform> ParsePlatform(std::string_view name);

struct Claims {
  Platform platform = Platform::kSim;
  // The hardware generation or flavour, e.g. "Milan", "Genoa", "Turin" (SEV-SNP), or "" if
  // the evidence does not say.
  std::string product;
  // The launch measurement of the program: SEV-SNP MEASUREMENT (48 bytes), TDX MRTD (48),
  // SGX MRENCLAVE (32), Nitro PCR0 (48), sim SHA-384 of binary and configuration (48).
  Bytes measurement;
  // Further measured values by name: "rtmr0".."rtmr3", "mrsigner", "pcr1", "pcr2", "pcr8",
  // "host_data", "id_key_digest", ...
  std::map<std::string, Bytes> measurements;
  // Security version numbers by name, e.g. SEV-SNP "bootloader", "tee", "snp", "microcode";
  // TDX "tee_tcb_svn.0".., "pce_svn"; SGX "isv_svn", "cpu_svn.0"..; Nitro none.
  std::map<std::string, uint64_t> tcb;
  // The vendor's verdict on the TCB from collateral: "UpToDate", "SWHardeningNeeded",
  // "ConfigurationNeeded", "OutOfDate", ...; "" where the platform has none (SEV-SNP, Nitro,
  // sim), in which case the policy's minimum TCB levels decide.
  std::string tcb_status;
  // Advisory ids attached to the TCB status (Intel "INTEL-SA-..."), if any.
  std::vector<std::string> advisories;
  bool debug = false;
  // The 64 bytes the guest asked to be signed with its report (Nitro: the user_data field).
  // Arca nodes put SHA-256 of their identity key there, then the client's 32-byte nonce.
  Bytes report_data;
  // Nitro only: the document's public_key and nonce fields.
  Bytes public_key;
  Bytes nonce;
  // The chip or platform identity: SEV-SNP CHIP_ID, TDX/SGX FMSPC, Nitro module_id (ASCII).
  Bytes chip_id;
  // What signed the evidence: "VCEK", "VLEK", "PCK", "AWS Nitro", "SIMULATED root".
  std::string signer;
  // When the evidence was produced, if it says (Nitro); otherwise only a nonce shows freshness.
  std::optional<UnixTime> evidence_time;

  nlohmann::json ToJson() const;
  static Result<Claims> FromJson(const nlohmann::json& json);
};

}  // namespace arca::tee

#endif  // ARCA_TEE_CLAIMS_H_
