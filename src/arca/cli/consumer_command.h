// `arca consumer ...`: the consumer's commands.
#ifndef ARCA_CLI_CONSUMER_COMMAND_H_
#define ARCA_CLI_CONSUMER_COMMAND_H_

#include <CLI/CLI.hpp>

namespace arca::cli {

// Adds `consumer verify-receipt` and the job commands (job_command.h); exit status goes to
// `*exit_code`.
void AddConsumerCommand(CLI::App& app, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_CONSUMER_COMMAND_H_
