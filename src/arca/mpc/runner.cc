#include "arca/mpc/runner.h"

#include <fmt/format.h>

#include <thread>

#include "arca/mpc/dealer2pc_protocol.h"
#include "arca/mpc/plaintext_protocol.h"
#include "arca/mpc/rep3_protocol.h"
#include "arca/net/inproc_link.h"

namespace arca::mpc {
namespace {

// In-memory links can hold a whole large operation's messages.
constexpr size_t kInprocBudget = size_t{1} << 30;

}  // namespace

Result<ProtocolKind> ParseProtocolKind(std::string_view name) {
  if (name == "plaintext") return ProtocolKind::kPlaintext;
  if (name == "dealer2pc") return ProtocolKind::kDealer2pc;
  if (name == "rep3") return ProtocolKind::kRep3;
  return InvalidArgumentError(
      fmt::format("unknown protocol '{}': choose plaintext, dealer2pc or rep3", name));
}

std::string_view ProtocolKindName(ProtocolKind kind) {
  switch (kind) {
    case ProtocolKind::kPlaintext:
      return "plaintext";
    case ProtocolKind::kDealer2pc:
      return "dealer2pc";
    case ProtocolKind::kRep3:
      return "rep3";
  }
  return "unknown";
}

int PartiesOf(ProtocolKind kind) { return kind == ProtocolKind::kPlaintext ? 1 : 3; }

std::unique_ptr<Protocol> MakeProtocol(ProtocolKind kind, Session* session) {
  switch (kind) {
    case ProtocolKind::kPlaintext:
      return std::make_unique<PlaintextProtocol>(session);
    case ProtocolKind::kDealer2pc:
      return std::make_unique<Dealer2pcProtocol>(session);
    case ProtocolKind::kRep3:
      return std::make_unique<Rep3Protocol>(session);
  }
  return nullptr;
}

Status RunParty(ProtocolKind kind, net::Network* network, const PartyProgram& program) {
  Status status;
  {
    Result<std::unique_ptr<Session>> session = Session::Create(network);
    if (session.ok()) {
      std::unique_ptr<Protocol> protocol = MakeProtocol(kind, session->get());
      status = program(*protocol);
    } else {
      status = session.status();
    }
  }
  if (!status.ok()) {
    network->Abort(status);
    return status;
  }
  return network->Close();
}

std::vector<Status> RunInProcess(ProtocolKind kind, const PartyProgram& program) {
  const int parties = PartiesOf(kind);
  if (parties == 1) {
    std::unique_ptr<Session> session = Session::Local();
    std::unique_ptr<Protocol> protocol = MakeProtocol(kind, session.get());
    return {program(*protocol)};
  }
  auto mesh = net::MakeInprocMesh(parties, kInprocBudget);
  std::vector<std::unique_ptr<net::Network>> networks;
  networks.reserve(static_cast<size_t>(parties));
  for (int p = 0; p < parties; ++p) {
    networks.push_back(std::make_unique<net::Network>(p, std::move(mesh[static_cast<size_t>(p)])));
  }
  std::vector<Status> results(static_cast<size_t>(parties));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(parties));
  for (int p = 0; p < parties; ++p) {
    threads.emplace_back([&, p] {
      results[static_cast<size_t>(p)] =
          RunParty(kind, networks[static_cast<size_t>(p)].get(), program);
    });
  }
  for (std::thread& t : threads) t.join();
  return results;
}

Status RunTcpParty(ProtocolKind kind, int party, const std::vector<net::Endpoint>& endpoints,
                   const net::TcpOptions& options, const PartyProgram& program) {
  if (static_cast<int>(endpoints.size()) != PartiesOf(kind)) {
    return InvalidArgumentError(fmt::format("{} needs {} parties; {} endpoints were given",
                                            ProtocolKindName(kind), PartiesOf(kind),
                                            endpoints.size()));
  }
  ARCA_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<net::Link>> links,
                        net::ConnectTcpMesh(party, endpoints, options));
  net::Network network(party, std::move(links));
  return RunParty(kind, &network, program);
}

}  // namespace arca::mpc
