// The links of one MPC session between attested nodes (DESIGN.md: every byte between parties
// is over TLS bound to attested keys).
//
// Each node runs one MeshAcceptor, which serves every session the node takes part in. To
// build a session's network, party i dials every party j < i and awaits every party j > i.
// A connection is mutually attested TLS (attested_tls.h) first; then, inside it, the dialer
// says which party of which session it is, and the acceptor answers whether it took the
// connection. Each side then checks that the peer's attested identity key is the one the
// session expects for that party, so a node cannot stand in for another, even one that runs
// the same measured program.
#ifndef ARCA_TEE_ATTESTED_MESH_H_
#define ARCA_TEE_ATTESTED_MESH_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/net/network.h"
#include "arca/net/tcp_link.h"
#include "arca/tee/attested_link.h"
#include "arca/tee/attested_tls.h"

namespace arca::tee {

struct MeshAcceptorOptions {
  // Connections in their handshake or accepted and not yet awaited; more are refused.
  size_t max_pending = 32;
  // How long an accepted connection waits for Await before it is closed.
  std::chrono::milliseconds unclaimed_timeout{60000};
};

class MeshAcceptor {
 public:
  // Listens on `at` (port 0: any free port, see port()) and accepts in the background. Each
  // connection runs attested TLS with `tls`, which must be mutual (self and peer set), then
  // reads the dialer's hello.
  static Result<std::unique_ptr<MeshAcceptor>> Start(const net::Endpoint& at,
                                                     AttestedTlsOptions tls,
                                                     MeshAcceptorOptions options = {});
  // Stops accepting, joins every thread and closes every connection nobody awaited. No Await
  // may be running.
  ~MeshAcceptor();
  MeshAcceptor(const MeshAcceptor&) = delete;
  MeshAcceptor& operator=(const MeshAcceptor&) = delete;

  uint16_t port() const { return port_; }

  // The attested channel from the node that said it is party `party` of `session`, once it
  // has connected (before or after this call); DeadlineExceeded if none has by `deadline`.
  // The caller checks the peer's identity key.
  Result<std::unique_ptr<AttestedChannel>> Await(const std::string& session, int party,
                                                 net::Clock::time_point deadline);

 private:
  using Key = std::pair<std::string, int>;  // session, party
  struct Arrival {
    std::unique_ptr<AttestedChannel> channel;
    net::Clock::time_point expires;
  };

  MeshAcceptor(int listener, uint16_t port, AttestedTlsOptions tls, MeshAcceptorOptions options);
  void Serve();
  // One connection: attested TLS, the hello, the answer; then it waits for Await.
  void Handle(int fd);
  // Joins the threads of handshakes that have ended.
  void Reap();
  void DropExpired();
  void Refused(const std::string& why);

  const int listener_;
  const uint16_t port_;
  const AttestedTlsOptions tls_;
  const MeshAcceptorOptions options_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;  // accepts connections

  std::mutex mu_;
  std::condition_variable arrived_;
  std::map<Key, Arrival> arrivals_;  // guarded by mu_
  std::string last_refusal_;         // guarded by mu_; named when an Await times out
  // Each handshake has its own thread, so that a slow or hostile dialer delays nobody else.
  // On stop, their sockets are shut down (through duplicates) to wake them.
  std::set<int> handshake_fds_;          // guarded by mu_
  std::list<std::thread> handshakes_;    // owned by the accepting thread
  std::list<std::thread::id> finished_;  // guarded by mu_
};

// Connects to the node at `at` with attested TLS (`tls` mutual), checks that its attested
// identity key (raw Ed25519) is `expected_key`, and introduces this side as party
// `self_party` of `session`. A node that is not listening yet is retried until `deadline`,
// or until `cancelled` (if given) says so.
Result<std::unique_ptr<AttestedChannel>> Dial(const net::Endpoint& at,
                                              const AttestedTlsOptions& tls,
                                              const std::string& session, int self_party,
                                              ByteView expected_key,
                                              net::Clock::time_point deadline,
                                              const std::function<bool()>& cancelled = {});

// Party `self`'s network for `session`, whose parties' nodes listen at `endpoints` and hold the
// Ed25519 identity keys `expected_keys` (raw, 32 bytes each; expected_keys[self] is this
// node's). Dials the parties below `self`, awaits those above on `acceptor`, and refuses a
// peer whose attested key is not the one expected for its party index. Fails, naming the
// party, if any link is not up within `timeout`; stops with Aborted within 0.1 s of
// `cancelled` (if given) turning true.
Result<std::unique_ptr<net::Network>> BuildAttestedNetwork(
    int self, const std::string& session, const std::vector<net::Endpoint>& endpoints,
    const std::vector<Bytes>& expected_keys, MeshAcceptor& acceptor, const AttestedTlsOptions& tls,
    std::chrono::milliseconds timeout, const AttestedLinkOptions& link = {},
    const std::function<bool()>& cancelled = {});

}  // namespace arca::tee

#endif  // ARCA_TEE_ATTESTED_MESH_H_
