// The coordinator's records: what the store keeps about parties, nodes, datasets, plans,
// approvals, jobs and results.
//
// A `...Spec` is what a caller supplies; the record adds what the store assigns (ids, versions,
// times, flags). Nothing here holds data values or shares: datasets and results are known only
// by where each node keeps its ciphertext and that ciphertext's SHA-256.
#ifndef ARCA_COORD_RECORDS_H_
#define ARCA_COORD_RECORDS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/crypto/hash.h"

namespace arca::coord {

enum class PartyRole { kOwner, kCode, kConsumer, kPlatform };
enum class NodeRole { kCompute, kDealer };
// The coordinator's view of a node's attestation: registered (no evidence checked yet),
// attested (its latest evidence passed), rejected (it did not), offline (unreachable).
enum class NodeStatus { kRegistered, kAttested, kRejected, kOffline };
enum class SecurityLevel { kTee, kDealer2pc, kRep3 };
enum class JobStatus { kPending, kRunning, kSucceeded, kFailed, kCancelled };

// The names used in the database, the audit log and the API: "owner", "code", "consumer",
// "platform"; "compute", "dealer"; "registered", ...; "tee", "dealer2pc", "rep3"; "pending",
// "running", "succeeded", "failed", "cancelled".
std::string_view Name(PartyRole role);
std::string_view Name(NodeRole role);
std::string_view Name(NodeStatus status);
std::string_view Name(SecurityLevel level);
std::string_view Name(JobStatus status);
// Each parse error lists the accepted names.
Result<PartyRole> ParsePartyRole(std::string_view name);
Result<NodeRole> ParseNodeRole(std::string_view name);
Result<NodeStatus> ParseNodeStatus(std::string_view name);
Result<SecurityLevel> ParseSecurityLevel(std::string_view name);
Result<JobStatus> ParseJobStatus(std::string_view name);

// Succeeded, failed and cancelled jobs never change again.
bool IsFinal(JobStatus status);

inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kX25519PublicKeySize = 32;

struct PartySpec {
  std::string id;  // chosen by the registrar, e.g. "hospital-a"
  std::string display_name;
  PartyRole role = PartyRole::kConsumer;
  Bytes public_key;  // raw Ed25519 key that verifies this party's request signatures

  friend bool operator==(const PartySpec&, const PartySpec&) = default;
};

struct Party {
  PartySpec spec;
  UnixTime created_at;

  friend bool operator==(const Party&, const Party&) = default;
};

struct NodeSpec {
  std::string id;  // e.g. "node-0", "dealer"
  NodeRole role = NodeRole::kCompute;
  std::string endpoint;  // host:port where the node serves evidence and uploads

  friend bool operator==(const NodeSpec&, const NodeSpec&) = default;
};

struct Node {
  NodeSpec spec;
  NodeStatus status = NodeStatus::kRegistered;
  Bytes evidence;           // the latest evidence bundle the node served; empty before any
  std::string attestation;  // the attestation statement (JSON) for that evidence; "" before
  UnixTime registered_at;
  UnixTime updated_at;

  friend bool operator==(const Node&, const Node&) = default;
};

// Where one node keeps one piece of ciphertext (its encrypted shares of a dataset, or its
// encrypted share of a result), and the SHA-256 of those ciphertext bytes.
struct CiphertextLocation {
  std::string node_id;
  std::string location;
  crypto::Sha256Digest sha256{};

  friend bool operator==(const CiphertextLocation&, const CiphertextLocation&) = default;
};

struct DatasetSpec {
  std::string name;
  std::string owner;  // party id; a name belongs to the owner of its first version
  nlohmann::json schema = nlohmann::json::object();  // the columns and their types
  int64_t row_count = 0;
  std::vector<CiphertextLocation> locations{};  // one per node, at least one

  friend bool operator==(const DatasetSpec&, const DatasetSpec&) = default;
};

struct Dataset {
  DatasetSpec spec;
  int64_t version = 0;  // 1 for the first upload of a name, then 2, 3, ...
  bool withdrawn = false;
  UnixTime created_at;

  friend bool operator==(const Dataset&, const Dataset&) = default;
};

struct Plan {
  crypto::Sha256Digest hash{};  // SHA-256 of canonical_json
  std::string submitter;
  std::string canonical_json;  // byte for byte what was hashed
  UnixTime submitted_at;

  friend bool operator==(const Plan&, const Plan&) = default;
};

struct ApprovalSpec {
  crypto::Sha256Digest plan_hash{};
  std::string dataset;                              // a dataset name (every version of it)
  std::string owner;                                // the party that approves
  std::vector<std::string> consumers;               // who may receive results; at least one
  std::vector<SecurityLevel> levels;                // at least one
  nlohmann::json rules = nlohmann::json::object();  // the owner's analysis rules

  friend bool operator==(const ApprovalSpec&, const ApprovalSpec&) = default;
};

struct Approval {
  int64_t id = 0;
  ApprovalSpec spec;
  bool revoked = false;
  UnixTime created_at;
  std::optional<UnixTime> revoked_at;

  friend bool operator==(const Approval&, const Approval&) = default;
};

struct JobSpec {
  crypto::Sha256Digest plan_hash{};
  std::string consumer;
  SecurityLevel level = SecurityLevel::kDealer2pc;
  Bytes result_key;  // the consumer's X25519 public key: nodes encrypt outputs to it

  friend bool operator==(const JobSpec&, const JobSpec&) = default;
};

struct Job {
  int64_t id = 0;
  JobSpec spec;
  JobStatus status = JobStatus::kPending;
  double progress = 0;  // 0..1
  std::string error;    // why it failed; never data values
  UnixTime created_at;
  std::optional<UnixTime> started_at;
  std::optional<UnixTime> finished_at;

  friend bool operator==(const Job&, const Job&) = default;
};

struct JobResult {
  int64_t job_id = 0;
  std::vector<CiphertextLocation> locations;  // each node's output, encrypted to result_key
  std::string receipt;                        // JSON signed by the nodes, byte for byte
  UnixTime created_at;

  friend bool operator==(const JobResult&, const JobResult&) = default;
};

}  // namespace arca::coord

#endif  // ARCA_COORD_RECORDS_H_
