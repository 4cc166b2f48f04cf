// `arca code ...`: the code owner's commands.
//   arca code submit PLAN.json                 submit a plan; prints its hash
//   arca code plans                            the submitted plans: hash, name, levels
//   arca code mock --dataset NAME --rows N --out FILE.csv [--seed S]
//                                              synthetic rows that follow a dataset's schema
//   arca code upload-model ...                 a proprietary model, secret-shared to the nodes
//                                              (upload_command.h)
// Each takes the flags of coordinator_flags.h and --json.
#ifndef ARCA_CLI_CODE_COMMAND_H_
#define ARCA_CLI_CODE_COMMAND_H_

#include <CLI/CLI.hpp>

namespace arca::cli {

// Adds `code` and its subcommands to `app`; exit status goes to `*exit_code`.
void AddCodeCommand(CLI::App& app, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_CODE_COMMAND_H_
