#include "arca/coord/api_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <utility>

#include "arca/coord/api_bodies.h"
#include "arca/crypto/self_signed.h"

namespace arca::coord {
namespace {

constexpr size_t kFileChunk = size_t{1} << 20;

Status WriteFile(const std::string& path, ByteView bytes, mode_t mode) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out.good()) return InternalError(fmt::format("cannot write {}", temp));
  }
  ::chmod(temp.c_str(), mode);
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) return InternalError(fmt::format("cannot write {}: {}", path, error.message()));
  return OkStatus();
}

ApiRequest ToApiRequest(const httplib::Request& req, const httplib::ContentReader* reader) {
  return ApiRequest{.method = req.method,
                    .target = req.target,
                    .header = [&req](std::string_view name) -> std::optional<std::string> {
                      const std::string key(name);
                      if (!req.has_header(key)) return std::nullopt;
                      return req.get_header_value(key);
                    },
                    .read_body =
                        [&req, reader](const BodySink& sink) {
                          if (reader == nullptr) return req.body.empty() || sink(req.body);
                          return (*reader)([&](const char* data, size_t size) {
                            return sink(std::string_view(data, size));
                          });
                        }};
}

void Reply(const ApiResponse& response, httplib::Response& res) {
  res.status = response.status;
  if (response.file.empty()) {
    res.set_content(response.json, "application/json");
    return;
  }
  auto in = std::make_shared<std::ifstream>(response.file, std::ios::binary);
  res.set_content_provider(response.file_size, "application/octet-stream",
                           [in](size_t offset, size_t length, httplib::DataSink& sink) {
                             std::string chunk(std::min(length, kFileChunk), '\0');
                             in->seekg(static_cast<std::streamoff>(offset));
                             in->read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                             if (in->gcount() <= 0) return false;
                             return sink.write(chunk.data(), static_cast<size_t>(in->gcount()));
                           });
}

Status RegisterAdmin(Store& store, const Bytes& key) {
  Result<Party> existing = store.GetParty("platform");
  if (existing.ok()) {
    if (existing->spec.public_key != key || existing->spec.role != PartyRole::kPlatform) {
      return FailedPreconditionError(
          "party 'platform' is registered with another key; start without --admin-key, or with "
          "the key it was first registered with");
    }
    return OkStatus();
  }
  return store
      .RegisterParty({.id = "platform",
                      .display_name = "Platform operator",
                      .role = PartyRole::kPlatform,
                      .public_key = key},
                     "arca-coordinator")
      .status();
}

}  // namespace

Result<TlsIdentity> LoadOrCreateTlsIdentity(const std::string& state_dir) {
  const std::string key_path = state_dir + "/coordinator.key";
  const std::string cert_path = state_dir + "/coordinator.crt";
  if (std::filesystem::exists(key_path) && std::filesystem::exists(cert_path)) {
    ARCA_ASSIGN_OR_RETURN(const Bytes seed, ReadFileBytes(key_path));
    ARCA_ASSIGN_OR_RETURN(crypto::SigningKey key, crypto::SigningKey::FromSeed(seed));
    ARCA_ASSIGN_OR_RETURN(const Bytes pem, ReadFileBytes(cert_path));
    ARCA_ASSIGN_OR_RETURN(std::vector<crypto::Certificate> certs,
                          crypto::Certificate::AllFromPem(std::string_view(
                              reinterpret_cast<const char*>(pem.data()), pem.size())));
    if (certs.size() != 1 || certs[0].Key().Spki() != key.PublicKey().Spki()) {
      return FailedPreconditionError(
          fmt::format("{} is not the certificate of {}: remove both to make a new TLS identity",
                      cert_path, key_path));
    }
    return TlsIdentity{.key = std::move(key), .certificate = std::move(certs[0])};
  }
  const crypto::SigningKey key = crypto::SigningKey::Generate();
  const UnixTime now = Now();
  ARCA_ASSIGN_OR_RETURN(
      crypto::Certificate certificate,
      crypto::SelfSignedCertificate(key, {.common_name = "arca-coordinator",
                                          .not_before = now - std::chrono::hours(24),
                                          .not_after = now + std::chrono::hours(24 * 365 * 10),
                                          .is_ca = false,
                                          .serial = {},
                                          .extensions = {}}));
  const crypto::Ed25519Seed seed = key.Seed();
  ARCA_RETURN_IF_ERROR(WriteFile(key_path, seed, 0600));
  ARCA_RETURN_IF_ERROR(WriteFile(cert_path, AsBytes(certificate.Pem()), 0644));
  return TlsIdentity{.key = key, .certificate = std::move(certificate)};
}

Result<std::unique_ptr<ApiServer>> ApiServer::Start(const ServerOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(options.state_dir, error);
  if (error) {
    return FailedPreconditionError(
        fmt::format("cannot create state directory {}: {}", options.state_dir, error.message()));
  }
  ::chmod(options.state_dir.c_str(), 0700);
  ARCA_ASSIGN_OR_RETURN(const TlsIdentity identity, LoadOrCreateTlsIdentity(options.state_dir));
  ARCA_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                        Store::Open(options.state_dir + "/coordinator.db"));
  if (options.admin_key) ARCA_RETURN_IF_ERROR(RegisterAdmin(*store, *options.admin_key));

  std::unique_ptr<ApiServer> server(new ApiServer(std::move(store), identity.certificate));
  server->api_ = std::make_unique<Api>(
      *server->store_,
      Api::Options{.state_dir = options.state_dir, .max_result_bytes = options.max_result_bytes});
  server->server_ =
      std::make_unique<httplib::SSLServer>(identity.certificate.get(), identity.key.get());
  httplib::SSLServer& http = *server->server_;
  if (!http.is_valid()) return InternalError("cannot set up TLS for the coordinator");
  SSL_CTX_set_min_proto_version(http.ssl_context(), TLS1_3_VERSION);
  http.set_payload_max_length(options.max_result_bytes + kMaxJsonBody);
  http.set_read_timeout(std::chrono::seconds(60));
  http.set_write_timeout(std::chrono::seconds(60));
  Api& api = *server->api_;
  http.Get(".*", [&api](const httplib::Request& req, httplib::Response& res) {
    Reply(api.Handle(ToApiRequest(req, nullptr)), res);
  });
  const auto with_body = [&api](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& reader) {
    Reply(api.Handle(ToApiRequest(req, &reader)), res);
  };
  http.Post(".*", with_body);
  http.Put(".*", with_body);
  http.set_error_handler([](const httplib::Request& /*req*/, httplib::Response& res) {
    if (res.body.empty()) {
      res.set_content(fmt::format(R"({{"error":"HTTP {}"}})", res.status), "application/json");
    }
  });

  if (options.port == 0) {
    const int port = http.bind_to_any_port(options.host);
    if (port <= 0) {
      return UnavailableError(fmt::format("cannot listen on {}:0", options.host));
    }
    server->port_ = static_cast<uint16_t>(port);
  } else {
    if (!http.bind_to_port(options.host, options.port)) {
      return UnavailableError(
          fmt::format("cannot listen on {}:{} (in use?)", options.host, options.port));
    }
    server->port_ = static_cast<uint16_t>(options.port);
  }
  server->thread_ = std::thread([&http] { http.listen_after_bind(); });
  return server;
}

ApiServer::ApiServer(std::unique_ptr<Store> store, crypto::Certificate certificate)
    : store_(std::move(store)), certificate_(std::move(certificate)) {}

void ApiServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

ApiServer::~ApiServer() { Stop(); }

}  // namespace arca::coord
