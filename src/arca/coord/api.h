// The coordinator's HTTP/JSON API (docs/API.md), independent of the HTTP library: a request
// goes in (method, target, headers, a way to read the body), a response comes out (status and
// JSON, or a file to stream). api_server.h puts it behind TLS.
//
// Each request is routed (api_router.h), its body read within the route's limit, its signer
// authenticated (api_auth.h), the signer's role checked against the route, then the route's
// own checks (a dataset's owner, a job's consumer or nodes) before the store is called with
// the signer as the audit actor. Errors are {"error": "<one line>"} with a status that fits:
// 400 malformed, 401 not authenticated, 403 not allowed, 404 unknown, 405 wrong method,
// 409 conflicts with the current state, 413 too large, 500 the coordinator's own failure,
// 503 overloaded.
#ifndef ARCA_COORD_API_H_
#define ARCA_COORD_API_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/coord/api_auth.h"
#include "arca/coord/api_router.h"
#include "arca/coord/store.h"

namespace arca::coord {

// Receives the next piece of a body; returns false to stop reading.
using BodySink = std::function<bool(std::string_view piece)>;

struct ApiRequest {
  std::string method;
  std::string target;  // path and query, exactly as sent (the signature covers it)
  HeaderLookup header;
  // Feeds the whole body to `sink` in pieces; false if the body could not be read or `sink`
  // stopped it.
  std::function<bool(const BodySink& sink)> read_body;
};

struct ApiResponse {
  int status = 200;
  std::string json{};  // the body, unless `file` is set
  std::string file{};  // a file to send as application/octet-stream
  uint64_t file_size = 0;
};

// The HTTP status for an error (the API's mapping of StatusCode).
int HttpStatus(const Status& status);

class Api {
 public:
  struct Options {
    std::string state_dir;  // result files go to <state_dir>/results
    std::function<UnixTime()> clock = Now;
    // When the process started: requests signed earlier are refused (api_auth.h).
    UnixTime started = Now();
    uint64_t max_result_bytes = uint64_t{1} << 30;
    // How long failed and cancelled jobs stay in the work feed of nodes that have not
    // reported them.
    std::chrono::seconds finished_jobs_fed_for{600};
  };

  Api(Store& store, Options options);

  ApiResponse Handle(const ApiRequest& request);

 private:
  struct Call {
    const RouteMatch& route;
    const Caller& caller;
    const std::string& body;
  };

  Result<ApiResponse> Dispatch(const Call& call);
  // The routes of one resource each.
  Result<ApiResponse> DispatchRegistry(const Call& call);
  Result<ApiResponse> DispatchDatasetsAndPlans(const Call& call);
  Result<ApiResponse> DispatchApprovalsAndModels(const Call& call);
  Result<ApiResponse> DispatchJobs(const Call& call);
  Result<ApiResponse> DispatchNodeReports(const Call& call);
  Result<ApiResponse> DispatchResults(const Call& call);
  // PUT /v1/jobs/{id}/results/{node}: streams the body to a file, then authenticates.
  ApiResponse UploadResult(const ApiRequest& request, const RouteMatch& route);
  std::string ResultFile(int64_t job, std::string_view node, const crypto::Sha256Digest& sha) const;

  Store& store_;
  Options options_;
  Authenticator auth_;
};

}  // namespace arca::coord

#endif  // ARCA_COORD_API_H_
