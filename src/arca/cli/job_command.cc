#include "arca/cli/job_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arca/cli/command_output.h"
#include "arca/cli/coordinator_call.h"
#include "arca/cli/job_fetch.h"
#include "arca/cli/job_watch.h"
#include "arca/cli/result_key.h"

namespace arca::cli {
namespace {

using nlohmann::json;

struct WaitFlags {
  bool wait = false;
  int64_t timeout_seconds = kDefaultJobTimeout.count();

  void AddTo(CLI::App& command) {
    command.add_flag("--wait", wait,
                     "Wait for the job to finish; exit 1 with its error line unless it succeeds");
    command
        .add_option("--timeout", timeout_seconds, "With --wait: give up after this many seconds")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
  }
  std::chrono::milliseconds timeout() const { return std::chrono::seconds(timeout_seconds); }
};

std::string Percent(const json& job) {
  return fmt::format("{:.0f}%", 100 * job.value("progress", 0.0));
}

void PrintJob(const json& job) {
  std::printf("job %s  %s  %s\n", Field(job, "id").c_str(), Field(job, "status").c_str(),
              Percent(job).c_str());
  std::printf("  plan      %s\n  level     %s\n  created   %s\n", Field(job, "plan_hash").c_str(),
              Field(job, "level").c_str(), Field(job, "created_at").c_str());
  if (job.value("finished_at", json()).is_string()) {
    std::printf("  finished  %s\n", Field(job, "finished_at").c_str());
  }
  for (const json& part : job.value("parties", json::array())) {
    std::printf("  party %s   %-12s %s\n", Field(part, "party").c_str(),
                Field(part, "node").c_str(), Field(part, "state").c_str());
  }
  if (!job.value("error", "").empty()) std::printf("  error     %s\n", Field(job, "error").c_str());
}

void PrintJobs(const json& answer) {
  std::printf("%-6s %-14s %-10s %-10s %-8s %s\n", "id", "plan", "level", "status", "progress",
              "created");
  for (const json& job : answer.value("jobs", json::array())) {
    std::printf("%-6s %-14s %-10s %-10s %-8s %s\n", Field(job, "id").c_str(),
                Field(job, "plan_hash").substr(0, 12).c_str(), Field(job, "level").c_str(),
                Field(job, "status").c_str(), Percent(job).c_str(),
                Field(job, "created_at").c_str());
  }
}

// The job record, after waiting for it when asked.
Result<json> WaitIf(client::CoordinatorClient& client, const json& job, const WaitFlags& wait,
                    bool show_progress) {
  if (!wait.wait) return job;
  const int64_t id = job.value("id", int64_t{0});
  return WatchJob(client, id, show_progress ? ProgressBarObserver(id) : JobObserver(),
                  wait.timeout());
}

void AddKeygen(CLI::App& consumer, int* exit_code) {
  auto out = std::make_shared<std::string>();
  CLI::App* command = consumer.add_subcommand(
      "keygen",
      "Make an X25519 result key pair: nodes seal results to the public key (NAME.pub), only\n"
      "the private key (FILE, mode 0600) opens them. Never overwrites a key.");
  command->add_option("--out", *out, "Where to write the private key, e.g. consumer.key")
      ->required();
  command->callback([=] {
    const Result<crypto::X25519Key> key = WriteResultKeyPair(*out);
    if (!key.ok()) {
      *exit_code = Fail(key.status());
      return;
    }
    std::printf("private key  %s (keep it secret)\npublic key   %s  %s\n", out->c_str(),
                ResultPublicKeyPath(*out).c_str(), ToHex(*key).c_str());
    *exit_code = 0;
  });
}

struct RunArgs {
  std::string plan_hash;
  std::string level;
  std::string result_key;
  std::vector<std::string> inputs;  // NAME=DATASET
};

Result<client::JobRequest> MakeJobRequest(const RunArgs& args) {
  ARCA_ASSIGN_OR_RETURN(const crypto::X25519Key key, ReadResultPublicKey(args.result_key));
  client::JobRequest request{.plan_hash = args.plan_hash,
                             .level = args.level,
                             .result_key = Bytes(key.begin(), key.end())};
  for (const std::string& input : args.inputs) {
    const size_t equals = input.find('=');
    request.inputs[input.substr(0, equals)] = input.substr(equals + 1);
  }
  return request;
}

void AddRun(CLI::App& consumer, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto args = std::make_shared<RunArgs>();
  auto wait = std::make_shared<WaitFlags>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = consumer.add_subcommand(
      "run",
      "Ask the coordinator to run a plan for you at a security level, its results sealed to\n"
      "your result key. Prints the job's id; with --wait, waits for it to finish.");
  flags->AddTo(*command);
  command->add_option("plan_hash", args->plan_hash, "The plan's hash")->required();
  command->add_option("--level", args->level, "tee, dealer2pc or rep3")
      ->required()
      ->check(CLI::IsMember({"tee", "dealer2pc", "rep3"}));
  command
      ->add_option("--result-key", args->result_key,
                   "Your result public key (NAME.pub from arca consumer keygen)")
      ->required()
      ->check(CLI::ExistingFile);
  command
      ->add_option("--input", args->inputs,
                   "A plan input you supply, and your dataset for it: NAME=DATASET; repeatable")
      ->check(CLI::Validator(
          [](const std::string& value) {
            const size_t equals = value.find('=');
            return equals == 0 || equals == std::string::npos || equals + 1 == value.size()
                       ? std::string("must be NAME=DATASET")
                       : std::string();
          },
          "NAME=DATASET"));
  wait->AddTo(*command);
  command->add_flag("--json", *as_json, "Print the job as JSON (its final record with --wait)");
  command->callback([=] {
    const bool show_progress = !*as_json;
    *exit_code = Print(
        CallCoordinator(*flags,
                        [&](client::CoordinatorClient& client) -> Result<json> {
                          ARCA_ASSIGN_OR_RETURN(const client::JobRequest request,
                                                MakeJobRequest(*args));
                          ARCA_ASSIGN_OR_RETURN(const json job, client.CreateJob(request));
                          if (show_progress) {
                            std::printf("job %s created: plan %s at %s\n", Field(job, "id").c_str(),
                                        Field(job, "plan_hash").substr(0, 12).c_str(),
                                        Field(job, "level").c_str());
                            std::fflush(stdout);
                          }
                          return WaitIf(client, job, *wait, show_progress);
                        }),
        *as_json, [&](const json& job) {
          if (wait->wait)
            std::printf("job %s %s\n", Field(job, "id").c_str(), Field(job, "status").c_str());
        });
  });
}

void AddStatus(CLI::App& consumer, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto job = std::make_shared<int64_t>(0);
  auto wait = std::make_shared<WaitFlags>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = consumer.add_subcommand(
      "status", "Show a job: status, progress, each node's part, its error if it failed");
  flags->AddTo(*command);
  command->add_option("job", *job, "The job's id")->required();
  wait->AddTo(*command);
  command->add_flag("--json", *as_json, "Print the job as JSON");
  command->callback([=] {
    *exit_code = Print(CallCoordinator(*flags,
                                       [&](client::CoordinatorClient& client) -> Result<json> {
                                         if (!wait->wait) return client.GetJob(*job);
                                         return WatchJob(
                                             client, *job,
                                             *as_json ? JobObserver() : ProgressBarObserver(*job),
                                             wait->timeout());
                                       }),
                       *as_json, PrintJob);
  });
}

void AddJobs(CLI::App& consumer, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto filter = std::make_shared<client::JobListFilter>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = consumer.add_subcommand(
      "jobs", "List your jobs, oldest first: id, plan, level, status, progress, created");
  flags->AddTo(*command);
  command->add_option("--status", filter->status, "Only jobs in this status")
      ->check(CLI::IsMember({"pending", "running", "succeeded", "failed", "cancelled"}));
  command->add_option("--plan", filter->plan_hash, "Only jobs of this plan (its full hash)");
  command->add_flag("--json", *as_json, "Print the jobs as JSON");
  command->callback([=] {
    *exit_code = Print(
        CallCoordinator(
            *flags, [&](client::CoordinatorClient& client) { return client.ListJobs(*filter); }),
        *as_json, PrintJobs);
  });
}

void AddCancel(CLI::App& consumer, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto job = std::make_shared<int64_t>(0);
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command =
      consumer.add_subcommand("cancel", "Cancel an unfinished job; its nodes are told to stop");
  flags->AddTo(*command);
  command->add_option("job", *job, "The job's id")->required();
  command->add_flag("--json", *as_json, "Print the cancelled job as JSON");
  command->callback([=] {
    *exit_code = Print(
        CallCoordinator(*flags,
                        [&](client::CoordinatorClient& client) { return client.CancelJob(*job); }),
        *as_json, [](const json& cancelled) {
          std::printf("job %s %s\n", Field(cancelled, "id").c_str(),
                      Field(cancelled, "status").c_str());
        });
  });
}

json OutputsJson(const std::vector<client::NamedOutput>& outputs) {
  json list = json::array();
  for (const client::NamedOutput& output : outputs) {
    list.push_back({{"name", output.name}, {"labels", output.labels}, {"values", output.values}});
  }
  return list;
}

struct FetchArgs {
  JobFetchRequest request;
  std::string result_key;
};

Result<json> Fetch(client::CoordinatorClient& client, const FetchArgs& args) {
  ARCA_ASSIGN_OR_RETURN(const crypto::X25519Key key, ReadResultPrivateKey(args.result_key));
  ARCA_ASSIGN_OR_RETURN(const FetchedJob fetched, FetchJobResult(client, args.request, key));
  const JobFetchRequest& request = args.request;
  return json{{"job", request.job},
              {"out", request.out_csv},
              {"receipt", request.receipt_path.empty() ? json() : json(request.receipt_path)},
              {"results_dir", request.results_dir.empty() ? json() : json(request.results_dir)},
              {"result_files", fetched.result_files},
              {"outputs", OutputsJson(fetched.outputs)}};
}

void AddFetch(CLI::App& consumer, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto args = std::make_shared<FetchArgs>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = consumer.add_subcommand(
      "fetch",
      "Fetch a succeeded job's result: every node's encrypted file, opened with your result\n"
      "key and combined into a CSV (name,label,value). --receipt keeps the job's receipt and\n"
      "--results-dir the encrypted files, for arca consumer verify-receipt.");
  flags->AddTo(*command);
  command->add_option("job", args->request.job, "The job's id")->required();
  command
      ->add_option("--result-key", args->result_key,
                   "Your result private key (from arca consumer keygen)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--out", args->request.out_csv, "Where to write the result CSV")->required();
  command->add_option("--receipt", args->request.receipt_path, "Where to write the receipt (JSON)");
  command->add_option("--results-dir", args->request.results_dir,
                      "Keep the nodes' encrypted result files here (default: a temporary "
                      "directory, removed)");
  command->add_flag("--json", *as_json, "Print the outputs and the files written as JSON");
  command->callback([=] {
    *exit_code = Print(
        CallCoordinator(*flags,
                        [&](client::CoordinatorClient& client) { return Fetch(client, *args); }),
        *as_json, [](const json& fetched) {
          size_t values = 0;
          for (const json& output : fetched["outputs"]) {
            values += output["values"].size();
          }
          std::printf("job %s: %zu output(s), %zu value(s) in %s\n", Field(fetched, "job").c_str(),
                      fetched["outputs"].size(), values, Field(fetched, "out").c_str());
          if (fetched["receipt"].is_string()) {
            std::printf("  receipt   %s\n", Field(fetched, "receipt").c_str());
          }
          if (fetched["results_dir"].is_string()) {
            std::printf("  results   %s\n", Field(fetched, "results_dir").c_str());
          }
        });
  });
}

}  // namespace

void AddJobCommands(CLI::App& consumer, int* exit_code) {
  AddKeygen(consumer, exit_code);
  AddRun(consumer, exit_code);
  AddStatus(consumer, exit_code);
  AddJobs(consumer, exit_code);
  AddCancel(consumer, exit_code);
  AddFetch(consumer, exit_code);
}

}  // namespace arca::cli
