#include "arca/node/node_server.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "arca/base/logging.h"
#include "arca/client/node_upload.h"
#include "arca/crypto/public_key.h"
#include "arca/net/tcp_socket.h"
#include "arca/node/share_upload.h"
#include "arca/tee/attested_tls.h"
#include "arca/tee/sealing.h"

namespace arca::node {
namespace {

using nlohmann::json;

Result<tee::SimRoot> LoadSimRoot(const std::string& path) {
  ARCA_ASSIGN_OR_RETURN(const Bytes seed, ReadFileBytes(path));
  Result<crypto::SigningKey> key = crypto::SigningKey::FromSeed(seed);
  if (!key.ok()) return key.status().WithContext("SIMULATED root key '" + path + "'");
  return tee::SimRoot::Create(*key);
}

json Refusal(const std::string& error) { return {{"ok", false}, {"error", error}}; }

// One connection's requests. An upload in progress belongs to its connection: if the client
// goes away, the receiver is destroyed and nothing of the upload is kept.
class Requests {
 public:
  Requests(const NodeConfig& config, const ShareStore& store, const tee::NodeIdentity& identity)
      : config_(config), store_(store), identity_(identity) {}

  json Answer(ByteView message) {
    if (!message.empty() && message[0] == client::kChunkMessageTag) {
      return Chunk(message.subspan(1));
    }
    json request;
    try {
      request = json::parse(message.begin(), message.end());
    } catch (const json::exception& e) {
      return Refusal(std::string("malformed request: ") + e.what());
    }
    if (!request.is_object()) return Refusal("malformed request: not a JSON object");
    const std::string op = request.value("op", "");
    try {
      if (op == "status") return StatusAnswer();
      if (op == "upload_begin") return UploadBegin(request);
      if (op == "upload_end") return UploadEnd();
      if (op == "withdraw") return Withdraw(request);
    } catch (const json::exception& e) {
      receiver_.reset();
      return Refusal(fmt::format("malformed '{}' request: {}", op, e.what()));
    }
    return Refusal("unknown request op '" + op + "'");
  }

 private:
  json StatusAnswer() const {
    return {{"ok", true},
            {"role", config_.role},
            {"index", config_.index},
            {"platform", "sim"},
            {"simulated", true}};
  }

  json UploadBegin(const json& request) {
    receiver_.reset();  // a new upload replaces an unfinished one
    if (config_.role == "dealer") {
      return Refusal("upload refused: this node is a dealer, which holds no shares");
    }
    Result<BlobKind> kind = ParseBlobKind(request.at("kind").get<std::string>());
    if (!kind.ok() || *kind == BlobKind::kResult) {
      return Refusal(R"(upload refused: 'kind' must be "dataset" or "model")");
    }
    Result<Bytes> owner_key = FromHex(request.at("owner_key").get<std::string>());
    if (!owner_key.ok()) return Refusal("upload refused: 'owner_key' is not hex");
    Result<std::unique_ptr<ShareFileReceiver>> receiver =
        ShareFileReceiver::Begin(store_, identity_.hpke_key(), config_.index, *kind,
                                 *std::move(owner_key), request.at("size").get<uint64_t>());
    if (!receiver.ok()) return Refusal(receiver.status().message());
    receiver_ = *std::move(receiver);
    return {{"ok", true}};
  }

  json Chunk(ByteView bytes) {
    if (!receiver_) return Refusal("upload refused: no upload in progress");
    if (bytes.size() > client::kMaxUploadChunk) {
      receiver_.reset();
      return Refusal("upload refused: a chunk is larger than 8 MiB; nothing was stored");
    }
    if (arca::Status s = receiver_->Append(bytes); !s.ok()) {
      log::Warn("node {}: {}", config_.index, s.message());
      receiver_.reset();
      return Refusal(s.message());
    }
    return {{"ok", true}, {"received", receiver_->received()}};
  }

  json UploadEnd() {
    if (!receiver_) return Refusal("upload refused: no upload in progress");
    Result<ReceivedShareFile> file = receiver_->Finish();
    receiver_.reset();
    if (!file.ok()) {
      log::Warn("node {}: {}", config_.index, file.status().message());
      return Refusal(file.status().message());
    }
    log::Info("node {}: stored {} version {} at {}", config_.index, file->header.dataset,
              file->header.version, file->location);
    return {{"ok", true},
            {"location", file->location},
            {"sha256", ToHex(file->sha256)},
            {"rows", file->header.rows},
            {"columns", file->header.columns},
            {"dataset", file->header.dataset},
            {"version", file->header.version},
            {"protocol", mpc::ProtocolKindName(file->header.protocol)}};
  }

  json Withdraw(const json& request) const {
    const std::string location = request.at("location").get<std::string>();
    if (arca::Status s = CheckLocation(location); !s.ok()) return Refusal(s.message());
    Result<UnixTime> time = ParseTime(request.at("time").get<std::string>());
    if (!time.ok()) return Refusal("withdraw refused: 'time' is not an ISO 8601 time");
    const UnixTime now = Now();
    if (*time > now + client::kWithdrawWindow || now - *time > client::kWithdrawWindow) {
      return Refusal(
          fmt::format("withdraw refused: its time {} is more than {} s from the node's clock {}",
                      FormatTime(*time), client::kWithdrawWindow.count(), FormatTime(now)));
    }
    Result<BlobInfo> info = store_.Info(location);
    if (!info.ok() && info.status().code() == StatusCode::kNotFound) {
      return {{"ok", true}, {"destroyed", false}};
    }
    if (!info.ok()) return Refusal(info.status().message());
    Result<Bytes> signature = FromHex(request.at("signature").get<std::string>());
    Result<crypto::PublicKey> key = crypto::PublicKey::FromEd25519(info->owner_key);
    if (!signature.ok() || !key.ok() ||
        !crypto::VerifyEd25519(*key, client::WithdrawMessage(location, *time), *signature).ok()) {
      return Refusal("withdraw refused: the signature is not by the key that uploaded " + location);
    }
    if (arca::Status s = store_.Destroy(location); !s.ok()) return Refusal(s.message());
    log::Info("node {}: destroyed {} ({} withdrawn)", config_.index, location, info->name);
    return {{"ok", true}, {"destroyed", true}};
  }

  const NodeConfig& config_;
  const ShareStore& store_;
  const tee::NodeIdentity& identity_;
  std::unique_ptr<ShareFileReceiver> receiver_;
};

}  // namespace

Result<std::unique_ptr<NodeServer>> NodeServer::Start(const NodeConfig& config) {
  ARCA_ASSIGN_OR_RETURN(tee::SimRoot root, LoadSimRoot(config.sim_root_key));
  ARCA_ASSIGN_OR_RETURN(const crypto::Sha384Digest measurement, MeasureThisProgram(config.role));
  // The simulated machine: one per state directory.
  const crypto::Sha256Digest chip_id = crypto::Sha256(AsBytes(config.state_dir));
  tee::SimTee tee(std::move(root), measurement, chip_id);
  std::error_code error;
  std::filesystem::create_directories(config.state_dir, error);
  if (error) {
    return UnavailableError("cannot create the state directory '" + config.state_dir +
                            "': " + error.message());
  }
  const crypto::Sha256Digest secret = tee.SealingSecret();
  ARCA_ASSIGN_OR_RETURN(const tee::SealingKey key,
                        tee::SealingKey::Derive(secret, measurement, "node identity key"));
  ARCA_ASSIGN_OR_RETURN(
      tee::NodeIdentity identity,
      tee::NodeIdentity::LoadOrCreate(config.state_dir + "/identity.sealed", key));
  // The public half, for the platform operator to register (`arca platform add-node
  // --signing-key`); clients never trust it: they take the key from the attested evidence.
  std::ofstream(config.state_dir + "/identity.pub")
      << ToHex(identity.signing_key().RawPublicKey()) << "\n";
  ARCA_ASSIGN_OR_RETURN(tee::SealingKey store_key,
                        tee::SealingKey::Derive(secret, measurement, "node store"));
  ARCA_ASSIGN_OR_RETURN(std::unique_ptr<ShareStore> store,
                        ShareStore::Open(config.state_dir + "/store", std::move(store_key)));
  ARCA_ASSIGN_OR_RETURN(const int listener, net::ListenTcp(config.listen));
  Result<uint16_t> port = net::BoundPort(listener);
  if (!port.ok()) {
    ::close(listener);
    return port.status();
  }
  std::unique_ptr<NodeServer> server(new NodeServer(config, std::move(tee), std::move(identity),
                                                    std::move(store), listener, *port));
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

NodeServer::NodeServer(NodeConfig config, tee::SimTee tee, tee::NodeIdentity identity,
                       std::unique_ptr<ShareStore> store, int listener, uint16_t port)
    : config_(std::move(config)),
      tee_(std::move(tee)),
      identity_(std::move(identity)),
      store_(std::move(store)),
      listener_(listener),
      port_(port) {}

NodeServer::~NodeServer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listener_);
}

void NodeServer::Serve() {
  while (!stopping_) {
    Reap();
    Result<int> fd = net::AcceptTcp(listener_, std::chrono::milliseconds(100));
    if (!fd.ok()) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    if (open_fds_.size() >= kMaxConnections) {
      log::Warn("node {}: refusing a connection: {} are open already", config_.index,
                kMaxConnections);
      ::close(*fd);
      continue;
    }
    // A duplicate of the socket, kept open until the connection ends, so that a stop can
    // shut the connection down without racing the channel's own close.
    const int wake = ::dup(*fd);
    open_fds_.insert(wake);
    connections_.emplace_back([this, f = *fd, wake] {
      Handle(f);
      std::lock_guard<std::mutex> done(mutex_);
      open_fds_.erase(wake);
      ::close(wake);
      finished_.push_back(std::this_thread::get_id());
    });
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& t : connections_) t.join();
}

void NodeServer::Reap() {
  std::list<std::thread::id> finished;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished.swap(finished_);
  }
  for (const std::thread::id id : finished) {
    for (auto it = connections_.begin(); it != connections_.end(); ++it) {
      if (it->get_id() == id) {
        it->join();
        connections_.erase(it);
        break;
      }
    }
  }
}

// One connection: attestation, then requests until the client closes or the node stops.
void NodeServer::Handle(int fd) {
  tee::AttestedTlsOptions options;
  options.self =
      tee::AttestedSelf{&identity_, [this](ByteView report_data) { return Evidence(report_data); }};
  options.timeout = std::chrono::seconds(10);
  Result<std::unique_ptr<tee::AttestedChannel>> channel = tee::AttestedChannel::Accept(fd, options);
  if (!channel.ok()) {
    log::Warn("node {}: connection refused: {}", config_.index, channel.status().ToString());
    return;
  }
  Requests requests(config_, *store_, identity_);
  while (!stopping_) {
    Result<Bytes> request = (*channel)->Receive();
    if (!request.ok()) return;  // the client closed
    const json answer = requests.Answer(*request);
    if (!(*channel)->Send(AsBytes(answer.dump())).ok()) return;
  }
}

Result<tee::Evidence> NodeServer::Evidence(ByteView report_data) const {
  tee::Evidence evidence;
  evidence.platform = tee::Platform::kSim;
  ARCA_ASSIGN_OR_RETURN(evidence.report, tee_.Report(report_data, Now()));
  return evidence;
}

}  // namespace arca::node
