#include "arca/cli/upload_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "arca/cli/budget_command.h"
#include "arca/cli/command_output.h"
#include "arca/cli/coordinator_flags.h"
#include "arca/cli/progress_bar.h"
#include "arca/client/level_upload.h"
#include "arca/client/model_weights.h"
#include "arca/fxp/encoding.h"

namespace arca::cli {
namespace {

using nlohmann::json;

const std::vector<std::string> kLevels = {"tee", "dealer2pc", "rep3"};

Result<std::string> ReadText(const std::string& path) {
  ARCA_ASSIGN_OR_RETURN(const Bytes bytes, ReadFileBytes(path));
  return std::string(bytes.begin(), bytes.end());
}

// Everything an upload needs before it talks to anyone: the caller's policy and key, and a
// client of the coordinator.
struct Uploader {
  tee::Policy policy;
  crypto::SigningKey key;
  std::string id;
  std::unique_ptr<client::CoordinatorClient> coordinator;

  static Result<Uploader> Open(const CoordinatorFlags& flags, const std::string& policy_path) {
    Result<tee::Policy> policy = tee::Policy::Load(policy_path);
    if (!policy.ok()) return policy.status().WithContext(policy_path);
    ARCA_ASSIGN_OR_RETURN(crypto::SigningKey key, ReadSigningKey(flags.key));
    ARCA_ASSIGN_OR_RETURN(std::unique_ptr<client::CoordinatorClient> coordinator, flags.Connect());
    return Uploader{*std::move(policy), std::move(key), flags.signer, std::move(coordinator)};
  }

  // Uploads `table` to the level's nodes with a progress bar per node on stderr.
  Result<std::vector<client::Location>> Upload(const client::LevelUploadSpec& spec,
                                               const client::DatasetSchema& schema,
                                               const client::EncodedTable& table) const {
    std::map<std::string, std::unique_ptr<ProgressBar>> bars;
    return client::UploadToLevel(*coordinator, policy, key, spec, schema, table,
                                 [&](const client::LevelNode& node, uint64_t sent, uint64_t total) {
                                   std::unique_ptr<ProgressBar>& bar = bars[node.id];
                                   if (!bar) {
                                     bar = std::make_unique<ProgressBar>("upload to " + node.id,
                                                                         "bytes");
                                   }
                                   bar->Update(sent, total);
                                   if (sent == total) bar->Finish();
                                 });
  }

  // Registers the upload with `add`; if the coordinator refuses, the nodes are told to
  // destroy what they took, and the refusal is returned.
  template <typename AddRecord>
  Result<json> Register(const std::vector<client::Location>& locations, AddRecord add) const {
    Result<json> record = add();
    if (record.ok()) return record;
    const Status withdrawn = client::WithdrawFromNodes(*coordinator, policy, key, locations);
    return Status(
        record.status().code(),
        withdrawn.ok()
            ? record.status().message() + " (the nodes destroyed the ciphertext they were sent)"
            : record.status().message() +
                  " (the nodes could not all be told to destroy the ciphertext: " +
                  withdrawn.message() + ")");
  }
};

void PrintLocations(const json& record) {
  for (const json& location : record.value("locations", json::array())) {
    std::printf("  %-12s %-40s sha256 %s...\n", Field(location, "node").c_str(),
                Field(location, "location").c_str(),
                Field(location, "sha256").substr(0, 16).c_str());
  }
}

// --- arca owner upload ---

struct DatasetUploadArgs {
  DatasetUpload upload;
  std::string schema;
  std::optional<double> epsilon_budget;
  std::optional<double> delta_budget;
  bool json = false;
};

Result<json> UploadDatasetCommand(const DatasetUploadArgs& args) {
  ARCA_ASSIGN_OR_RETURN(const std::string schema_text, ReadText(args.schema));
  Result<client::DatasetSchema> schema = client::DatasetSchema::Parse(schema_text);
  if (!schema.ok()) return schema.status().WithContext(args.schema);
  DatasetUpload upload = args.upload;
  if (args.epsilon_budget) {
    upload.budget = {.epsilon = *args.epsilon_budget, .delta = args.delta_budget.value_or(0)};
  }
  return UploadDataset(upload, *schema);
}

void PrintDataset(const json& record) {
  std::printf("uploaded dataset %s version %s: %s rows at level %s\n",
              Field(record, "name").c_str(), Field(record, "version").c_str(),
              Field(record, "row_count").c_str(), Field(record, "level").c_str());
  PrintLocations(record);
  const json budget = record.value("budget", json());
  if (!budget.is_null()) std::printf("privacy budget: %s\n", BudgetText(budget).c_str());
}

// --- arca code upload-model ---

struct ModelUploadArgs {
  CoordinatorFlags flags;
  std::string name;
  std::string kind;
  std::string weights;
  std::string level;
  std::string policy;
  std::vector<std::string> consumers;
  bool json = false;
};

Result<json> UploadModel(const ModelUploadArgs& args) {
  ARCA_ASSIGN_OR_RETURN(const std::string text, ReadText(args.weights));
  Result<client::ModelWeights> weights = client::ParseModelWeights(text);
  if (!weights.ok()) return weights.status().WithContext(args.weights);
  ARCA_ASSIGN_OR_RETURN(const client::EncodedTable table, weights->Table());

  ARCA_ASSIGN_OR_RETURN(Uploader uploader, Uploader::Open(args.flags, args.policy));
  // A taken name would be refused only after the upload; say so before.
  const Result<json> existing = uploader.coordinator->GetModel(args.name);
  if (existing.ok()) {
    return FailedPreconditionError(
        fmt::format("model '{}' exists already (owner '{}'); choose another name", args.name,
                    Field(*existing, "owner")));
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  ARCA_ASSIGN_OR_RETURN(
      const std::vector<client::Location> locations,
      uploader.Upload({.level = args.level, .kind = "model", .name = args.name, .version = 1},
                      client::ModelWeights::TableSchema(), table));
  return uploader.Register(locations, [&] {
    return uploader.coordinator->AddModel({.name = args.name,
                                           .kind = args.kind,
                                           .features = weights->features,
                                           .intercept = weights->intercept,
                                           .level = args.level,
                                           .locations = locations,
                                           .consumers = args.consumers});
  });
}

void PrintModel(const json& record) {
  const size_t features = record.value("features", json::array()).size();
  std::printf(
      "uploaded model %s (%s, %zu feature%s%s) at level %s for %s\n", Field(record, "name").c_str(),
      Field(record, "kind").c_str(), features, features == 1 ? "" : "s",
      record.value("intercept", false) ? " and an intercept" : "", Field(record, "level").c_str(),
      fmt::format("{}", fmt::join(record.value("consumers", std::vector<std::string>()), ", "))
          .c_str());
  PrintLocations(record);
}

}  // namespace

Result<json> UploadDataset(const DatasetUpload& upload, const client::DatasetSchema& schema) {
  // The data is read and checked before anything leaves this machine.
  ARCA_ASSIGN_OR_RETURN(const std::string csv_text, ReadText(upload.csv));
  Result<client::EncodedTable> table =
      client::ReadCsvTable(csv_text, schema, fxp::kDefaultFracBits);
  if (!table.ok()) return table.status().WithContext(upload.csv);

  ARCA_ASSIGN_OR_RETURN(Uploader uploader, Uploader::Open(upload.flags, upload.policy));
  ARCA_ASSIGN_OR_RETURN(
      const uint64_t version,
      client::NextDatasetVersion(*uploader.coordinator, upload.dataset, uploader.id));
  ARCA_ASSIGN_OR_RETURN(
      const std::vector<client::Location> locations,
      uploader.Upload(
          {.level = upload.level, .kind = "dataset", .name = upload.dataset, .version = version},
          schema, *table));
  ARCA_ASSIGN_OR_RETURN(json record, uploader.Register(locations, [&] {
    return uploader.coordinator->AddDataset({.name = upload.dataset,
                                             .level = upload.level,
                                             .schema = json::parse(schema.CanonicalJson()),
                                             .row_count = table->rows,
                                             .locations = locations,
                                             .budget = upload.budget});
  }));
  if (record.value("version", uint64_t{0}) != version) {
    return FailedPreconditionError(
        fmt::format("the coordinator registered dataset '{}' as version {}, but the share files "
                    "were made for version {} (another upload of it ran at the same time): "
                    "withdraw it and upload again",
                    upload.dataset, Field(record, "version"), version));
  }
  return record;
}

void AddOwnerUploadCommands(CLI::App& owner, int* exit_code) {
  {
    auto args = std::make_shared<DatasetUploadArgs>();
    CLI::App* command = owner.add_subcommand(
        "upload",
        "Secret-share a CSV table on this machine and upload each share, sealed to a node's\n"
        "attested key, to the compute nodes of a security level; then register the dataset.\n"
        "Every node is attested with your policy first: nothing leaves if one is refused.");
    args->upload.flags.AddTo(*command);
    command->add_option("--dataset", args->upload.dataset, "The dataset's name, e.g. hospital_a")
        ->required();
    command
        ->add_option("--csv", args->upload.csv, "The table: a header row, then one row per record")
        ->required()
        ->check(CLI::ExistingFile);
    command->add_option("--schema", args->schema, "Its schema (docs/UPLOAD.md)")
        ->required()
        ->check(CLI::ExistingFile);
    command
        ->add_option("--policy", args->upload.policy, "Your reference-value policy for the nodes")
        ->required()
        ->check(CLI::ExistingFile);
    command->add_option("--level", args->upload.level, "tee, dealer2pc (default) or rep3")
        ->check(CLI::IsMember(kLevels));
    CLI::Option* epsilon = command->add_option(
        "--epsilon-budget", args->epsilon_budget,
        "The dataset's privacy budget: the total ε all jobs on it may spend (every output\n"
        "that reads it must then have differential-privacy noise); also for a new version");
    command
        ->add_option("--delta-budget", args->delta_budget,
                     "With --epsilon-budget: the total δ (default 0, pure ε-DP only)")
        ->needs(epsilon);
    command->add_flag("--json", args->json, "Print the registered dataset as JSON");
    command->callback([args, exit_code] {
      *exit_code = Print(UploadDatasetCommand(*args), args->json, PrintDataset);
    });
  }
  {
    auto flags = std::make_shared<CoordinatorFlags>();
    auto dataset = std::make_shared<std::string>();
    auto as_json = std::make_shared<bool>(false);
    CLI::App* command = owner.add_subcommand(
        "withdraw",
        "Withdraw a dataset: jobs can no longer use it, unfinished ones reading it are\n"
        "cancelled, and the nodes destroy its ciphertext when they next read the work feed.");
    flags->AddTo(*command);
    command->add_option("--dataset", *dataset, "The dataset's name")->required();
    command->add_flag("--json", *as_json, "Print the withdrawn dataset as JSON");
    command->callback([=] {
      Result<std::unique_ptr<client::CoordinatorClient>> client = flags->Connect();
      if (!client.ok()) {
        *exit_code = Fail(client.status());
        return;
      }
      *exit_code = Print((*client)->WithdrawDataset(*dataset), *as_json, [](const json& record) {
        std::printf(
            "withdrew dataset %s (version %s); the nodes destroy its ciphertext when they next "
            "read the work feed\n",
            Field(record, "name").c_str(), Field(record, "version").c_str());
      });
    });
  }
}

void AddModelUploadCommand(CLI::App& code, int* exit_code) {
  auto args = std::make_shared<ModelUploadArgs>();
  CLI::App* command = code.add_subcommand(
      "upload-model",
      "Secret-share a model's weights and upload them to the compute nodes of a security\n"
      "level, each share sealed to a node's attested key; then register the model for the\n"
      "named consumers. The weights never leave the nodes in the clear.");
  args->flags.AddTo(*command);
  command->add_option("--name", args->name, "The model's name, e.g. risk-v1")->required();
  command->add_option("--kind", args->kind, "logistic or linear")
      ->required()
      ->check(CLI::IsMember({"logistic", "linear"}));
  command
      ->add_option("--weights", args->weights,
                   "CSV with header feature,weight: one row per feature in order, and an\n"
                   "optional last row intercept,W")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--level", args->level, "tee, dealer2pc or rep3")
      ->required()
      ->check(CLI::IsMember(kLevels));
  command->add_option("--policy", args->policy, "Your reference-value policy for the nodes")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--consumer", args->consumers, "A consumer that may apply it; repeatable")
      ->required();
  command->add_flag("--json", args->json, "Print the registered model as JSON");
  command->callback(
      [args, exit_code] { *exit_code = Print(UploadModel(*args), args->json, PrintModel); });
}

}  // namespace arca::cli
