// `arca platform ...`: the platform operator's commands.
#ifndef ARCA_CLI_PLATFORM_COMMAND_H_
#define ARCA_CLI_PLATFORM_COMMAND_H_

#include <CLI/CLI.hpp>

namespace arca::cli {

// Adds `platform init-sim`, `platform measure` and the registry commands (registry_command.h);
// exit status goes to `*exit_code`.
void AddPlatformCommand(CLI::App& app, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_PLATFORM_COMMAND_H_
