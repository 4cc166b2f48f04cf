#include "arca/coord/api.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "arca/coord/api_bodies.h"
#include "arca/coord/api_json.h"
#include "arca/coord/job_admission.h"
#include "arca/coord/store_rows.h"
#include "arca/coord/work_feed.h"
#include "arca/plan/plan_hash.h"
#include "arca/plan/validate.h"

namespace arca::coord {
namespace {

using nlohmann::json;

constexpr int64_t kMaxAuditPage = 1000;

ApiResponse Json(int status, const json& body) {
  return {.status = status, .json = body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

ApiResponse Error(const Status& status) {
  return Json(HttpStatus(status), {{"error", status.message()}});
}

uint8_t CallerBit(const Caller& caller) {
  if (caller.is_node) return kNode;
  switch (caller.role) {
    case PartyRole::kOwner:
      return kOwner;
    case PartyRole::kCode:
      return kCode;
    case PartyRole::kConsumer:
      return kConsumer;
    case PartyRole::kPlatform:
      return kPlatform;
  }
  return 0;
}

bool IsPlatform(const Caller& caller) {
  return !caller.is_node && caller.role == PartyRole::kPlatform;
}

Result<int64_t> Number(std::string_view text, std::string_view what) {
  int64_t value = 0;
  if (text.empty() || text.size() > 15 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgumentError(fmt::format("{} '{}' is not a number", what, text));
  }
  for (const char c : text) value = value * 10 + (c - '0');
  return value;
}

Result<crypto::Sha256Digest> HashParam(std::string_view text) {
  Result<Bytes> bytes = FromHex(text);
  crypto::Sha256Digest digest{};
  if (!bytes.ok() || bytes->size() != digest.size()) {
    return InvalidArgumentError(fmt::format("'{}' is not a plan hash (64 hex digits)", text));
  }
  std::copy(bytes->begin(), bytes->end(), digest.begin());
  return digest;
}

Status OnlyJobConsumer(const Caller& caller, const Job& job) {
  if (IsPlatform(caller) || (!caller.is_node && caller.id == job.spec.consumer)) return OkStatus();
  return PermissionDeniedError(
      fmt::format("job {} belongs to '{}'; only its consumer or the platform may do this", job.id,
                  job.spec.consumer));
}

Status OnlyJobNode(const Caller& caller, const Job& job) {
  for (const JobNode& part : job.parties) {
    if (part.node_id == caller.id) return OkStatus();
  }
  return PermissionDeniedError(
      fmt::format("{} takes no part in job {}", caller.Describe(), job.id));
}

// Reads the whole body, refusing more than `limit` bytes.
Result<std::string> ReadBody(const ApiRequest& request, size_t limit) {
  std::string body;
  bool too_large = false;
  const bool read = request.read_body([&](std::string_view piece) {
    if (body.size() + piece.size() > limit) {
      too_large = true;
      return false;
    }
    body.append(piece);
    return true;
  });
  if (too_large) {
    return ResourceExhaustedError(fmt::format("the body is larger than {} bytes", limit));
  }
  if (!read) return InvalidArgumentError("the body could not be read to its end");
  return body;
}

// Cancels `job` if it is no longer allowed, naming why; the job's other records stay.
Status CancelIfNoLongerAdmitted(Store& store, const Job& job, std::string_view actor) {
  if (IsFinal(job.status)) return OkStatus();
  if (StillAdmitted(store, job).ok()) return OkStatus();
  return store.CancelJob(job.id, actor);
}

Status CancelJobsNoLongerAdmitted(Store& store, std::string_view actor) {
  for (const JobStatus status : {JobStatus::kPending, JobStatus::kRunning}) {
    ARCA_ASSIGN_OR_RETURN(const std::vector<Job> jobs, store.ListJobs({.status = status}));
    for (const Job& job : jobs) ARCA_RETURN_IF_ERROR(CancelIfNoLongerAdmitted(store, job, actor));
  }
  return OkStatus();
}

}  // namespace

int HttpStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange:
      return 400;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kUnimplemented:
      return 405;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kResourceExhausted:
      return 413;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return 503;
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

Api::Api(Store& store, Options options)
    : store_(store), options_(std::move(options)), auth_(store, options_.clock, options_.started) {}

std::string Api::ResultFile(int64_t job, std::string_view node,
                            const crypto::Sha256Digest& sha) const {
  return fmt::format("{}/{}.{}", options_.state_dir, Store::ResultLocation(job, node), ToHex(sha));
}

ApiResponse Api::Handle(const ApiRequest& request) {
  Result<RouteMatch> route = MatchRoute(request.method, request.target);
  if (!route.ok()) return Error(route.status());
  const RouteInfo& info = *route->info;
  if (info.route == Route::kHealth) return Json(200, {{"status", "ok"}});
  if (info.body == BodyKind::kBlob) return UploadResult(request, *route);

  Result<std::string> body = ReadBody(request, info.body == BodyKind::kJson ? kMaxJsonBody : 0);
  if (!body.ok()) return Error(body.status());
  const Result<Caller> caller = auth_.Authenticate(request.method, request.target, request.header,
                                                   crypto::Sha256(AsBytes(*body)));
  if (!caller.ok()) {
    if (caller.status().code() == StatusCode::kResourceExhausted) {
      return Json(503, {{"error", caller.status().message()}});
    }
    return Json(401, {{"error", caller.status().message()}});
  }
  if ((info.callers & CallerBit(*caller)) == 0) {
    return Error(
        PermissionDeniedError(fmt::format("{} may not call {} {}: only {} may", caller->Describe(),
                                          info.method, info.pattern, info.who)));
  }
  Result<ApiResponse> response = Dispatch({.route = *route, .caller = *caller, .body = *body});
  if (!response.ok()) return Error(response.status());
  return *std::move(response);
}

Result<ApiResponse> Api::Dispatch(const Call& call) {
  switch (call.route.info->route) {
    case Route::kHealth:
    case Route::kUploadResult:
    case Route::kWhoAmI:
    case Route::kRegisterParty:
    case Route::kListParties:
    case Route::kGetParty:
    case Route::kRegisterNode:
    case Route::kListNodes:
    case Route::kGetNode:
    case Route::kRecordEvidence:
    case Route::kSetNodeStatus:
      return DispatchRegistry(call);
    case Route::kAddDataset:
    case Route::kListDatasets:
    case Route::kGetDataset:
    case Route::kWithdrawDataset:
    case Route::kSetDatasetBudget:
    case Route::kSubmitPlan:
    case Route::kListPlans:
    case Route::kGetPlan:
      return DispatchDatasetsAndPlans(call);
    case Route::kGrantApproval:
    case Route::kListApprovals:
    case Route::kGetApproval:
    case Route::kRevokeApproval:
    case Route::kAddModel:
    case Route::kListModels:
    case Route::kGetModel:
    case Route::kWithdrawModel:
      return DispatchApprovalsAndModels(call);
    case Route::kCreateJob:
    case Route::kListJobs:
    case Route::kGetJob:
    case Route::kCancelJob:
      return DispatchJobs(call);
    case Route::kJobProgress:
    case Route::kCompleteJob:
    case Route::kFailJob:
      return DispatchNodeReports(call);
    case Route::kFetchResult:
    case Route::kGetReceipt:
    case Route::kWork:
    case Route::kAuditEntries:
    case Route::kAuditHead:
      return DispatchResults(call);
  }
  return InternalError("unhandled route");
}

Result<ApiResponse> Api::DispatchRegistry(const Call& call) {
  const Caller& caller = call.caller;
  const std::vector<std::string>& params = call.route.params;
  const std::string& actor = call.caller.id;
  switch (call.route.info->route) {
    case Route::kHealth:
    case Route::kUploadResult:
      return InternalError("routed twice");
    case Route::kWhoAmI:
      return Json(200, {{"id", caller.id},
                        {"kind", caller.is_node ? "node" : "party"},
                        {"role", caller.is_node ? "node" : std::string(Name(caller.role))}});

    case Route::kRegisterParty: {
      ARCA_ASSIGN_OR_RETURN(const PartySpec spec, ParsePartyBody(call.body));
      ARCA_ASSIGN_OR_RETURN(const Party party, store_.RegisterParty(spec, actor));
      return Json(201, PartyJson(party));
    }
    case Route::kListParties: {
      ARCA_ASSIGN_OR_RETURN(const std::vector<Party> parties, store_.ListParties());
      json out = json::array();
      for (const Party& party : parties) out.push_back(PartyJson(party));
      return Json(200, {{"parties", out}});
    }
    case Route::kGetParty: {
      if (!IsPlatform(caller) && caller.id != params[0]) {
        return PermissionDeniedError(fmt::format(
            "{} may read only its own party record; the platform reads all", caller.Describe()));
      }
      ARCA_ASSIGN_OR_RETURN(const Party party, store_.GetParty(params[0]));
      return Json(200, PartyJson(party));
    }

    case Route::kRegisterNode: {
      ARCA_ASSIGN_OR_RETURN(const NodeSpec spec, ParseNodeBody(call.body));
      ARCA_ASSIGN_OR_RETURN(const Node node, store_.RegisterNode(spec, actor));
      return Json(201, NodeJson(node));
    }
    case Route::kListNodes: {
      ARCA_ASSIGN_OR_RETURN(const std::vector<Node> nodes, store_.ListNodes());
      json out = json::array();
      for (const Node& node : nodes) out.push_back(NodeJson(node));
      return Json(200, {{"nodes", out}});
    }
    case Route::kGetNode: {
      ARCA_ASSIGN_OR_RETURN(const Node node, store_.GetNode(params[0]));
      return Json(200, NodeJson(node));
    }
    case Route::kRecordEvidence: {
      if (caller.id != params[0]) {
        return PermissionDeniedError(
            fmt::format("{} may record only its own evidence", caller.Describe()));
      }
      ARCA_ASSIGN_OR_RETURN(const EvidenceBody body, ParseEvidenceBody(call.body));
      // A node's word on its own evidence proves nothing: it stays "registered" until the
      // platform, having verified it, sets the status.
      ARCA_RETURN_IF_ERROR(store_.RecordNodeEvidence(
          params[0], body.evidence, body.attestation_json, NodeStatus::kRegistered, actor));
      ARCA_ASSIGN_OR_RETURN(const Node node, store_.GetNode(params[0]));
      return Json(200, NodeJson(node));
    }
    case Route::kSetNodeStatus: {
      ARCA_ASSIGN_OR_RETURN(const NodeStatus status, ParseNodeStatusBody(call.body));
      ARCA_RETURN_IF_ERROR(store_.SetNodeStatus(params[0], status, actor));
      ARCA_ASSIGN_OR_RETURN(const Node node, store_.GetNode(params[0]));
      return Json(200, NodeJson(node));
    }
    default:
      break;
  }
  return InternalError("routed to the wrong handler");
}

Result<ApiResponse> Api::DispatchDatasetsAndPlans(const Call& call) {
  const Caller& caller = call.caller;
  const std::vector<std::string>& params = call.route.params;
  const auto& query = call.route.query;
  const std::string& actor = call.caller.id;
  switch (call.route.info->route) {
    case Route::kAddDataset: {
      ARCA_ASSIGN_OR_RETURN(DatasetSpec spec, ParseDatasetBody(call.body));
      spec.owner = caller.id;
      ARCA_ASSIGN_OR_RETURN(const Dataset dataset, store_.AddDatasetVersion(spec, actor));
      if (spec.budget) ARCA_RETURN_IF_ERROR(CancelJobsNoLongerAdmitted(store_, actor));
      return Json(201, DatasetJson(dataset));
    }
    case Route::kListDatasets: {
      ARCA_ASSIGN_OR_RETURN(const std::vector<Dataset> datasets, store_.ListDatasets());
      json out = json::array();
      for (const Dataset& dataset : datasets) out.push_back(DatasetJson(dataset));
      return Json(200, {{"datasets", out}});
    }
    case Route::kGetDataset: {
      if (const auto version = query.find("version"); version != query.end()) {
        ARCA_ASSIGN_OR_RETURN(const int64_t number, Number(version->second, "version"));
        ARCA_ASSIGN_OR_RETURN(const Dataset dataset, store_.GetDatasetVersion(params[0], number));
        return Json(200, DatasetJson(dataset));
      }
      ARCA_ASSIGN_OR_RETURN(const Dataset dataset, store_.GetDataset(params[0]));
      return Json(200, DatasetJson(dataset));
    }
    case Route::kWithdrawDataset: {
      ARCA_RETURN_IF_ERROR(ParseEmptyBody(call.body));
      ARCA_ASSIGN_OR_RETURN(const Dataset dataset, store_.GetDataset(params[0]));
      if (dataset.spec.owner != caller.id) {
        return PermissionDeniedError(
            fmt::format("dataset '{}' belongs to '{}'; only its owner may withdraw it", params[0],
                        dataset.spec.owner));
      }
      ARCA_RETURN_IF_ERROR(store_.WithdrawDataset(params[0], actor));
      ARCA_RETURN_IF_ERROR(CancelJobsNoLongerAdmitted(store_, actor));
      ARCA_ASSIGN_OR_RETURN(const Dataset withdrawn, store_.GetDataset(params[0]));
      return Json(200, DatasetJson(withdrawn));
    }
    case Route::kSetDatasetBudget: {
      ARCA_ASSIGN_OR_RETURN(const PrivacyLoss budget, ParseBudgetBody(call.body));
      ARCA_ASSIGN_OR_RETURN(const Dataset dataset,
                            store_.SetBudget(params[0], caller.id, budget, actor));
      // Jobs admitted before the dataset had a budget carry no charge on it: they stop.
      ARCA_RETURN_IF_ERROR(CancelJobsNoLongerAdmitted(store_, actor));
      return Json(200, DatasetJson(dataset));
    }

    case Route::kSubmitPlan: {
      Result<plan::Plan> parsed = plan::Plan::Parse(call.body);
      if (!parsed.ok())
        return InvalidArgumentError("the plan is invalid: " + parsed.status().message());
      const std::vector<std::string> problems = plan::FindProblems(*parsed);
      if (!problems.empty()) {
        return Json(400, {{"error", fmt::format("the plan is invalid: {} problem(s), the first: {}",
                                                problems.size(), problems.front())},
                          {"problems", problems}});
      }
      ARCA_ASSIGN_OR_RETURN(const std::string canonical, plan::CanonicalPlanText(*parsed));
      ARCA_ASSIGN_OR_RETURN(const Plan plan, store_.SubmitPlan(caller.id, canonical, actor));
      return Json(201, PlanJson(plan));
    }
    case Route::kListPlans: {
      ARCA_ASSIGN_OR_RETURN(const std::vector<Plan> plans, store_.ListPlans());
      json out = json::array();
      for (const Plan& plan : plans) out.push_back(PlanJson(plan));
      return Json(200, {{"plans", out}});
    }
    case Route::kGetPlan: {
      ARCA_ASSIGN_OR_RETURN(const crypto::Sha256Digest hash, HashParam(params[0]));
      ARCA_ASSIGN_OR_RETURN(const Plan plan, store_.GetPlan(hash));
      return Json(200, PlanJson(plan));
    }
    default:
      break;
  }
  return InternalError("routed to the wrong handler");
}

Result<ApiResponse> Api::DispatchApprovalsAndModels(const Call& call) {
  const Caller& caller = call.caller;
  const std::vector<std::string>& params = call.route.params;
  const auto& query = call.route.query;
  const std::string& actor = call.caller.id;
  switch (call.route.info->route) {
    case Route::kGrantApproval: {
      ARCA_ASSIGN_OR_RETURN(ApprovalSpec spec, ParseApprovalBody(call.body));
      spec.owner = caller.id;
      ARCA_ASSIGN_OR_RETURN(const Approval approval, store_.GrantApproval(spec, actor));
      return Json(201, ApprovalJson(approval));
    }
    case Route::kListApprovals: {
      const auto plan = query.find("plan");
      if (plan == query.end()) {
        return InvalidArgumentError("GET /v1/approvals needs ?plan=<plan hash>");
      }
      ARCA_ASSIGN_OR_RETURN(const crypto::Sha256Digest hash, HashParam(plan->second));
      ARCA_ASSIGN_OR_RETURN(const std::vector<Approval> approvals, store_.ListApprovals(hash));
      json out = json::array();
      for (const Approval& approval : approvals) out.push_back(ApprovalJson(approval));
      return Json(200, {{"approvals", out}});
    }
    case Route::kGetApproval: {
      ARCA_ASSIGN_OR_RETURN(const int64_t id, Number(params[0], "approval id"));
      ARCA_ASSIGN_OR_RETURN(const Approval approval, store_.GetApproval(id));
      return Json(200, ApprovalJson(approval));
    }
    case Route::kRevokeApproval: {
      ARCA_RETURN_IF_ERROR(ParseEmptyBody(call.body));
      ARCA_ASSIGN_OR_RETURN(const int64_t id, Number(params[0], "approval id"));
      ARCA_ASSIGN_OR_RETURN(const Approval approval, store_.GetApproval(id));
      if (approval.spec.owner != caller.id) {
        return PermissionDeniedError(fmt::format(
            "approval {} was granted by '{}'; only it may revoke it", id, approval.spec.owner));
      }
      ARCA_RETURN_IF_ERROR(store_.RevokeApproval(id, actor));
      ARCA_RETURN_IF_ERROR(CancelJobsNoLongerAdmitted(store_, actor));
      ARCA_ASSIGN_OR_RETURN(const Approval revoked, store_.GetApproval(id));
      return Json(200, ApprovalJson(revoked));
    }

    case Route::kAddModel: {
      ARCA_ASSIGN_OR_RETURN(ModelSpec spec, ParseModelBody(call.body));
      spec.owner_party = caller.id;
      ARCA_ASSIGN_OR_RETURN(const Model model, store_.AddModel(spec, actor));
      return Json(201, ModelJson(model));
    }
    case Route::kListModels: {
      ARCA_ASSIGN_OR_RETURN(const std::vector<Model> models, store_.ListModels());
      json out = json::array();
      for (const Model& model : models) out.push_back(ModelJson(model));
      return Json(200, {{"models", out}});
    }
    case Route::kGetModel: {
      ARCA_ASSIGN_OR_RETURN(const Model model, store_.GetModel(params[0]));
      return Json(200, ModelJson(model));
    }
    case Route::kWithdrawModel: {
      ARCA_RETURN_IF_ERROR(ParseEmptyBody(call.body));
      ARCA_ASSIGN_OR_RETURN(const Model model, store_.GetModel(params[0]));
      std::string owner = model.spec.owner_party;
      if (model.spec.owner_job) {
        ARCA_ASSIGN_OR_RETURN(const Job job, store_.GetJob(*model.spec.owner_job));
        owner = job.spec.consumer;
      }
      if (owner != caller.id) {
        return PermissionDeniedError(
            fmt::format("model '{}' may be withdrawn only by '{}'", params[0], owner));
      }
      ARCA_RETURN_IF_ERROR(store_.WithdrawModel(params[0], actor));
      ARCA_RETURN_IF_ERROR(CancelJobsNoLongerAdmitted(store_, actor));
      ARCA_ASSIGN_OR_RETURN(const Model withdrawn, store_.GetModel(params[0]));
      return Json(200, ModelJson(withdrawn));
    }
    default:
      break;
  }
  return InternalError("routed to the wrong handler");
}

Result<ApiResponse> Api::DispatchJobs(const Call& call) {
  const Caller& caller = call.caller;
  const std::vector<std::string>& params = call.route.params;
  const auto& query = call.route.query;
  const std::string& actor = call.caller.id;
  switch (call.route.info->route) {
    case Route::kCreateJob: {
      ARCA_ASSIGN_OR_RETURN(const JobBody body, ParseJobBody(call.body));
      ARCA_ASSIGN_OR_RETURN(const JobSpec spec, AdmitJob(store_, body, caller.id));
      ARCA_ASSIGN_OR_RETURN(const Job job, store_.CreateJob(spec, actor));
      return Json(201, JobJson(job));
    }
    case Route::kListJobs: {
      JobFilter filter;
      if (const auto it = query.find("consumer"); it != query.end()) filter.consumer = it->second;
      if (const auto it = query.find("plan"); it != query.end()) {
        ARCA_ASSIGN_OR_RETURN(filter.plan_hash, HashParam(it->second));
      }
      if (const auto it = query.find("status"); it != query.end()) {
        ARCA_ASSIGN_OR_RETURN(filter.status, ParseJobStatus(it->second));
      }
      if (!IsPlatform(caller)) {
        if (filter.consumer && *filter.consumer != caller.id) {
          return PermissionDeniedError(fmt::format(
              "{} may list only its own jobs; the platform lists all", caller.Describe()));
        }
        filter.consumer = caller.id;
      }
      ARCA_ASSIGN_OR_RETURN(const std::vector<Job> jobs, store_.ListJobs(filter));
      json out = json::array();
      for (const Job& job : jobs) out.push_back(JobJson(job));
      return Json(200, {{"jobs", out}});
    }
    case Route::kGetJob: {
      ARCA_ASSIGN_OR_RETURN(const int64_t id, Number(params[0], "job id"));
      ARCA_ASSIGN_OR_RETURN(const Job job, store_.GetJob(id));
      ARCA_RETURN_IF_ERROR(OnlyJobConsumer(caller, job));
      return Json(200, JobJson(job));
    }
    case Route::kCancelJob: {
      ARCA_RETURN_IF_ERROR(ParseEmptyBody(call.body));
      ARCA_ASSIGN_OR_RETURN(const int64_t id, Number(params[0], "job id"));
      ARCA_ASSIGN_OR_RETURN(const Job job, store_.GetJob(id));
      ARCA_RETURN_IF_ERROR(OnlyJobConsumer(caller, job));
      ARCA_RETURN_IF_ERROR(store_.CancelJob(id, actor));
      ARCA_ASSIGN_OR_RETURN(const Job cancelled, store_.GetJob(id));
      return Json(200, JobJson(cancelled));
    }
    default:
      break;
  }
  return InternalError("routed to the wrong handler");
}

Result<ApiResponse> Api::DispatchNodeReports(const Call& call) {
  const Caller& caller = call.caller;
  const std::vector<std::string>& params = call.route.params;
  const std::string& actor = call.caller.id;
  switch (call.route.info->route) {
    case Route::kJobProgress: {
      ARCA_ASSIGN_OR_RETURN(const double progress, ParseProgressBody(call.body));
      ARCA_ASSIGN_OR_RETURN(const int64_t id, Number(params[0], "job id"));
      ARCA_ASSIGN_OR_RETURN(const Job job, store_.GetJob(id));
      ARCA_RETURN_IF_ERROR(OnlyJobNode(caller, job));
      if (job.status == JobStatus::kPending) ARCA_RETURN_IF_ERROR(store_.StartJob(id, actor));
      ARCA_RETURN_IF_ERROR(store_.SetJobProgress(id, progress));
      return Json(200, {{"job", id}, {"progress", progress}});
    }
    case Route::kCompleteJob: {
      ARCA_ASSIGN_OR_RETURN(const CompleteBody body, ParseCompleteBody(call.body));
      ARCA_ASSIGN_OR_RETURN(const int64_t id, Number(params[0], "job id"));
      ARCA_ASSIGN_OR_RETURN(const Job job, store_.GetJob(id));
      ARCA_RETURN_IF_ERROR(OnlyJobNode(caller, job));
      const auto part = std::find_if(job.parties.begin(), job.parties.end(),
                                     [&](const JobNode& p) { return p.node_id == caller.id; });
      if (body.result_sha256 != part->result_sha256) {
        return FailedPreconditionError(
            fmt::format("result_sha256 {} is not the SHA-256 of the result node '{}' uploaded ({})",
                        body.result_sha256 ? ToHex(*body.result_sha256) : "\"\"", caller.id,
                        part->result_sha256 ? ToHex(*part->result_sha256) : "none"));
      }
      ARCA_ASSIGN_OR_RETURN(
          const Job after,
          store_.CompleteJobPart(id, caller.id, body.receipt_part, body.stored_models, actor));
      return Json(200, JobJson(after));
    }
    case Route::kFailJob: {
      ARCA_ASSIGN_OR_RETURN(const std::string error, ParseFailBody(call.body));
      ARCA_ASSIGN_OR_RETURN(const int64_t id, Number(params[0], "job id"));
      ARCA_ASSIGN_OR_RETURN(const Job job, store_.GetJob(id));
      ARCA_RETURN_IF_ERROR(OnlyJobNode(caller, job));
      ARCA_RETURN_IF_ERROR(store_.FailJobPart(id, caller.id, error, actor));
      ARCA_ASSIGN_OR_RETURN(const Job failed, store_.GetJob(id));
      return Json(200, JobJson(failed));
    }
    default:
      break;
  }
  return InternalError("routed to the wrong handler");
}

Result<ApiResponse> Api::DispatchResults(const Call& call) {
  const Caller& caller = call.caller;
  const std::vector<std::string>& params = call.route.params;
  const auto& query = call.route.query;
  switch (call.route.info->route) {
    case Route::kFetchResult: {
      ARCA_ASSIGN_OR_RETURN(const int64_t id, Number(params[0], "job id"));
      ARCA_ASSIGN_OR_RETURN(const Job job, store_.GetJob(id));
      ARCA_RETURN_IF_ERROR(OnlyJobConsumer(caller, job));
      if (job.status != JobStatus::kSucceeded) {
        return FailedPreconditionError(fmt::format(
            "job {} is {}; results are fetched once it succeeded", id, Name(job.status)));
      }
      const auto part = std::find_if(job.parties.begin(), job.parties.end(),
                                     [&](const JobNode& p) { return p.node_id == params[1]; });
      if (part == job.parties.end() || !part->result_sha256) {
        return NotFoundError(fmt::format("job {} has no result from node '{}'", id, params[1]));
      }
      const std::string file = ResultFile(id, part->node_id, *part->result_sha256);
      std::error_code error;
      const uintmax_t size = std::filesystem::file_size(file, error);
      if (error || size != static_cast<uintmax_t>(part->result_size)) {
        return DataLossError(fmt::format(
            "the coordinator has lost the result of node '{}' for job {}", params[1], id));
      }
      return ApiResponse{.status = 200, .json = "", .file = file, .file_size = size};
    }
    case Route::kGetReceipt: {
      ARCA_ASSIGN_OR_RETURN(const int64_t id, Number(params[0], "job id"));
      ARCA_ASSIGN_OR_RETURN(const Job job, store_.GetJob(id));
      ARCA_RETURN_IF_ERROR(OnlyJobConsumer(caller, job));
      ARCA_ASSIGN_OR_RETURN(const JobResult result, store_.GetResult(id));
      return Json(200, {{"job", id},
                        {"receipt", json::parse(result.receipt, nullptr, false)},
                        {"results", LocationsJson(result.locations)}});
    }
    case Route::kWork: {
      ARCA_ASSIGN_OR_RETURN(
          json feed, WorkFeed(store_, caller.id, options_.clock(), options_.finished_jobs_fed_for));
      return Json(200, feed);
    }
    case Route::kAuditEntries: {
      int64_t from = 1;
      int64_t limit = kMaxAuditPage;
      if (const auto it = query.find("from"); it != query.end()) {
        ARCA_ASSIGN_OR_RETURN(from, Number(it->second, "from"));
      }
      if (const auto it = query.find("limit"); it != query.end()) {
        ARCA_ASSIGN_OR_RETURN(limit, Number(it->second, "limit"));
        limit = std::clamp<int64_t>(limit, 1, kMaxAuditPage);
      }
      ARCA_ASSIGN_OR_RETURN(const std::vector<AuditEntry> entries,
                            store_.AuditEntries(from, limit));
      json out = json::array();
      for (const AuditEntry& entry : entries) out.push_back(AuditEntryJson(entry));
      return Json(200, {{"entries", out}});
    }
    case Route::kAuditHead: {
      ARCA_ASSIGN_OR_RETURN(const std::optional<AuditHead> head, store_.CurrentAuditHead());
      return Json(200,
                  {{"seq", head ? head->seq : 0}, {"entry_hash", head ? head->entry_hash : ""}});
    }
    default:
      break;
  }
  return InternalError("routed to the wrong handler");
}

ApiResponse Api::UploadResult(const ApiRequest& request, const RouteMatch& route) {
  // Refuse strangers before taking their bytes; the signature is checked once the body's hash
  // is known.
  const Result<AuthHeaders> headers = ParseAuthHeaders(request.header);
  if (!headers.ok()) return Json(401, {{"error", headers.status().message()}});
  if (!store_.GetNode(headers->signer).ok()) {
    return Json(401, {{"error", fmt::format("'{}' is not a registered node",
                                            rows::Printable(headers->signer))}});
  }
  const std::string dir = fmt::format("{}/tmp", options_.state_dir);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  std::string temp = dir + "/upload-XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return Error(InternalError("cannot create a temporary file for the upload"));
  crypto::Sha256Hasher hasher;
  uint64_t size = 0;
  bool too_large = false;
  bool write_failed = false;
  const bool read = request.read_body([&](std::string_view piece) {
    size += piece.size();
    if (size > options_.max_result_bytes) {
      too_large = true;
      return false;
    }
    hasher.Update(AsBytes(piece));
    size_t written = 0;
    while (written < piece.size()) {
      const ssize_t n = ::write(fd, piece.data() + written, piece.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        write_failed = true;
        return false;
      }
      written += static_cast<size_t>(n);
    }
    return true;
  });
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  const auto discard = [&](const Status& status) {
    std::filesystem::remove(temp, error);
    return Error(status);
  };
  if (too_large) {
    return discard(ResourceExhaustedError(
        fmt::format("a result is at most {} bytes", options_.max_result_bytes)));
  }
  if (write_failed || !synced) return discard(InternalError("cannot store the upload"));
  if (!read) return discard(InvalidArgumentError("the body could not be read to its end"));
  const crypto::Sha256Digest sha = hasher.Finish();

  const Result<Caller> caller =
      auth_.Authenticate(request.method, request.target, request.header, sha);
  if (!caller.ok()) {
    std::filesystem::remove(temp, error);
    return Json(caller.status().code() == StatusCode::kResourceExhausted ? 503 : 401,
                {{"error", caller.status().message()}});
  }
  const Result<int64_t> id = Number(route.params[0], "job id");
  if (!id.ok()) return discard(id.status());
  if (!caller->is_node || caller->id != route.params[1]) {
    return discard(PermissionDeniedError(
        fmt::format("{} may not upload the result of node '{}': only that node may",
                    caller->Describe(), route.params[1])));
  }
  const Result<Job> job = store_.GetJob(*id);
  if (!job.ok()) return discard(job.status());
  if (const Status member = OnlyJobNode(*caller, *job); !member.ok()) return discard(member);
  const std::string file = ResultFile(*id, caller->id, sha);
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(), error);
  std::filesystem::rename(temp, file, error);
  if (error) return discard(InternalError("cannot move the upload into place"));
  const Status recorded =
      store_.RecordJobResult(*id, caller->id, sha, static_cast<int64_t>(size), caller->id);
  if (!recorded.ok()) {
    // Another upload of the same bytes may share the file; only a refused first one removes it.
    const auto part = std::find_if(job->parties.begin(), job->parties.end(),
                                   [&](const JobNode& p) { return p.node_id == caller->id; });
    if (part->result_sha256 != sha) std::filesystem::remove(file, error);
    return Error(recorded);
  }
  return Json(200, {{"job", *id}, {"node", caller->id}, {"sha256", ToHex(sha)}, {"size", size}});
}

}  // namespace arca::coord
