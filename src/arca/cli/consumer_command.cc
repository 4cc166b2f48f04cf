#include "arca/cli/consumer_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "arca/cli/infer_command.h"
#include "arca/cli/job_command.h"
#include "arca/client/receipt.h"
#include "arca/coord/privacy_budget.h"

namespace arca::cli {
namespace {

struct VerifyReceiptArgs {
  std::string receipt;
  std::string policy;
  std::string results;
};

// Every regular file in `dir`, in name order.
Result<std::vector<Bytes>> ReadResultFiles(const std::string& dir) {
  std::vector<std::string> paths;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.is_regular_file()) paths.push_back(entry.path().string());
  }
  if (error) {
    return NotFoundError("cannot list the results directory '" + dir + "': " + error.message());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Bytes> files;
  for (const std::string& path : paths) {
    ARCA_ASSIGN_OR_RETURN(Bytes file, ReadFileBytes(path));
    files.push_back(std::move(file));
  }
  return files;
}

int VerifyReceiptCommand(const VerifyReceiptArgs& args) {
  const Result<tee::Policy> policy = tee::Policy::Load(args.policy);
  if (!policy.ok()) {
    std::fprintf(stderr, "arca: %s\n", policy.status().message().c_str());
    return 2;
  }
  const Result<Bytes> text = ReadFileBytes(args.receipt);
  if (!text.ok()) {
    std::fprintf(stderr, "arca: %s\n", text.status().message().c_str());
    return 2;
  }
  client::ReceiptCheckOptions options;
  if (!args.results.empty()) {
    Result<std::vector<Bytes>> files = ReadResultFiles(args.results);
    if (!files.ok()) {
      std::fprintf(stderr, "arca: %s\n", files.status().message().c_str());
      return 2;
    }
    options.check_results = true;
    options.result_files = *std::move(files);
  }
  const Result<client::VerifiedReceipt> receipt = client::VerifyReceipt(
      std::string_view(reinterpret_cast<const char*>(text->data()), text->size()), *policy,
      options);
  if (!receipt.ok()) {
    std::printf("REFUSED: %s\n", receipt.status().message().c_str());
    return 1;
  }
  const client::ReceiptBody& c = receipt->common;
  std::printf("receipt for job %lld VERIFIED\n", static_cast<long long>(c.job));
  std::printf("  plan      %s\n  level     %s\n  consumer  %s\n", c.plan_hash.c_str(),
              c.level.c_str(), c.consumer.c_str());
  for (const client::ReceiptDataset& d : c.datasets) {
    std::printf("  input     %s: dataset %s version %llu\n", d.input.c_str(), d.dataset.c_str(),
                static_cast<unsigned long long>(d.version));
  }
  for (const client::PrivacySpent& p : c.privacy) {
    if (p.epsilon > 0 || p.delta > 0) {
      std::printf("  privacy   %s: epsilon %s, delta %s\n", p.output.c_str(),
                  coord::FormatLoss(p.epsilon).c_str(), coord::FormatLoss(p.delta).c_str());
    }
  }
  for (const client::VerifiedPart& part : receipt->parts) {
    const tee::Claims& claims = part.statement.claims;
    std::printf("  party %d   %s, %s%s, measurement %s\n", part.party, part.node.c_str(),
                std::string(tee::PlatformName(claims.platform)).c_str(),
                claims.platform == tee::Platform::kSim ? " (SIMULATED)" : "",
                ToHex(claims.measurement).substr(0, 16).c_str());
  }
  if (options.check_results) {
    std::printf("  results   %zu file(s) match the nodes' signatures\n",
                options.result_files.size());
  }
  return 0;
}

}  // namespace

void AddConsumerCommand(CLI::App& app, int* exit_code) {
  CLI::App* consumer = app.add_subcommand("consumer", "Consumer: jobs, results and receipts");
  consumer->require_subcommand(1);
  auto args = std::make_shared<VerifyReceiptArgs>();
  CLI::App* verify = consumer->add_subcommand(
      "verify-receipt",
      "Check a job's receipt offline: every node's evidence under your policy, its signature,\n"
      "that the parts agree, and optionally that result files are the ones the nodes signed.\n"
      "Exit status: 0 verified, 1 refused, 2 usage error.");
  verify->add_option("--receipt", args->receipt, "The receipt (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--policy", args->policy, "Your reference-value policy")
      ->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--results", args->results, "A directory holding the job's result files")
      ->check(CLI::ExistingDirectory);
  verify->callback([args, exit_code] { *exit_code = VerifyReceiptCommand(*args); });
  AddJobCommands(*consumer, exit_code);
  AddInferCommand(*consumer, exit_code);
}

}  // namespace arca::cli
