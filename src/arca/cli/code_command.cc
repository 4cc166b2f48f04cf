#include "arca/cli/code_command.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "arca/cli/command_output.h"
#include "arca/cli/coordinator_call.h"
#include "arca/cli/upload_command.h"
#include "arca/client/dataset_schema.h"
#include "arca/client/mock_data.h"

namespace arca::cli {
namespace {

using nlohmann::json;

// The plan document a stored plan record carries as its canonical text.
json PlanDocument(const json& plan) {
  return json::parse(plan.value("canonical", ""), nullptr, /*allow_exceptions=*/false);
}

std::string Levels(const json& document) {
  const json levels = document.is_object() ? document.value("levels", json::array()) : json();
  std::string text;
  for (const json& level : levels) {
    if (!text.empty()) text += ",";
    text += level.is_string() ? level.get<std::string>() : level.dump();
  }
  return text.empty() ? "-" : text;
}

void PrintPlans(const json& answer) {
  std::printf("%-14s %-22s %-10s %s\n", "hash", "levels", "submitter", "name");
  for (const json& plan : answer.value("plans", json::array())) {
    const json document = PlanDocument(plan);
    std::printf("%-14s %-22s %-10s %s\n", Field(plan, "hash").substr(0, 12).c_str(),
                Levels(document).c_str(), Field(plan, "submitter").c_str(),
                Field(document.is_object() ? document : json::object(), "name").c_str());
  }
}

struct MockArgs {
  std::string dataset;
  int64_t rows = 0;
  std::string out;
  uint64_t seed = 1;
};

// Reads the dataset's schema from the coordinator and writes the mock rows; answers what it
// wrote.
Result<json> WriteMock(client::CoordinatorClient& client, const MockArgs& args) {
  ARCA_ASSIGN_OR_RETURN(const json dataset, client.GetDataset(args.dataset));
  ARCA_ASSIGN_OR_RETURN(const client::DatasetSchema schema,
                        client::DatasetSchema::Parse(dataset.value("schema", json()).dump()));
  ARCA_ASSIGN_OR_RETURN(const std::string csv, client::MockCsv(schema, args.rows, args.seed));
  std::ofstream file(args.out, std::ios::binary | std::ios::trunc);
  file << csv;
  file.close();
  if (!file) return UnavailableError(fmt::format("cannot write {}", args.out));
  return json{{"dataset", args.dataset},
              {"version", dataset.value("version", int64_t{0})},
              {"rows", args.rows},
              {"seed", args.seed},
              {"out", args.out}};
}

void AddSubmit(CLI::App& code, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto path = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = code.add_subcommand(
      "submit",
      "Submit a plan (docs/PLANS.md): the coordinator validates it and answers its hash, which\n"
      "data owners approve. An invalid plan is refused with every problem, one per line.");
  flags->AddTo(*command);
  command->add_option("plan", *path, "The plan document (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_flag("--json", *as_json, "Print the stored plan as JSON");
  command->callback([=] {
    *exit_code =
        Print(CallCoordinator(*flags,
                              [&](client::CoordinatorClient& client) -> Result<json> {
                                ARCA_ASSIGN_OR_RETURN(const Bytes text, ReadFileBytes(*path));
                                return client.SubmitPlan(std::string_view(
                                    reinterpret_cast<const char*>(text.data()), text.size()));
                              }),
              *as_json, [](const json& plan) {
                const json document = PlanDocument(plan);
                std::printf("submitted plan %s\n  name    %s\n  levels  %s\n",
                            Field(plan, "hash").c_str(),
                            Field(document.is_object() ? document : json::object(), "name").c_str(),
                            Levels(document).c_str());
              });
  });
}

void AddPlans(CLI::App& code, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = code.add_subcommand(
      "plans", "List the submitted plans: hash (first 12 digits), levels, submitter, name");
  flags->AddTo(*command);
  command->add_flag("--json", *as_json, "Print the plans as JSON (with their canonical text)");
  command->callback([=] {
    *exit_code =
        Print(CallCoordinator(*flags,
                              [](client::CoordinatorClient& client) { return client.ListPlans(); }),
              *as_json, PrintPlans);
  });
}

void AddMock(CLI::App& code, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto args = std::make_shared<MockArgs>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = code.add_subcommand(
      "mock",
      "Write synthetic rows that follow a dataset's schema (read from the coordinator), to\n"
      "develop and test a plan without the data. Nothing comes from any real row; the same\n"
      "schema, rows and seed give the same file.");
  flags->AddTo(*command);
  command->add_option("--dataset", args->dataset, "The dataset whose schema to follow")->required();
  command->add_option("--rows", args->rows, "How many rows")
      ->required()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  command->add_option("--out", args->out, "The CSV file to write")->required();
  command->add_option("--seed", args->seed, "The seed of the generator")->capture_default_str();
  command->add_flag("--json", *as_json, "Print what was written as JSON");
  command->callback([=] {
    *exit_code = Print(
        CallCoordinator(
            *flags, [&](client::CoordinatorClient& client) { return WriteMock(client, *args); }),
        *as_json, [](const json& written) {
          std::printf("wrote %s mock rows of dataset %s (version %s) to %s\n",
                      Field(written, "rows").c_str(), Field(written, "dataset").c_str(),
                      Field(written, "version").c_str(), Field(written, "out").c_str());
        });
  });
}

}  // namespace

void AddCodeCommand(CLI::App& app, int* exit_code) {
  CLI::App* code =
      app.add_subcommand("code", "Code owner: submit plans, make mock data, upload models");
  code->require_subcommand(1);
  AddSubmit(*code, exit_code);
  AddPlans(*code, exit_code);
  AddMock(*code, exit_code);
  AddModelUploadCommand(*code, exit_code);
}

}  // namespace arca::cli
