// Whether a consumer may run a plan: the checks behind POST /v1/jobs (docs/API.md, "Jobs").
//
// A job is admitted only if the plan allows the level; every output names the consumer as a
// recipient (a job delivers all of its outputs to its consumer); every owner-supplied input
// is an uploaded, not withdrawn dataset made for that level with at least one approval in
// force from its owner naming this consumer and level; every consumer-supplied input is bound
// to a dataset the consumer uploaded for that level; the datasets' schemas fit the plan; every
// stored model the plan applies exists, is not withdrawn, was made for the level and names
// the consumer; no model the plan would store has a taken name; and, for every owner input
// whose dataset has a privacy budget, every output that reads it has noise and no model
// trained on it is kept (privacy_budget.h, PlanCharges). The first check that fails is the
// error: permission-denied when an approval or a grant is missing or an owner's rule forbids
// (naming it), failed-precondition when something must be uploaded or changed first,
// invalid-argument for a malformed request, not-found for an unknown plan.
//
// The job's charges on those budgets come with it; whether they fit in what is left is checked
// by Store::CreateJob, in the transaction that records them.
#ifndef ARCA_COORD_JOB_ADMISSION_H_
#define ARCA_COORD_JOB_ADMISSION_H_

#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/coord/api_bodies.h"
#include "arca/coord/records.h"
#include "arca/coord/store.h"
#include "arca/plan/plan.h"

namespace arca::coord {

// The job to create for `consumer`'s request.
Result<JobSpec> AdmitJob(Store& store, const JobBody& request, std::string_view consumer);

// The approvals in force for `plan_hash` on `dataset` that name `consumer` and `level`.
Result<std::vector<Approval>> ApprovalsInForce(Store& store, const crypto::Sha256Digest& plan_hash,
                                               std::string_view dataset, std::string_view consumer,
                                               SecurityLevel level);

// Whether a created, unfinished job is still allowed: its owner inputs still approved, not
// withdrawn, and charged if their dataset has a privacy budget (one set after the job was
// admitted is not), its models not withdrawn. The reason it is not, or OK.
Status StillAdmitted(Store& store, const Job& job);

// The stored plan, parsed (it was validated when submitted).
Result<plan::Plan> StoredPlan(Store& store, const crypto::Sha256Digest& plan_hash);

}  // namespace arca::coord

#endif  // ARCA_COORD_JOB_ADMISSION_H_
