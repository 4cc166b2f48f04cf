#include "arca/cli/attest_node.h"

#include <chrono>
#include <memory>

#include "arca/net/tcp_socket.h"
#include "arca/tee/attested_tls.h"

namespace arca::cli {

Result<tee::Statement> AttestNode(const std::string& endpoint, const tee::Policy& policy) {
  ARCA_ASSIGN_OR_RETURN(const net::Endpoint at, net::ParseEndpoint(endpoint));
  ARCA_ASSIGN_OR_RETURN(const int fd, net::ConnectTcp(at, std::chrono::seconds(10)));
  tee::AttestedTlsOptions options;
  options.peer = tee::PeerCheck{&policy, {}, Now};
  ARCA_ASSIGN_OR_RETURN(const std::unique_ptr<tee::AttestedChannel> channel,
                        tee::AttestedChannel::Connect(fd, options));
  return *channel->peer_statement();
}

}  // namespace arca::cli
