#include "arca/tee/attested_mesh.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "arca/base/logging.h"
#include "arca/net/tcp_socket.h"

namespace arca::tee {
namespace {

using net::Clock;
using nlohmann::json;

constexpr size_t kMaxSessionBytes = 256;
constexpr int kMaxParties = 1024;

std::string Where(const net::Endpoint& at) { return fmt::format("{}:{}", at.host, at.port); }

// The start of a public key in hex: enough to tell keys apart in an error.
std::string KeyPrefix(ByteView key) {
  return key.empty() ? "none" : ToHex(key.first(std::min<size_t>(key.size(), 8))) + "...";
}

Status CheckSession(const std::string& session) {
  if (session.empty() || session.size() > kMaxSessionBytes) {
    return InvalidArgumentError(fmt::format("a session id has 1 to {} bytes; this one has {}",
                                            kMaxSessionBytes, session.size()));
  }
  return OkStatus();
}

Status CheckMutual(const AttestedTlsOptions& tls) {
  if (!tls.self || !tls.peer) {
    return InvalidArgumentError(
        "MPC links are mutually attested: the TLS options need this node's TEE (self) and a "
        "policy for the peer (peer)");
  }
  return OkStatus();
}

struct MeshHello {
  std::string session;
  int party = -1;
};

Result<MeshHello> ParseHello(const Bytes& message) {
  MeshHello hello;
  try {
    const json root = json::parse(message.begin(), message.end());
    hello.session = root.at("session").get<std::string>();
    hello.party = root.at("party").get<int>();
  } catch (const json::exception& e) {
    return DataLossError(std::string("malformed MPC mesh hello: ") + e.what());
  }
  ARCA_RETURN_IF_ERROR(CheckSession(hello.session).WithContext("MPC mesh hello"));
  if (hello.party < 0 || hello.party >= kMaxParties) {
    return DataLossError(fmt::format("MPC mesh hello names party {}", hello.party));
  }
  return hello;
}

Status SendAnswer(AttestedChannel& channel, const std::string& refusal) {
  return channel.Send(AsBytes(json{{"accepted", refusal.empty()}, {"reason", refusal}}.dump()));
}

}  // namespace

Result<std::unique_ptr<MeshAcceptor>> MeshAcceptor::Start(const net::Endpoint& at,
                                                          AttestedTlsOptions tls,
                                                          MeshAcceptorOptions options) {
  ARCA_RETURN_IF_ERROR(CheckMutual(tls));
  ARCA_ASSIGN_OR_RETURN(const int listener, net::ListenTcp(at));
  Result<uint16_t> port = net::BoundPort(listener);
  if (!port.ok()) {
    ::close(listener);
    return port.status();
  }
  std::unique_ptr<MeshAcceptor> acceptor(
      new MeshAcceptor(listener, *port, std::move(tls), options));
  acceptor->thread_ = std::thread([a = acceptor.get()] { a->Serve(); });
  return acceptor;
}

MeshAcceptor::MeshAcceptor(int listener, uint16_t port, AttestedTlsOptions tls,
                           MeshAcceptorOptions options)
    : listener_(listener), port_(port), tls_(std::move(tls)), options_(options) {}

MeshAcceptor::~MeshAcceptor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  arrived_.notify_all();
  if (thread_.joinable()) thread_.join();
  ::close(listener_);
  arrivals_.clear();
}

void MeshAcceptor::Serve() {
  while (!stopping_) {
    Reap();
    DropExpired();
    Result<int> fd = net::AcceptTcp(listener_, std::chrono::milliseconds(100));
    if (!fd.ok()) continue;
    std::lock_guard<std::mutex> lock(mu_);
    if (handshake_fds_.size() + arrivals_.size() >= options_.max_pending) {
      log::Warn("MPC mesh: refusing a connection: the limit of {} pending connections is reached",
                options_.max_pending);
      ::close(*fd);
      continue;
    }
    // A duplicate of the socket, kept open until the handshake ends, so that a stop can shut
    // it down without racing the channel's own close.
    const int wake = ::dup(*fd);
    handshake_fds_.insert(wake);
    handshakes_.emplace_back([this, f = *fd, wake] {
      Handle(f);
      std::lock_guard<std::mutex> done(mu_);
      handshake_fds_.erase(wake);
      ::close(wake);
      finished_.push_back(std::this_thread::get_id());
    });
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const int fd : handshake_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& t : handshakes_) t.join();
}

void MeshAcceptor::Reap() {
  std::list<std::thread::id> finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    finished.swap(finished_);
  }
  for (const std::thread::id id : finished) {
    for (auto it = handshakes_.begin(); it != handshakes_.end(); ++it) {
      if (it->get_id() == id) {
        it->join();
        handshakes_.erase(it);
        break;
      }
    }
  }
}

void MeshAcceptor::DropExpired() {
  // Closed after the lock is released: closing writes to the socket.
  std::vector<std::unique_ptr<AttestedChannel>> expired;
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::time_point now = Clock::now();
  for (auto it = arrivals_.begin(); it != arrivals_.end();) {
    if (it->second.expires > now) {
      ++it;
      continue;
    }
    log::Warn("MPC mesh: closing the connection of party {} of session '{}': nobody awaited it",
              it->first.second, it->first.first);
    expired.push_back(std::move(it->second.channel));
    it = arrivals_.erase(it);
  }
}

void MeshAcceptor::Refused(const std::string& why) {
  log::Warn("MPC mesh: refused a connection: {}", why);
  std::lock_guard<std::mutex> lock(mu_);
  last_refusal_ = why;
}

void MeshAcceptor::Handle(int fd) {
  Result<std::unique_ptr<AttestedChannel>> channel = AttestedChannel::Accept(fd, tls_);
  if (!channel.ok()) return Refused(channel.status().ToString());
  Result<Bytes> message = (*channel)->Receive();
  if (!message.ok()) return Refused(message.status().WithContext("MPC mesh hello").ToString());
  Result<MeshHello> hello = ParseHello(*message);
  if (!hello.ok()) {
    (void)SendAnswer(**channel, hello.status().message());
    return Refused(hello.status().ToString());
  }
  const Key key{hello->session, hello->party};
  const auto duplicate = [&] {
    return fmt::format("party {} of session '{}' is connected already", key.second, key.first);
  };
  bool connected_already = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    connected_already = arrivals_.contains(key);
  }
  if (connected_already) {
    (void)SendAnswer(**channel, duplicate());
    return Refused(duplicate());
  }
  // Answered before it is handed over: once Await has it, only its new owner uses it.
  if (Status answered = SendAnswer(**channel, ""); !answered.ok()) {
    return Refused(answered.WithContext("answering an MPC mesh hello").ToString());
  }
  std::lock_guard<std::mutex> lock(mu_);  // released before `channel` closes, if it does
  if (stopping_) return;
  if (arrivals_.contains(key)) {
    log::Warn("MPC mesh: {}; closing the later connection", duplicate());
    return;
  }
  arrivals_[key] = Arrival{*std::move(channel), Clock::now() + options_.unclaimed_timeout};
  arrived_.notify_all();
}

// How often a dial or a wait looks whether its session was cancelled.
constexpr std::chrono::milliseconds kCancelCheck{100};

Result<std::unique_ptr<AttestedChannel>> MeshAcceptor::Await(const std::string& session, int party,
                                                             Clock::time_point deadline) {
  const Key key{session, party};
  std::unique_lock<std::mutex> lock(mu_);
  arrived_.wait_until(lock, deadline, [&] { return stopping_ || arrivals_.contains(key); });
  const auto it = arrivals_.find(key);
  if (it != arrivals_.end()) {
    std::unique_ptr<AttestedChannel> channel = std::move(it->second.channel);
    arrivals_.erase(it);
    return channel;
  }
  if (stopping_) return UnavailableError("the MPC mesh acceptor is shutting down");
  return DeadlineExceededError(fmt::format(
      "party {} of session '{}' did not connect in time{}", party, session,
      last_refusal_.empty() ? ""
                            : " (the last connection this node refused: " + last_refusal_ + ")"));
}

Result<std::unique_ptr<AttestedChannel>> Dial(const net::Endpoint& at,
                                              const AttestedTlsOptions& tls,
                                              const std::string& session, int self_party,
                                              ByteView expected_key, Clock::time_point deadline,
                                              const std::function<bool()>& cancelled) {
  ARCA_RETURN_IF_ERROR(CheckMutual(tls));
  ARCA_RETURN_IF_ERROR(CheckSession(session));
  // The node may not be listening yet: retry until the deadline.
  Result<int> fd = UnavailableError("no attempt");
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    fd = net::ConnectTcp(at, std::clamp(left, std::chrono::milliseconds(1), kCancelCheck));
    if (fd.ok() || Clock::now() >= deadline) break;
    if (cancelled && cancelled()) return AbortedError("cancelled while connecting");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!fd.ok()) return fd.status();
  ARCA_ASSIGN_OR_RETURN(std::unique_ptr<AttestedChannel> channel,
                        AttestedChannel::Connect(*fd, tls));
  const Bytes& key = channel->peer_identity_key();
  if (!std::equal(key.begin(), key.end(), expected_key.begin(), expected_key.end())) {
    return PermissionDeniedError(
        fmt::format("the node at {} is not the expected one: its attested identity key is {}, "
                    "the session expects {}",
                    Where(at), KeyPrefix(key), KeyPrefix(expected_key)));
  }
  ARCA_RETURN_IF_ERROR(
      channel->Send(AsBytes(json{{"session", session}, {"party", self_party}}.dump())));
  ARCA_ASSIGN_OR_RETURN(const Bytes answer, channel->Receive());
  try {
    const json root = json::parse(answer.begin(), answer.end());
    if (!root.at("accepted").get<bool>()) {
      return PermissionDeniedError(fmt::format("the node at {} refused the connection: {}",
                                               Where(at), root.at("reason").get<std::string>()));
    }
  } catch (const json::exception& e) {
    return DataLossError(std::string("malformed MPC mesh answer: ") + e.what());
  }
  return channel;
}

Result<std::unique_ptr<net::Network>> BuildAttestedNetwork(
    int self, const std::string& session, const std::vector<net::Endpoint>& endpoints,
    const std::vector<Bytes>& expected_keys, MeshAcceptor& acceptor, const AttestedTlsOptions& tls,
    std::chrono::milliseconds timeout, const AttestedLinkOptions& link,
    const std::function<bool()>& cancelled) {
  const int parties = static_cast<int>(endpoints.size());
  if (self < 0 || self >= parties) {
    return InvalidArgumentError(fmt::format("party {} is not one of {} parties", self, parties));
  }
  if (expected_keys.size() != endpoints.size()) {
    return InvalidArgumentError(fmt::format("{} parties' endpoints but {} identity keys",
                                            endpoints.size(), expected_keys.size()));
  }
  for (int p = 0; p < parties; ++p) {
    if (expected_keys[static_cast<size_t>(p)].size() != 32) {
      return InvalidArgumentError(
          fmt::format("party {}'s identity key has {} bytes; an Ed25519 key has 32", p,
                      expected_keys[static_cast<size_t>(p)].size()));
    }
  }
  ARCA_RETURN_IF_ERROR(CheckMutual(tls));
  ARCA_RETURN_IF_ERROR(CheckSession(session));
  const Clock::time_point deadline = Clock::now() + timeout;

  std::vector<std::unique_ptr<net::Link>> links(static_cast<size_t>(parties));
  for (int peer = 0; peer < parties; ++peer) {
    if (peer == self) continue;
    const auto index = static_cast<size_t>(peer);
    std::unique_ptr<AttestedChannel> channel;
    if (peer < self) {
      Result<std::unique_ptr<AttestedChannel>> dialed =
          Dial(endpoints[index], tls, session, self, expected_keys[index], deadline, cancelled);
      if (!dialed.ok()) {
        return dialed.status().WithContext(
            fmt::format("party {} connecting to party {} of session '{}' at {}", self, peer,
                        session, Where(endpoints[index])));
      }
      channel = *std::move(dialed);
    } else {
      // Awaited in slices, so that a cancelled session stops waiting at once.
      Result<std::unique_ptr<AttestedChannel>> awaited = AbortedError("cancelled while waiting");
      for (;;) {
        if (cancelled && cancelled()) {
          awaited = AbortedError("cancelled while waiting");
          break;
        }
        awaited = acceptor.Await(session, peer, std::min(deadline, Clock::now() + kCancelCheck));
        if (awaited.ok() || awaited.status().code() != StatusCode::kDeadlineExceeded ||
            Clock::now() >= deadline) {
          break;
        }
      }
      if (!awaited.ok()) {
        return awaited.status().WithContext(
            fmt::format("party {} waited {} ms for party {}", self, timeout.count(), peer));
      }
      channel = *std::move(awaited);
      const Bytes& key = channel->peer_identity_key();
      if (key != expected_keys[index]) {
        return PermissionDeniedError(fmt::format(
            "party {} refused a node that claims to be party {} of session '{}': its attested "
            "identity key is {}, party {}'s is {}",
            self, peer, session, KeyPrefix(key), peer, KeyPrefix(expected_keys[index])));
      }
    }
    ARCA_ASSIGN_OR_RETURN(links[index], MakeAttestedLink(std::move(channel), peer, link));
  }
  return std::make_unique<net::Network>(self, std::move(links));
}

}  // namespace arca::tee
