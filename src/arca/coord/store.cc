#include "arca/coord/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "arca/coord/migrations.h"
#include "arca/coord/privacy_budget.h"
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
using rows::JobNodeFromRow;
using rows::JsonColumn;
using rows::kApprovalColumns;
using rows::kJobColumns;
using rows::kJobNodeColumns;
using rows::kModelColumns;
using rows::kNodeColumns;
using rows::kPartyColumns;
using rows::kPlanColumns;
using rows::LocationsJson;
using rows::LossesByOutputJson;
using rows::LossJson;
using rows::ModelFromRow;
using rows::NodeFromRow;
using rows::OptionalTimeColumn;
using rows::OutputLossesFromJson;
using rows::OutputLossesJson;
using rows::PartyFromRow;
using rows::PlanFromRow;
using rows::ReadLocations;
using rows::StoredModelsFromJson;
using rows::StoredModelsJson;
using rows::TimeColumn;

std::string PlanSubject(const Sha256Digest& hash) { return "plan/" + ToHex(hash); }
std::string JobSubject(int64_t id) { return "job/" + std::to_string(id); }
std::string ApprovalSubject(int64_t id) { return "approval/" + std::to_string(id); }
std::string ModelSubject(std::string_view name) { return "model/" + std::string(name); }
std::string DatasetSubject(std::string_view name) { return "dataset/" + std::string(name); }

// Names a dataset's budget in CheckPrivacyLoss's errors.
std::string BudgetOf(std::string_view name) {
  return fmt::format("privacy budget of dataset '{}'", name);
}

// Only a data owner's dataset takes a privacy budget: a consumer's uploads are its own rows for
// inference.
Status CheckTakesBudget(const Party& owner) {
  if (owner.spec.role == PartyRole::kOwner) return OkStatus();
  return PermissionDeniedError(
      fmt::format("'{}' ({}) uploads its own rows for inference; only a data owner's dataset "
                  "takes a privacy budget",
                  owner.spec.id, Name(owner.spec.role)));
}

// The highest index a node may have within its role (compute nodes 0..2 serve rep3).
constexpr int64_t kMaxNodeIndex = 2;

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
    ARCA_RETURN_IF_ERROR(CheckIdFree(spec.id));
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

Status Store::CheckIdFree(std::string_view id) {
  if (ReadParty(id).ok()) {
    return FailedPreconditionError(fmt::format("party '{}' is already registered", id));
  }
  if (ReadNode(id).ok()) {
    return FailedPreconditionError(fmt::format("node '{}' is already registered", id));
  }
  return OkStatus();
}

// --- nodes

Result<Node> Store::RegisterNode(const NodeSpec& spec, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckId("node id", spec.id));
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  if (spec.endpoint.empty() || spec.mesh_endpoint.empty()) {
    return InvalidArgumentError(
        fmt::format("node '{}' needs both an endpoint and a mesh endpoint", spec.id));
  }
  if (spec.signing_key.size() != kEd25519PublicKeySize) {
    return InvalidArgumentError(
        fmt::format("node '{}' signing key has {} bytes; an Ed25519 key has 32", spec.id,
                    spec.signing_key.size()));
  }
  const int64_t max_index = spec.role == NodeRole::kDealer ? 0 : kMaxNodeIndex;
  if (!spec.index || *spec.index < 0 || *spec.index > max_index) {
    return InvalidArgumentError(fmt::format("node '{}' needs an index in 0..{} as a {} node",
                                            spec.id, max_index, Name(spec.role)));
  }
  return Write<Node>([&]() -> Result<Node> {
    ARCA_RETURN_IF_ERROR(CheckIdFree(spec.id));
    ARCA_ASSIGN_OR_RETURN(Statement taken,
                          db_.Query("SELECT id FROM nodes WHERE role = ?1 AND role_index = ?2",
                                    Name(spec.role), *spec.index));
    ARCA_ASSIGN_OR_RETURN(const bool is_taken, taken.Step());
    if (is_taken) {
      return FailedPreconditionError(fmt::format("{} node {} is already registered as '{}'",
                                                 Name(spec.role), *spec.index, taken.Text(0)));
    }
    Node node;
    node.spec = spec;
    node.registered_at = now_;
    node.updated_at = now_;
    ARCA_RETURN_IF_ERROR(
        db_.Run("INSERT INTO nodes (id, role, endpoint, status, evidence, attestation, "
                "registered_at, updated_at, signing_key, role_index, mesh_endpoint) "
                "VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?6, ?7, ?8, ?9)",
                spec.id, Name(spec.role), spec.endpoint, Name(node.status), Bytes(),
                FormatTime(now_), spec.signing_key, *spec.index, spec.mesh_endpoint)
            .status());
    ARCA_RETURN_IF_ERROR(Audit(actor, "node.register", "node/" + spec.id,
                               crypto::Sha256(spec.signing_key),
                               {{"role", Name(spec.role)},
                                {"index", *spec.index},
                                {"endpoint", spec.endpoint},
                                {"mesh_endpoint", spec.mesh_endpoint}}));
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

Result<std::vector<Node>> Store::LevelNodes(SecurityLevel level) {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Node> nodes;
  for (const LevelParty& party : LevelParties(level)) {
    ARCA_ASSIGN_OR_RETURN(Statement query,
                          db_.Query(fmt::format("SELECT {} FROM nodes WHERE role = ?1 AND "
                                                "role_index = ?2",
                                                kNodeColumns),
                                    Name(party.role), party.index));
    ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
    if (!row) {
      return FailedPreconditionError(
          fmt::format("level {} needs {} node {} (party {}), and none is registered", Name(level),
                      Name(party.role), party.index, nodes.size()));
    }
    ARCA_ASSIGN_OR_RETURN(Node node, NodeFromRow(query));
    nodes.push_back(std::move(node));
  }
  return nodes;
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

Status Store::CheckLevelLocations(const std::vector<CiphertextLocation>& locations,
                                  SecurityLevel level, std::string_view what) {
  ARCA_RETURN_IF_ERROR(CheckLocations(locations, what));
  const size_t needed = ComputeNodesAt(level);
  std::set<int64_t> indexes;
  for (const CiphertextLocation& location : locations) {
    ARCA_ASSIGN_OR_RETURN(const Node node, ReadNode(location.node_id));
    if (node.spec.role != NodeRole::kCompute || !node.spec.index ||
        *node.spec.index >= static_cast<int64_t>(needed)) {
      return InvalidArgumentError(
          fmt::format("{} has a location on node '{}', which is not one of the {} compute "
                      "node(s) of level {}",
                      what, location.node_id, needed, Name(level)));
    }
    indexes.insert(*node.spec.index);
  }
  if (indexes.size() != needed) {
    return InvalidArgumentError(
        fmt::format("{} has {} location(s); level {} needs one on each of its {} compute "
                    "node(s)",
                    what, locations.size(), Name(level), needed));
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
  if (spec.budget) {
    ARCA_RETURN_IF_ERROR(CheckPrivacyLoss(*spec.budget, BudgetOf(spec.name)));
  }
  return Write<Dataset>([&]() -> Result<Dataset> {
    ARCA_ASSIGN_OR_RETURN(const Party owner, ReadParty(spec.owner));
    if (spec.budget) ARCA_RETURN_IF_ERROR(CheckTakesBudget(owner));
    ARCA_RETURN_IF_ERROR(
        CheckLevelLocations(spec.locations, spec.level, "dataset '" + spec.name + "'"));
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
    Dataset dataset{.spec = spec, .version = version, .created_at = now_};
    ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO datasets (name, version, owner, schema, row_count, "
                                 "withdrawn, created_at, level) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)",
                                 spec.name, version, spec.owner, schema, spec.row_count,
                                 FormatTime(dataset.created_at), Name(spec.level))
                             .status());
    for (const CiphertextLocation& location : spec.locations) {
      ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO dataset_locations (dataset_name, dataset_version, "
                                   "node_id, location, sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
                                   spec.name, version, location.node_id, location.location,
                                   ToHex(location.sha256))
                               .status());
    }
    ARCA_RETURN_IF_ERROR(Audit(actor, "dataset.add", DatasetSubject(spec.name), std::nullopt,
                               {{"version", version},
                                {"owner", spec.owner},
                                {"level", Name(spec.level)},
                                {"row_count", spec.row_count},
                                {"locations", LocationsJson(spec.locations)}}));
    if (spec.budget) ARCA_RETURN_IF_ERROR(WriteBudget(dataset, *spec.budget, actor));
    ARCA_RETURN_IF_ERROR(ReadBudget(dataset));
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
    return Audit(actor, "dataset.withdraw", DatasetSubject(name), std::nullopt,
                 {{"latest_version", latest.version}});
  });
}

Result<Dataset> Store::ReadDataset(std::string_view name, std::optional<int64_t> version) {
  // ?2 left NULL selects the latest version.
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query("SELECT name, version, owner, schema, row_count, withdrawn, created_at, level "
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
  ARCA_ASSIGN_OR_RETURN(const SecurityLevel level, ParseSecurityLevel(query.Text(7)));
  Dataset dataset;
  dataset.spec.level = level;
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
  ARCA_RETURN_IF_ERROR(ReadBudget(dataset));
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

// --- privacy budgets

Status Store::ReadBudget(Dataset& dataset) {
  ARCA_ASSIGN_OR_RETURN(
      Statement budget,
      db_.Query("SELECT epsilon, delta FROM dataset_budgets WHERE dataset_name = ?1",
                dataset.spec.name));
  ARCA_ASSIGN_OR_RETURN(const bool row, budget.Step());
  dataset.spec.budget.reset();
  dataset.spent = {};
  if (!row) return OkStatus();
  dataset.spec.budget = PrivacyLoss{.epsilon = budget.Double(0), .delta = budget.Double(1)};
  ARCA_ASSIGN_OR_RETURN(Statement spent,
                        db_.Query("SELECT coalesce(sum(epsilon), 0.0), coalesce(sum(delta), 0.0) "
                                  "FROM budget_charges WHERE dataset_name = ?1 AND refunded = 0",
                                  dataset.spec.name));
  ARCA_ASSIGN_OR_RETURN(const bool sums, spent.Step());
  if (!sums) return InternalError("a sum over budget_charges gave no row");
  dataset.spent = {.epsilon = spent.Double(0), .delta = spent.Double(1)};
  return OkStatus();
}

Status Store::WriteBudget(const Dataset& dataset, const PrivacyLoss& budget,
                          std::string_view actor) {
  Dataset before = dataset;
  ARCA_RETURN_IF_ERROR(ReadBudget(before));
  ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO dataset_budgets (dataset_name, epsilon, delta, "
                               "updated_at) VALUES (?1, ?2, ?3, ?4) "
                               "ON CONFLICT (dataset_name) DO UPDATE SET epsilon = ?2, "
                               "delta = ?3, updated_at = ?4",
                               dataset.spec.name, budget.epsilon, budget.delta, FormatTime(now_))
                           .status());
  return Audit(actor, "dataset.budget", DatasetSubject(dataset.spec.name), std::nullopt,
               {{"budget", LossJson(budget)},
                {"previous", before.spec.budget ? LossJson(*before.spec.budget) : nullptr},
                {"spent", LossJson(before.spent)}});
}

Result<Dataset> Store::SetBudget(std::string_view name, std::string_view owner,
                                 const PrivacyLoss& budget, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  ARCA_RETURN_IF_ERROR(CheckPrivacyLoss(budget, BudgetOf(name)));
  return Write<Dataset>([&]() -> Result<Dataset> {
    ARCA_ASSIGN_OR_RETURN(Dataset latest, ReadDataset(name, std::nullopt));
    if (latest.spec.owner != owner) {
      return PermissionDeniedError(
          fmt::format("'{}' does not own dataset '{}' (its owner is '{}'), so it cannot set its "
                      "privacy budget",
                      owner, name, latest.spec.owner));
    }
    ARCA_ASSIGN_OR_RETURN(const Party party, ReadParty(owner));
    ARCA_RETURN_IF_ERROR(CheckTakesBudget(party));
    ARCA_RETURN_IF_ERROR(WriteBudget(latest, budget, actor));
    ARCA_RETURN_IF_ERROR(ReadBudget(latest));
    return latest;
  });
}

Status Store::ChargeJob(int64_t id, const JobSpec& spec, std::string_view actor) {
  std::map<std::string, const BudgetCharge*> charges;
  for (const BudgetCharge& charge : spec.charges) charges.emplace(charge.dataset, &charge);
  for (const JobInput& input : spec.inputs) {
    if (input.supplied_by != InputSupplier::kOwner) continue;
    ARCA_ASSIGN_OR_RETURN(const Dataset dataset, ReadDataset(input.dataset, input.version));
    const auto charge = charges.find(input.dataset);
    if (!dataset.spec.budget) {
      if (charge != charges.end()) {
        return InvalidArgumentError(fmt::format(
            "the job charges dataset '{}', which has no privacy budget", input.dataset));
      }
      continue;
    }
    if (charge == charges.end()) {
      return FailedPreconditionError(
          fmt::format("dataset '{}' came under a privacy budget while the job was admitted; "
                      "create the job again",
                      input.dataset));
    }
    ARCA_RETURN_IF_ERROR(CheckChargeFits(*dataset.spec.budget, dataset.spent, *charge->second));
    charges.erase(charge);
  }
  if (!charges.empty()) {
    return InvalidArgumentError(
        fmt::format("the job charges dataset '{}', which is not one of its owner inputs",
                    charges.begin()->first));
  }
  for (const BudgetCharge& charge : spec.charges) {
    const PrivacyLoss total = charge.Total();
    ARCA_ASSIGN_OR_RETURN(const std::string outputs,
                          DumpJson(OutputLossesJson(charge.outputs), "charged outputs"));
    ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO budget_charges (job_id, dataset_name, epsilon, "
                                 "delta, outputs, refunded) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
                                 id, charge.dataset, total.epsilon, total.delta, outputs)
                             .status());
    ARCA_RETURN_IF_ERROR(Audit(actor, "budget.charge", DatasetSubject(charge.dataset),
                               spec.plan_hash,
                               {{"job", id},
                                {"charge", LossJson(total)},
                                {"outputs", LossesByOutputJson(charge.outputs)}}));
  }
  return OkStatus();
}

Status Store::RefundJob(const Job& job, JobStatus to, std::string_view actor) {
  if (job.status != JobStatus::kPending ||
      (to != JobStatus::kFailed && to != JobStatus::kCancelled)) {
    return OkStatus();
  }
  for (const BudgetCharge& charge : job.spec.charges) {
    if (charge.refunded) continue;
    ARCA_RETURN_IF_ERROR(db_.Run("UPDATE budget_charges SET refunded = 1 "
                                 "WHERE job_id = ?1 AND dataset_name = ?2",
                                 job.id, charge.dataset)
                             .status());
    ARCA_RETURN_IF_ERROR(
        Audit(actor, "budget.refund", DatasetSubject(charge.dataset), job.spec.plan_hash,
              {{"job", job.id}, {"charge", LossJson(charge.Total())}, {"job_status", Name(to)}}));
  }
  return OkStatus();
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

Result<std::vector<Plan>> Store::ListPlans() {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query(fmt::format("SELECT {} FROM plans ORDER BY submitted_at, hash", kPlanColumns)));
  return Collect<Plan>(query, PlanFromRow);
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

// --- models

Result<Model> Store::InsertModel(const ModelSpec& spec, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckId("model name", spec.name));
  if (spec.owner_party.empty() == !spec.owner_job.has_value()) {
    return InvalidArgumentError(fmt::format(
        "model '{}' needs exactly one owner: a code owner or the job that stored it", spec.name));
  }
  if (spec.features.empty()) {
    return InvalidArgumentError(fmt::format("model '{}' has no features", spec.name));
  }
  ARCA_ASSIGN_OR_RETURN(const std::string features,
                        DumpJson(spec.features, "features of model '" + spec.name + "'"));
  std::vector<std::string> consumers = spec.consumers;
  std::sort(consumers.begin(), consumers.end());
  if (std::adjacent_find(consumers.begin(), consumers.end()) != consumers.end()) {
    return InvalidArgumentError(fmt::format("model '{}' names a consumer twice", spec.name));
  }
  if (ReadModel(spec.name).ok()) {
    return FailedPreconditionError(fmt::format("model '{}' already exists", spec.name));
  }
  if (!spec.owner_party.empty()) ARCA_RETURN_IF_ERROR(ReadParty(spec.owner_party).status());
  if (spec.owner_job) ARCA_RETURN_IF_ERROR(ReadJob(*spec.owner_job).status());
  for (const std::string& consumer : consumers) {
    ARCA_RETURN_IF_ERROR(ReadParty(consumer).status());
  }
  ARCA_RETURN_IF_ERROR(
      CheckLevelLocations(spec.locations, spec.level, "model '" + spec.name + "'"));
  Model model{.spec = spec, .withdrawn = false, .created_at = now_};
  model.spec.consumers = consumers;
  ARCA_ASSIGN_OR_RETURN(
      Statement insert,
      db_.Query("INSERT INTO models (name, kind, features, intercept, level, withdrawn, "
                "created_at, owner_party, owner_job) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8)",
                spec.name, Name(spec.kind), features, spec.intercept ? 1 : 0, Name(spec.level),
                FormatTime(now_)));
  ARCA_RETURN_IF_ERROR(spec.owner_job ? insert.Bind(7, SqlNull{})
                                      : insert.Bind(7, spec.owner_party));
  ARCA_RETURN_IF_ERROR(spec.owner_job ? insert.Bind(8, *spec.owner_job)
                                      : insert.Bind(8, SqlNull{}));
  ARCA_RETURN_IF_ERROR(insert.RunToEnd());
  for (const CiphertextLocation& location : spec.locations) {
    ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO model_locations (model_name, node_id, location, "
                                 "sha256) VALUES (?1, ?2, ?3, ?4)",
                                 spec.name, location.node_id, location.location,
                                 ToHex(location.sha256))
                             .status());
  }
  for (const std::string& consumer : consumers) {
    ARCA_RETURN_IF_ERROR(
        db_.Run("INSERT INTO model_consumers (model_name, consumer) VALUES (?1, ?2)", spec.name,
                consumer)
            .status());
  }
  nlohmann::json details = {
      {"kind", Name(spec.kind)},     {"features", spec.features},
      {"intercept", spec.intercept}, {"level", Name(spec.level)},
      {"consumers", consumers},      {"locations", LocationsJson(spec.locations)}};
  if (spec.owner_job) {
    details["owner_job"] = *spec.owner_job;
  } else {
    details["owner_party"] = spec.owner_party;
  }
  ARCA_RETURN_IF_ERROR(
      Audit(actor, "model.add", ModelSubject(spec.name), std::nullopt, std::move(details)));
  return model;
}

Result<Model> Store::AddModel(const ModelSpec& spec, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  return Write<Model>([&]() { return InsertModel(spec, actor); });
}

Status Store::WithdrawModel(std::string_view name, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  return WriteStatus([&]() -> Status {
    ARCA_ASSIGN_OR_RETURN(const Model model, ReadModel(name));
    if (model.withdrawn) {
      return FailedPreconditionError(fmt::format("model '{}' is already withdrawn", name));
    }
    ARCA_RETURN_IF_ERROR(db_.Run("UPDATE models SET withdrawn = 1 WHERE name = ?1", name).status());
    return Audit(actor, "model.withdraw", ModelSubject(name), std::nullopt,
                 nlohmann::json::object());
  });
}

Result<Model> Store::ReadModel(std::string_view name) {
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query(fmt::format("SELECT {} FROM models WHERE name = ?1", kModelColumns), name));
  ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return NotFoundError(fmt::format("model '{}' does not exist", name));
  ARCA_ASSIGN_OR_RETURN(Model model, ModelFromRow(query));
  ARCA_ASSIGN_OR_RETURN(Statement locations,
                        db_.Query("SELECT node_id, location, sha256 FROM model_locations "
                                  "WHERE model_name = ?1 ORDER BY node_id",
                                  name));
  ARCA_ASSIGN_OR_RETURN(model.spec.locations, ReadLocations(locations));
  ARCA_ASSIGN_OR_RETURN(
      Statement consumers,
      db_.Query("SELECT consumer FROM model_consumers WHERE model_name = ?1 ORDER BY consumer",
                name));
  ARCA_ASSIGN_OR_RETURN(model.spec.consumers, Collect<std::string>(consumers, FirstText));
  return model;
}

Result<Model> Store::GetModel(std::string_view name) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ReadModel(name);
}

Result<std::vector<Model>> Store::ListModels() {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(Statement names, db_.Query("SELECT name FROM models ORDER BY name"));
  ARCA_ASSIGN_OR_RETURN(const std::vector<std::string> all, Collect<std::string>(names, FirstText));
  std::vector<Model> models;
  for (const std::string& name : all) {
    ARCA_ASSIGN_OR_RETURN(Model model, ReadModel(name));
    models.push_back(std::move(model));
  }
  return models;
}

// --- jobs

Result<Job> Store::CreateJob(const JobSpec& spec, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  if (spec.result_key.size() != kX25519PublicKeySize) {
    return InvalidArgumentError(fmt::format(
        "job result key has {} bytes; an X25519 public key has 32", spec.result_key.size()));
  }
  std::set<std::string_view> inputs;
  for (const JobInput& input : spec.inputs) {
    if (!inputs.insert(input.input).second) {
      return InvalidArgumentError(fmt::format("job binds input '{}' twice", input.input));
    }
  }
  std::set<std::string_view> charged;
  for (const BudgetCharge& charge : spec.charges) {
    if (!charged.insert(charge.dataset).second) {
      return InvalidArgumentError(fmt::format("job charges dataset '{}' twice", charge.dataset));
    }
    for (const OutputLoss& output : charge.outputs) {
      ARCA_RETURN_IF_ERROR(CheckPrivacyLoss(
          output.loss,
          fmt::format("charge of output '{}' on dataset '{}'", output.output, charge.dataset)));
    }
  }
  ARCA_ASSIGN_OR_RETURN(const std::vector<Node> nodes, LevelNodes(spec.level));
  return Write<Job>([&]() -> Result<Job> {
    ARCA_RETURN_IF_ERROR(ReadPlan(spec.plan_hash).status());
    ARCA_RETURN_IF_ERROR(ReadParty(spec.consumer).status());
    for (const JobInput& input : spec.inputs) {
      ARCA_RETURN_IF_ERROR(ReadDataset(input.dataset, input.version).status());
    }
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
    nlohmann::json bound = nlohmann::json::object();
    for (const JobInput& input : spec.inputs) {
      ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO job_inputs (job_id, input, dataset_name, "
                                   "dataset_version, supplied_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                                   job.id, input.input, input.dataset, input.version,
                                   Name(input.supplied_by))
                               .status());
      bound[input.input] = {{"dataset", input.dataset}, {"version", input.version}};
    }
    nlohmann::json node_ids = nlohmann::json::array();
    for (size_t party = 0; party < nodes.size(); ++party) {
      const JobNode part{.party = static_cast<int64_t>(party), .node_id = nodes[party].spec.id};
      ARCA_RETURN_IF_ERROR(db_.Run("INSERT INTO job_nodes (job_id, party, node_id, state, "
                                   "result_sha256, result_size, receipt_part, stored_models, "
                                   "error, updated_at) VALUES (?1, ?2, ?3, ?4, '', 0, '', '', "
                                   "'', ?5)",
                                   job.id, part.party, part.node_id, Name(part.state),
                                   FormatTime(now_))
                               .status());
      job.parties.push_back(part);
      node_ids.push_back(part.node_id);
    }
    ARCA_RETURN_IF_ERROR(Audit(actor, "job.create", JobSubject(job.id), spec.plan_hash,
                               {{"consumer", spec.consumer},
                                {"level", Name(spec.level)},
                                {"inputs", bound},
                                {"nodes", node_ids}}));
    ARCA_RETURN_IF_ERROR(ChargeJob(job.id, spec, actor));
    std::sort(job.spec.charges.begin(), job.spec.charges.end(),
              [](const BudgetCharge& a, const BudgetCharge& b) { return a.dataset < b.dataset; });
    for (BudgetCharge& charge : job.spec.charges) charge.refunded = false;
    return job;
  });
}

Result<Job> Store::ReadJob(int64_t id) {
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query(fmt::format("SELECT {} FROM jobs WHERE id = ?1", kJobColumns), id));
  ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return NotFoundError(fmt::format("job {} does not exist", id));
  ARCA_ASSIGN_OR_RETURN(Job job, JobFromRow(query));
  ARCA_RETURN_IF_ERROR(ReadJobParts(job));
  return job;
}

Status Store::ReadJobParts(Job& job) {
  ARCA_ASSIGN_OR_RETURN(Statement inputs,
                        db_.Query("SELECT input, dataset_name, dataset_version, supplied_by "
                                  "FROM job_inputs WHERE job_id = ?1 ORDER BY input",
                                  job.id));
  ARCA_ASSIGN_OR_RETURN(
      job.spec.inputs, Collect<JobInput>(inputs, [](const Statement& row) -> Result<JobInput> {
        ARCA_ASSIGN_OR_RETURN(const InputSupplier supplier, ParseInputSupplier(row.Text(3)));
        return JobInput{.input = row.Text(0),
                        .dataset = row.Text(1),
                        .version = row.Int(2),
                        .supplied_by = supplier};
      }));
  ARCA_ASSIGN_OR_RETURN(
      Statement parts,
      db_.Query(
          fmt::format("SELECT {} FROM job_nodes WHERE job_id = ?1 ORDER BY party", kJobNodeColumns),
          job.id));
  ARCA_ASSIGN_OR_RETURN(job.parties, Collect<JobNode>(parts, JobNodeFromRow));
  ARCA_ASSIGN_OR_RETURN(Statement charges,
                        db_.Query("SELECT dataset_name, outputs, refunded "
                                  "FROM budget_charges WHERE job_id = ?1 ORDER BY dataset_name",
                                  job.id));
  ARCA_ASSIGN_OR_RETURN(
      job.spec.charges,
      Collect<BudgetCharge>(charges, [](const Statement& row) -> Result<BudgetCharge> {
        ARCA_ASSIGN_OR_RETURN(const nlohmann::json outputs, JsonColumn(row, 1));
        ARCA_ASSIGN_OR_RETURN(std::vector<OutputLoss> losses, OutputLossesFromJson(outputs));
        return BudgetCharge{
            .dataset = row.Text(0), .outputs = std::move(losses), .refunded = row.Int(2) != 0};
      }));
  return OkStatus();
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
  ARCA_RETURN_IF_ERROR(
      Audit(actor, action, JobSubject(id), job.spec.plan_hash, std::move(details)));
  return RefundJob(job, to, actor);
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
  return WriteStatus([&] { return CompleteLocked(id, locations, receipt, actor); });
}

Status Store::CompleteLocked(int64_t id, const std::vector<CiphertextLocation>& locations,
                             std::string_view receipt, std::string_view actor) {
  {
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
  }
}

std::string Store::ResultLocation(int64_t id, std::string_view node_id) {
  return fmt::format("results/{}/{}", id, node_id);
}

Result<JobNode> Store::OpenPart(int64_t id, std::string_view node_id, std::string_view actor) {
  ARCA_ASSIGN_OR_RETURN(const Job job, ReadJob(id));
  const auto part = std::find_if(job.parties.begin(), job.parties.end(),
                                 [&](const JobNode& p) { return p.node_id == node_id; });
  if (part == job.parties.end()) {
    return FailedPreconditionError(fmt::format("node '{}' takes no part in job {}", node_id, id));
  }
  if (IsFinal(job.status)) {
    return FailedPreconditionError(fmt::format("job {} is {}; node '{}' has nothing more to report",
                                               id, Name(job.status), node_id));
  }
  if (part->state != JobNodeState::kAssigned) {
    return FailedPreconditionError(
        fmt::format("node '{}' has already reported job {} {}", node_id, id, Name(part->state)));
  }
  if (job.status == JobStatus::kPending) {
    ARCA_RETURN_IF_ERROR(MoveJob(id, JobStatus::kRunning, "", actor, {}));
  }
  return *part;
}

Status Store::RecordJobResult(int64_t id, std::string_view node_id, const Sha256Digest& sha256,
                              int64_t size, std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  if (size < 0) return InvalidArgumentError("a result cannot have a negative size");
  return WriteStatus([&]() -> Status {
    ARCA_RETURN_IF_ERROR(OpenPart(id, node_id, actor).status());
    ARCA_RETURN_IF_ERROR(db_.Run("UPDATE job_nodes SET result_sha256 = ?3, result_size = ?4, "
                                 "updated_at = ?5 WHERE job_id = ?1 AND node_id = ?2",
                                 id, node_id, ToHex(sha256), size, FormatTime(now_))
                             .status());
    ARCA_ASSIGN_OR_RETURN(const Job job, ReadJob(id));
    return Audit(actor, "job.result", JobSubject(id), job.spec.plan_hash,
                 {{"node", node_id}, {"sha256", ToHex(sha256)}, {"size", size}});
  });
}

Result<Job> Store::CompleteJobPart(int64_t id, std::string_view node_id,
                                   std::string_view receipt_part,
                                   const std::vector<StoredModelPart>& stored_models,
                                   std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  ARCA_RETURN_IF_ERROR(CheckJsonObject(receipt_part, "receipt part"));
  ARCA_ASSIGN_OR_RETURN(const std::string models,
                        DumpJson(StoredModelsJson(stored_models), "stored models"));
  return Write<Job>([&]() -> Result<Job> {
    ARCA_ASSIGN_OR_RETURN(const JobNode part, OpenPart(id, node_id, actor));
    ARCA_ASSIGN_OR_RETURN(const Node node, ReadNode(node_id));
    if (node.spec.role == NodeRole::kCompute && !part.result_sha256) {
      return FailedPreconditionError(fmt::format(
          "node '{}' completes job {} without having uploaded its result", node_id, id));
    }
    ARCA_RETURN_IF_ERROR(db_.Run("UPDATE job_nodes SET state = 'completed', receipt_part = ?3, "
                                 "stored_models = ?4, updated_at = ?5 "
                                 "WHERE job_id = ?1 AND node_id = ?2",
                                 id, node_id, receipt_part, models, FormatTime(now_))
                             .status());
    ARCA_ASSIGN_OR_RETURN(const Job job, ReadJob(id));
    ARCA_RETURN_IF_ERROR(Audit(actor, "job.part_complete", JobSubject(id), job.spec.plan_hash,
                               {{"node", node_id}, {"party", part.party}}));
    const bool all_done = std::all_of(job.parties.begin(), job.parties.end(), [](const JobNode& p) {
      return p.state == JobNodeState::kCompleted;
    });
    if (all_done) ARCA_RETURN_IF_ERROR(FinishJob(job, actor));
    return ReadJob(id);
  });
}

Status Store::FinishJob(const Job& job, std::string_view actor) {
  nlohmann::json parts = nlohmann::json::array();
  std::vector<CiphertextLocation> locations;
  // Each compute node's models by name; every compute node must report the same ones.
  std::optional<std::map<std::string, StoredModelPart>> agreed;
  std::map<std::string, std::vector<CiphertextLocation>> model_locations;
  bool disagree = false;
  for (const JobNode& part : job.parties) {
    ARCA_ASSIGN_OR_RETURN(const nlohmann::json receipt_part,
                          rows::ParseJsonText(part.receipt_part));
    parts.push_back(receipt_part);
    ARCA_ASSIGN_OR_RETURN(const Node node, ReadNode(part.node_id));
    if (node.spec.role != NodeRole::kCompute) continue;
    locations.push_back({.node_id = part.node_id,
                         .location = ResultLocation(job.id, part.node_id),
                         .sha256 = part.result_sha256.value_or(Sha256Digest{})});
    ARCA_ASSIGN_OR_RETURN(const nlohmann::json models_json,
                          rows::ParseJsonText(part.stored_models));
    ARCA_ASSIGN_OR_RETURN(const std::vector<StoredModelPart> models,
                          StoredModelsFromJson(models_json));
    std::map<std::string, StoredModelPart> by_name;
    for (const StoredModelPart& model : models) {
      by_name[model.name] = model;
      model_locations[model.name].push_back(
          {.node_id = part.node_id, .location = model.location, .sha256 = model.sha256});
    }
    if (!agreed) {
      agreed = by_name;
      continue;
    }
    const auto same = [](const auto& a, const auto& b) {
      return a.first == b.first && a.second.kind == b.second.kind &&
             a.second.features == b.second.features && a.second.intercept == b.second.intercept;
    };
    disagree = disagree ||
               !std::equal(agreed->begin(), agreed->end(), by_name.begin(), by_name.end(), same);
  }
  if (disagree) {
    return MoveJob(job.id, JobStatus::kFailed, "the nodes disagree on the models the job stored",
                   actor, {});
  }
  for (const auto& [name, model] : agreed.value_or(std::map<std::string, StoredModelPart>{})) {
    if (ReadModel(name).ok()) {
      return MoveJob(job.id, JobStatus::kFailed,
                     fmt::format("the job stores model '{}', but that name is taken", name), actor,
                     {});
    }
    ARCA_RETURN_IF_ERROR(InsertModel({.name = name,
                                      .owner_job = job.id,
                                      .kind = model.kind,
                                      .features = model.features,
                                      .intercept = model.intercept,
                                      .level = job.spec.level,
                                      .locations = model_locations[name],
                                      .consumers = {job.spec.consumer}},
                                     actor)
                             .status());
  }
  const nlohmann::json receipt = {{"job", job.id}, {"parts", parts}};
  ARCA_ASSIGN_OR_RETURN(const std::string receipt_text, DumpJson(receipt, "receipt"));
  return CompleteLocked(job.id, locations, receipt_text, actor);
}

Status Store::FailJobPart(int64_t id, std::string_view node_id, std::string_view error,
                          std::string_view actor) {
  ARCA_RETURN_IF_ERROR(CheckActor(actor));
  if (error.empty()) return InvalidArgumentError(fmt::format("job {} fails with no error", id));
  return WriteStatus([&]() -> Status {
    ARCA_RETURN_IF_ERROR(OpenPart(id, node_id, actor).status());
    ARCA_RETURN_IF_ERROR(db_.Run("UPDATE job_nodes SET state = 'failed', error = ?3, "
                                 "updated_at = ?4 WHERE job_id = ?1 AND node_id = ?2",
                                 id, node_id, error, FormatTime(now_))
                             .status());
    return MoveJob(id, JobStatus::kFailed, fmt::format("node '{}': {}", node_id, error), actor,
                   {{"node", node_id}});
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
  ARCA_ASSIGN_OR_RETURN(std::vector<Job> jobs, Collect<Job>(query, JobFromRow));
  for (Job& job : jobs) ARCA_RETURN_IF_ERROR(ReadJobParts(job));
  return jobs;
}

Result<std::vector<Job>> Store::JobsForNode(std::string_view node_id, UnixTime finished_since) {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(
      Statement ids,
      db_.Query("SELECT jobs.id FROM jobs JOIN job_nodes ON job_nodes.job_id = jobs.id "
                "WHERE job_nodes.node_id = ?1 AND (jobs.status IN ('pending', 'running') OR "
                "(jobs.status IN ('failed', 'cancelled') AND jobs.finished_at >= ?2 AND "
                "job_nodes.state = 'assigned')) ORDER BY jobs.id",
                node_id, FormatTime(finished_since)));
  ARCA_ASSIGN_OR_RETURN(const std::vector<int64_t> all, Collect<int64_t>(ids, FirstInt));
  std::vector<Job> jobs;
  for (const int64_t id : all) {
    ARCA_ASSIGN_OR_RETURN(Job job, ReadJob(id));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Result<std::vector<CiphertextLocation>> Store::WithdrawnLocations(std::string_view node_id) {
  const std::lock_guard<std::mutex> lock(mutex_);
  ARCA_ASSIGN_OR_RETURN(
      Statement query,
      db_.Query("SELECT l.node_id, l.location, l.sha256 FROM dataset_locations l "
                "JOIN datasets d ON d.name = l.dataset_name AND d.version = l.dataset_version "
                "WHERE l.node_id = ?1 AND d.withdrawn = 1 "
                "UNION ALL SELECT l.node_id, l.location, l.sha256 FROM model_locations l "
                "JOIN models m ON m.name = l.model_name WHERE l.node_id = ?1 AND m.withdrawn = 1 "
                "ORDER BY 2",
                node_id));
  return ReadLocations(query);
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
