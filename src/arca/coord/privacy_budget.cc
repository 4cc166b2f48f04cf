#include "arca/coord/privacy_budget.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>

#include "arca/plan/execution_rules.h"

namespace arca::coord {
namespace {

// Sums of a few doubles may exceed the exact sum by a few ulps; a budget is respected up to
// this fraction of it, so that ten charges of 0.1 fit in a budget of 1.
constexpr double kRounding = 1e-9;

bool Fits(double budget, double spent, double charge) {
  return spent + charge <= budget * (1 + kRounding);
}

// "ε 0.5 (outputs 'm' 0.25, 's' 0.25)"
std::string Needs(std::string_view symbol, const BudgetCharge& charge, double PrivacyLoss::*part) {
  std::string outputs;
  for (const OutputLoss& output : charge.outputs) {
    outputs += fmt::format("{}'{}' {}", outputs.empty() ? "" : ", ", output.output,
                           FormatLoss(output.loss.*part));
  }
  return fmt::format("{} {} (output{} {})", symbol, FormatLoss(charge.Total().*part),
                     charge.outputs.size() == 1 ? "" : "s", outputs);
}

}  // namespace

std::string FormatLoss(double value) { return fmt::format("{:.10g}", value); }

Status CheckPrivacyLoss(const PrivacyLoss& loss, std::string_view what) {
  if (!std::isfinite(loss.epsilon) || loss.epsilon <= 0) {
    return InvalidArgumentError(
        fmt::format("{}: epsilon must be a number > 0, not {}", what, FormatLoss(loss.epsilon)));
  }
  if (!std::isfinite(loss.delta) || loss.delta < 0 || loss.delta >= 1) {
    return InvalidArgumentError(
        fmt::format("{}: delta must be a number in [0, 1), not {}", what, FormatLoss(loss.delta)));
  }
  return OkStatus();
}

Result<std::vector<BudgetCharge>> PlanCharges(const plan::ValidatedPlan& plan,
                                              const std::set<std::string>& budgeted) {
  std::vector<BudgetCharge> charges;
  if (budgeted.empty()) return charges;
  const std::vector<plan::Node>& nodes = plan.plan.nodes;
  const std::vector<std::set<std::string>> sources = plan::RowSources(plan);
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i].id, i);

  for (size_t i = 0; i < nodes.size(); ++i) {
    const auto* train = std::get_if<plan::TrainArgs>(&nodes[i].args);
    if (train == nullptr || !train->store_as) continue;
    for (const std::string& dataset : sources[i]) {
      if (!budgeted.contains(dataset)) continue;
      return PermissionDeniedError(fmt::format(
          "{} keeps the model it trains on '{}' as '{}'; its owner set a privacy budget, and "
          "what a stored model predicts later cannot be charged to it: release the model with "
          "noise instead",
          nodes[i].Describe(), dataset, *train->store_as));
    }
  }
  for (const std::string& dataset : budgeted) {
    BudgetCharge charge{.dataset = dataset};
    for (const plan::Output& output : plan.plan.outputs) {
      if (!sources[index.at(output.node)].contains(dataset)) continue;
      if (!output.noise) {
        return PermissionDeniedError(fmt::format(
            "output '{}' releases data of '{}' without noise; its owner set a privacy budget, "
            "so every output that reads it must have differential-privacy noise",
            output.name, dataset));
      }
      const PrivacyLoss loss{.epsilon = output.noise->epsilon, .delta = output.noise->delta};
      charge.outputs.push_back({.output = output.name, .loss = loss});
    }
    charges.push_back(std::move(charge));
  }
  return charges;
}

PrivacyLoss BudgetLeft(const PrivacyLoss& budget, const PrivacyLoss& spent) {
  return {.epsilon = std::max(0.0, budget.epsilon - spent.epsilon),
          .delta = std::max(0.0, budget.delta - spent.delta)};
}

Status CheckChargeFits(const PrivacyLoss& budget, const PrivacyLoss& spent,
                       const BudgetCharge& charge) {
  const PrivacyLoss left = BudgetLeft(budget, spent);
  for (const auto& [symbol, part] :
       {std::pair{"ε", &PrivacyLoss::epsilon}, std::pair{"δ", &PrivacyLoss::delta}}) {
    if (Fits(budget.*part, spent.*part, charge.Total().*part)) continue;
    return FailedPreconditionError(fmt::format(
        "dataset '{}' has {} {} of its privacy budget {} left; this plan needs {}", charge.dataset,
        symbol, FormatLoss(left.*part), FormatLoss(budget.*part), Needs(symbol, charge, part)));
  }
  return OkStatus();
}

}  // namespace arca::coord
