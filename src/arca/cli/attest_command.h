// `arca attest ...`: attestation by hand, for operators and auditors.
#ifndef ARCA_CLI_ATTEST_COMMAND_H_
#define ARCA_CLI_ATTEST_COMMAND_H_

#include <CLI/CLI.hpp>

namespace arca::cli {

// Adds `attest verify` to `app`; the command's exit status goes to `*exit_code`.
void AddAttestCommand(CLI::App& app, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_ATTEST_COMMAND_H_
