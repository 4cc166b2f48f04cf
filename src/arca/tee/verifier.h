// Platform verifiers: evidence -> Claims, as pure functions of their inputs.
//
// Each verifier checks the evidence's signature, the chain of the signing key to a pinned
// anchor at `at`, and the collateral (its signatures, and that it is current at `at`). It
// returns the claims or one error line naming the failed check. It judges nothing else: the
// policy does (policy.h).
#ifndef ARCA_TEE_VERIFIER_H_
#define ARCA_TEE_VERIFIER_H_

#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/crypto/x509.h"
#include "arca/tee/claims.h"
#include "arca/tee/collateral.h"

namespace arca::tee {

struct VerifyInputs {
  ByteView evidence;
  // Pinned roots; the verifier uses those that fit its platform.
  std::vector<crypto::Certificate> anchors;
  Collateral collateral;
  UnixTime at;
};

// The SIMULATED TEE (sim_tee.h): the report's Ed25519 signature by a pinned simulated root.
Result<Claims> VerifySim(const VerifyInputs& in);
Result<Claims> VerifySevSnp(const VerifyInputs& in);
Result<Claims> VerifyTdx(const VerifyInputs& in);  // TDX quote v4 (and v5 where supported)
Result<Claims> VerifySgx(const VerifyInputs& in);  // SGX DCAP quote v3
Result<Claims> VerifyNitro(const VerifyInputs& in);

}  // namespace arca::tee

#endif  // ARCA_TEE_VERIFIER_H_
