#include "arca/cli/infer_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <vector>

#include "arca/cli/command_output.h"
#include "arca/cli/coordinator_flags.h"
#include "arca/cli/job_fetch.h"
#include "arca/cli/job_watch.h"
#include "arca/cli/result_key.h"
#include "arca/cli/upload_command.h"
#include "arca/client/dataset_schema.h"

namespace arca::cli {
namespace {

using nlohmann::json;

// Whether the plan (canonical text) applies `model` to consumer rows only.
bool ScoresWith(const json& plan, const std::string& model) {
  bool applies = false;
  const json nodes = plan.value("nodes", json::array());
  for (const json& node : nodes) {
    if (node.value("op", "") == "infer" && node.value("model", "") == model) applies = true;
  }
  const json inputs = plan.value("inputs", json::object());
  for (const auto& [name, input] : inputs.items()) {
    if (input.value("supplied_by", "owner") != "consumer") return false;
  }
  return applies;
}

// The input's columns in the order the CSV's header names them (a plan lists its input's
// columns as a set); the header must name exactly those.
Result<std::vector<std::string>> ColumnsInHeaderOrder(const std::string& csv_path,
                                                      const ConsumerInput& input) {
  std::ifstream file(csv_path);
  std::string line;
  if (!std::getline(file, line)) {
    return InvalidArgumentError(fmt::format("{}: no header line", csv_path));
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> header;
  for (size_t at = 0;;) {
    const size_t comma = line.find(',', at);
    header.push_back(line.substr(at, comma == std::string::npos ? comma : comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  const std::set<std::string> wanted(input.columns.begin(), input.columns.end());
  const std::set<std::string> given(header.begin(), header.end());
  if (given != wanted || given.size() != header.size()) {
    return InvalidArgumentError(fmt::format(
        "{}: the header must name the columns of the plan's input '{}', each once, in any "
        "order: {}",
        csv_path, input.name, fmt::join(input.columns, ", ")));
  }
  return header;
}

struct InferArgs {
  DatasetUpload upload;  // the consumer's rows
  std::string model;
  std::string plan;
  std::string result_key;
  std::string out;
  std::string receipt;
  int timeout_seconds = 600;
  bool json = false;
};

Result<json> Infer(InferArgs args) {
  ARCA_ASSIGN_OR_RETURN(const crypto::X25519Key private_key, ReadResultPrivateKey(args.result_key));
  ARCA_ASSIGN_OR_RETURN(const crypto::X25519Key public_key, crypto::X25519PublicKey(private_key));
  ARCA_ASSIGN_OR_RETURN(std::unique_ptr<client::CoordinatorClient> client,
                        args.upload.flags.Connect());
  ARCA_ASSIGN_OR_RETURN(const json model, client->GetModel(args.model));
  if (args.upload.level.empty()) args.upload.level = model.value("level", "dealer2pc");
  ARCA_ASSIGN_OR_RETURN(const json plans, client->ListPlans());
  ARCA_ASSIGN_OR_RETURN(const json plan, FindInferencePlan(plans, args.model, args.plan));
  ARCA_ASSIGN_OR_RETURN(const ConsumerInput input,
                        ConsumerInputOf(plan.at("canonical").get<std::string>()));
  ARCA_ASSIGN_OR_RETURN(const std::vector<std::string> columns,
                        ColumnsInHeaderOrder(args.upload.csv, input));
  json schema = {{"columns", json::array()}};
  for (const std::string& column : columns) {
    schema["columns"].push_back({{"name", column}, {"type", "decimal"}});
  }
  ARCA_ASSIGN_OR_RETURN(const client::DatasetSchema rows_schema,
                        client::DatasetSchema::Parse(schema.dump()));
  if (args.upload.dataset.empty()) args.upload.dataset = args.upload.flags.signer + "-rows";

  ARCA_ASSIGN_OR_RETURN(const json dataset, UploadDataset(args.upload, rows_schema));
  ARCA_ASSIGN_OR_RETURN(
      const json job, client->CreateJob({.plan_hash = plan.at("hash").get<std::string>(),
                                         .level = args.upload.level,
                                         .result_key = Bytes(public_key.begin(), public_key.end()),
                                         .inputs = {{input.name, args.upload.dataset}}}));
  const int64_t id = job.at("id").get<int64_t>();
  if (!args.json) {
    std::printf("job %lld: model %s on %s rows (dataset %s version %s) at %s\n",
                static_cast<long long>(id), args.model.c_str(), Field(dataset, "row_count").c_str(),
                args.upload.dataset.c_str(), Field(dataset, "version").c_str(),
                args.upload.level.c_str());
    std::fflush(stdout);
  }
  ARCA_RETURN_IF_ERROR(WatchJob(*client, id, args.json ? JobObserver() : ProgressBarObserver(id),
                                std::chrono::seconds(args.timeout_seconds))
                           .status());
  ARCA_ASSIGN_OR_RETURN(
      const FetchedJob fetched,
      FetchJobResult(*client, {.job = id, .out_csv = args.out, .receipt_path = args.receipt},
                     private_key));
  size_t predictions = 0;
  for (const client::NamedOutput& output : fetched.outputs) predictions += output.values.size();
  return json{{"job", id},
              {"model", args.model},
              {"plan", plan.at("hash")},
              {"dataset", args.upload.dataset},
              {"version", dataset.at("version")},
              {"predictions", predictions},
              {"out", args.out}};
}

}  // namespace

Result<json> FindInferencePlan(const json& plans, const std::string& model,
                               const std::string& plan_hash) {
  std::vector<json> candidates;
  try {
    for (const json& plan : plans.at("plans")) {
      const std::string hash = plan.at("hash").get<std::string>();
      if (!plan_hash.empty()) {
        if (hash == plan_hash) return plan;
        continue;
      }
      if (ScoresWith(json::parse(plan.at("canonical").get<std::string>()), model)) {
        candidates.push_back(plan);
      }
    }
  } catch (const json::exception& e) {
    return DataLossError(std::string("the coordinator's plan list is malformed: ") + e.what());
  }
  if (!plan_hash.empty()) {
    return NotFoundError(fmt::format("no submitted plan has the hash {}", plan_hash));
  }
  if (candidates.size() == 1) return candidates[0];
  if (candidates.empty()) {
    return NotFoundError(fmt::format(
        "no submitted plan applies model '{}' to a consumer's rows: ask its code owner to submit "
        "one (docs/PLANS.md, 'infer'), or name one with --plan",
        model));
  }
  std::string hashes;
  for (const json& plan : candidates) hashes += " " + plan.at("hash").get<std::string>();
  return FailedPreconditionError(fmt::format(
      "{} submitted plans apply model '{}' to a consumer's rows; choose one with --plan:{}",
      candidates.size(), model, hashes));
}

Result<ConsumerInput> ConsumerInputOf(const std::string& canonical_plan) {
  std::vector<ConsumerInput> inputs;
  try {
    const json plan = json::parse(canonical_plan);
    for (const auto& [name, input] : plan.at("inputs").items()) {
      if (input.value("supplied_by", "owner") != "consumer") continue;
      inputs.push_back({name, input.at("columns").get<std::vector<std::string>>()});
    }
  } catch (const json::exception& e) {
    return DataLossError(std::string("the plan's text is malformed: ") + e.what());
  }
  if (inputs.size() != 1) {
    return FailedPreconditionError(fmt::format(
        "the plan has {} consumer inputs; `arca consumer infer` supplies exactly one (use "
        "`arca owner upload` and `arca consumer run --input` for more)",
        inputs.size()));
  }
  return inputs[0];
}

void AddInferCommand(CLI::App& consumer, int* exit_code) {
  auto args = std::make_shared<InferArgs>();
  args->upload.level.clear();  // default: the model's level
  CLI::App* command = consumer.add_subcommand(
      "infer",
      "Score your own rows with a model kept secret-shared on the nodes: the rows are\n"
      "secret-shared here and uploaded to the attested nodes, the inference plan runs, and\n"
      "the predictions are decrypted here. Nobody else sees the rows or the predictions.");
  args->upload.flags.AddTo(*command);
  command->add_option("model", args->model, "The stored model's name")->required();
  command
      ->add_option("--csv", args->upload.csv,
                   "Your rows: a header naming the plan input's columns in order, then the rows")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--policy", args->upload.policy, "Your reference-value policy for the nodes")
      ->required()
      ->check(CLI::ExistingFile);
  command
      ->add_option("--result-key", args->result_key,
                   "Your private result key (from arca consumer keygen)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--out", args->out, "Where the predictions go (CSV)")->required();
  command->add_option("--plan", args->plan,
                      "The inference plan's hash (default: the one plan that scores with MODEL)");
  command->add_option("--level", args->upload.level,
                      "tee, dealer2pc or rep3 (default: the model's level)");
  command->add_option("--dataset", args->upload.dataset,
                      "The name your rows are uploaded under (default: <your id>-rows)");
  command->add_option("--receipt", args->receipt, "Where to write the job's receipt (JSON)");
  command->add_option("--timeout", args->timeout_seconds, "Seconds to wait for the job")
      ->check(CLI::PositiveNumber);
  command->add_flag("--json", args->json, "Print the outcome as JSON");
  command->callback([args, exit_code] {
    *exit_code = Print(Infer(*args), args->json, [](const json& outcome) {
      std::printf("%s predictions of model %s in %s\n", Field(outcome, "predictions").c_str(),
                  Field(outcome, "model").c_str(), Field(outcome, "out").c_str());
    });
  });
}

}  // namespace arca::cli
