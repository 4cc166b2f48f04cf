// How the store's records become rows and back: column readers, row-to-record conversions, and
// the checks on values before they are written. Internal to the store (store*.cc), except the
// JSON that the API's bodies share with the audit details (api_json.cc).
#ifndef ARCA_COORD_STORE_ROWS_H_
#define ARCA_COORD_STORE_ROWS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/coord/records.h"
#include "arca/coord/sqlite_db.h"
#include "arca/crypto/hash.h"

namespace arca::coord::rows {

// The columns each reader below expects, in order.
inline constexpr std::string_view kPartyColumns = "id, display_name, role, public_key, created_at";
inline constexpr std::string_view kNodeColumns =
    "id, role, endpoint, status, evidence, attestation, registered_at, updated_at, signing_key, "
    "role_index, mesh_endpoint";
inline constexpr std::string_view kPlanColumns = "hash, submitter, canonical_json, submitted_at";
inline constexpr std::string_view kJobColumns =
    "id, plan_hash, consumer, level, result_key, status, progress, error, created_at, "
    "started_at, finished_at";
inline constexpr std::string_view kModelColumns =
    "name, owner_party, owner_job, kind, features, intercept, level, withdrawn, created_at";
inline constexpr std::string_view kJobNodeColumns =
    "party, node_id, state, result_sha256, result_size, receipt_part, stored_models, error";
inline constexpr std::string_view kApprovalColumns =
    "id, plan_hash, dataset, owner, levels, rules, revoked, created_at, revoked_at";

// --- checks on values going in

// `text` for a one-line message: at most 64 bytes, anything but printable ASCII as '?'.
std::string Printable(std::string_view text);
// Ids and dataset names: 1..128 of letters, digits, '.', '_', '-', starting with a letter or
// digit. `what` names the field in the error ("party id").
Status CheckId(std::string_view what, std::string_view id);
// Every mutation names who did it.
Status CheckActor(std::string_view actor);
// JSON text for a column; text that is not UTF-8 cannot be serialised and is refused.
Result<std::string> DumpJson(const nlohmann::json& value, std::string_view what);
// `text` must parse as a JSON object.
Status CheckJsonObject(std::string_view text, std::string_view what);

// --- column readers: a stored value that does not parse means the file was changed behind
// the store's back (a data-loss error)

Result<UnixTime> TimeColumn(const Statement& row, int column);
// NULL is nullopt.
Result<std::optional<UnixTime>> OptionalTimeColumn(const Statement& row, int column);
Result<crypto::Sha256Digest> DigestColumn(const Statement& row, int column);
Result<nlohmann::json> JsonColumn(const Statement& row, int column);
// JSON text the store wrote itself (in a column read earlier).
Result<nlohmann::json> ParseJsonText(std::string_view text);
Result<std::string> FirstText(const Statement& row);
Result<int64_t> FirstInt(const Statement& row);

// --- records, from rows selected with the column lists above

// Rows of (node_id, location, sha256).
Result<std::vector<CiphertextLocation>> ReadLocations(Statement& query);
Result<Party> PartyFromRow(const Statement& row);
Result<Node> NodeFromRow(const Statement& row);
Result<Plan> PlanFromRow(const Statement& row);
Result<Job> JobFromRow(const Statement& row);
// Without its locations and consumers.
Result<Model> ModelFromRow(const Statement& row);
Result<JobNode> JobNodeFromRow(const Statement& row);
// A JSON array of strings (model features), as stored.
Result<std::vector<std::string>> StringsColumn(const Statement& row, int column);

// The models a node reported, as job_nodes.stored_models keeps them, and back.
nlohmann::json StoredModelsJson(const std::vector<StoredModelPart>& models);
Result<std::vector<StoredModelPart>> StoredModelsFromJson(const nlohmann::json& json);

// The outputs of a budget charge, as budget_charges.outputs keeps them, and back.
nlohmann::json OutputLossesJson(const std::vector<OutputLoss>& outputs);
Result<std::vector<OutputLoss>> OutputLossesFromJson(const nlohmann::json& json);

// --- JSON shared by the audit details and the API's bodies (api_json.h)

// Locations as the audit details record them: [{"location", "node", "sha256"}, ...].
nlohmann::json LocationsJson(const std::vector<CiphertextLocation>& locations);
// A privacy loss: {"epsilon", "delta"}.
nlohmann::json LossJson(const PrivacyLoss& loss);
// A charge's outputs by name: {"m": {"epsilon", "delta"}, ...}.
nlohmann::json LossesByOutputJson(const std::vector<OutputLoss>& outputs);

// Steps through every row of `query`, turning each into a T with `read`.
template <typename T, typename ReadRow>
Result<std::vector<T>> Collect(Statement& query, ReadRow read) {
  std::vector<T> out;
  while (true) {
    ARCA_ASSIGN_OR_RETURN(const bool row, query.Step());
    if (!row) return out;
    ARCA_ASSIGN_OR_RETURN(T value, read(query));
    out.push_back(std::move(value));
  }
}

}  // namespace arca::coord::rows

#endif  // ARCA_COORD_STORE_ROWS_H_
