#include "arca/cli/owner_command.h"

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arca/cli/approval_command.h"
#include "arca/cli/attest_node.h"
#include "arca/cli/budget_command.h"
#include "arca/cli/upload_command.h"

namespace arca::cli {
namespace {

struct VerifyNodesArgs {
  std::string policy;
  std::vector<std::string> nodes;
  bool json = false;
};

int VerifyNodes(const VerifyNodesArgs& args) {
  const Result<tee::Policy> policy = tee::Policy::Load(args.policy);
  if (!policy.ok()) {
    std::fprintf(stderr, "arca: %s\n", policy.status().message().c_str());
    return 2;
  }
  int refused = 0;
  nlohmann::json report = nlohmann::json::array();
  for (const std::string& node : args.nodes) {
    const Result<tee::Statement> statement = AttestNode(node, *policy);
    if (!statement.ok()) ++refused;
    if (args.json) {
      report.push_back(
          statement.ok()
              ? nlohmann::json{{"node", node},
                               {"accepted", true},
                               {"statement", nlohmann::json::parse(statement->CanonicalJson())}}
              : nlohmann::json{
                    {"node", node}, {"accepted", false}, {"error", statement.status().message()}});
      continue;
    }
    if (statement.ok()) {
      const tee::Claims& c = statement->claims;
      std::printf("%-22s ACCEPTED  %s%s measurement %s\n", node.c_str(),
                  std::string(tee::PlatformName(c.platform)).c_str(),
                  c.platform == tee::Platform::kSim ? " (SIMULATED)" : "",
                  ToHex(c.measurement).substr(0, 16).c_str());
    } else {
      std::printf("%-22s REFUSED   %s\n", node.c_str(), statement.status().message().c_str());
    }
  }
  if (args.json) std::printf("%s\n", report.dump(2).c_str());
  return refused == 0 ? 0 : 1;
}

}  // namespace

void AddOwnerCommand(CLI::App& app, int* exit_code) {
  CLI::App* owner =
      app.add_subcommand("owner", "Data owner: check nodes, upload, approve, set privacy budgets");
  owner->require_subcommand(1);
  auto args = std::make_shared<VerifyNodesArgs>();
  CLI::App* verify = owner->add_subcommand(
      "verify-nodes",
      "Attest each node from this machine, over attested TLS, against your policy.\n"
      "Exit status: 0 all accepted, 1 any refused, 2 usage error.");
  verify->add_option("--policy", args->policy, "Your reference-value policy")
      ->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--node", args->nodes, "A node's endpoint IP:PORT; repeatable")->required();
  verify->add_flag("--json", args->json, "Print the statements as JSON");
  verify->callback([args, exit_code] { *exit_code = VerifyNodes(*args); });
  AddOwnerUploadCommands(*owner, exit_code);
  AddApprovalCommands(*owner, exit_code);
  AddBudgetCommands(*owner, exit_code);
}

}  // namespace arca::cli
