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

  // --- nodes
  Result<Node> RegisterNode(const NodeSpec& spec, std::string_view actor);
  // The latest evidence bundle a node served, the attestation statement (JSON) for it, and the
  // status that check gave.
  Status RecordNodeEvidence(std::string_view node_id, ByteView evidence,
                            std::string_view attestation_json, NodeStatus status,
                            std::string_view actor);
  Status SetNodeStatus(std::string_view node_id, NodeStatus status, std::string_view actor);
  Result<Node> GetNode(std::string_view id);
  Result<std::vector<Node>> ListNodes();

  // --- datasets
  // A new version of `spec.name` (1 for a new name). Every location's node must be registered.
  Result<Dataset> AddDatasetVersion(const DatasetSpec& spec, std::string_view actor);
  // Marks every version of `name` withdrawn; a later upload starts a new, usable version.
  Status WithdrawDataset(std::string_view name, std::string_view actor);
  // The latest version of `name`.
  Result<Dataset> GetDataset(std::string_view name);
  Result<Dataset> GetDatasetVersion(std::string_view name, int64_t version);
  // The latest version of every dataset, by name.
  Result<std::vector<Dataset>> ListDatasets();

  // --- plans
  // Stores `canonical_json` (a JSON object, already canonical: the plan layer's job) under its
  // SHA-256, which is returned as the plan hash.
  Result<Plan> SubmitPlan(std::string_view submitter, std::string_view canonical_json,
                          std::string_view actor);
  Result<Plan> GetPlan(const crypto::Sha256Digest& hash);

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

  // --- jobs: pending -> running -> succeeded | failed | cancelled, or pending -> failed |
  // cancelled. A finished job never changes again.
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
  Result<Job> GetJob(int64_t id);
  // Jobs matching every set field of `filter`, oldest first.
  Result<std::vector<Job>> ListJobs(const JobFilter& filter);
  Result<JobResult> GetResult(int64_t job_id);

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
