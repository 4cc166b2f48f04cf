#include "arca/coord/schema.h"

#include <array>

namespace arca::coord {
namespace {

// Tables are STRICT (types are enforced, not just advisory). Times are ISO 8601 UTC text,
// hashes lower-case hex, keys raw bytes. Nothing holds data values or shares: datasets and
// results are rows of (node, location, SHA-256 of the ciphertext there).
constexpr std::string_view kTables = R"sql(
CREATE TABLE parties (
  id           TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('owner', 'code', 'consumer', 'platform')),
  public_key   BLOB NOT NULL CHECK (length(public_key) = 32),
  created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE nodes (
  id            TEXT PRIMARY KEY,
  role          TEXT NOT NULL CHECK (role IN ('compute', 'dealer')),
  endpoint      TEXT NOT NULL,
  status        TEXT NOT NULL
                CHECK (status IN ('registered', 'attested', 'rejected', 'offline')),
  evidence      BLOB NOT NULL,
  attestation   TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE datasets (
  name       TEXT NOT NULL,
  version    INTEGER NOT NULL CHECK (version >= 1),
  owner      TEXT NOT NULL REFERENCES parties (id),
  schema     TEXT NOT NULL,
  row_count  INTEGER NOT NULL CHECK (row_count >= 0),
  withdrawn  INTEGER NOT NULL CHECK (withdrawn IN (0, 1)),
  created_at TEXT NOT NULL,
  PRIMARY KEY (name, version)
) STRICT;

CREATE TABLE dataset_locations (
  dataset_name    TEXT NOT NULL,
  dataset_version INTEGER NOT NULL,
  node_id         TEXT NOT NULL REFERENCES nodes (id),
  location        TEXT NOT NULL,
  sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
  PRIMARY KEY (dataset_name, dataset_version, node_id),
  FOREIGN KEY (dataset_name, dataset_version) REFERENCES datasets (name, version)
) STRICT;

CREATE TABLE plans (
  hash           TEXT PRIMARY KEY CHECK (length(hash) = 64),
  submitter      TEXT NOT NULL REFERENCES parties (id),
  canonical_json TEXT NOT NULL,
  submitted_at   TEXT NOT NULL
) STRICT;

CREATE TABLE approvals (
  id         INTEGER PRIMARY KEY,
  plan_hash  TEXT NOT NULL REFERENCES plans (hash),
  dataset    TEXT NOT NULL,
  owner      TEXT NOT NULL REFERENCES parties (id),
  levels     TEXT NOT NULL,
  rules      TEXT NOT NULL,
  revoked    INTEGER NOT NULL CHECK (revoked IN (0, 1)),
  created_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;

CREATE TABLE approval_consumers (
  approval_id INTEGER NOT NULL REFERENCES approvals (id),
  consumer    TEXT NOT NULL REFERENCES parties (id),
  PRIMARY KEY (approval_id, consumer)
) STRICT;

CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  plan_hash   TEXT NOT NULL REFERENCES plans (hash),
  consumer    TEXT NOT NULL REFERENCES parties (id),
  level       TEXT NOT NULL CHECK (level IN ('tee', 'dealer2pc', 'rep3')),
  result_key  BLOB NOT NULL CHECK (length(result_key) = 32),
  status      TEXT NOT NULL
              CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
  progress    REAL NOT NULL CHECK (progress BETWEEN 0 AND 1),
  error       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  started_at  TEXT,
  finished_at TEXT
) STRICT;

CREATE TABLE results (
  job_id     INTEGER PRIMARY KEY REFERENCES jobs (id),
  receipt    TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE result_locations (
  job_id   INTEGER NOT NULL REFERENCES results (job_id),
  node_id  TEXT NOT NULL REFERENCES nodes (id),
  location TEXT NOT NULL,
  sha256   TEXT NOT NULL CHECK (length(sha256) = 64),
  PRIMARY KEY (job_id, node_id)
) STRICT;

CREATE TABLE audit_log (
  seq          INTEGER PRIMARY KEY,
  time         TEXT NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  subject      TEXT NOT NULL,
  subject_hash TEXT NOT NULL,
  details      TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  entry_hash   TEXT NOT NULL
) STRICT;
)sql";

// Lookups the API makes on every request, and a guard that makes the audit log append-only for
// every client of the file (the chain still detects edits made by removing the guard).
constexpr std::string_view kIndexesAndAuditGuard = R"sql(
CREATE INDEX datasets_by_owner ON datasets (owner);
CREATE INDEX approvals_by_plan_dataset ON approvals (plan_hash, dataset);
CREATE INDEX jobs_by_consumer ON jobs (consumer);
CREATE INDEX jobs_by_plan ON jobs (plan_hash);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
)sql";

// What the HTTP API needs (docs/API.md): nodes authenticate with their own Ed25519 key, have an
// index within their role and an endpoint for the MPC mesh; a dataset version targets one
// security level; models (uploaded by code owners or stored by training jobs) with their
// per-node ciphertext; and a job's pinned inputs and per-node state. Nodes and datasets made
// by older builds keep working: their new columns take defaults (a node without a key or
// index cannot authenticate or take part in jobs until registered anew under another id).
constexpr std::string_view kApiTables = R"sql(
ALTER TABLE nodes ADD COLUMN signing_key BLOB
  CHECK (signing_key IS NULL OR length(signing_key) = 32);
ALTER TABLE nodes ADD COLUMN role_index INTEGER CHECK (role_index IS NULL OR role_index >= 0);
ALTER TABLE nodes ADD COLUMN mesh_endpoint TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX nodes_by_role_index ON nodes (role, role_index);

ALTER TABLE datasets ADD COLUMN level TEXT NOT NULL DEFAULT 'dealer2pc'
  CHECK (level IN ('tee', 'dealer2pc', 'rep3'));

CREATE TABLE models (
  name        TEXT PRIMARY KEY,
  owner_party TEXT REFERENCES parties (id),
  owner_job   INTEGER REFERENCES jobs (id),
  kind        TEXT NOT NULL CHECK (kind IN ('logistic', 'linear')),
  features    TEXT NOT NULL,
  intercept   INTEGER NOT NULL CHECK (intercept IN (0, 1)),
  level       TEXT NOT NULL CHECK (level IN ('tee', 'dealer2pc', 'rep3')),
  withdrawn   INTEGER NOT NULL CHECK (withdrawn IN (0, 1)),
  created_at  TEXT NOT NULL,
  CHECK ((owner_party IS NULL) <> (owner_job IS NULL))
) STRICT;

CREATE TABLE model_locations (
  model_name TEXT NOT NULL REFERENCES models (name),
  node_id    TEXT NOT NULL REFERENCES nodes (id),
  location   TEXT NOT NULL,
  sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
  PRIMARY KEY (model_name, node_id)
) STRICT;

CREATE TABLE model_consumers (
  model_name TEXT NOT NULL REFERENCES models (name),
  consumer   TEXT NOT NULL REFERENCES parties (id),
  PRIMARY KEY (model_name, consumer)
) STRICT;

CREATE TABLE job_inputs (
  job_id          INTEGER NOT NULL REFERENCES jobs (id),
  input           TEXT NOT NULL,
  dataset_name    TEXT NOT NULL,
  dataset_version INTEGER NOT NULL,
  supplied_by     TEXT NOT NULL CHECK (supplied_by IN ('owner', 'consumer')),
  PRIMARY KEY (job_id, input),
  FOREIGN KEY (dataset_name, dataset_version) REFERENCES datasets (name, version)
) STRICT;

CREATE TABLE job_nodes (
  job_id        INTEGER NOT NULL REFERENCES jobs (id),
  party         INTEGER NOT NULL CHECK (party >= 0),
  node_id       TEXT NOT NULL REFERENCES nodes (id),
  state         TEXT NOT NULL CHECK (state IN ('assigned', 'completed', 'failed')),
  result_sha256 TEXT NOT NULL CHECK (result_sha256 = '' OR length(result_sha256) = 64),
  result_size   INTEGER NOT NULL CHECK (result_size >= 0),
  receipt_part  TEXT NOT NULL,
  stored_models TEXT NOT NULL,
  error         TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (job_id, party),
  UNIQUE (job_id, node_id)
) STRICT;

CREATE INDEX job_nodes_by_node ON job_nodes (node_id);
)sql";

// Privacy budgets (docs/PLANS.md, "Privacy budget"): the total ε and δ an owner allows all
// jobs on a dataset name together, and the ledger of what each job charged it. A charge is
// written with its job, in the same transaction; `refunded` marks one given back. Names are not
// a key of `datasets` (versions are), so the store checks that the name exists.
constexpr std::string_view kPrivacyBudgets = R"sql(
CREATE TABLE dataset_budgets (
  dataset_name TEXT PRIMARY KEY,
  epsilon      REAL NOT NULL CHECK (epsilon > 0),
  delta        REAL NOT NULL CHECK (delta >= 0 AND delta < 1),
  updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE budget_charges (
  job_id       INTEGER NOT NULL REFERENCES jobs (id),
  dataset_name TEXT NOT NULL REFERENCES dataset_budgets (dataset_name),
  epsilon      REAL NOT NULL CHECK (epsilon >= 0),
  delta        REAL NOT NULL CHECK (delta >= 0),
  outputs      TEXT NOT NULL,
  refunded     INTEGER NOT NULL CHECK (refunded IN (0, 1)),
  PRIMARY KEY (job_id, dataset_name)
) STRICT;

CREATE INDEX budget_charges_by_dataset ON budget_charges (dataset_name);
)sql";

constexpr std::array<Migration, 4> kSteps = {{
    {.version = 1,
     .name = "parties, nodes, datasets, plans, approvals, jobs, results, audit log",
     .sql = kTables},
    {.version = 2,
     .name = "lookup indexes; audit_log refuses UPDATE and DELETE",
     .sql = kIndexesAndAuditGuard},
    {.version = 3,
     .name = "API: node keys, indexes and mesh endpoints; dataset levels; models; job inputs "
             "and per-node state",
     .sql = kApiTables},
    {.version = 4,
     .name = "privacy budgets of datasets and the charges of jobs",
     .sql = kPrivacyBudgets},
}};

}  // namespace

std::span<const Migration> CoordinatorSchema() { return kSteps; }

}  // namespace arca::coord
