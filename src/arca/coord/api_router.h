// The API's routes (docs/API.md): which method and path is which operation, who may call it,
// and what its query may hold. The router reads the request target exactly as sent: paths are
// made of ids, names, numbers and hashes, none of which needs percent-encoding, so a '%' (or
// any character outside those) is refused rather than decoded.
#ifndef ARCA_COORD_API_ROUTER_H_
#define ARCA_COORD_API_ROUTER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"

namespace arca::coord {

enum class Route {
  kHealth,
  kWhoAmI,
  kRegisterParty,
  kListParties,
  kGetParty,
  kRegisterNode,
  kListNodes,
  kGetNode,
  kRecordEvidence,
  kSetNodeStatus,
  kAddDataset,
  kListDatasets,
  kGetDataset,
  kWithdrawDataset,
  kSetDatasetBudget,
  kSubmitPlan,
  kListPlans,
  kGetPlan,
  kGrantApproval,
  kListApprovals,
  kGetApproval,
  kRevokeApproval,
  kAddModel,
  kListModels,
  kGetModel,
  kWithdrawModel,
  kCreateJob,
  kListJobs,
  kGetJob,
  kCancelJob,
  kJobProgress,
  kCompleteJob,
  kFailJob,
  kUploadResult,
  kFetchResult,
  kGetReceipt,
  kWork,
  kAuditEntries,
  kAuditHead,
};

// Who may call a route, as a set of bits; the handler may narrow it further (a dataset's own
// owner, a job's own consumer or nodes).
enum Callers : uint8_t {
  kNobodyNeeded = 0,  // GET /v1/health: no authentication
  kOwner = 1,
  kCode = 2,
  kConsumer = 4,
  kPlatform = 8,
  kNode = 16,
  kAnyParty = kOwner | kCode | kConsumer | kPlatform,
  kAnyone = kAnyParty | kNode,
};

enum class BodyKind { kNone, kJson, kBlob };

struct RouteInfo {
  Route route;
  std::string_view method;
  std::string_view pattern;  // "/v1/jobs/{}/results/{}": each {} is a path parameter
  uint8_t callers;
  std::string_view who;  // the callers in words, for refusals: "a consumer or the platform"
  BodyKind body;
  std::vector<std::string_view> query;  // the query keys it accepts
};

struct RouteMatch {
  const RouteInfo* info = nullptr;
  std::vector<std::string> params;           // the {} of the pattern, in order
  std::map<std::string, std::string> query;  // each key at most once
};

// Every route, in the order docs/API.md lists them.
const std::vector<RouteInfo>& Routes();

// The route for `method` and `target` (path and query as sent). Errors: not-found for an
// unknown path, unimplemented for a known path with another method (405), invalid-argument
// for characters outside [A-Za-z0-9._-] in a segment, a malformed or unknown query key, or a
// target longer than 2048 bytes.
Result<RouteMatch> MatchRoute(std::string_view method, std::string_view target);

}  // namespace arca::coord

#endif  // ARCA_COORD_API_ROUTER_H_
