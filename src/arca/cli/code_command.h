// `arca code ...`: the code owner's commands.
#ifndef ARCA_CLI_CODE_COMMAND_H_
#define ARCA_CLI_CODE_COMMAND_H_

#include <CLI/CLI.hpp>

namespace arca::cli {

// Adds `code upload-model`; exit status goes to `*exit_code`.
void AddCodeCommand(CLI::App& app, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_CODE_COMMAND_H_
