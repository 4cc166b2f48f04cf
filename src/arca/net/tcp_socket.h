// Plain blocking TCP sockets for request/response servers (the node's attested endpoint),
// as opposed to the MPC mesh of tcp_link.h.
#ifndef ARCA_NET_TCP_SOCKET_H_
#define ARCA_NET_TCP_SOCKET_H_

#include <chrono>

#include "arca/base/status.h"
#include "arca/net/tcp_link.h"

namespace arca::net {

// Like ParseEndpoint, but port 0 is allowed: "any free port" (see BoundPort).
Result<Endpoint> ParseListenEndpoint(const std::string& text);

// A listening socket on `at` (port 0: the kernel picks one; see BoundPort).
Result<int> ListenTcp(const Endpoint& at);
Result<uint16_t> BoundPort(int listener);
// The next connection, or DeadlineExceeded after `timeout` (so a server loop can check
// whether it should stop).
Result<int> AcceptTcp(int listener, std::chrono::milliseconds timeout);
Result<int> ConnectTcp(const Endpoint& to, std::chrono::milliseconds timeout);

}  // namespace arca::net

#endif  // ARCA_NET_TCP_SOCKET_H_
