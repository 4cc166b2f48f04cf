// Running the parties of a computation: every party runs the same program.
//
// In-process, each party is a thread and links are in-memory; over TCP, this process is one
// party and its peers are other processes. Either way a party's program ends with a clean
// close of its network, or, if the program failed, with an abort that tells every peer which
// party failed, in which operation, and why.
#ifndef ARCA_MPC_RUNNER_H_
#define ARCA_MPC_RUNNER_H_

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"
#include "arca/net/tcp_link.h"

namespace arca::mpc {

enum class ProtocolKind { kPlaintext, kDealer2pc, kRep3 };

// "plaintext", "dealer2pc" or "rep3"; anything else is an error listing the three.
Result<ProtocolKind> ParseProtocolKind(std::string_view name);
std::string_view ProtocolKindName(ProtocolKind kind);
// Parties of a session, dealer included: 1, 3 and 3.
int PartiesOf(ProtocolKind kind);

// The protocol for this party of `session`.
std::unique_ptr<Protocol> MakeProtocol(ProtocolKind kind, Session* session);

using PartyProgram = std::function<Status(Protocol& protocol)>;

// Runs `program` at every party, as threads linked in memory. Returns each party's status.
std::vector<Status> RunInProcess(ProtocolKind kind, const PartyProgram& program);

// Runs `program` as party `party` of a TCP session whose parties listen at `endpoints`.
Status RunTcpParty(ProtocolKind kind, int party, const std::vector<net::Endpoint>& endpoints,
                   const net::TcpOptions& options, const PartyProgram& program);

// Runs `program` on an established network: seed agreement, the program, then close or abort.
Status RunParty(ProtocolKind kind, net::Network* network, const PartyProgram& program);

}  // namespace arca::mpc

#endif  // ARCA_MPC_RUNNER_H_
