#include "arca/net/tcp_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace arca::net {
namespace {

std::string Text(const Endpoint& e) { return e.host + ":" + std::to_string(e.port); }

Result<sockaddr_in> Address(const Endpoint& e) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(e.port);
  if (inet_pton(AF_INET, e.host.c_str(), &address.sin_addr) != 1) {
    return InvalidArgumentError("'" + e.host + "' is not an IPv4 address");
  }
  return address;
}

// Waits for `events` on fd; false on timeout.
bool Wait(int fd, decltype(pollfd::events) events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  int r = 0;
  do {
    r = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

}  // namespace

Result<Endpoint> ParseListenEndpoint(const std::string& text) {
  constexpr std::string_view kAnyPort = ":0";
  if (text.size() > kAnyPort.size() && text.ends_with(kAnyPort)) {
    // Parse with a placeholder port, which ParseEndpoint requires to be nonzero.
    ARCA_ASSIGN_OR_RETURN(Endpoint endpoint,
                          ParseEndpoint(text.substr(0, text.size() - kAnyPort.size()) + ":1"));
    endpoint.port = 0;
    return endpoint;
  }
  return ParseEndpoint(text);
}

Result<int> ListenTcp(const Endpoint& at) {
  ARCA_ASSIGN_OR_RETURN(const sockaddr_in address, Address(at));
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return UnavailableError(std::string("cannot create a socket: ") + std::strerror(errno));
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 64) != 0) {
    const int err = errno;
    ::close(fd);
    return UnavailableError("cannot listen on " + Text(at) + ": " + std::strerror(err));
  }
  return fd;
}

Result<uint16_t> BoundPort(int listener) {
  sockaddr_in address{};
  socklen_t size = sizeof(address);
  if (::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    return InternalError(std::string("getsockname: ") + std::strerror(errno));
  }
  return ntohs(address.sin_port);
}

Result<int> AcceptTcp(int listener, std::chrono::milliseconds timeout) {
  if (!Wait(listener, POLLIN, timeout)) return DeadlineExceededError("no connection");
  const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return UnavailableError(std::string("accept: ") + std::strerror(errno));
  return fd;
}

Result<int> ConnectTcp(const Endpoint& to, std::chrono::milliseconds timeout) {
  ARCA_ASSIGN_OR_RETURN(const sockaddr_in address, Address(to));
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return UnavailableError(std::string("cannot create a socket: ") + std::strerror(errno));
  int err = 0;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      err = Wait(fd, POLLOUT, timeout) ? 0 : ETIMEDOUT;
      socklen_t size = sizeof(err);
      if (err == 0) getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &size);
    }
  }
  if (err != 0) {
    ::close(fd);
    return UnavailableError("cannot connect to " + Text(to) + ": " + std::strerror(err));
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);  // blocking from here on
  return fd;
}

}  // namespace arca::net
