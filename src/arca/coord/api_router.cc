#include "arca/coord/api_router.h"

#include <fmt/format.h>

#include <algorithm>

#include "arca/coord/store_rows.h"

namespace arca::coord {
namespace {

constexpr size_t kMaxTarget = 2048;
constexpr size_t kMaxSegment = 128;

bool SegmentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

Status CheckSegment(std::string_view segment, std::string_view what) {
  if (segment.empty() || segment.size() > kMaxSegment ||
      !std::all_of(segment.begin(), segment.end(), SegmentChar)) {
    return InvalidArgumentError(fmt::format("{} '{}' is not 1 to {} of A-Z a-z 0-9 . _ -", what,
                                            rows::Printable(segment), kMaxSegment));
  }
  return OkStatus();
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Matches `segments` against `pattern`; the {} segments go to `params`.
bool Matches(std::string_view pattern, const std::vector<std::string_view>& segments,
             std::vector<std::string>& params) {
  const std::vector<std::string_view> expected = Split(pattern.substr(1), '/');
  if (expected.size() != segments.size()) return false;
  params.clear();
  for (size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] == "{}") {
      params.emplace_back(segments[i]);
    } else if (expected[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

const std::vector<RouteInfo>& Routes() {
  static const auto* const routes = new std::vector<RouteInfo>{
      {Route::kHealth, "GET", "/v1/health", kNobodyNeeded, "anyone", BodyKind::kNone, {}},
      {Route::kWhoAmI, "GET", "/v1/whoami", kAnyone, "any party or node", BodyKind::kNone, {}},
      {Route::kRegisterParty,
       "POST",
       "/v1/parties",
       kPlatform,
       "the platform",
       BodyKind::kJson,
       {}},
      {Route::kListParties, "GET", "/v1/parties", kPlatform, "the platform", BodyKind::kNone, {}},
      {Route::kGetParty,
       "GET",
       "/v1/parties/{}",
       kAnyParty,
       "the platform or the party itself",
       BodyKind::kNone,
       {}},
      {Route::kRegisterNode, "POST", "/v1/nodes", kPlatform, "the platform", BodyKind::kJson, {}},
      {Route::kListNodes, "GET", "/v1/nodes", kAnyone, "any party or node", BodyKind::kNone, {}},
      {Route::kGetNode, "GET", "/v1/nodes/{}", kAnyone, "any party or node", BodyKind::kNone, {}},
      {Route::kRecordEvidence,
       "POST",
       "/v1/nodes/{}/evidence",
       kNode,
       "the node itself",
       BodyKind::kJson,
       {}},
      {Route::kSetNodeStatus,
       "POST",
       "/v1/nodes/{}/status",
       kPlatform,
       "the platform",
       BodyKind::kJson,
       {}},
      {Route::kAddDataset,
       "POST",
       "/v1/datasets",
       kOwner | kConsumer,
       "a data owner or a consumer",
       BodyKind::kJson,
       {}},
      {Route::kListDatasets,
       "GET",
       "/v1/datasets",
       kAnyone,
       "any party or node",
       BodyKind::kNone,
       {}},
      {Route::kGetDataset,
       "GET",
       "/v1/datasets/{}",
       kAnyone,
       "any party or node",
       BodyKind::kNone,
       {"version"}},
      {Route::kWithdrawDataset,
       "POST",
       "/v1/datasets/{}/withdraw",
       kOwner | kConsumer,
       "the dataset's owner",
       BodyKind::kJson,
       {}},
      {Route::kSetDatasetBudget,
       "PUT",
       "/v1/datasets/{}/budget",
       kOwner,
       "the dataset's owner",
       BodyKind::kJson,
       {}},
      {Route::kSubmitPlan, "POST", "/v1/plans", kCode, "a code owner", BodyKind::kJson, {}},
      {Route::kListPlans, "GET", "/v1/plans", kAnyone, "any party or node", BodyKind::kNone, {}},
      {Route::kGetPlan, "GET", "/v1/plans/{}", kAnyone, "any party or node", BodyKind::kNone, {}},
      {Route::kGrantApproval, "POST", "/v1/approvals", kOwner, "a data owner", BodyKind::kJson, {}},
      {Route::kListApprovals,
       "GET",
       "/v1/approvals",
       kAnyone,
       "any party or node",
       BodyKind::kNone,
       {"plan"}},
      {Route::kGetApproval,
       "GET",
       "/v1/approvals/{}",
       kAnyone,
       "any party or node",
       BodyKind::kNone,
       {}},
      {Route::kRevokeApproval,
       "POST",
       "/v1/approvals/{}/revoke",
       kOwner,
       "the owner that granted it",
       BodyKind::kJson,
       {}},
      {Route::kAddModel, "POST", "/v1/models", kCode, "a code owner", BodyKind::kJson, {}},
      {Route::kListModels, "GET", "/v1/models", kAnyone, "any party or node", BodyKind::kNone, {}},
      {Route::kGetModel, "GET", "/v1/models/{}", kAnyone, "any party or node", BodyKind::kNone, {}},
      {Route::kWithdrawModel,
       "POST",
       "/v1/models/{}/withdraw",
       kCode | kConsumer,
       "the model's code owner, or the consumer of the job that stored it",
       BodyKind::kJson,
       {}},
      {Route::kCreateJob, "POST", "/v1/jobs", kConsumer, "a consumer", BodyKind::kJson, {}},
      {Route::kListJobs,
       "GET",
       "/v1/jobs",
       kConsumer | kPlatform,
       "the platform, or a consumer for its own jobs",
       BodyKind::kNone,
       {"consumer", "plan", "status"}},
      {Route::kGetJob,
       "GET",
       "/v1/jobs/{}",
       kConsumer | kPlatform,
       "the job's consumer or the platform",
       BodyKind::kNone,
       {}},
      {Route::kCancelJob,
       "POST",
       "/v1/jobs/{}/cancel",
       kConsumer | kPlatform,
       "the job's consumer or the platform",
       BodyKind::kJson,
       {}},
      {Route::kJobProgress,
       "POST",
       "/v1/jobs/{}/progress",
       kNode,
       "a node of the job",
       BodyKind::kJson,
       {}},
      {Route::kCompleteJob,
       "POST",
       "/v1/jobs/{}/complete",
       kNode,
       "a node of the job",
       BodyKind::kJson,
       {}},
      {Route::kFailJob,
       "POST",
       "/v1/jobs/{}/fail",
       kNode,
       "a node of the job",
       BodyKind::kJson,
       {}},
      {Route::kUploadResult,
       "PUT",
       "/v1/jobs/{}/results/{}",
       kNode,
       "that node of the job",
       BodyKind::kBlob,
       {}},
      {Route::kFetchResult,
       "GET",
       "/v1/jobs/{}/results/{}",
       kConsumer | kPlatform,
       "the job's consumer or the platform",
       BodyKind::kNone,
       {}},
      {Route::kGetReceipt,
       "GET",
       "/v1/jobs/{}/receipt",
       kConsumer | kPlatform,
       "the job's consumer or the platform",
       BodyKind::kNone,
       {}},
      {Route::kWork, "GET", "/v1/work", kNode, "a node", BodyKind::kNone, {}},
      {Route::kAuditEntries,
       "GET",
       "/v1/audit",
       kPlatform,
       "the platform",
       BodyKind::kNone,
       {"from", "limit"}},
      {Route::kAuditHead,
       "GET",
       "/v1/audit/head",
       kAnyone,
       "any party or node",
       BodyKind::kNone,
       {}},
  };
  return *routes;
}

Result<RouteMatch> MatchRoute(std::string_view method, std::string_view target) {
  if (target.size() > kMaxTarget) {
    return InvalidArgumentError(
        fmt::format("the request target is longer than {} bytes", kMaxTarget));
  }
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  if (path.size() < 2 || path.front() != '/') {
    return NotFoundError(fmt::format("no route {}: paths start with /v1/", rows::Printable(path)));
  }
  const std::vector<std::string_view> segments = Split(path.substr(1), '/');
  for (const std::string_view segment : segments) {
    ARCA_RETURN_IF_ERROR(CheckSegment(segment, "path segment"));
  }
  RouteMatch match;
  bool path_known = false;
  for (const RouteInfo& info : Routes()) {
    std::vector<std::string> params;
    if (!Matches(info.pattern, segments, params)) continue;
    path_known = true;
    if (info.method != method) continue;
    match.info = &info;
    match.params = std::move(params);
    break;
  }
  if (match.info == nullptr) {
    if (path_known) {
      return UnimplementedError(
          fmt::format("{} is not allowed on {}", rows::Printable(method), rows::Printable(path)));
    }
    return NotFoundError(
        fmt::format("no route {} (docs/API.md lists them)", rows::Printable(path)));
  }
  if (question == std::string_view::npos) return match;
  for (const std::string_view pair : Split(target.substr(question + 1), '&')) {
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos) {
      return InvalidArgumentError(
          fmt::format("query part '{}' is not key=value", rows::Printable(pair)));
    }
    const std::string_view key = pair.substr(0, equals);
    const std::string_view value = pair.substr(equals + 1);
    if (std::find(match.info->query.begin(), match.info->query.end(), key) ==
        match.info->query.end()) {
      return InvalidArgumentError(fmt::format("{} {} takes no query key '{}'", match.info->method,
                                              match.info->pattern, rows::Printable(key)));
    }
    ARCA_RETURN_IF_ERROR(CheckSegment(value, fmt::format("query value of '{}'", key)));
    if (!match.query.emplace(key, value).second) {
      return InvalidArgumentError(fmt::format("query key '{}' is given twice", key));
    }
  }
  return match;
}

}  // namespace arca::coord
