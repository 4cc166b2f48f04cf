#include "arca/cli/approval_command.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "arca/cli/command_output.h"
#include "arca/cli/coordinator_call.h"

namespace arca::cli {
namespace {

using nlohmann::json;

// "a,b" for a JSON array of strings, "-" for none.
std::string Joined(const json& list) {
  std::string text;
  for (const json& item : list.is_array() ? list : json::array()) {
    if (!text.empty()) text += ",";
    text += item.is_string() ? item.get<std::string>() : item.dump();
  }
  return text.empty() ? "-" : text;
}

std::string Rules(const json& approval) {
  const json rules = approval.value("rules", json::object());
  std::string text;
  if (rules.contains("aggregate_only")) text += "aggregate-only " + Joined(rules["aggregate_only"]);
  if (rules.contains("min_rows")) {
    text += (text.empty() ? "" : "; ") + fmt::format("min-rows {}", Field(rules, "min_rows"));
  }
  return text.empty() ? "-" : text;
}

void PrintApproval(const json& approval, std::string_view verb) {
  std::printf("%s approval %s: plan %s, dataset %s, for %s at %s", std::string(verb).c_str(),
              Field(approval, "id").c_str(), Field(approval, "plan_hash").substr(0, 12).c_str(),
              Field(approval, "dataset").c_str(),
              Joined(approval.value("consumers", json())).c_str(),
              Joined(approval.value("levels", json())).c_str());
  const std::string rules = Rules(approval);
  std::printf("%s\n", rules == "-" ? "" : (" (" + rules + ")").c_str());
}

void PrintApprovals(const json& answer) {
  std::printf("%-4s %-14s %-16s %-14s %-18s %-18s %-10s %s\n", "id", "plan", "dataset", "owner",
              "consumers", "levels", "state", "rules");
  for (const json& approval : answer.value("approvals", json::array())) {
    std::printf("%-4s %-14s %-16s %-14s %-18s %-18s %-10s %s\n", Field(approval, "id").c_str(),
                Field(approval, "plan_hash").substr(0, 12).c_str(),
                Field(approval, "dataset").c_str(), Field(approval, "owner").c_str(),
                Joined(approval.value("consumers", json())).c_str(),
                Joined(approval.value("levels", json())).c_str(),
                approval.value("revoked", false) ? "revoked" : "in force", Rules(approval).c_str());
  }
}

struct ApproveArgs {
  client::ApprovalGrant grant;
  std::vector<std::string> aggregate_only;
  std::optional<int64_t> min_rows;
};

void AddApprove(CLI::App& owner, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto args = std::make_shared<ApproveArgs>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = owner.add_subcommand(
      "approve",
      "Let named consumers run a plan (by its hash) on your dataset at the given security\n"
      "levels, optionally with rules the nodes enforce. Prints the approval's id.");
  flags->AddTo(*command);
  command->add_option("plan_hash", args->grant.plan_hash, "The plan's hash (arca code plans)")
      ->required();
  command->add_option("--dataset", args->grant.dataset, "Your dataset")->required();
  command->add_option("--consumer", args->grant.consumers, "The consumers it lets run: ID[,ID]")
      ->required()
      ->delimiter(',');
  command->add_option("--levels", args->grant.levels, "The security levels it allows: L[,L]")
      ->required()
      ->delimiter(',')
      ->check(CLI::IsMember({"tee", "dealer2pc", "rep3"}));
  command
      ->add_option("--aggregate-only", args->aggregate_only,
                   "Columns that may leave the nodes only aggregated: COL[,COL]")
      ->delimiter(',');
  command->add_option("--min-rows", args->min_rows,
                      "The fewest rows any released aggregate may cover");
  command->add_flag("--json", *as_json, "Print the approval as JSON");
  command->callback([=] {
    client::ApprovalGrant grant = args->grant;
    if (!args->aggregate_only.empty()) grant.rules["aggregate_only"] = args->aggregate_only;
    if (args->min_rows) grant.rules["min_rows"] = *args->min_rows;
    *exit_code = Print(
        CallCoordinator(
            *flags, [&](client::CoordinatorClient& client) { return client.GrantApproval(grant); }),
        *as_json, [](const json& approval) { PrintApproval(approval, "granted"); });
  });
}

void AddRevoke(CLI::App& owner, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto id = std::make_shared<int64_t>(0);
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = owner.add_subcommand(
      "revoke",
      "Revoke an approval you granted. Unfinished jobs it no longer approves are cancelled.");
  flags->AddTo(*command);
  command->add_option("approval_id", *id, "The approval's id")->required();
  command->add_flag("--json", *as_json, "Print the revoked approval as JSON");
  command->callback([=] {
    *exit_code = Print(
        CallCoordinator(
            *flags, [&](client::CoordinatorClient& client) { return client.RevokeApproval(*id); }),
        *as_json, [](const json& approval) {
          PrintApproval(approval, "revoked");
          std::printf("unfinished jobs no longer approved are cancelled\n");
        });
  });
}

void AddList(CLI::App& owner, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto plan = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = owner.add_subcommand(
      "approvals", "List the approvals of a plan, revoked ones too: who may run it on what");
  flags->AddTo(*command);
  command->add_option("--plan", *plan, "The plan's hash")->required();
  command->add_flag("--json", *as_json, "Print the approvals as JSON");
  command->callback([=] {
    *exit_code = Print(
        CallCoordinator(
            *flags, [&](client::CoordinatorClient& client) { return client.ListApprovals(*plan); }),
        *as_json, PrintApprovals);
  });
}

}  // namespace

void AddApprovalCommands(CLI::App& owner, int* exit_code) {
  AddApprove(owner, exit_code);
  AddRevoke(owner, exit_code);
  AddList(owner, exit_code);
}

}  // namespace arca::cli
