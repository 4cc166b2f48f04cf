#include "arca/net/free_ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace arca::net {

Result<std::vector<uint16_t>> PickFreeLoopbackPorts(int count) {
  std::vector<int> fds;
  std::vector<uint16_t> ports;
  Status error;
  // Keep every socket bound until all are chosen, so the kernel hands out distinct ports.
  for (int i = 0; i < count && error.ok(); ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      error = UnavailableError(std::string("cannot bind a loopback port: ") + std::strerror(errno));
    } else {
      ports.push_back(ntohs(addr.sin_port));
    }
    if (fd >= 0) fds.push_back(fd);
  }
  for (int fd : fds) ::close(fd);
  if (!error.ok()) return error;
  return ports;
}

Result<std::string> FreeLoopbackEndpoints(int count) {
  ARCA_ASSIGN_OR_RETURN(std::vector<uint16_t> ports, PickFreeLoopbackPorts(count));
  std::string endpoints;
  for (uint16_t port : ports) {
    if (!endpoints.empty()) endpoints += ',';
    endpoints += "127.0.0.1:" + std::to_string(port);
  }
  return endpoints;
}

}  // namespace arca::net
