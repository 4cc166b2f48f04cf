// The coordinator's store: parties, nodes, datasets, plans, approvals, jobs and results in one
// SQLite file, with the hash-chained audit log beside them.
//
// Every mutation runs in one write transaction together with its audit entry: either the
// change and its entry are both committed, or neither is (a failure anywhere, including in the
// audit append, rolls everything back). The only unaudited mutation is SetJobProgress, which is
// telemetry: recording each tick would bury the decisions the log exists for.
//
// The store checks integrity (records that reference each other exist, names and sizes are
// well formed, a job moves only forward through its states, an approval comes from the
// dataset's owner) but does not authenticate or authorise requests: the API layer decides who
// may call what, and names the authenticated party as `actor`, which the audit entry records.
//
// A Store is safe to use from several threads (calls are serialised on one connection). Other
// connections to the same file — a second process, `arca audit verify` — read concurrently
// thanks to write-ahead logging.
#ifndef ARCA_COORD_STORE_H_
#define ARCA_COORD_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/coord/audit_log.h"
#include "arca/coord/records.h"
#include "arca/coord/sqlite_db.h"
#include "arca/crypto/hash.h"

namespace arca::coord {

// Unset fields match every job.
struct JobFilter {
  std::optional<std::string> consumer{};
  std::optional<crypto::Sha256Digest> plan_hash{};
  std::optional<JobStatus> status{};
};

class Store {
 public:
  struct Options {
    // The time recorded on every record and audit entry.
    std::function<UnixTime()> clock = Now;
    int busy_timeout_ms = 5000;
  };

  // Opens the database at `path` (creating it if missing) and migrates it to the latest schema
  // (schema.h). A database newer than this build is refused.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, Options options);
  static Result<std::unique_ptr<Store>> Open(const std::string& path) {
    return Open(path, Options{});
  }

  // Ids and dataset names are 1..128 of letters, digits, '.', '_' and '-', starting with a
  // letter or digit. Records that already exist are failed preconditions; records that are
  // referenced but missing are not-found errors.

  // --- parties
  Result<Party> RegisterParty(const PartySpec& spec, std::string_view actor);
  Result<Party> GetParty(std::string_view id);
  Result<std::vector<Party>> ListParties();

  // Party ids and node ids share one namespace (both sign requests as `Arca-Party`): a party
  // cannot take a node's id, nor a node a party's.

  // --- nodes
  // A node needs its 32-byte Ed25519 key, an index free within its role (compute 0..2,
  // dealer 0) and a mesh endpoint.
  Result<Node> RegisterNode(const NodeSpec& spec, std::string_view actor);
  // The latest evidence bundle a node served, the attestation statement (JSON) for it, and the
  // status that check gave.
  Status RecordNodeEvidence(std::string_view node_id, ByteView evidence,
                            std::string_view attestation_json, NodeStatus status,
                            std::string_view actor);
  Status SetNodeStatus(std::string_view node_id, NodeStatus status, std::string_view actor);
  Result<Node> GetNode(std::string_view id);
  Result<std::vector<Node>> ListNodes();
  // The nodes that run a job at `level`, in party order (records.h, LevelParties); a failed
  // precondition naming the first one that is not registered.
  Result<std::vector<Node>> LevelNodes(SecurityLevel level);

  // --- datasets
  // A new version of `spec.name` (1 for a new name). It has exactly one location on each
  // compute node of its level (0..ComputeNodesAt(level)-1), and on no other node. With
  // `spec.budget`, the name's privacy budget is set in the same transaction, as SetBudget does;
  // permission-denied if the owner is not a data owner (a consumer's uploads are its own rows
  // for inference, which take no budget).
  Result<Dataset> AddDatasetVersion(const DatasetSpec& spec, std::string_view actor);
  // Marks every version of `name` withdrawn; a later upload starts a new, usable version.
  Status WithdrawDataset(std::string_view name, std::string_view actor);
  // The latest version of `name`.
  Result<Dataset> GetDataset(std::string_view name);
  Result<Dataset> GetDatasetVersion(std::string_view name, int64_t version);
  // The latest version of every dataset, by name.
  Result<std::vector<Dataset>> ListDatasets();

  // --- privacy budgets (docs/PLANS.md, "Privacy budget"): one per dataset name, shared by all
  // its versions, with the ledger of what jobs charged it. The owner may raise or lower a
  // budget at any time but never remove it: a dataset once under a budget stays under one, and
  // its ledger is never reset. A budget lowered below what was spent stops new charges; it
  // takes nothing back.
  // Sets `name`'s budget (privacy_budget.h, CheckPrivacyLoss); `owner` must own the name and be
  // a data owner (permission-denied otherwise). Returns the latest version with its budget and
  // what was spent.
  Result<Dataset> SetBudget(std::string_view name, std::string_view owner,
                            const PrivacyLoss& budget, std::string_view actor);

  // --- plans
  // Stores `canonical_json` (a JSON object, already canonical: the plan layer's job) under its
  // SHA-256, which is returned as the plan hash.
  Result<Plan> SubmitPlan(std::string_view submitter, std::string_view canonical_json,
                          std::string_view actor);
  Result<Plan> GetPlan(const crypto::Sha256Digest& hash);
  // Oldest first.
  Result<std::vector<Plan>> ListPlans();

  // --- approvals
  // The plan must be submitted, the dataset exist and not be withdrawn, `spec.owner` own it,
  // and the consumers be registered. Consumers are returned sorted.
  Result<Approval> GrantApproval(const ApprovalSpec& spec, std::string_view actor);
  Status RevokeApproval(int64_t id, std::string_view actor);
  Result<Approval> GetApproval(int64_t id);
  // The approvals in force (not revoked) for `plan_hash` on `dataset`, oldest first: what an
  // authorisation check needs.
  Result<std::vector<Approval>> ApprovalsFor(const crypto::Sha256Digest& plan_hash,
                                             std::string_view dataset);
  // Every approval of `plan_hash`, revoked ones included, oldest first.
  Result<std::vector<Approval>> ListApprovals(const crypto::Sha256Digest& plan_hash);

  // --- models
  // Exactly one of owner_party (registered) and owner_job (existing) is set; the locations
  // are on the compute nodes of its level, as for datasets; consumers are registered. A name
  // is used once, withdrawn or not. Consumers are returned sorted.
  Result<Model> AddModel(const ModelSpec& spec, std::string_view actor);
  Status WithdrawModel(std::string_view name, std::string_view actor);
  Result<Model> GetModel(std::string_view name);
  // By name.
  Result<std::vector<Model>> ListModels();

  // --- jobs: pending -> running -> succeeded | failed | cancelled, or pending -> failed |
  // cancelled. A finished job never changes again.
  //
  // A job's charges on privacy budgets are recorded with it. A job that fails or is cancelled
  // while still pending (no node has reported on it, so nothing was computed for it that the
  // consumer could see) gets them back. Once a node has reported, they stand, whatever the
  // end: the nodes have computed on the data, and what the consumer sees of such a job can
  // depend on the data (a node's failure line, such as an owner's min_rows refusal, or a job
  // still running past that check), so a refund would let a consumer repeat such probes for
  // free.
  //
  // Assigns the level's nodes (LevelNodes) to the job; every input's dataset version exists.
  // Every owner input whose dataset has a privacy budget has its charge in `spec.charges`, and
  // every charge is for such an input; each output's part of a charge is a valid loss
  // (privacy_budget.h, CheckPrivacyLoss); each charge must fit in what is left of its budget
  // (CheckChargeFits, a failed precondition). The checks and the charges run
  // in the job's transaction, so that jobs created at once never spend more than a budget.
  Result<Job> CreateJob(const JobSpec& spec, std::string_view actor);
  Status StartJob(int64_t id, std::string_view actor);
  // 0..1, only while running. Not audited (see above).
  Status SetJobProgress(int64_t id, double progress);
  // Running -> succeeded, with each node's encrypted output and the receipt (a JSON object).
  Status CompleteJob(int64_t id, const std::vector<CiphertextLocation>& locations,
                     std::string_view receipt, std::string_view actor);
  // `error` names the operation and the kind of problem; it must never carry data values.
  Status FailJob(int64_t id, std::string_view error, std::string_view actor);
  Status CancelJob(int64_t id, std::string_view actor);

  // One node's part (`node_id` must be one of the job's parties, still assigned, and the job
  // not finished). A pending job starts on the first report of any of its nodes.
  //
  // Records that the node uploaded its encrypted result (stored by the caller as the file
  // ResultLocation names): its SHA-256 and size. A later upload replaces it.
  Status RecordJobResult(int64_t id, std::string_view node_id, const crypto::Sha256Digest& sha256,
                         int64_t size, std::string_view actor);
  // The node finished its part: its receipt part (a JSON object, opaque to the store) and the
  // models it stored. A compute node must have uploaded its result first. When every party
  // has completed, the job succeeds in the same transaction: its result is every compute
  // node's upload, its receipt {"job": id, "parts": [part of party 0, 1, ...]}, and the
  // models the nodes stored are added (owned by the job, usable by its consumer). If the
  // compute nodes disagree on those models, or a name is taken, the job fails instead,
  // saying so. Returns the job as it is afterwards.
  Result<Job> CompleteJobPart(int64_t id, std::string_view node_id, std::string_view receipt_part,
                              const std::vector<StoredModelPart>& stored_models,
                              std::string_view actor);
  // The node failed: the whole job fails, with "node '<id>': <error>".
  Status FailJobPart(int64_t id, std::string_view node_id, std::string_view error,
                     std::string_view actor);
  // "results/<job>/<node>": where the coordinator keeps a node's uploaded result.
  static std::string ResultLocation(int64_t id, std::string_view node_id);
  Result<Job> GetJob(int64_t id);
  // Jobs matching every set field of `filter`, oldest first.
  Result<std::vector<Job>> ListJobs(const JobFilter& filter);
  Result<JobResult> GetResult(int64_t job_id);
  // The jobs `node_id` takes part in that it must run or stop: pending and running ones, and
  // those that failed or were cancelled at or after `finished_since` while its part was still
  // assigned. Oldest first.
  Result<std::vector<Job>> JobsForNode(std::string_view node_id, UnixTime finished_since);
  // The ciphertext `node_id` keeps for withdrawn datasets and models: it must destroy it.
  Result<std::vector<CiphertextLocation>> WithdrawnLocations(std::string_view node_id);

  // --- audit log (audit_log.h)
  Result<std::vector<AuditEntry>> AuditEntries(int64_t first_seq, int64_t limit);
  Result<std::optional<AuditHead>> CurrentAuditHead();
  Result<AuditVerification> VerifyAudit(const std::optional<AuditHead>& known_head);

 private:
  Store(SqliteDb db, Options options) : db_(std::move(db)), options_(std::move(options)) {}

  // Runs `body` in a write transaction under the lock; commits only if it succeeds.
  template <typename T, typename Body>
  Result<T> Write(Body&& body);
  template <typename Body>
  Status WriteStatus(Body&& body);
  // Appends the audit entry of the running mutation.
  Status Audit(std::string_view actor, std::string_view action, std::string subject,
               std::optional<crypto::Sha256Digest> subject_hash, nlohmann::json details);

  // Lock-free readers for use inside a locked call.
  Result<Party> ReadParty(std::string_view id);
  Result<Node> ReadNode(std::string_view id);
  Result<Dataset> ReadDataset(std::string_view name, std::optional<int64_t> version);
  Result<Plan> ReadPlan(const crypto::Sha256Digest& hash);
  Result<Approval> ReadApproval(int64_t id);
  Result<Job> ReadJob(int64_t id);
  Result<Model> ReadModel(std::string_view name);
  // Fills the budget of `dataset`'s name and what jobs spent of it.
  Status ReadBudget(Dataset& dataset);
  // Sets the budget of `dataset`'s name and audits it.
  Status WriteBudget(const Dataset& dataset, const PrivacyLoss& budget, std::string_view actor);
  // Checks `spec.charges` against its inputs and budgets (CreateJob), then records them for
  // job `id`.
  Status ChargeJob(int64_t id, const JobSpec& spec, std::string_view actor);
  // Gives a job's charges back, audited, when `to` ends it while it is still pending.
  Status RefundJob(const Job& job, JobStatus to, std::string_view actor);
  // Fills a job read from its row with its inputs and parties.
  Status ReadJobParts(Job& job);
  // Checks that `id` is free in the namespace parties and nodes share.
  Status CheckIdFree(std::string_view id);
  // Checks that `locations` are exactly one on each compute node of `level`.
  Status CheckLevelLocations(const std::vector<CiphertextLocation>& locations, SecurityLevel level,
                             std::string_view what);
  Result<Model> InsertModel(const ModelSpec& spec, std::string_view actor);
  // The job's part of `node_id`, or a failed precondition if it has none or it is no longer
  // assigned, or the job is finished. Starts a pending job.
  Result<JobNode> OpenPart(int64_t id, std::string_view node_id, std::string_view actor);
  // The succeeding end of CompleteJobPart, once every party completed.
  Status FinishJob(const Job& job, std::string_view actor);
  Status CompleteLocked(int64_t id, const std::vector<CiphertextLocation>& locations,
                        std::string_view receipt, std::string_view actor);
  // The approvals whose ids `ids_query` yields.
  Result<std::vector<Approval>> ReadApprovals(Statement& ids_query);
  Status CheckLocations(const std::vector<CiphertextLocation>& locations, std::string_view what);
  // Checks that the job may move to `to`, moves it and audits it with `details`.
  Status MoveJob(int64_t id, JobStatus to, std::string_view error, std::string_view actor,
                 nlohmann::json details);

  std::mutex mutex_;
  SqliteDb db_;
  Options options_;
  // The time of the running mutation, read once, so that its records and its audit entry agree.
  UnixTime now_{};
};

}  // namespace arca::coord

#endif  // ARCA_COORD_STORE_H_
