// The rules of datasets' privacy budgets (docs/PLANS.md, "Privacy budget"): what a plan costs
// the budgeted datasets it reads, and whether that fits in what is left.
//
// Composition is basic and sequential: a job costs a dataset the sum of the ε, and the sum of
// the δ, of every output of its plan that reads the dataset, and the jobs on a dataset add up
// the same way. An output reads a dataset if its node's rows come from it: the node graph
// walked back from the output to its `column` nodes (plan::RowSources).
#ifndef ARCA_COORD_PRIVACY_BUDGET_H_
#define ARCA_COORD_PRIVACY_BUDGET_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/coord/records.h"
#include "arca/plan/validate.h"

namespace arca::coord {

// OK when `loss` is one a budget or an output's noise may have: ε finite and > 0, δ finite and
// in [0, 1). Otherwise invalid-argument, one line naming `what` and the part:
//   privacy budget of dataset 'hospital_a': epsilon must be a number > 0, not 0
// The API, the store's budgets and the store's charges all check losses with this.
Status CheckPrivacyLoss(const PrivacyLoss& loss, std::string_view what);

// The charges of `plan` on the datasets named in `budgeted` (plan input names, which for owner
// inputs are the dataset names), one for each, in name order; none when `budgeted` is empty.
// Permission-denied, naming the output or node and the dataset, when an output that reads a
// budgeted dataset has no noise, or when the plan keeps a model trained on one (`store_as`):
// what a stored model predicts in later jobs could not be charged to the dataset.
Result<std::vector<BudgetCharge>> PlanCharges(const plan::ValidatedPlan& plan,
                                              const std::set<std::string>& budgeted);

// What is left of `budget` after `spent`: each part never below zero.
PrivacyLoss BudgetLeft(const PrivacyLoss& budget, const PrivacyLoss& spent);

// OK when `charge` fits in what is left of `budget` after `spent` (up to rounding: one part
// in 10^9 of the budget). Otherwise failed-precondition, one line naming the dataset, what is
// left and what the plan needs, output by output:
//   dataset 'hospital_a' has ε 0.3 of its privacy budget 2 left; this plan needs ε 0.5
//   (outputs 'm' 0.25, 's' 0.25)
// Not resource-exhausted: in status.h that code is a size or memory limit of the call itself
// (the API answers it 413); a spent budget is the state of the dataset, which only its owner
// can change by raising the budget, and that is what failed-precondition (409) says.
Status CheckChargeFits(const PrivacyLoss& budget, const PrivacyLoss& spent,
                       const BudgetCharge& charge);

// A loss as the API's lines and the CLI print it: up to 10 significant digits ("0.3", "1e-06").
std::string FormatLoss(double value);

}  // namespace arca::coord

#endif  // ARCA_COORD_PRIVACY_BUDGET_H_
