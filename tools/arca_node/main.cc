// arca-node: one compute party or the dealer (DESIGN.md, "Processes"), on the SIMULATED TEE.
//
//   arca-node --config node.json      (docs/NODE.md, "Running a node")
//
// Serves attested TLS on the configured endpoint until SIGINT or SIGTERM. Its identity's
// Ed25519 public key is in STATE_DIR/identity.pub (for `arca platform add-node`). With a
// coordinator in its configuration it also runs the jobs of the coordinator's work feed, over
// attested links to its peers on `mesh_listen`.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "arca/base/logging.h"
#include "arca/base/stop_signals.h"
#include "arca/node/coordinator_agent.h"
#include "arca/node/node_server.h"

namespace {

int Run(int argc, char** argv) {
  arca::log::InitLogging(spdlog::level::info);
  CLI::App app("arca-node: an Arca compute node or dealer (SIMULATED TEE)", "arca-node");
  std::string config_path;
  app.add_option("--config", config_path, "Node configuration (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  // Before any thread starts, so that this one alone receives them (below).
  const arca::StopSignals stop;

  const arca::Result<arca::node::NodeConfig> config = arca::node::NodeConfig::Load(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "arca-node: %s\n", config.status().message().c_str());
    return 1;
  }
  arca::Result<std::unique_ptr<arca::node::NodeServer>> server =
      arca::node::NodeServer::Start(*config);
  if (!server.ok()) {
    std::fprintf(stderr, "arca-node: %s\n", server.status().message().c_str());
    return 1;
  }
  std::unique_ptr<arca::node::CoordinatorAgent> agent;
  if (config->coordinator) {
    arca::Result<std::unique_ptr<arca::node::CoordinatorAgent>> started =
        arca::node::CoordinatorAgent::Start(**server, *config);
    if (!started.ok()) {
      std::fprintf(stderr, "arca-node: %s\n", started.status().message().c_str());
      return 1;
    }
    agent = *std::move(started);
    std::printf("arca-node %d (%s) '%s': MPC links on %s:%u, coordinator %s:%u\n", config->index,
                config->role.c_str(), config->node_id.c_str(), config->mesh_listen->host.c_str(),
                static_cast<unsigned>(agent->mesh_port()),
                config->coordinator->address.host.c_str(),
                static_cast<unsigned>(config->coordinator->address.port));
  }
  std::printf("arca-node %d (%s) listening on %s:%u — SIMULATED TEE: no hardware protection\n",
              config->index, config->role.c_str(), config->listen.host.c_str(),
              static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);
  stop.Wait();
  agent.reset();  // cancels running jobs first: they use the server's identity and store
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arca-node: internal error: %s\n", e.what());
  }
  return 1;
}
