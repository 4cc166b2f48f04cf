// The data owner's approvals over the coordinator's API:
//   arca owner approve PLAN_HASH --dataset NAME --consumer ID[,ID] --levels L[,L]
//                      [--aggregate-only COL[,COL]] [--min-rows N]
//   arca owner revoke APPROVAL_ID
//   arca owner approvals --plan HASH
// Each takes the flags of coordinator_flags.h and --json.
#ifndef ARCA_CLI_APPROVAL_COMMAND_H_
#define ARCA_CLI_APPROVAL_COMMAND_H_

#include <CLI/CLI.hpp>

namespace arca::cli {

// Adds approve, revoke and approvals to the `owner` subcommand.
void AddApprovalCommands(CLI::App& owner, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_APPROVAL_COMMAND_H_
