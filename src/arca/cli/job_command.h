// The consumer's jobs over the coordinator's API:
//   arca consumer keygen --out consumer.key          X25519 result key pair (result_key.h)
//   arca consumer run PLAN_HASH --level L --result-key consumer.pub [--input NAME=DATASET ...]
//                     [--wait [--timeout SECONDS]]
//   arca consumer status JOB [--wait [--timeout SECONDS]]
//   arca consumer jobs [--status S] [--plan HASH]
//   arca consumer cancel JOB
//   arca consumer fetch JOB --result-key consumer.key --out result.csv [--receipt FILE]
//                       [--results-dir DIR]
// Each coordinator command takes the flags of coordinator_flags.h and --json. (The result key
// is --result-key, not --key: --key is the signing key of coordinator_flags.h.)
#ifndef ARCA_CLI_JOB_COMMAND_H_
#define ARCA_CLI_JOB_COMMAND_H_

#include <CLI/CLI.hpp>

namespace arca::cli {

// Adds keygen, run, status, jobs, cancel and fetch to the `consumer` subcommand.
void AddJobCommands(CLI::App& consumer, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_JOB_COMMAND_H_
