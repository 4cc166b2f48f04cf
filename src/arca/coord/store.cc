#include "arca/coord/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

#include "arca/coord/migrations.h"
#include "arca/coord/schema.h"
#include "arca/coord/store_rows.h"

namespace arca::coord {
namespace {

using crypto::Sha256Digest;
using rows::CheckActor;
using rows::CheckId;
using rows::CheckJsonObject;
using rows::Collect;
using rows::DigestColumn;
using rows::DumpJson;
using rows::FirstInt;
using rows::FirstText;
using rows::JobFromRow;
using rows::JsonColumn;
using rows::kApprovalColumns;
using rows::kJobColumns;
using rows::kNodeColumns;
using rows::kPartyColumns;
using rows::kPlanColumns;
using rows::LocationsJson;
using rows::NodeFromRow;
using rows::OptionalTimeColumn;
using rows::PartyFromRow;
using rows::PlanFromRow;
using rows::ReadLocations;
using rows::TimeColumn;

std::string PlanSubject(const Sha256Digest& hash) { return "plan/" + ToHex(hash); }
std::string JobSubject(int64_t id) { return "job/" + std::to_string(id); }
std::string ApprovalSubject(int64_t id) { return "approval/" + std::to_string(id); }

}  // namespace

template <typename T, typename Body>
Result<T> Store::Write(Body&& body) {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(Transaction transaction, db_.BeginWrite());
  now_ = options_.clock();
  ARCA_ASSIGN_OR_RETURN(T value, body());
  ARCA_RETURN_IF_ERROR(transaction.Commit());
  return value;
}

template <typename Body>
Status Store::WriteStatus(Body&& body) {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(Transaction transaction, db_.BeginWrite());
  now_ = options_.clock();
  ARCA_RETURN_IF_ERROR(body());
  return transaction.Commit();
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, Options options) {
  ARCA_ASSIGN_OR_RETURN(SqliteDb db,
                        SqliteDb::Open(path, {.busy_timeout_ms = options.busy_timeout_ms}));
  ARCA_RETURN_IF_ERROR(Migrate(db, CoordinatorSchema(), options.clock()));
  return std::unique_ptr<Store>(new Store(std::move(db), std::move(options)));
}

Status Store::Audit(std::string_view actor, std::string_view action, std::string subject,
                    std::optional<Sha256Digest> subject_hash, nlohmann::json details) {
  return AppendAuditEntry(db_, now_,
                          AuditEvent{.actor = std::string(actor),
                                     .action = std::string(action),
                                     .subject = std::move(subject),
                                     .subject_hash = subject_hash,
                                     .details = std::move(details)})
      .status();
}

// --- parties

Result<Party> Store::RegisterParty(const PartySpec& spec, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckId("party id", spec.id));
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  if (spec.display_name.empty()) return InvalidArgumentError("party display name is empty");
  if (spec.public_key.size() != kEd25519PublicKeySize) {
    return InvalidArgumentError(
        fmt::format("party '{}' public key has {} bytes; an Ed25519 key "
                    "has 32",
                    spec.id, spec.public_key.size()));
  }
  return Write<Party>([&]() -> Result<Party> {
    if (ReadParty(spec.id).ok()) {
      return FailedPreconditionError(fmt::format("party '{}' is already registered", spec.id));
    }
    const Party party{.spec = spec, .created_at = now_};
    ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO parties (id, display_name, role, public_key, "
                                 "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                                 spec.id, spec.display_name, Name(spec.role), spec.public_key,
                                 FormatTime(party.created_at))
                             .status());
    ARCA_RETURN_IF_ERROR(Audit(actor, "party.register", "party/" + spec.id,
                               crypto::Sha256(spec.public_key),
                               {{"display_name", spec.display_name}, {"role", Name(spec.role)}}));
    return party;
  });
}

Result<Party> Store::ReadParty(std::string_view id) {
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query(fmt::format("SELECT {} FROM parties WHERE id = ?1", kPartyColumns), id));
  ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return NotFoundError(fmt::format("party '{}' is not registered", id));
  return PartyFromRow(query);
}

Result<Party> Store::GetParty(std::string_view id) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ReadParty(id);
}

Result<std::vector<Party>> Store::ListParties() {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(
      Statement query, db_.Query(fmt::format("SELECT {} FROM parties ORDER BY id", kPartyColumns)));
  return Collect<Party>(query, PartyFromRow);
}

// --- nodes

Result<Node> Store::RegisterNode(const NodeSpec& spec, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckId("node id", spec.id));
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  if (spec.endpoint.empty()) {
    return InvalidArgumentError(fmt::format("node '{}' has no endpoint", spec.id));
  }
  return Write<Node>([&]() -> Result<Node> {
    if (ReadNode(spec.id).ok()) {
      return FailedPreconditionError(fmt::format("node '{}' is already registered", spec.id));
    }
    Node node;
    node.spec = spec;
    node.registered_at = now_;
    node.updated_at = now_;
    ARCA_RETURN_IF_ERROR(
        db_.Run("INSERT INTO nodes (id, role, endpoint, status, evidence, attestation, "
                "registered_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?6)",
                spec.id, Name(spec.role), spec.endpoint, Name(node.status), Bytes(),
                FormatTime(now_))
            .status());
    ARCA_RETURN_IF_ERROR(Audit(actor, "node.register", "node/" + spec.id, std::nullopt,
                               {{"role", Name(spec.role)}, {"endpoint", spec.endpoint}}));
    return node;
  });
}

Status Store::RecordNodeEvidence(std::string_view node_id, ByteView evidence,
                                 std::string_view attestation_json, NodeStatus status,
                                 std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  if (evidence.empty()) {
    return InvalidArgumentError(fmt::format("evidence for node '{}' is empty", node_id));
  }
  ARCA_RETURN_IF_ERROR(CheckJsonObject(attestation_json, "attestation statement"));
  return WriteStatus([&]() -> Status {
    ARCA_RETURN_IF_ERROR(ReadNode(node_id).status());
    ARCA_RETURN_IF_ERROR(db_.Run("UPDATE nodes SET evidence = ?2, attestation = ?3, status = ?4, "
                                 "updated_at = ?5 WHERE id = ?1",
                                 node_id, evidence, attestation_json, Name(status),
                                 FormatTime(now_))
                             .status());
    return Audit(actor, "node.evidence", "node/" + std::string(node_id), crypto::Sha256(evidence),
                 {{"status", Name(status)}});
  });
}

Status Store::SetNodeStatus(std::string_view node_id, NodeStatus status, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  return WriteStatus([&]() -> Status {
    ARCA_RETURN_IF_ERROR(ReadNode(node_id).status());
    ARCA_RETURN_IF_ERROR(db_.Run("UPDATE nodes SET status = ?2, updated_at = ?3 WHERE id = ?1",
                                 node_id, Name(status), FormatTime(now_))
                             .status());
    return Audit(actor, "node.status", "node/" + std::string(node_id), std::nullopt,
                 {{"status", Name(status)}});
  });
}

Result<Node> Store::ReadNode(std::string_view id) {
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query(fmt::format("SELECT {} FROM nodes WHERE id = ?1", kNodeColumns), id));
  ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return NotFoundError(fmt::format("node '{}' is not registered", id));
  return NodeFromRow(query);
}

Result<Node> Store::GetNode(std::string_view id) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ReadNode(id);
}

Result<std::vector<Node>> Store::ListNodes() {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(Statement query,
                        db_.Query(fmt::format("SELECT {} FROM nodes ORDER BY id", kNodeColumns)));
  return Collect<Node>(query, NodeFromRow);
}

// --- datasets

Status Store::CheckLocations(const std::vector<CiphertextLocation>& locations,
                             std::string_view what) {
  if (locations.empty()) return InvalidArgumentError(fmt::format("{} has no locations", what));
  std::set<std::string_view> nodes;
  for (const CiphertextLocation& location : locations) {
    if (!nodes.insert(location.node_id).second) {
      return InvalidArgumentError(fmt::format("{} names node '{}' twice", what, location.node_id));
    }
    if (location.location.empty()) {
      return InvalidArgumentError(
          fmt::format("{} has an empty location on node '{}'", what, location.node_id));
    }
    ARCA_RETURN_IF_ERROR(ReadNode(location.node_id).status().WithContext(std::string(what)));
  }
  return OkStatus();
}

Result<Dataset> Store::AddDatasetVersion(const DatasetSpec& spec, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckId("dataset name", spec.name));
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  if (spec.row_count < 0) {
    return InvalidArgumentError(
        fmt::format("dataset '{}' has a negative row count {}", spec.name, spec.row_count));
  }
  ARCA_ASSIGN_OR_RETURN(const std::string schema,
                        DumpJson(spec.schema, "schema of dataset '" + spec.name + "'"));
  return Write<Dataset>([&]() -> Result<Dataset> {
    ARCA_RETURN_IF_ERROR(ReadParty(spec.owner).status());
    ARCA_RETURN_IF_ERROR(CheckLocations(spec.locations, "dataset '" + spec.name + "'"));
    int64_t version = 1;
    Result<Dataset> latest = ReadDataset(spec.name, std::nullopt);
    if (latest.ok()) {
      if (latest->spec.owner != spec.owner) {
        return PermissionDeniedError(
            fmt::format("dataset '{}' belongs to '{}'; '{}' cannot add "
                        "a version of it",
                        spec.name, latest->spec.owner, spec.owner));
      }
      version = latest->version + 1;
    } else if (latest.status().code() != StatusCode::kNotFound) {
      return latest.status();
    }
    const Dataset dataset{.spec = spec, .version = version, .created_at = now_};
    ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO datasets (name, version, owner, schema, row_count, "
                                 "withdrawn, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
                                 spec.name, version, spec.owner, schema, spec.row_count,
                                 FormatTime(dataset.created_at))
                             .status());
    for (const CiphertextLocation& location : spec.locations) {
      ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO dataset_locations (dataset_name, dataset_version, "
                                   "node_id, location, sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
                                   spec.name, version, location.node_id, location.location,
                                   ToHex(location.sha256))
                               .status());
    }
    ARCA_RETURN_IF_ERROR(Audit(actor, "dataset.add", "dataset/" + spec.name, std::nullopt,
                               {{"version", version},
                                {"owner", spec.owner},
                                {"row_count", spec.row_count},
                                {"locations", LocationsJson(spec.locations)}}));
    return dataset;
  });
}

Status Store::WithdrawDataset(std::string_view name, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  return WriteStatus([&]() -> Status {
    ARCA_ASSIGN_OR_RETURN(const Dataset latest, ReadDataset(name, std::nullopt));
    if (latest.withdrawn) {
      return FailedPreconditionError(fmt::format("dataset '{}' is already withdrawn", name));
    }
    ARCA_RETURN_IF_ERROR(
        db_.Run("UPDATE datasets SET withdrawn = 1 WHERE name = ?1 AND withdrawn = 0", name)
            .status());
    return Audit(actor, "dataset.withdraw", "dataset/" + std::string(name), std::nullopt,
                 {{"latest_version", latest.version}});
  });
}

Result<Dataset> Store::ReadDataset(std::string_view name, std::optional<int64_t> version) {
  // ?2 left NULL selects the latest version.
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query("SELECT name, version, owner, schema, row_count, withdrawn, created_at "
                "FROM datasets WHERE name = ?1 AND (?2 IS NULL OR version = ?2) "
                "ORDER BY version DESC LIMIT 1",
                name));
  if (version) ARCA_RETURN_IF_ERROR(query.Bind(2, *version));
  ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) {
    return NotFoundError(version ? fmt::format("dataset '{}' has no version {}", name, *version)
                                 : fmt::format("dataset '{}' does not exist", name));
  }
  ARCA_ASSIGN_OR_RETURN(nlohmann::json schema, JsonColumn(query, 3));
  ARCA_ASSIGN_OR_RETURN(const UnixTime created_at, TimeColumn(query, 6));
  Dataset dataset;
  dataset.spec.name = query.Text(0);
  dataset.spec.owner = query.Text(2);
  dataset.spec.schema = std::move(schema);
  dataset.spec.row_count = query.Int(4);
  dataset.version = query.Int(1);
  dataset.withdrawn = query.Int(5) != 0;
  dataset.created_at = created_at;
  ARCA_ASSIGN_OR_RETURN(
      Statement locations,
      db_.Query("SELECT node_id, location, sha256 FROM dataset_locations "
                "WHERE dataset_name = ?1 AND dataset_version = ?2 ORDER BY node_id",
                dataset.spec.name, dataset.version));
  ARCA_ASSIGN_OR_RETURN(dataset.spec.locations, ReadLocations(locations));
  return dataset;
}

Result<Dataset> Store::GetDataset(std::string_view name) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ReadDataset(name, std::nullopt);
}

Result<Dataset> Store::GetDatasetVersion(std::string_view name, int64_t version) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ReadDataset(name, version);
}

Result<std::vector<Dataset>> Store::ListDatasets() {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(Statement names,
                        db_.Query("SELECT DISTINCT name FROM datasets ORDER BY name"));
  ARCA_ASSIGN_OR_RETURN(const std::vector<std::string> all, Collect<std::string>(names, FirstText));
  std::vector<Dataset> datasets;
  for (const std::string& name : all) {
    ARCA_ASSIGN_OR_RETURN(Dataset dataset, ReadDataset(name, std::nullopt));
    datasets.push_back(std::move(dataset));
  }
  return datasets;
}

// --- plans

Result<Plan> Store::SubmitPlan(std::string_view submitter, std::string_view canonical_json,
                               std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  ARCA_RETURN_IF_ERROR(CheckJsonObject(canonical_json, "plan"));
  Plan plan{.hash = crypto::Sha256(AsBytes(canonical_json)),
            .submitter = std::string(submitter),
            .canonical_json = std::string(canonical_json),
            .submitted_at = {}};
  return Write<Plan>([&]() -> Result<Plan> {
    plan.submitted_at = now_;
    ARCA_RETURN_IF_ERROR(ReadParty(submitter).status());
    if (ReadPlan(plan.hash).ok()) {
      return FailedPreconditionError(fmt::format("plan {} is already submitted", ToHex(plan.hash)));
    }
    ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO plans (hash, submitter, canonical_json, "
                                 "submitted_at) VALUES (?1, ?2, ?3, ?4)",
                                 ToHex(plan.hash), plan.submitter, plan.canonical_json,
                                 FormatTime(plan.submitted_at))
                             .status());
    ARCA_RETURN_IF_ERROR(Audit(actor, "plan.submit", PlanSubject(plan.hash), plan.hash,
                               {{"submitter", plan.submitter}}));
    return plan;
  });
}

Result<Plan> Store::ReadPlan(const Sha256Digest& hash) {
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query(fmt::format("SELECT {} FROM plans WHERE hash = ?1", kPlanColumns), ToHex(hash)));
  ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return NotFoundError(fmt::format("plan {} is not submitted", ToHex(hash)));
  return PlanFromRow(query);
}

Result<Plan> Store::GetPlan(const Sha256Digest& hash) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ReadPlan(hash);
}

// --- approvals

Result<Approval> Store::GrantApproval(const ApprovalSpec& spec, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  if (spec.consumers.empty()) return InvalidArgumentError("approval names no consumer");
  if (spec.levels.empty()) return InvalidArgumentError("approval allows no security level");
  nlohmann::json levels = nlohmann::json::array();
  std::set<SecurityLevel> seen;
  for (const SecurityLevel level : spec.levels) {
    if (!seen.insert(level).second) {
      return InvalidArgumentError(
          fmt::format("approval names security level '{}' twice", Name(level)));
    }
    levels.push_back(Name(level));
  }
  ARCA_ASSIGN_OR_RETURN(const std::string rules, DumpJson(spec.rules, "approval rules"));
  if (!spec.rules.is_object()) return InvalidArgumentError("approval rules are not a JSON object");
  std::vector<std::string> consumers = spec.consumers;
  std::sort(consumers.begin(), consumers.end());
  if (std::adjacent_find(consumers.begin(), consumers.end()) != consumers.end()) {
    return InvalidArgumentError("approval names a consumer twice");
  }
  return Write<Approval>([&]() -> Result<Approval> {
    ARCA_RETURN_IF_ERROR(ReadPlan(spec.plan_hash).status());
    ARCA_ASSIGN_OR_RETURN(const Dataset dataset, ReadDataset(spec.dataset, std::nullopt));
    if (dataset.withdrawn) {
      return FailedPreconditionError(
          fmt::format("dataset '{}' is withdrawn and cannot be approved for use", spec.dataset));
    }
    if (dataset.spec.owner != spec.owner) {
      return PermissionDeniedError(
          fmt::format("'{}' does not own dataset '{}' (its owner is "
                      "'{}'), so it cannot approve its use",
                      spec.owner, spec.dataset, dataset.spec.owner));
    }
    for (const std::string& consumer : consumers) {
      ARCA_RETURN_IF_ERROR(ReadParty(consumer).status());
    }
    Approval approval;
    approval.spec = spec;
    approval.spec.consumers = consumers;
    approval.created_at = now_;
    ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO approvals (plan_hash, dataset, owner, levels, rules, "
                                 "revoked, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
                                 ToHex(spec.plan_hash), spec.dataset, spec.owner, levels.dump(),
                                 rules, FormatTime(approval.created_at))
                             .status());
    approval.id = db_.LastInsertRowId();
    for (const std::string& consumer : consumers) {
      ARCA_RETURN_IF_ERROR(
          db_.Run("INSERT INTO approval_consumers (approval_id, consumer) VALUES (?1, ?2)",
                  approval.id, consumer)
              .status());
    }
    ARCA_RETURN_IF_ERROR(Audit(actor, "approval.grant", ApprovalSubject(approval.id),
                               spec.plan_hash,
                               {{"dataset", spec.dataset},
                                {"owner", spec.owner},
                                {"consumers", consumers},
                                {"levels", levels},
                                {"rules", spec.rules}}));
    return approval;
  });
}

Status Store::RevokeApproval(int64_t id, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  return WriteStatus([&]() -> Status {
    ARCA_ASSIGN_OR_RETURN(const Approval approval, ReadApproval(id));
    if (approval.revoked) {
      return FailedPreconditionError(fmt::format("approval {} is already revoked", id));
    }
    ARCA_RETURN_IF_ERROR(db_.Run("UPDATE approvals SET revoked = 1, revoked_at = ?2 WHERE id = ?1",
                                 id, FormatTime(now_))
                             .status());
    return Audit(actor, "approval.revoke", ApprovalSubject(id), approval.spec.plan_hash,
                 {{"dataset", approval.spec.dataset}});
  });
}

Result<std::vector<Approval>> Store::ReadApprovals(Statement& ids_query) {
  ARCA_ASSIGN_OR_RETURN(const std::vector<int64_t> ids, Collect<int64_t>(ids_query, FirstInt));
  std::vector<Approval> approvals;
  for (const int64_t id : ids) {
    ARCA_ASSIGN_OR_RETURN(Approval approval, ReadApproval(id));
    approvals.push_back(std::move(approval));
  }
  return approvals;
}

Result<Approval> Store::ReadApproval(int64_t id) {
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query(fmt::format("SELECT {} FROM approvals WHERE id = ?1", kApprovalColumns), id));
  ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return NotFoundError(fmt::format("approval {} does not exist", id));
  ARCA_ASSIGN_OR_RETURN(const Sha256Digest plan_hash, DigestColumn(query, 1));
  ARCA_ASSIGN_OR_RETURN(const nlohmann::json levels, JsonColumn(query, 4));
  ARCA_ASSIGN_OR_RETURN(nlohmann::json rules, JsonColumn(query, 5));
  ARCA_ASSIGN_OR_RETURN(const UnixTime created_at, TimeColumn(query, 7));
  ARCA_ASSIGN_OR_RETURN(const std::optional<UnixTime> revoked_at, OptionalTimeColumn(query, 8));
  Approval approval;
  approval.id = query.Int(0);
  approval.spec.plan_hash = plan_hash;
  approval.spec.dataset = query.Text(2);
  approval.spec.owner = query.Text(3);
  approval.spec.rules = std::move(rules);
  approval.revoked = query.Int(6) != 0;
  approval.created_at = created_at;
  approval.revoked_at = revoked_at;
  if (!levels.is_array())
    return DataLossError(fmt::format("approval {} levels are unreadable", id));
  for (const nlohmann::json& level : levels) {
    if (!level.is_string()) {
      return DataLossError(fmt::format("approval {} levels are unreadable", id));
    }
    ARCA_ASSIGN_OR_RETURN(const SecurityLevel parsed, ParseSecurityLevel(level.get<std::string>()));
    approval.spec.levels.push_back(parsed);
  }
  ARCA_ASSIGN_OR_RETURN(
      Statement consumers,
      db_.Query("SELECT consumer FROM approval_consumers WHERE approval_id = ?1 ORDER BY consumer",
                id));
  ARCA_ASSIGN_OR_RETURN(approval.spec.consumers, Collect<std::string>(consumers, FirstText));
  return approval;
}

Result<Approval> Store::GetApproval(int64_t id) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ReadApproval(id);
}

Result<std::vector<Approval>> Store::ApprovalsFor(const Sha256Digest& plan_hash,
                                                  std::string_view dataset) {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(Statement ids, db_.Query("SELECT id FROM approvals WHERE plan_hash = ?1 "
                                                 "AND dataset = ?2 AND revoked = 0 ORDER BY id",
                                                 ToHex(plan_hash), dataset));
  return ReadApprovals(ids);
}

Result<std::vector<Approval>> Store::ListApprovals(const Sha256Digest& plan_hash) {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(
      Statement ids,
      db_.Query("SELECT id FROM approvals WHERE plan_hash = ?1 ORDER BY id", ToHex(plan_hash)));
  return ReadApprovals(ids);
}

// --- jobs

Result<Job> Store::CreateJob(const JobSpec& spec, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  if (spec.result_key.size() != kX25519PublicKeySize) {
    return InvalidArgumentError(fmt::format(
        "job result key has {} bytes; an X25519 public key has 32", spec.result_key.size()));
  }
  return Write<Job>([&]() -> Result<Job> {
    ARCA_RETURN_IF_ERROR(ReadPlan(spec.plan_hash).status());
    ARCA_RETURN_IF_ERROR(ReadParty(spec.consumer).status());
    Job job;
    job.spec = spec;
    job.created_at = now_;
    ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO jobs (plan_hash, consumer, level, result_key, "
                                 "status, progress, error, created_at) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, 0, '', ?6)",
                                 ToHex(spec.plan_hash), spec.consumer, Name(spec.level),
                                 spec.result_key, Name(job.status), FormatTime(job.created_at))
                             .status());
    job.id = db_.LastInsertRowId();
    ARCA_RETURN_IF_ERROR(Audit(actor, "job.create", JobSubject(job.id), spec.plan_hash,
                               {{"consumer", spec.consumer}, {"level", Name(spec.level)}}));
    return job;
  });
}

Result<Job> Store::ReadJob(int64_t id) {
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query(fmt::format("SELECT {} FROM jobs WHERE id = ?1", kJobColumns), id));
  ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return NotFoundError(fmt::format("job {} does not exist", id));
  return JobFromRow(query);
}

// The one place a job changes state, so that the allowed moves are written once.
Status Store::MoveJob(int64_t id, JobStatus to, std::string_view error, std::string_view actor,
                      nlohmann::json details) {
  ARCA_ASSIGN_OR_RETURN(const Job job, ReadJob(id));
  bool allowed = false;
  std::string_view action;
  switch (to) {
    case JobStatus::kPending:
      break;
    case JobStatus::kRunning:
      allowed = job.status == JobStatus::kPending;
      action = "job.start";
      break;
    case JobStatus::kSucceeded:
      allowed = job.status == JobStatus::kRunning;
      action = "job.succeed";
      break;
    case JobStatus::kFailed:
      allowed = !IsFinal(job.status);
      action = "job.fail";
      break;
    case JobStatus::kCancelled:
      allowed = !IsFinal(job.status);
      action = "job.cancel";
      break;
  }
  if (!allowed) {
    return FailedPreconditionError(
        fmt::format("job {} is {}; it cannot become {}", id, Name(job.status), Name(to)));
  }
  const std::string now = FormatTime(now_);
  if (to == JobStatus::kRunning) {
    ARCA_RETURN_IF_ERROR(
        db_.Run("UPDATE jobs SET status = ?2, started_at = ?3 WHERE id = ?1", id, Name(to), now)
            .status());
  } else {
    // Progress becomes 1 only on success; a failed or cancelled job keeps how far it got.
    ARCA_RETURN_IF_ERROR(
        db_.Run("UPDATE jobs SET status = ?2, error = ?3, finished_at = ?4, "
                "progress = CASE WHEN ?2 = 'succeeded' THEN 1.0 ELSE progress END WHERE id = ?1",
                id, Name(to), error, now)
            .status());
  }
  details["from"] = Name(job.status);
  if (!error.empty()) details["error"] = error;
  return Audit(actor, action, JobSubject(id), job.spec.plan_hash, std::move(details));
}

Status Store::StartJob(int64_t id, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  return WriteStatus([&] { return MoveJob(id, JobStatus::kRunning, "", actor, {}); });
}

Status Store::SetJobProgress(int64_t id, double progress) {
  if (!(progress >= 0 && progress <= 1)) {  // also refuses NaN
    return InvalidArgumentError(fmt::format("job progress {} is outside 0..1", progress));
  }
  return WriteStatus([&]() -> Status {
    ARCA_ASSIGN_OR_RETURN(const Job job, ReadJob(id));
    if (job.status != JobStatus::kRunning) {
      return FailedPreconditionError(
          fmt::format("job {} is {}; only a running job reports progress", id, Name(job.status)));
    }
    return db_.Run("UPDATE jobs SET progress = ?2 WHERE id = ?1", id, progress).status();
  });
}

Status Store::CompleteJob(int64_t id, const std::vector<CiphertextLocation>& locations,
                          std::string_view receipt, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  ARCA_RETURN_IF_ERROR(CheckJsonObject(receipt, "job receipt"));
  return WriteStatus([&]() -> Status {
    ARCA_RETURN_IF_ERROR(CheckLocations(locations, fmt::format("result of job {}", id)));
    ARCA_RETURN_IF_ERROR(MoveJob(id, JobStatus::kSucceeded, "", actor,
                                 {{"receipt_sha256", ToHex(crypto::Sha256(AsBytes(receipt)))},
                                  {"locations", LocationsJson(locations)}}));
    ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO results (job_id, receipt, created_at) "
                                 "VALUES (?1, ?2, ?3)",
                                 id, receipt, FormatTime(now_))
                             .status());
    for (const CiphertextLocation& location : locations) {
      ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO result_locations (job_id, node_id, location, "
                                   "sha256) VALUES (?1, ?2, ?3, ?4)",
                                   id, location.node_id, location.location, ToHex(location.sha256))
                               .status());
    }
    return OkStatus();
  });
}

Status Store::FailJob(int64_t id, std::string_view error, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  if (error.empty()) return InvalidArgumentError(fmt::format("job {} fails with no error", id));
  return WriteStatus([&] { return MoveJob(id, JobStatus::kFailed, error, actor, {}); });
}

Status Store::CancelJob(int64_t id, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  return WriteStatus([&] { return MoveJob(id, JobStatus::kCancelled, "", actor, {}); });
}

Result<Job> Store::GetJob(int64_t id) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ReadJob(id);
}

Result<std::vector<Job>> Store::ListJobs(const JobFilter& filter) {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(Statement query,
                        db_.Prepare(fmt::format("SELECT {} FROM jobs WHERE "
                                                "(?1 IS NULL OR consumer = ?1) AND "
                                                "(?2 IS NULL OR plan_hash = ?2) AND "
                                                "(?3 IS NULL OR status = ?3) ORDER BY id",
                                                kJobColumns)));
  if (filter.consumer) ARCA_RETURN_IF_ERROR(query.Bind(1, *filter.consumer));
  if (filter.plan_hash) ARCA_RETURN_IF_ERROR(query.Bind(2, ToHex(*filter.plan_hash)));
  if (filter.status) ARCA_RETURN_IF_ERROR(query.Bind(3, Name(*filter.status)));
  return Collect<Job>(query, JobFromRow);
}

Result<JobResult> Store::GetResult(int64_t job_id) {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query("SELECT job_id, receipt, created_at FROM results WHERE job_id = ?1", job_id));
  ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return NotFoundError(fmt::format("job {} has no result", job_id));
  ARCA_ASSIGN_OR_RETURN(const UnixTime created_at, TimeColumn(query, 2));
  JobResult result;
  result.job_id = query.Int(0);
  result.receipt = query.Text(1);
  result.created_at = created_at;
  ARCA_ASSIGN_OR_RETURN(Statement locations,
                        db_.Query("SELECT node_id, location, sha256 FROM result_locations "
                                  "WHERE job_id = ?1 ORDER BY node_id",
                                  job_id));
  ARCA_ASSIGN_OR_RETURN(result.locations, ReadLocations(locations));
  return result;
}

// --- audit

Result<std::vector<AuditEntry>> Store::AuditEntries(int64_t first_seq, int64_t limit) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ReadAuditEntries(db_, first_seq, limit);
}

Result<std::optional<AuditHead>> Store::CurrentAuditHead() {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ReadAuditHead(db_);
}

Result<AuditVerification> Store::VerifyAudit(const std::optional<AuditHead>& known_head) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return VerifyAuditChain(db_, known_head);
}

}  // namespace arca::coord
