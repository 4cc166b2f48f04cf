// The job program of a real node: the assignment's plan, run by the plan executor
// (plan/executor.h) on the inputs the job runner loaded (job_runner.h).
//
// The plan text comes from the assignment, whose hash the runner has already checked; it is
// validated again against the schemas of the uploaded datasets, so a dataset whose columns do
// not fit the plan is refused before any protocol step. The owners' rules travel with the
// assignment (the strictest of the approvals in force, merged by the coordinator).
#ifndef ARCA_NODE_PLAN_PROGRAM_H_
#define ARCA_NODE_PLAN_PROGRAM_H_

#include <nlohmann/json.hpp>

#include "arca/base/status.h"
#include "arca/node/job_runner.h"
#include "arca/plan/executor.h"

namespace arca::node {

// An owner's rules as the work feed carries them: {"aggregate_only": [...], "min_rows": n},
// both optional. Errors name the field.
Result<plan::AnalysisRules> ParseAnalysisRules(const nlohmann::json& rules);

// A JobProgram that runs `assignment`'s plan.
JobProgram PlanProgram(const JobAssignment& assignment);

}  // namespace arca::node

#endif  // ARCA_NODE_PLAN_PROGRAM_H_
