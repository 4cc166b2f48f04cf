// TCP links between the processes of a computation.
//
// Each party listens on its own endpoint, accepts the parties numbered above it and connects
// to those below, so every pair has one connection. The first frame on a connection is a
// hello carrying the session id and the party's index; a connection from the wrong session,
// an unknown party or a duplicate is refused. After that, a reader and a writer thread per
// connection move frames, so sending never waits for the peer to read.
#ifndef ARCA_NET_TCP_LINK_H_
#define ARCA_NET_TCP_LINK_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/net/link.h"

namespace arca::net {

struct Endpoint {
  std::string host;  // an IP address
  uint16_t port = 0;
};

// "127.0.0.1:9000" -> Endpoint.
Result<Endpoint> ParseEndpoint(const std::string& text);
// "IP:PORT,IP:PORT,..." -> the endpoints, in order (how tools take the parties' endpoints).
Result<std::vector<Endpoint>> ParseEndpointList(const std::string& text);

struct TcpOptions {
  // All parties of one computation use the same id; other sessions' connections are refused.
  uint64_t session = 0;
  // How long to keep trying to reach peers that have not started listening yet.
  std::chrono::milliseconds connect_timeout{30000};
  size_t receive_budget = size_t{512} << 20;
  size_t send_budget = size_t{64} << 20;
};

// Connects party `self` to every other party in `endpoints`. Returns one link per party,
// with a null entry at `self`.
Result<std::vector<std::unique_ptr<Link>>> ConnectTcpMesh(int self,
                                                          const std::vector<Endpoint>& endpoints,
                                                          const TcpOptions& options);

}  // namespace arca::net

#endif  // ARCA_NET_TCP_LINK_H_
