// `arca owner ...`: the data owner's commands.
#ifndef ARCA_CLI_OWNER_COMMAND_H_
#define ARCA_CLI_OWNER_COMMAND_H_

#include <CLI/CLI.hpp>

namespace arca::cli {

// Adds `owner verify-nodes`, `upload`, `withdraw` and the approval commands
// (approval_command.h); exit status goes to `*exit_code`.
void AddOwnerCommand(CLI::App& app, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_OWNER_COMMAND_H_
