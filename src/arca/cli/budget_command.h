// The data owner's privacy budgets (docs/PLANS.md, "Privacy budget") over the coordinator's
// API, and the dataset listing that shows them:
//   arca owner budget DATASET --epsilon E [--delta D]
//   arca owner datasets
// Each takes the flags of coordinator_flags.h and --json. A budget is also set at upload
// (`arca owner upload --epsilon-budget E [--delta-budget D]`, upload_command.h).
#ifndef ARCA_CLI_BUDGET_COMMAND_H_
#define ARCA_CLI_BUDGET_COMMAND_H_

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace arca::cli {

// A dataset record's "budget" in words: "ε 0.5 of 2 spent, 1.5 left", then the same for δ
// when the budget has one; "-" for null (no budget).
std::string BudgetText(const nlohmann::json& budget);

// Adds budget and datasets to the `owner` subcommand.
void AddBudgetCommands(CLI::App& owner, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_BUDGET_COMMAND_H_
