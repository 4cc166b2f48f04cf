#include "arca/cli/budget_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string_view>

#include "arca/cli/command_output.h"
#include "arca/cli/coordinator_call.h"
#include "arca/coord/privacy_budget.h"

namespace arca::cli {
namespace {

using nlohmann::json;

// "ε 0.5 of 2 spent, 1.5 left"
std::string Part(const json& budget, std::string_view symbol, const std::string& key) {
  const auto number = [&](const std::string& name) {
    const json value = budget.value(name, json());
    return value.is_number() ? coord::FormatLoss(value.get<double>()) : std::string("?");
  };
  return fmt::format("{} {} of {} spent, {} left", symbol, number(key + "_spent"), number(key),
                     number(key + "_left"));
}

void PrintBudget(const json& dataset) {
  std::printf("privacy budget of dataset %s: %s\n", Field(dataset, "name").c_str(),
              BudgetText(dataset.value("budget", json())).c_str());
}

void PrintDatasets(const json& answer) {
  std::printf("%-20s %-7s %-14s %-9s %-8s %-9s %s\n", "dataset", "version", "owner", "level",
              "rows", "state", "privacy budget");
  for (const json& dataset : answer.value("datasets", json::array())) {
    std::printf("%-20s %-7s %-14s %-9s %-8s %-9s %s\n", Field(dataset, "name").c_str(),
                Field(dataset, "version").c_str(), Field(dataset, "owner").c_str(),
                Field(dataset, "level").c_str(), Field(dataset, "row_count").c_str(),
                dataset.value("withdrawn", false) ? "withdrawn" : "usable",
                BudgetText(dataset.value("budget", json())).c_str());
  }
}

struct BudgetArgs {
  std::string dataset;
  client::PrivacyBudget budget;
};

void AddBudget(CLI::App& owner, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto args = std::make_shared<BudgetArgs>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = owner.add_subcommand(
      "budget",
      "Set the privacy budget of your dataset (every version of it): the total ε and δ that\n"
      "all jobs on it may spend. Every output that reads it must then have\n"
      "differential-privacy noise. You may raise or lower it, never remove it; what jobs have\n"
      "spent stays spent.");
  flags->AddTo(*command);
  command->add_option("dataset", args->dataset, "Your dataset")->required();
  command->add_option("--epsilon", args->budget.epsilon, "The total ε, > 0")->required();
  command->add_option("--delta", args->budget.delta, "The total δ in [0, 1); default 0");
  command->add_flag("--json", *as_json, "Print the dataset as JSON");
  command->callback([=] {
    *exit_code =
        Print(CallCoordinator(*flags,
                              [&](client::CoordinatorClient& client) {
                                return client.SetDatasetBudget(args->dataset, args->budget);
                              }),
              *as_json, PrintBudget);
  });
}

void AddDatasets(CLI::App& owner, int* exit_code) {
  auto flags = std::make_shared<CoordinatorFlags>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = owner.add_subcommand(
      "datasets",
      "List the datasets (the latest version of each): owner, level, rows, whether withdrawn,\n"
      "and the privacy budget spent and left");
  flags->AddTo(*command);
  command->add_flag("--json", *as_json, "Print the datasets as JSON");
  command->callback([=] {
    *exit_code =
        Print(CallCoordinator(
                  *flags, [](client::CoordinatorClient& client) { return client.ListDatasets(); }),
              *as_json, PrintDatasets);
  });
}

}  // namespace

std::string BudgetText(const json& budget) {
  if (!budget.is_object()) return "-";
  std::string text = Part(budget, "ε", "epsilon");
  if (budget.value("delta", 0.0) > 0) text += "; " + Part(budget, "δ", "delta");
  return text;
}

void AddBudgetCommands(CLI::App& owner, int* exit_code) {
  AddBudget(owner, exit_code);
  AddDatasets(owner, exit_code);
}

}  // namespace arca::cli
