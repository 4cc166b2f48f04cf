// `arca consumer infer MODEL --csv rows.csv ...`: scores the consumer's own rows with a model
// kept secret-shared on the nodes (a training job's `store_as`, or a code owner's upload).
//
// The rows are secret-shared on this machine and uploaded like any dataset (upload_command.h),
// as the consumer's dataset; then the inference plan runs as a job bound to them, and the
// predictions are fetched and decrypted like any result (job_watch.h, job_fetch.h). The plan is
// the code owner's: given by --plan, or else the one submitted plan that applies MODEL to a
// consumer input and reads nothing else. The CSV's header must name that input's columns, in
// any order; each is read as a decimal.
#ifndef ARCA_CLI_INFER_COMMAND_H_
#define ARCA_CLI_INFER_COMMAND_H_

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "arca/base/status.h"

namespace arca::cli {

// From the answer of GET /v1/plans: the plan to score with `model` — the one whose hash is
// `plan_hash` if given, else the only plan that applies `model` to a `consumer` input and has
// no other input. Errors say which plans there are and how to choose.
Result<nlohmann::json> FindInferencePlan(const nlohmann::json& plans, const std::string& model,
                                         const std::string& plan_hash);

// The consumer input of an inference plan (its canonical text): its name and columns.
struct ConsumerInput {
  std::string name;
  std::vector<std::string> columns;
};
Result<ConsumerInput> ConsumerInputOf(const std::string& canonical_plan);

// Adds `infer` to the `consumer` subcommand.
void AddInferCommand(CLI::App& consumer, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_INFER_COMMAND_H_
