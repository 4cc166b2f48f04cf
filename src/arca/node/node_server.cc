#include "arca/node/node_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "arca/base/logging.h"
#include "arca/net/tcp_socket.h"
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

json Answer(const json& request, const NodeConfig& config) {
  const std::string op = request.value("op", "");
  if (op == "status") {
    return {{"ok", true},
            {"role", config.role},
            {"index", config.index},
            {"platform", "sim"},
            {"simulated", true}};
  }
  return {{"ok", false}, {"error", "unknown request op '" + op + "'"}};
}

}  // namespace

Result<std::unique_ptr<NodeServer>> NodeServer::Start(const NodeConfig& config) {
  ARCA_ASSIGN_OR_RETURN(tee::SimRoot root, LoadSimRoot(config.sim_root_key));
  ARCA_ASSIGN_OR_RETURN(const crypto::Sha384Digest measurement, MeasureThisProgram(config));
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
  ARCA_ASSIGN_OR_RETURN(const int listener, net::ListenTcp(config.listen));
  Result<uint16_t> port = net::BoundPort(listener);
  if (!port.ok()) {
    ::close(listener);
    return port.status();
  }
  std::unique_ptr<NodeServer> server(
      new NodeServer(config, std::move(tee), std::move(identity), listener, *port));
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

NodeServer::NodeServer(NodeConfig config, tee::SimTee tee, tee::NodeIdentity identity, int listener,
                       uint16_t port)
    : config_(std::move(config)),
      tee_(std::move(tee)),
      identity_(std::move(identity)),
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
      tee::AttestedSelf{&identity_, [this](ByteView report_data) -> Result<tee::Evidence> {
                          tee::Evidence evidence;
                          evidence.platform = tee::Platform::kSim;
                          ARCA_ASSIGN_OR_RETURN(evidence.report, tee_.Report(report_data, Now()));
                          return evidence;
                        }};
  options.timeout = std::chrono::seconds(10);
  Result<std::unique_ptr<tee::AttestedChannel>> channel = tee::AttestedChannel::Accept(fd, options);
  if (!channel.ok()) {
    log::Warn("node {}: connection refused: {}", config_.index, channel.status().ToString());
    return;
  }
  while (!stopping_) {
    Result<Bytes> request = (*channel)->Receive();
    if (!request.ok()) return;  // the client closed
    json answer;
    try {
      answer = Answer(json::parse(request->begin(), request->end()), config_);
    } catch (const json::exception& e) {
      answer = {{"ok", false}, {"error", std::string("malformed request: ") + e.what()}};
    }
    if (!(*channel)->Send(AsBytes(answer.dump())).ok()) return;
  }
}

}  // namespace arca::node
