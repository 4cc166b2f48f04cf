// Receipts: what every node of a job signs about it, checked offline by the consumer
// (docs/NODE.md, "Receipts").
//
// A receipt is {"job": 12, "parts": [part, ...]}, one part per party, each
//
//   {"body": {...the fields of ReceiptBody...},
//    "evidence": "<base64 of the node's evidence bundle (tee/evidence.h)>",
//    "signature": "<hex Ed25519 by the node's identity key>"}
//
// The evidence binds the node's keys and the body: its report_data is
//   IdentityDigest(signing key, HPKE key) || BodyDigest(body)
// with BodyDigest = SHA-256("arca receipt v1" || 0x00 || RFC 8785 text of the body), so the
// evidence was made for this very body by an attested node holding that key. The signature
// covers the body and the evidence:
//   Ed25519("arca receipt v1" || 0x00 || RFC 8785 text of the body || 0x00 ||
//           SHA-256(evidence bundle bytes))
// Hex is lower case and base64 canonical, and unknown fields are refused, so that one changed
// byte anywhere in a receipt changes what is verified.
#ifndef ARCA_CLIENT_RECEIPT_H_
#define ARCA_CLIENT_RECEIPT_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/crypto/hash.h"
#include "arca/mpc/runner.h"
#include "arca/tee/attestation.h"
#include "arca/tee/collateral.h"
#include "arca/tee/evidence.h"
#include "arca/tee/node_identity.h"
#include "arca/tee/policy.h"

namespace arca::client {

// The protocol a security level runs: "tee" -> plaintext (inside one attested node),
// "dealer2pc", "rep3".
Result<mpc::ProtocolKind> ProtocolOfLevel(std::string_view level);

struct ReceiptDataset {
  std::string input;    // the plan's input name
  std::string dataset;  // the dataset's name
  uint64_t version = 0;
  std::string sha256;  // hex of this node's uploaded ciphertext; "" where it holds none
  friend bool operator==(const ReceiptDataset&, const ReceiptDataset&) = default;
};

struct ReceiptApproval {
  std::string input;
  std::vector<int64_t> ids;
  nlohmann::json rules = nlohmann::json::object();
  friend bool operator==(const ReceiptApproval&, const ReceiptApproval&) = default;
};

struct ReceiptModel {
  std::string name;
  std::string sha256;  // hex of this node's stored model; "" where it holds none
  friend bool operator==(const ReceiptModel&, const ReceiptModel&) = default;
};

struct PrivacySpent {
  std::string output;
  double epsilon = 0;
  double delta = 0;
  friend bool operator==(const PrivacySpent&, const PrivacySpent&) = default;
};

struct ReceiptBody {
  int64_t job = 0;
  std::string plan_hash;  // hex
  std::string level;      // tee, dealer2pc or rep3
  std::string consumer;
  std::string result_key_sha256;  // hex SHA-256 of the consumer's 32-byte X25519 result key
  std::vector<ReceiptDataset> datasets;
  std::vector<ReceiptApproval> approvals;
  std::vector<ReceiptModel> models;
  std::vector<PrivacySpent> privacy;
  int party = 0;
  std::string node;
  Bytes signing_key;          // the node's raw Ed25519 public key
  Bytes hpke_key;             // the node's X25519 public key
  std::string result_sha256;  // hex of this node's result file; "" where it sends none
  UnixTime time;

  nlohmann::json ToJson() const;
  static Result<ReceiptBody> FromJson(const nlohmann::json& json);
};

// SHA-256("arca receipt v1" || 0x00 || RFC 8785 text of the body).
Result<crypto::Sha256Digest> ReceiptBodyDigest(const ReceiptBody& body);

// This node's part: evidence from `attest` (the node's TEE, as node_server serves it) for the
// report_data above, and the signature by `identity`. `body.signing_key` and `body.hpke_key`
// are set from `identity`.
Result<nlohmann::json> SignReceiptPart(
    ReceiptBody body, const tee::NodeIdentity& identity,
    const std::function<Result<tee::Evidence>(ByteView report_data)>& attest);

struct ReceiptCheckOptions {
  // Result files whose SHA-256 must each be the result_sha256 of a part, every part that
  // names one being matched; unchecked when `check_results` is false.
  bool check_results = false;
  std::vector<Bytes> result_files;
  tee::Collateral collateral;  // beyond what the evidence bundles carry
};

struct VerifiedPart {
  int party = 0;
  std::string node;
  tee::Statement statement;  // the attestation of the part's evidence
};

struct VerifiedReceipt {
  ReceiptBody common;               // party 0's body: the fields every part agrees on
  std::vector<VerifiedPart> parts;  // by party
};

// Checks a receipt offline: every part's evidence verifies under `policy` at the part's time
// and binds its key and body, the signature verifies, the common fields (job, plan, level,
// consumer, result key, datasets but their per-node digests, approvals, models' names, privacy
// budget) agree, each of the level's parties signed exactly once with distinct keys, and, if
// asked, the result files match. The first failure is the error, one line naming the part and
// what failed.
Result<VerifiedReceipt> VerifyReceipt(std::string_view receipt_json, const tee::Policy& policy,
                                      const ReceiptCheckOptions& options);

}  // namespace arca::client

#endif  // ARCA_CLIENT_RECEIPT_H_
