#include "arca/client/coordinator_client.h"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <utility>

#include "arca/client/request_signature.h"
#include "arca/crypto/x509.h"

namespace arca::client {
namespace {

using nlohmann::json;

constexpr size_t kFileChunk = size_t{1} << 20;

// Accepts the server's certificate only if it is byte for byte the pinned one.
int VerifyPinned(X509_STORE_CTX* ctx, void* pinned) {
  X509* presented = X509_STORE_CTX_get0_cert(ctx);
  if (presented == nullptr) return 0;
  const crypto::Sha256Digest fingerprint =
      crypto::Certificate::FromOpenSsl(presented).Fingerprint();
  if (fingerprint != *static_cast<const crypto::Sha256Digest*>(pinned)) {
    X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_UNTRUSTED);
    return 0;
  }
  return 1;
}

std::string Hex(const crypto::Sha256Digest& digest) { return ToHex(digest); }

json LocationsJson(const std::vector<Location>& locations) {
  json out = json::array();
  for (const Location& location : locations) {
    out.push_back({{"node", location.node},
                   {"location", location.location},
                   {"sha256", Hex(location.sha256)}});
  }
  return out;
}

Result<json> ParseAnswer(const std::string& body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return DataLossError("the coordinator's answer is not JSON");
  return parsed;
}

}  // namespace

Status StatusFromResponse(int http_status, std::string_view body) {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string message = fmt::format("the coordinator answered HTTP {}", http_status);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()) {
    message = parsed["error"].get<std::string>();
    if (const auto problems = parsed.find("problems");
        problems != parsed.end() && problems->is_array()) {
      for (const json& problem : *problems) {
        if (problem.is_string()) message += "\n  " + problem.get<std::string>();
      }
    }
  }
  switch (http_status) {
    case 400:
    case 405:
      return InvalidArgumentError(message);
    case 401:
      return PermissionDeniedError("not authenticated: " + message);
    case 403:
      return PermissionDeniedError(message);
    case 404:
      return NotFoundError(message);
    case 409:
      return FailedPreconditionError(message);
    case 413:
      return ResourceExhaustedError(message);
    case 503:
      return UnavailableError(message);
    default:
      return InternalError(message);
  }
}

Result<std::unique_ptr<CoordinatorClient>> CoordinatorClient::Create(CoordinatorOptions options) {
  ARCA_ASSIGN_OR_RETURN(const std::vector<crypto::Certificate> certificates,
                        crypto::Certificate::AllFromPem(options.certificate_pem));
  if (certificates.size() != 1) {
    return InvalidArgumentError("the coordinator certificate file must hold one certificate");
  }
  std::unique_ptr<CoordinatorClient> client(new CoordinatorClient(std::move(options)));
  client->pinned_ = certificates[0].Fingerprint();
  return client;
}

CoordinatorClient::~CoordinatorClient() = default;

std::string CoordinatorClient::Where() const {
  return fmt::format("{}:{}", options_.host, options_.port);
}

std::unique_ptr<httplib::SSLClient> CoordinatorClient::Connect() {
  auto client = std::make_unique<httplib::SSLClient>(options_.host, options_.port);
  // httplib's own check (system roots, host names) is replaced by the pin.
  client->enable_server_certificate_verification(false);
  SSL_CTX* ctx = client->ssl_context();
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, VerifyPinned, &pinned_);
  client->set_url_encode(false);
  client->set_connection_timeout(options_.timeout);
  client->set_read_timeout(options_.timeout);
  client->set_write_timeout(options_.timeout);
  return client;
}

std::vector<std::pair<std::string, std::string>> CoordinatorClient::Sign(
    std::string_view method, std::string_view target,
    const crypto::Sha256Digest& body_sha256) const {
  const RequestSignature signature =
      SignRequest(options_.key, options_.signer, method, target, body_sha256, options_.clock());
  return {{std::string(kPartyHeader), signature.party},
          {std::string(kTimeHeader), signature.time},
          {std::string(kNonceHeader), signature.nonce},
          {std::string(kSignatureHeader), signature.signature}};
}

Result<json> CoordinatorClient::Call(std::string_view method, std::string_view target,
                                     std::string_view body) {
  httplib::Headers headers;
  for (auto& [name, value] : Sign(method, target, crypto::Sha256(AsBytes(body)))) {
    headers.emplace(std::move(name), std::move(value));
  }
  const std::unique_ptr<httplib::SSLClient> client = Connect();
  const std::string path(target);
  if (method != "GET" && method != "POST" && method != "PUT") {
    return InvalidArgumentError(fmt::format("method {} is not used by the API", method));
  }
  httplib::Result response =
      method == "GET"    ? client->Get(path, headers)
      : method == "POST" ? client->Post(path, headers, std::string(body), "application/json")
                         : client->Put(path, headers, std::string(body), "application/json");
  if (!response) {
    return UnavailableError(fmt::format(
        "cannot reach the coordinator at {} ({}); if it is up, check that the pinned certificate "
        "is its coordinator.crt",
        Where(), httplib::to_string(response.error())));
  }
  if (response->status < 200 || response->status >= 300) {
    return StatusFromResponse(response->status, response->body);
  }
  return ParseAnswer(response->body);
}

Result<json> CoordinatorClient::Health() { return Call("GET", "/v1/health"); }
Result<json> CoordinatorClient::WhoAmI() { return Call("GET", "/v1/whoami"); }

Result<json> CoordinatorClient::RegisterParty(const PartyRegistration& party) {
  return Call("POST", "/v1/parties",
              json{{"id", party.id},
                   {"display_name", party.display_name},
                   {"role", party.role},
                   {"public_key", ToHex(party.public_key)}}
                  .dump());
}
Result<json> CoordinatorClient::ListParties() { return Call("GET", "/v1/parties"); }
Result<json> CoordinatorClient::GetParty(std::string_view id) {
  return Call("GET", fmt::format("/v1/parties/{}", id));
}

Result<json> CoordinatorClient::RegisterNode(const NodeRegistration& node) {
  return Call("POST", "/v1/nodes",
              json{{"id", node.id},
                   {"role", node.role},
                   {"index", node.index},
                   {"endpoint", node.endpoint},
                   {"mesh_endpoint", node.mesh_endpoint},
                   {"signing_key", ToHex(node.signing_key)}}
                  .dump());
}
Result<json> CoordinatorClient::ListNodes() { return Call("GET", "/v1/nodes"); }
Result<json> CoordinatorClient::GetNode(std::string_view id) {
  return Call("GET", fmt::format("/v1/nodes/{}", id));
}
Result<json> CoordinatorClient::RecordEvidence(std::string_view node_id, ByteView evidence,
                                               const json& attestation) {
  return Call("POST", fmt::format("/v1/nodes/{}/evidence", node_id),
              json{{"evidence", ToBase64(evidence)}, {"attestation", attestation}}.dump());
}
Result<json> CoordinatorClient::SetNodeStatus(std::string_view node_id, std::string_view status) {
  return Call("POST", fmt::format("/v1/nodes/{}/status", node_id), json{{"status", status}}.dump());
}

Result<json> CoordinatorClient::AddDataset(const DatasetUpload& dataset) {
  json body = {{"name", dataset.name},
               {"level", dataset.level},
               {"schema", dataset.schema},
               {"row_count", dataset.row_count},
               {"locations", LocationsJson(dataset.locations)}};
  if (dataset.budget) {
    body["budget"] = {{"epsilon", dataset.budget->epsilon}, {"delta", dataset.budget->delta}};
  }
  return Call("POST", "/v1/datasets", body.dump());
}
Result<json> CoordinatorClient::ListDatasets() { return Call("GET", "/v1/datasets"); }
Result<json> CoordinatorClient::GetDataset(std::string_view name, std::optional<int64_t> version) {
  return Call("GET", version ? fmt::format("/v1/datasets/{}?version={}", name, *version)
                             : fmt::format("/v1/datasets/{}", name));
}
Result<json> CoordinatorClient::WithdrawDataset(std::string_view name) {
  return Call("POST", fmt::format("/v1/datasets/{}/withdraw", name), "{}");
}
Result<json> CoordinatorClient::SetDatasetBudget(std::string_view name,
                                                 const PrivacyBudget& budget) {
  return Call("PUT", fmt::format("/v1/datasets/{}/budget", name),
              json{{"epsilon", budget.epsilon}, {"delta", budget.delta}}.dump());
}

Result<json> CoordinatorClient::SubmitPlan(std::string_view plan_json) {
  return Call("POST", "/v1/plans", plan_json);
}
Result<json> CoordinatorClient::ListPlans() { return Call("GET", "/v1/plans"); }
Result<json> CoordinatorClient::GetPlan(std::string_view hash) {
  return Call("GET", fmt::format("/v1/plans/{}", hash));
}

Result<json> CoordinatorClient::GrantApproval(const ApprovalGrant& approval) {
  return Call("POST", "/v1/approvals",
              json{{"plan_hash", approval.plan_hash},
                   {"dataset", approval.dataset},
                   {"consumers", approval.consumers},
                   {"levels", approval.levels},
                   {"rules", approval.rules}}
                  .dump());
}
Result<json> CoordinatorClient::ListApprovals(std::string_view plan_hash) {
  return Call("GET", fmt::format("/v1/approvals?plan={}", plan_hash));
}
Result<json> CoordinatorClient::GetApproval(int64_t id) {
  return Call("GET", fmt::format("/v1/approvals/{}", id));
}
Result<json> CoordinatorClient::RevokeApproval(int64_t id) {
  return Call("POST", fmt::format("/v1/approvals/{}/revoke", id), "{}");
}

Result<json> CoordinatorClient::AddModel(const ModelUpload& model) {
  return Call("POST", "/v1/models",
              json{{"name", model.name},
                   {"kind", model.kind},
                   {"features", model.features},
                   {"intercept", model.intercept},
                   {"level", model.level},
                   {"locations", LocationsJson(model.locations)},
                   {"consumers", model.consumers}}
                  .dump());
}
Result<json> CoordinatorClient::ListModels() { return Call("GET", "/v1/models"); }
Result<json> CoordinatorClient::GetModel(std::string_view name) {
  return Call("GET", fmt::format("/v1/models/{}", name));
}
Result<json> CoordinatorClient::WithdrawModel(std::string_view name) {
  return Call("POST", fmt::format("/v1/models/{}/withdraw", name), "{}");
}

Result<json> CoordinatorClient::CreateJob(const JobRequest& job) {
  json body{
      {"plan_hash", job.plan_hash}, {"level", job.level}, {"result_key", ToHex(job.result_key)}};
  if (!job.inputs.empty()) body["inputs"] = job.inputs;
  return Call("POST", "/v1/jobs", body.dump());
}
Result<json> CoordinatorClient::ListJobs(const JobListFilter& filter) {
  std::string target = "/v1/jobs";
  char separator = '?';
  for (const auto& [key, value] :
       {std::pair{"consumer", filter.consumer}, std::pair{"plan", filter.plan_hash},
        std::pair{"status", filter.status}}) {
    if (!value) continue;
    target += fmt::format("{}{}={}", separator, key, *value);
    separator = '&';
  }
  return Call("GET", target);
}
Result<json> CoordinatorClient::GetJob(int64_t id) {
  return Call("GET", fmt::format("/v1/jobs/{}", id));
}
Result<json> CoordinatorClient::CancelJob(int64_t id) {
  return Call("POST", fmt::format("/v1/jobs/{}/cancel", id), "{}");
}
Result<json> CoordinatorClient::ReportProgress(int64_t job, double progress) {
  return Call("POST", fmt::format("/v1/jobs/{}/progress", job),
              json{{"progress", progress}}.dump());
}
Result<json> CoordinatorClient::CompleteJob(int64_t job, const JobCompletion& completion) {
  return Call("POST", fmt::format("/v1/jobs/{}/complete", job),
              json{{"result_sha256", completion.result_sha256},
                   {"receipt_part", completion.receipt_part},
                   {"stored_models", completion.stored_models}}
                  .dump());
}
Result<json> CoordinatorClient::FailJob(int64_t job, std::string_view error) {
  return Call("POST", fmt::format("/v1/jobs/{}/fail", job), json{{"error", error}}.dump());
}

Result<json> CoordinatorClient::UploadResult(int64_t job, std::string_view node_id,
                                             const std::string& path) {
  // Two passes: the signature covers the body's hash, then the body streams from the file.
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(fmt::format("cannot open {}", path));
  crypto::Sha256Hasher hasher;
  std::string chunk(kFileChunk, '\0');
  uint64_t size = 0;
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    hasher.Update(AsBytes(std::string_view(chunk.data(), static_cast<size_t>(in.gcount()))));
    size += static_cast<uint64_t>(in.gcount());
  }
  const std::string target = fmt::format("/v1/jobs/{}/results/{}", job, node_id);
  httplib::Headers headers;
  for (auto& [name, value] : Sign("PUT", target, hasher.Finish())) {
    headers.emplace(std::move(name), std::move(value));
  }
  auto stream = std::make_shared<std::ifstream>(path, std::ios::binary);
  const std::unique_ptr<httplib::SSLClient> client = Connect();
  httplib::Result response = client->Put(
      target, headers, static_cast<size_t>(size),
      [stream](size_t offset, size_t length, httplib::DataSink& sink) {
        std::string piece(std::min(length, kFileChunk), '\0');
        stream->seekg(static_cast<std::streamoff>(offset));
        stream->read(piece.data(), static_cast<std::streamsize>(piece.size()));
        if (stream->gcount() <= 0) return false;
        return sink.write(piece.data(), static_cast<size_t>(stream->gcount()));
      },
      "application/octet-stream");
  if (!response) {
    return UnavailableError(fmt::format("cannot upload to the coordinator at {} ({})", Where(),
                                        httplib::to_string(response.error())));
  }
  if (response->status != 200) return StatusFromResponse(response->status, response->body);
  return ParseAnswer(response->body);
}

Status CoordinatorClient::FetchResult(int64_t job, std::string_view node_id,
                                      const std::string& out_path) {
  const std::string target = fmt::format("/v1/jobs/{}/results/{}", job, node_id);
  httplib::Headers headers;
  for (auto& [name, value] : Sign("GET", target, crypto::Sha256(ByteView{}))) {
    headers.emplace(std::move(name), std::move(value));
  }
  const std::string temp = out_path + ".part";
  std::ofstream out;
  std::string error_body;
  int status = 0;
  const std::unique_ptr<httplib::SSLClient> client = Connect();
  httplib::Result response = client->Get(
      target, headers,
      [&](const httplib::Response& head) {
        status = head.status;
        if (status == 200) out.open(temp, std::ios::binary | std::ios::trunc);
        return status != 200 || out.good();
      },
      [&](const char* data, size_t size) {
        if (status != 200) {
          if (error_body.size() < kFileChunk) error_body.append(data, size);
          return true;
        }
        out.write(data, static_cast<std::streamsize>(size));
        return out.good();
      });
  out.close();
  std::error_code ignored;
  if (!response || status != 200) {
    std::filesystem::remove(temp, ignored);
    if (!response) {
      return UnavailableError(fmt::format("cannot fetch from the coordinator at {} ({})", Where(),
                                          httplib::to_string(response.error())));
    }
    return StatusFromResponse(status, error_body);
  }
  std::filesystem::rename(temp, out_path, ignored);
  if (ignored) return InternalError(fmt::format("cannot write {}", out_path));
  return OkStatus();
}

Result<json> CoordinatorClient::GetReceipt(int64_t job) {
  return Call("GET", fmt::format("/v1/jobs/{}/receipt", job));
}
Result<json> CoordinatorClient::Work() { return Call("GET", "/v1/work"); }
Result<json> CoordinatorClient::AuditEntries(int64_t from, int64_t limit) {
  return Call("GET", fmt::format("/v1/audit?from={}&limit={}", from, limit));
}
Result<json> CoordinatorClient::AuditHead() { return Call("GET", "/v1/audit/head"); }

}  // namespace arca::client
