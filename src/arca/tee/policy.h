// Reference-value policy: the judgement of claims (docs/ATTESTATION.md, "Policy file").
//
// A policy names, per platform it accepts: the accepted measurements, minimum TCB/SVN levels,
// the accepted vendor TCB statuses (UpToDate unless others are named), the maximum evidence
// age, and the pinned trust anchors (root certificates by SHA-256 fingerprint). Debug-mode
// TEEs are always refused. There is no "accept anything" policy: every accepted platform must
// list at least one measurement and one anchor.
#ifndef ARCA_TEE_POLICY_H_
#define ARCA_TEE_POLICY_H_

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/crypto/hash.h"
#include "arca/crypto/x509.h"
#include "arca/tee/claims.h"

namespace arca::tee {

struct PlatformPolicy {
  // Lower-case hex. (A set of strings, not of Bytes: GCC 12 mis-warns on set<vector<uint8_t>>.)
  std::set<std::string> measurements;
  std::map<std::string, uint64_t> min_tcb;
  std::set<std::string> tcb_statuses = {"UpToDate"};
  // Evidence that carries its own time (Nitro, sim) may be at most this old.
  std::chrono::seconds max_evidence_age{600};
  std::vector<crypto::Certificate> anchors;
};

struct Policy {
  std::map<Platform, PlatformPolicy> platforms;
  // Tolerated difference between the evidence's clock and the verifier's.
  std::chrono::seconds clock_skew{60};
  // SHA-256 of the policy file as read, so that a statement names the policy it applied.
  crypto::Sha256Digest digest{};

  // Parses a policy file's JSON text. Anchor files are read relative to `base_dir` and must
  // match their pinned fingerprints. Errors name the field.
  static Result<Policy> Parse(std::string_view json_text, const std::string& base_dir);
  static Result<Policy> Load(const std::string& path);
};

// What the verifying party expects beyond the policy.
struct Expectations {
  UnixTime at;
  // The digest of the key the evidence must bind (report_data[0:32]); unchecked if absent.
  std::optional<crypto::Sha256Digest> key_digest;
  // The nonce this client sent (report_data[32:64]); freshness rests on it when present.
  std::optional<crypto::Sha256Digest> nonce;
  // For evidence from other software than Arca's nodes: the exact report_data the verifier
  // asked for (its challenge). It stands for both the key and the nonce check.
  std::optional<Bytes> report_data;
};

// One line per check, in the order they ran.
struct Check {
  std::string name;  // "platform", "debug", "measurement", "tcb", "tcb_status", "key", "fresh"
  bool passed = false;
  std::string detail;
};

struct Verdict {
  bool accepted = false;
  std::vector<Check> checks;
  // The first failed check's line, or empty when accepted.
  std::string reason;
};

// Judges verified claims. Every check runs (so that an operator sees all problems), and the
// verdict is refused if any fails. Without a nonce, and for evidence without a time, freshness
// cannot be established: the check fails, as evidence must never be assumed fresh.
Verdict Judge(const Claims& claims, const Policy& policy, const Expectations& expect);

// report_data as Arca nodes fill it: key digest, then nonce.
Bytes ReportData(const crypto::Sha256Digest& key_digest, const crypto::Sha256Digest& nonce);

}  // namespace arca::tee

#endif  // ARCA_TEE_POLICY_H_
