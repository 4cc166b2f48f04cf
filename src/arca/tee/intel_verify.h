// The checks that TDX and SGX quotes share, in the order VerifyTdx and VerifySgx run them:
//
//  1. parse the quote and refuse one of the other TEE;
//  2. the PCK certificate chain carried in the quote, to a pinned anchor at `at`, with the
//     collateral CRLs when given (the quote's certificates are untrusted intermediates; only
//     anchors named "Intel SGX Root CA" are used, the policy pins which one by fingerprint);
//  3. the QE report signature with the PCK leaf's key;
//  4. QE report_data == SHA-256(attestation key || QE authentication data) || 32 zero bytes,
//     which binds the attestation key to the Quoting Enclave;
//  5. the attestation key's signature over header and body;
//  6. the collateral: TCB info and QE identity present, signed by the TCB Signing key that
//     chains to a pinned anchor, current at `at`; then Intel's TCB evaluation.
#ifndef ARCA_TEE_INTEL_VERIFY_H_
#define ARCA_TEE_INTEL_VERIFY_H_

#include <vector>

#include "arca/base/status.h"
#include "arca/crypto/x509.h"
#include "arca/tee/claims.h"
#include "arca/tee/intel_collateral.h"
#include "arca/tee/intel_pck.h"
#include "arca/tee/intel_quote.h"
#include "arca/tee/verifier.h"

namespace arca::tee::intel {

// A fixed-size quote field as the claims' Bytes.
template <size_t N>
Bytes ToBytes(const std::array<uint8_t, N>& field) {
  return Bytes(field.begin(), field.end());
}

// A quote whose signatures all verify up to a pinned root (steps 1 to 5).
struct AuthenticatedQuote {
  Quote quote;
  PckExtensions pck;
  std::vector<crypto::Certificate> pck_chain;  // leaf first, anchor last
};

// Steps 1 to 5. `tee_type` is kTeeTypeTdx or kTeeTypeSgx.
Result<AuthenticatedQuote> AuthenticateQuote(const VerifyInputs& in, uint32_t tee_type);

// Step 6. Missing collateral is a FailedPrecondition error naming the document and its PCS URL.
Result<TcbVerdict> EvaluateCollateral(const AuthenticatedQuote& quote, const VerifyInputs& in);

// The claims both platforms share: TCB verdict, PCK TCB, QE SVN, FMSPC as chip id, signer.
Claims CommonClaims(const AuthenticatedQuote& quote, const TcbVerdict& verdict);

}  // namespace arca::tee::intel

#endif  // ARCA_TEE_INTEL_VERIFY_H_
