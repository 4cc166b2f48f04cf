// The uploads of the role CLI: secret-shared data put on the nodes of a security level
// (client/level_upload.h), then registered with the coordinator, which sees only ciphertext
// locations and digests.
//
//   arca owner upload --dataset NAME --csv FILE --schema schema.json --policy policy.json
//                     [--level tee|dealer2pc|rep3] [--epsilon-budget E [--delta-budget D]]
//                     [--json]
//   arca owner withdraw --dataset NAME [--json]
//   arca code upload-model --name NAME --kind logistic|linear --weights weights.csv
//                          --level L --policy policy.json --consumer ID... [--json]
//
// Each takes the coordinator flags of coordinator_flags.h.
#ifndef ARCA_CLI_UPLOAD_COMMAND_H_
#define ARCA_CLI_UPLOAD_COMMAND_H_

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "arca/base/status.h"
#include "arca/cli/coordinator_flags.h"
#include "arca/client/coordinator_client.h"
#include "arca/client/dataset_schema.h"

namespace arca::cli {

// One dataset upload: a CSV file put on the nodes of `level`, then registered.
struct DatasetUpload {
  CoordinatorFlags flags;  // the uploader: a data owner, or a consumer's inference rows
  std::string dataset;
  std::string csv;
  std::string policy;  // the uploader's policy for the nodes
  std::string level = "dealer2pc";
  // Sets (or changes) the name's privacy budget with this version; none keeps it as it is.
  std::optional<client::PrivacyBudget> budget{};
};

// Reads and checks the CSV against `schema` before anything leaves this machine, uploads it
// with a progress bar per node (client/level_upload.h) as the dataset's next version, and
// registers it; the coordinator's record of the new version.
Result<nlohmann::json> UploadDataset(const DatasetUpload& upload,
                                     const client::DatasetSchema& schema);

// Adds `upload` and `withdraw` to the `owner` subcommand.
void AddOwnerUploadCommands(CLI::App& owner, int* exit_code);

// Adds `upload-model` to the `code` subcommand.
void AddModelUploadCommand(CLI::App& code, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_UPLOAD_COMMAND_H_
