#include "arca/cli/platform_command.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "arca/cli/registry_command.h"
#include "arca/node/node_config.h"
#include "arca/tee/sim_tee.h"

namespace arca::cli {
namespace {

// Creates the SIMULATED root: its private seed (mode 0600) for the nodes, its certificate for
// the policies that pin it.
int InitSim(const std::string& dir) {
  const std::string key_path = dir + "/sim-root.key";
  const std::string pem_path = dir + "/sim-root.pem";
  if (std::filesystem::exists(key_path)) {
    std::fprintf(stderr, "arca: %s exists already; remove it to make a new SIMULATED root\n",
                 key_path.c_str());
    return 1;
  }
  std::filesystem::create_directories(dir);
  const crypto::SigningKey key = crypto::SigningKey::Generate();
  const Result<tee::SimRoot> root = tee::SimRoot::Create(key);
  if (!root.ok()) {
    std::fprintf(stderr, "arca: %s\n", root.status().message().c_str());
    return 1;
  }
  const crypto::Ed25519Seed seed = key.Seed();
  {
    std::ofstream out(key_path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(seed.data()),
              static_cast<std::streamsize>(seed.size()));
  }
  ::chmod(key_path.c_str(), 0600);
  std::ofstream(pem_path) << root->certificate().Pem();
  std::printf("SIMULATED TEE root created (software key: it proves no hardware protection)\n");
  std::printf("  key          %s (give it to the nodes only)\n", key_path.c_str());
  std::printf("  certificate  %s\n", pem_path.c_str());
  std::printf("  sha256       %s (pin it in policies under platforms.sim.trust_anchors)\n",
              ToHex(root->certificate().Fingerprint()).c_str());
  return 0;
}

// The measurement a node reports: its binary and its configuration file.
int Measure(const std::string& binary_path, const std::string& config_path) {
  const Result<Bytes> binary = ReadFileBytes(binary_path);
  const Result<node::NodeConfig> config = node::NodeConfig::Load(config_path);
  if (!binary.ok() || !config.ok()) {
    std::fprintf(stderr, "arca: %s\n",
                 (binary.ok() ? config.status() : binary.status()).message().c_str());
    return 1;
  }
  std::printf("%s\n", ToHex(node::MeasureNode(*binary, config->role)).c_str());
  return 0;
}

}  // namespace

void AddPlatformCommand(CLI::App& app, int* exit_code) {
  CLI::App* platform = app.add_subcommand("platform", "Platform operator: set up and run nodes");
  platform->require_subcommand(1);

  auto dir = std::make_shared<std::string>();
  CLI::App* init = platform->add_subcommand(
      "init-sim", "Create a SIMULATED TEE root (key for the nodes, certificate for policies)");
  init->add_option("--dir", *dir, "Directory for sim-root.key and sim-root.pem")->required();
  init->callback([dir, exit_code] { *exit_code = InitSim(*dir); });

  auto binary = std::make_shared<std::string>();
  auto config = std::make_shared<std::string>();
  CLI::App* measure = platform->add_subcommand("measure",
                                               "Print the measurement a node reports (SHA-384 of "
                                               "the binary and the role it is configured for)");
  measure->add_option("--binary", *binary, "The arca-node executable")
      ->required()
      ->check(CLI::ExistingFile);
  measure->add_option("--config", *config, "The node's configuration file")
      ->required()
      ->check(CLI::ExistingFile);
  measure->callback([binary, config, exit_code] { *exit_code = Measure(*binary, *config); });

  AddRegistryCommands(*platform, exit_code);
}

}  // namespace arca::cli
