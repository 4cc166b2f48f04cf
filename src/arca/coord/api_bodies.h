// One strict parser per API request body (docs/API.md has each shape). Every parser reads JSON
// strictly (plan/canonical_json.h: no duplicate members, bounded depth), checks every field's
// type and range, and refuses unknown fields, so that what the coordinator stores is exactly
// what the caller meant. Errors are invalid-argument, one line naming the field.
//
// Fields the caller does not choose (the owner of a dataset, the submitter of a plan) are
// filled in by the API from the authenticated caller, never read from the body.
#ifndef ARCA_COORD_API_BODIES_H_
#define ARCA_COORD_API_BODIES_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/coord/records.h"
#include "arca/crypto/hash.h"

namespace arca::coord {

// The largest JSON body any route reads; blob uploads have their own limit.
inline constexpr size_t kMaxJsonBody = size_t{1} << 20;
// Error lines a node reports, and display names.
inline constexpr size_t kMaxLineBytes = 500;

// POST /v1/parties: {"id", "display_name", "role", "public_key": hex of 32 bytes}.
Result<PartySpec> ParsePartyBody(std::string_view text);

// POST /v1/nodes: {"id", "role", "index", "endpoint", "mesh_endpoint", "signing_key": hex}.
Result<NodeSpec> ParseNodeBody(std::string_view text);

// POST /v1/nodes/{id}/evidence: {"evidence": base64, "attestation": {...}}.
struct EvidenceBody {
  Bytes evidence;
  std::string attestation_json;  // an object
};
Result<EvidenceBody> ParseEvidenceBody(std::string_view text);

// POST /v1/nodes/{id}/status: {"status": "attested" | ...}.
Result<NodeStatus> ParseNodeStatusBody(std::string_view text);

// POST /v1/datasets: {"name", "level", "schema": a dataset schema (client/dataset_schema.h),
// "row_count", "locations": [{"node", "location", "sha256"}], "budget": a budget as below}
// ("budget" optional). The owner is the caller.
Result<DatasetSpec> ParseDatasetBody(std::string_view text);

// PUT /v1/datasets/{name}/budget: {"epsilon": a number > 0, "delta": a number in [0, 1)}
// ("delta" optional, default 0).
Result<PrivacyLoss> ParseBudgetBody(std::string_view text);

// POST /v1/approvals: {"plan_hash", "dataset", "consumers": [...], "levels": [...],
// "rules": {"aggregate_only": [columns], "min_rows": n}} (rules and both rule fields are
// optional). The owner is the caller.
Result<ApprovalSpec> ParseApprovalBody(std::string_view text);

// POST /v1/models: {"name", "kind", "features", "intercept", "level", "locations",
// "consumers"}. The owner is the caller.
Result<ModelSpec> ParseModelBody(std::string_view text);

// POST /v1/jobs: {"plan_hash", "level", "result_key": hex of 32 bytes, "inputs": {plan input:
// dataset the consumer uploaded}} ("inputs" only for consumer-supplied inputs; optional).
struct JobBody {
  crypto::Sha256Digest plan_hash{};
  SecurityLevel level = SecurityLevel::kDealer2pc;
  Bytes result_key;
  std::map<std::string, std::string> inputs;
};
Result<JobBody> ParseJobBody(std::string_view text);

// POST /v1/jobs/{id}/progress: {"progress": 0..1}.
Result<double> ParseProgressBody(std::string_view text);

// POST /v1/jobs/{id}/complete: {"result_sha256": hex or "" (the dealer), "receipt_part": {...},
// "stored_models": [{"name", "kind", "features", "intercept", "location", "sha256"}]}
// ("stored_models" optional).
struct CompleteBody {
  std::optional<crypto::Sha256Digest> result_sha256;
  std::string receipt_part;  // a JSON object, as compact text
  std::vector<StoredModelPart> stored_models;
};
Result<CompleteBody> ParseCompleteBody(std::string_view text);

// POST /v1/jobs/{id}/fail: {"error": one line of at most 500 printable bytes}.
Result<std::string> ParseFailBody(std::string_view text);

// POST routes that take no fields (withdraw, revoke, cancel): an empty body or {}.
Status ParseEmptyBody(std::string_view text);

}  // namespace arca::coord

#endif  // ARCA_COORD_API_BODIES_H_
