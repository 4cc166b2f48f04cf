// Trust anchors and collateral: everything besides the evidence that a verifier needs.
//
// Trust anchors are the vendors' root certificates, pinned by the policy's SHA-256
// fingerprints. Collateral is what the vendor publishes about the platform (certificates,
// TCB information, revocation lists); none of it is trusted until its signature chains to a
// pinned anchor, and each piece has its own freshness.
#ifndef ARCA_TEE_COLLATERAL_H_
#define ARCA_TEE_COLLATERAL_H_

#include <optional>
#include <string>
#include <vector>

#include "arca/crypto/x509.h"

namespace arca::tee {

struct Collateral {
  // SEV-SNP: a directory of VCEK/VLEK certificates (DER), looked up by chip id and reported
  // TCB (file names in docs/ATTESTATION.md); and the ASK/ASVK, an untrusted intermediate.
  std::string vcek_cache_dir;
  // Untrusted intermediates for any platform (ASK, PCK CA, TCB signing certificate, ...).
  std::vector<crypto::Certificate> intermediates;
  // Certificate revocation lists (PCK CA, root CA, AMD KDS); optional.
  std::vector<crypto::Crl> crls;
  // Intel: the PCS TCB info and QE identity JSON documents, byte-exact as served.
  std::optional<std::string> tcb_info;
  std::optional<std::string> qe_identity;
};

}  // namespace arca::tee

#endif  // ARCA_TEE_COLLATERAL_H_
