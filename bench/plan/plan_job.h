// A plan document to benchmark and the manifests of its inputs, checked against each other.
//
// Every process of arca-bench-plan loads the job itself: the plan and the manifests are public
// (the parties all know the plan and its inputs' shapes); only the process of party 0, which
// plays the data owner, reads the column files (plan_inputs.h).
#ifndef ARCA_BENCH_PLAN_PLAN_JOB_H_
#define ARCA_BENCH_PLAN_PLAN_JOB_H_

#include <map>
#include <string>

#include "arca/base/status.h"
#include "arca/plan/validate.h"
#include "bench/plan/manifest.h"

namespace arca::bench {

struct PlanJob {
  plan::ValidatedPlan plan;
  std::map<std::string, DatasetManifest> inputs;  // by plan input name
};

// Reads the plan document at `plan_path` and the manifest of each plan input (`manifests`:
// input name -> manifest path), checks that they name exactly the plan's inputs and hold every
// column the plan reads (with files of the right size), and validates the plan with the manifests'
// column types. Errors are one line: "plan invalid: node 'g' (groupby): ...", "no manifest for plan
// input 'orders'", "manifest o.json: no column 'o_custkey', which the plan reads".
Result<PlanJob> LoadPlanJob(const std::string& plan_path,
                            const std::map<std::string, std::string>& manifests);

// Reads and validates the plan document at `plan_path` without its inputs' types (structure
// only): whether this build can run such a plan at all.
Status CheckPlan(const std::string& plan_path);

}  // namespace arca::bench

#endif  // ARCA_BENCH_PLAN_PLAN_JOB_H_
