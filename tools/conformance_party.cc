// arca-conformance-party: runs the protocol conformance suite as one party over TCP.
//
// Start one per party with the same --protocol and --endpoints; the conformance test does
// this to check that every protocol behaves the same with parties as separate processes.
// The outcome ("ok", or the error) is the last line on stdout. --crash-after CASE makes this
// party exit abruptly after that case, without closing or aborting, as a crashed process
// would: the test uses it to check that the others report the loss instead of hanging.
#include <sys/prctl.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "arca/base/logging.h"
#include "arca/mpc/conformance/cases.h"
#include "arca/mpc/runner.h"

namespace {

int Main(int argc, char** argv) {
  arca::log::InitLogging();
  CLI::App app{"Runs the Arca protocol conformance suite as one party over TCP."};
  std::string protocol_name;
  int party = 0;
  std::string endpoint_list;
  uint64_t session = 1;
  app.add_option("--protocol", protocol_name, "plaintext, dealer2pc or rep3")->required();
  app.add_option("--party", party, "this party's index")->required();
  app.add_option("--endpoints", endpoint_list, "IP:PORT of every party, comma-separated")
      ->required();
  app.add_option("--session", session, "session id shared by all parties");
  std::string crash_after;
  app.add_option("--crash-after", crash_after, "test only: exit abruptly after this case");
  CLI11_PARSE(app, argc, argv);

  const arca::Result<arca::mpc::ProtocolKind> kind = arca::mpc::ParseProtocolKind(protocol_name);
  if (!kind.ok()) {
    std::fprintf(stderr, "arca-conformance-party: %s\n", kind.status().message().c_str());
    return 2;
  }
  const arca::Result<std::vector<arca::net::Endpoint>> endpoints =
      arca::net::ParseEndpointList(endpoint_list);
  if (!endpoints.ok()) {
    std::fprintf(stderr, "arca-conformance-party: %s\n", endpoints.status().message().c_str());
    return 2;
  }
  arca::net::TcpOptions options;
  options.session = session;
  const arca::Status status =
      arca::mpc::RunTcpParty(*kind, party, *endpoints, options, [&](arca::mpc::Protocol& p) {
        for (const arca::mpc::conformance::Case& c : arca::mpc::conformance::Cases()) {
          ARCA_RETURN_IF_ERROR(c.run(p).WithContext(c.name));
          if (c.name == crash_after) {
            std::fflush(stdout);
            std::_Exit(3);
          }
        }
        return arca::OkStatus();
      });
  std::printf("%s\n", status.ok() ? "ok" : status.ToString().c_str());
  if (!status.ok()) {
    std::fprintf(stderr, "arca-conformance-party %d (%s): %s\n", party, protocol_name.c_str(),
                 status.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

// An unexpected exception (from the standard library or CLI11) ends the party with a message
// and a failing status rather than std::terminate.
int main(int argc, char** argv) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test that started this party
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arca-conformance-party: %s\n", e.what());
    return 1;
  }
}
