// Attestation in three stages, as the attestation services that people trust split it:
//   1. a platform verifier turns evidence into claims (verifier.h),
//   2. a policy judges the claims (policy.h),
//   3. the outcome becomes a signed statement that the rest of Arca consumes.
// Each stage is a pure function of its inputs; the verification time is one of them.
#ifndef ARCA_TEE_ATTESTATION_H_
#define ARCA_TEE_ATTESTATION_H_

#include <string>

#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/crypto/hash.h"
#include "arca/crypto/public_key.h"
#include "arca/crypto/signing_key.h"
#include "arca/tee/claims.h"
#include "arca/tee/collateral.h"
#include "arca/tee/evidence.h"
#include "arca/tee/policy.h"

namespace arca::tee {

struct Statement {
  Claims claims;
  Verdict verdict;
  crypto::Sha256Digest evidence_digest{};  // of the report bytes
  crypto::Sha256Digest policy_digest{};
  UnixTime verified_at;

  // Canonical JSON (sorted keys, no whitespace): the bytes that are signed.
  std::string CanonicalJson() const;
  static Result<Statement> FromJson(std::string_view text);
};

// Stages 1 and 2. A verifier failure (bad signature, broken chain, stale collateral) is the
// returned error; a policy refusal is a statement whose verdict is not accepted. The policy's
// anchors for the evidence's platform are the only trust anchors used; `collateral` adds to
// what the evidence bundle carries.
Result<Statement> Attest(const Evidence& evidence, const Policy& policy, const Expectations& expect,
                         Collateral collateral = {});

// Stage 3: the statement signed by the verifier's key, and its check.
struct SignedStatement {
  std::string statement;  // Statement::CanonicalJson()
  Bytes signature;        // Ed25519
  Bytes verifier_key;     // raw Ed25519 public key

  std::string ToJson() const;
  static Result<SignedStatement> FromJson(std::string_view text);
};
SignedStatement SignStatement(const Statement& statement, const crypto::SigningKey& key);
// The statement, if its signature verifies with `trusted_verifier` (raw Ed25519 key).
Result<Statement> OpenStatement(const SignedStatement& signed_statement, ByteView trusted_verifier);

}  // namespace arca::tee

#endif  // ARCA_TEE_ATTESTATION_H_
