// The platform operator's registry commands over the coordinator's API, and `arca keygen`:
//   arca keygen --out FILE
//   arca platform add-party --id ID --role ROLE --key-file PUB [--name NAME]
//   arca platform add-node --id ID --role compute|dealer --index N --endpoint H:P
//                          --mesh-endpoint H:P --signing-key PUB
//   arca platform nodes
//   arca platform attest-nodes --policy POLICY   (attests each node live; records the verdict)
// Each coordinator command takes the flags of coordinator_flags.h and --json.
#ifndef ARCA_CLI_REGISTRY_COMMAND_H_
#define ARCA_CLI_REGISTRY_COMMAND_H_

#include <CLI/CLI.hpp>

namespace arca::cli {

// Adds `keygen` to `app`.
void AddKeygenCommand(CLI::App& app, int* exit_code);

// Adds add-party, add-node, nodes and attest-nodes to the `platform` subcommand.
void AddRegistryCommands(CLI::App& platform, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_REGISTRY_COMMAND_H_
