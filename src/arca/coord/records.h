// The coordinator's records: what the store keeps about parties, nodes, datasets, plans,
// approvals, jobs and results, and the privacy budgets of datasets.
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
enum class ModelKind { kLogistic, kLinear };
// Who supplies a plan input's rows: a registered owner (approved by it), or the job's consumer.
enum class InputSupplier { kOwner, kConsumer };
// One node's part in a job: assigned until it reports completion or failure.
enum class JobNodeState { kAssigned, kCompleted, kFailed };

// The names used in the database, the audit log and the API: "owner", "code", "consumer",
// "platform"; "compute", "dealer"; "registered", ...; "tee", "dealer2pc", "rep3"; "pending",
// "running", "succeeded", "failed", "cancelled"; "logistic", "linear"; "owner", "consumer";
// "assigned", "completed", "failed".
std::string_view Name(PartyRole role);
std::string_view Name(NodeRole role);
std::string_view Name(NodeStatus status);
std::string_view Name(SecurityLevel level);
std::string_view Name(JobStatus status);
std::string_view Name(ModelKind kind);
std::string_view Name(InputSupplier supplier);
std::string_view Name(JobNodeState state);
// Each parse error lists the accepted names.
Result<PartyRole> ParsePartyRole(std::string_view name);
Result<NodeRole> ParseNodeRole(std::string_view name);
Result<NodeStatus> ParseNodeStatus(std::string_view name);
Result<SecurityLevel> ParseSecurityLevel(std::string_view name);
Result<JobStatus> ParseJobStatus(std::string_view name);
Result<ModelKind> ParseModelKind(std::string_view name);
Result<InputSupplier> ParseInputSupplier(std::string_view name);
Result<JobNodeState> ParseJobNodeState(std::string_view name);

// The nodes of a job at `level`, in party order: tee runs on compute node 0; dealer2pc on
// compute nodes 0 and 1 with dealer 0 as party 2; rep3 on compute nodes 0, 1 and 2.
struct LevelParty {
  NodeRole role;
  int64_t index;
};
std::vector<LevelParty> LevelParties(SecurityLevel level);
// How many compute nodes hold shares at `level` (1, 2 or 3): a dataset version for the level
// has one location on each of compute nodes 0..n-1.
size_t ComputeNodesAt(SecurityLevel level);

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
  std::string id;  // e.g. "node-0", "dealer"; never the id of a party
  NodeRole role = NodeRole::kCompute;
  std::string endpoint;  // host:port where the node serves evidence and uploads
  // Since schema version 3; nodes registered earlier have none of the three, and can neither
  // authenticate nor take part in jobs.
  Bytes signing_key{};             // raw Ed25519 key of the node's identity: signs its requests
  std::optional<int64_t> index{};  // its index within its role: compute 0, 1, 2; dealer 0
  std::string mesh_endpoint{};     // host:port of its MPC links to the other nodes

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

// Differential-privacy loss (docs/PLANS.md, "Privacy budget"): what an output's noise costs,
// what a job charges a dataset, and what a dataset's owner allows all jobs together.
struct PrivacyLoss {
  double epsilon = 0;
  double delta = 0;

  friend bool operator==(const PrivacyLoss&, const PrivacyLoss&) = default;
};

struct DatasetSpec {
  std::string name;
  std::string owner;  // party id; a name belongs to the owner of its first version
  nlohmann::json schema = nlohmann::json::object();  // the columns and their types
  int64_t row_count = 0;
  std::vector<CiphertextLocation> locations{};  // one per node, at least one
  // The level the shares were made for; its compute nodes hold them (ComputeNodesAt). Before
  // schema version 3 every dataset was dealer2pc.
  SecurityLevel level = SecurityLevel::kDealer2pc;
  // The name's privacy budget: every version of a name shares one budget and one ledger. Given
  // with a new version, it sets or changes the budget; absent, the budget stays as it is. Read
  // back as the name's budget: nullopt when its owner never set one (jobs then read the
  // dataset without any differential-privacy requirement). Since schema version 4.
  std::optional<PrivacyLoss> budget{};

  friend bool operator==(const DatasetSpec&, const DatasetSpec&) = default;
};

struct Dataset {
  DatasetSpec spec;
  int64_t version = 0;  // 1 for the first upload of a name, then 2, 3, ...
  bool withdrawn = false;
  UnixTime created_at;
  // What jobs have charged the name's budget, refunds deducted (zero without a budget).
  PrivacyLoss spent{};

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

// A model kept secret-shared on the nodes: uploaded by a code owner, or stored by a training
// job (`store_as`). Its weights exist only as ciphertext on the nodes.
struct ModelSpec {
  std::string name;
  std::string owner_party{};           // the code owner that uploaded it, or ""
  std::optional<int64_t> owner_job{};  // the job that stored it, or nullopt
  ModelKind kind = ModelKind::kLogistic;
  std::vector<std::string> features;  // in the order of the weights
  bool intercept = true;
  SecurityLevel level = SecurityLevel::kDealer2pc;
  std::vector<CiphertextLocation> locations;  // one per compute node of the level
  std::vector<std::string> consumers;         // who may run inference with it; sorted

  friend bool operator==(const ModelSpec&, const ModelSpec&) = default;
};

struct Model {
  ModelSpec spec;
  bool withdrawn = false;
  UnixTime created_at;

  friend bool operator==(const Model&, const Model&) = default;
};

// A model as one node reports it when it completes a training job that stores it.
struct StoredModelPart {
  std::string name;
  ModelKind kind = ModelKind::kLogistic;
  std::vector<std::string> features;
  bool intercept = true;
  std::string location;  // on the reporting node
  crypto::Sha256Digest sha256{};

  friend bool operator==(const StoredModelPart&, const StoredModelPart&) = default;
};

// A plan input bound to the dataset version a job reads.
struct JobInput {
  std::string input;  // the plan's input name
  std::string dataset;
  int64_t version = 0;
  InputSupplier supplied_by = InputSupplier::kOwner;

  friend bool operator==(const JobInput&, const JobInput&) = default;
};

// One output's part of a charge: the ε and δ of its noise.
struct OutputLoss {
  std::string output;
  PrivacyLoss loss;

  friend bool operator==(const OutputLoss&, const OutputLoss&) = default;
};

// What a job charges one dataset's privacy budget: by basic sequential composition, the sum of
// the noise of every output of the plan that reads the dataset.
struct BudgetCharge {
  std::string dataset;  // the name (its budget is shared by all versions)
  std::vector<OutputLoss> outputs{};
  // Set by the store when the charge was given back (store.h, "jobs"); callers leave it false.
  bool refunded = false;

  // What the budget is charged: the sum over `outputs`.
  PrivacyLoss Total() const {
    PrivacyLoss sum;
    for (const OutputLoss& output : outputs) {
      sum.epsilon += output.loss.epsilon;
      sum.delta += output.loss.delta;
    }
    return sum;
  }

  friend bool operator==(const BudgetCharge&, const BudgetCharge&) = default;
};

struct JobSpec {
  crypto::Sha256Digest plan_hash{};
  std::string consumer;
  SecurityLevel level = SecurityLevel::kDealer2pc;
  Bytes result_key;  // the consumer's X25519 public key: nodes encrypt outputs to it
  // Since schema version 3: the dataset versions the job reads (empty for jobs made by
  // earlier builds).
  std::vector<JobInput> inputs{};
  // Since schema version 4: one charge for each owner input whose dataset has a privacy
  // budget, by dataset name (job_admission.h computes them from the plan).
  std::vector<BudgetCharge> charges{};

  friend bool operator==(const JobSpec&, const JobSpec&) = default;
};

// One node's part in a job.
struct JobNode {
  int64_t party = 0;
  std::string node_id;
  JobNodeState state = JobNodeState::kAssigned;
  std::optional<crypto::Sha256Digest> result_sha256{};  // of its uploaded result, once uploaded
  int64_t result_size = 0;
  std::string receipt_part{};   // JSON object, once completed
  std::string stored_models{};  // JSON array of the models it stored, once completed
  std::string error{};          // once failed

  friend bool operator==(const JobNode&, const JobNode&) = default;
};

struct Job {
  int64_t id = 0;
  JobSpec spec;
  // The nodes that run it, in party order (LevelParties), assigned by the store when the job
  // is created. Empty for jobs made before schema version 3.
  std::vector<JobNode> parties{};
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
