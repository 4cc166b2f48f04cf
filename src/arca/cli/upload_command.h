// The uploads of the role CLI: secret-shared data put on the nodes of a security level
// (client/level_upload.h), then registered with the coordinator, which sees only ciphertext
// locations and digests.
//
//   arca owner upload --dataset NAME --csv FILE --schema schema.json --policy policy.json
//                     [--level tee|dealer2pc|rep3] [--json]
//   arca owner withdraw --dataset NAME [--json]
//   arca code upload-model --name NAME --kind logistic|linear --weights weights.csv
//                          --level L --policy policy.json --consumer ID... [--json]
//
// Each takes the coordinator flags of coordinator_flags.h.
#ifndef ARCA_CLI_UPLOAD_COMMAND_H_
#define ARCA_CLI_UPLOAD_COMMAND_H_

#include <CLI/CLI.hpp>

namespace arca::cli {

// Adds `upload` and `withdraw` to the `owner` subcommand.
void AddOwnerUploadCommands(CLI::App& owner, int* exit_code);

// Adds `upload-model` to the `code` subcommand.
void AddModelUploadCommand(CLI::App& code, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_UPLOAD_COMMAND_H_
