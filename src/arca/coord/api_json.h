// The JSON the API answers with for each record (docs/API.md, "Records"). Keys are hex, times
// are RFC 3339 UTC, evidence is base64; stored JSON (schemas, rules, attestation statements,
// receipts) is embedded as JSON, not as text.
#ifndef ARCA_COORD_API_JSON_H_
#define ARCA_COORD_API_JSON_H_

#include <nlohmann/json.hpp>

#include "arca/coord/audit_log.h"
#include "arca/coord/records.h"

namespace arca::coord {

nlohmann::json PartyJson(const Party& party);
nlohmann::json NodeJson(const Node& node);
nlohmann::json DatasetJson(const Dataset& dataset);
nlohmann::json PlanJson(const Plan& plan);
nlohmann::json ApprovalJson(const Approval& approval);
nlohmann::json ModelJson(const Model& model);
nlohmann::json JobJson(const Job& job);
nlohmann::json AuditEntryJson(const AuditEntry& entry);
// [{"node", "location", "sha256"}, ...]
nlohmann::json LocationsJson(const std::vector<CiphertextLocation>& locations);

}  // namespace arca::coord

#endif  // ARCA_COORD_API_JSON_H_
