// A client of the coordinator's API (docs/API.md): one typed call per route. Every request is
// signed with the caller's Ed25519 key (request_signature.h), and the TLS connection is
// accepted only if the coordinator presents exactly the pinned certificate (its
// coordinator.crt), whatever the system trusts. An error response becomes a Status with the
// server's line: 400 invalid-argument, 401 and 403 permission-denied, 404 not-found, 409
// failed-precondition, 413 resource-exhausted, 503 unavailable, anything else internal; a
// coordinator that cannot be reached is unavailable.
//
// Answers are the JSON records docs/API.md shows (a party, a job, ...), parsed.
#ifndef ARCA_CLIENT_COORDINATOR_CLIENT_H_
#define ARCA_CLIENT_COORDINATOR_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/crypto/hash.h"
#include "arca/crypto/signing_key.h"

namespace httplib {
class SSLClient;
}  // namespace httplib

namespace arca::client {

struct CoordinatorOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string certificate_pem;  // the coordinator's certificate, pinned
  std::string signer;           // party id or node id
  crypto::SigningKey key;       // the signer's key
  std::function<UnixTime()> clock = Now;
  std::chrono::seconds timeout{60};
};

// Where one node keeps one piece of ciphertext.
struct Location {
  std::string node;
  std::string location;
  crypto::Sha256Digest sha256{};
};

struct PartyRegistration {
  std::string id;
  std::string display_name;
  std::string role;  // owner, code, consumer, platform
  Bytes public_key;  // raw Ed25519
};

struct NodeRegistration {
  std::string id;
  std::string role;  // compute, dealer
  int64_t index = 0;
  std::string endpoint;
  std::string mesh_endpoint;
  Bytes signing_key;  // raw Ed25519
};

// A dataset's privacy budget (docs/PLANS.md, "Privacy budget"): the total ε (> 0) and δ
// (in [0, 1)) that all jobs on it may spend together.
struct PrivacyBudget {
  double epsilon = 0;
  double delta = 0;
};

struct DatasetUpload {
  std::string name;
  std::string level;  // tee, dealer2pc, rep3
  nlohmann::json schema;
  int64_t row_count = 0;
  std::vector<Location> locations;
  std::optional<PrivacyBudget> budget{};  // sets or changes the name's budget; none keeps it
};

struct ApprovalGrant {
  std::string plan_hash;  // hex
  std::string dataset;
  std::vector<std::string> consumers;
  std::vector<std::string> levels;
  nlohmann::json rules = nlohmann::json::object();  // {"aggregate_only": [...], "min_rows": n}
};

struct ModelUpload {
  std::string name;
  std::string kind;  // logistic, linear
  std::vector<std::string> features;
  bool intercept = true;
  std::string level;
  std::vector<Location> locations;
  std::vector<std::string> consumers;
};

struct JobRequest {
  std::string plan_hash;  // hex
  std::string level;
  Bytes result_key;                             // raw X25519 public key
  std::map<std::string, std::string> inputs{};  // consumer-supplied plan input -> dataset
};

struct JobCompletion {
  std::string result_sha256;  // hex; "" for the dealer
  nlohmann::json receipt_part = nlohmann::json::object();
  nlohmann::json stored_models = nlohmann::json::array();
};

struct JobListFilter {
  std::optional<std::string> consumer{};
  std::optional<std::string> plan_hash{};
  std::optional<std::string> status{};
};

class CoordinatorClient {
 public:
  // Parses the pinned certificate; no connection is made yet.
  static Result<std::unique_ptr<CoordinatorClient>> Create(CoordinatorOptions options);
  ~CoordinatorClient();
  CoordinatorClient(const CoordinatorClient&) = delete;
  CoordinatorClient& operator=(const CoordinatorClient&) = delete;

  // Any route: a signed request with a JSON body ("" for none); the parsed JSON answer.
  Result<nlohmann::json> Call(std::string_view method, std::string_view target,
                              std::string_view body = "");

  Result<nlohmann::json> Health();
  Result<nlohmann::json> WhoAmI();
  Result<nlohmann::json> RegisterParty(const PartyRegistration& party);
  Result<nlohmann::json> ListParties();
  Result<nlohmann::json> GetParty(std::string_view id);
  Result<nlohmann::json> RegisterNode(const NodeRegistration& node);
  Result<nlohmann::json> ListNodes();
  Result<nlohmann::json> GetNode(std::string_view id);
  Result<nlohmann::json> RecordEvidence(std::string_view node_id, ByteView evidence,
                                        const nlohmann::json& attestation);
  Result<nlohmann::json> SetNodeStatus(std::string_view node_id, std::string_view status);
  Result<nlohmann::json> AddDataset(const DatasetUpload& dataset);
  Result<nlohmann::json> ListDatasets();
  Result<nlohmann::json> GetDataset(std::string_view name, std::optional<int64_t> version = {});
  Result<nlohmann::json> WithdrawDataset(std::string_view name);
  // PUT /v1/datasets/{name}/budget; answers the dataset with its budget, spent and left.
  Result<nlohmann::json> SetDatasetBudget(std::string_view name, const PrivacyBudget& budget);
  // The plan document as written; answers the stored plan with its hash and canonical text.
  Result<nlohmann::json> SubmitPlan(std::string_view plan_json);
  Result<nlohmann::json> ListPlans();
  Result<nlohmann::json> GetPlan(std::string_view hash);
  Result<nlohmann::json> GrantApproval(const ApprovalGrant& approval);
  Result<nlohmann::json> ListApprovals(std::string_view plan_hash);
  Result<nlohmann::json> GetApproval(int64_t id);
  Result<nlohmann::json> RevokeApproval(int64_t id);
  Result<nlohmann::json> AddModel(const ModelUpload& model);
  Result<nlohmann::json> ListModels();
  Result<nlohmann::json> GetModel(std::string_view name);
  Result<nlohmann::json> WithdrawModel(std::string_view name);
  Result<nlohmann::json> CreateJob(const JobRequest& job);
  Result<nlohmann::json> ListJobs(const JobListFilter& filter = {});
  Result<nlohmann::json> GetJob(int64_t id);
  Result<nlohmann::json> CancelJob(int64_t id);
  Result<nlohmann::json> ReportProgress(int64_t job, double progress);
  Result<nlohmann::json> CompleteJob(int64_t job, const JobCompletion& completion);
  Result<nlohmann::json> FailJob(int64_t job, std::string_view error);
  // Streams the file at `path` as `node_id`'s encrypted result of `job`.
  Result<nlohmann::json> UploadResult(int64_t job, std::string_view node_id,
                                      const std::string& path);
  // Streams `node_id`'s result of `job` into `out_path` (written whole, or not at all).
  Status FetchResult(int64_t job, std::string_view node_id, const std::string& out_path);
  Result<nlohmann::json> GetReceipt(int64_t job);
  Result<nlohmann::json> Work();
  Result<nlohmann::json> AuditEntries(int64_t from, int64_t limit);
  Result<nlohmann::json> AuditHead();

 private:
  explicit CoordinatorClient(CoordinatorOptions options) : options_(std::move(options)) {}
  // A connection that accepts only the pinned certificate.
  std::unique_ptr<httplib::SSLClient> Connect();
  // The four signature headers for a request.
  std::vector<std::pair<std::string, std::string>> Sign(
      std::string_view method, std::string_view target,
      const crypto::Sha256Digest& body_sha256) const;
  std::string Where() const;

  CoordinatorOptions options_;
  crypto::Sha256Digest pinned_{};  // SHA-256 of the pinned certificate's DER
};

// The Status for an error answer: `http_status` and the body's "error" line (and "problems",
// one per line, when the coordinator lists them).
Status StatusFromResponse(int http_status, std::string_view body);

}  // namespace arca::client

#endif  // ARCA_CLIENT_COORDINATOR_CLIENT_H_
