// The plan hash: what owners approve, receipts name, and nodes check before they run a plan.
//
// hash = lower-case hex SHA-256 of the RFC 8785 text of the plan's normal form (Plan::ToJson):
// defaults written out, sets sorted. So whitespace, member order, number spelling (1, 1.0,
// 1e0), omitted defaults and the order of set members do not change it, and every change to
// what the plan computes or releases does. Anyone can recompute it from the canonical text
// (`sha256sum`), which CanonicalPlanText gives.
#ifndef ARCA_PLAN_PLAN_HASH_H_
#define ARCA_PLAN_PLAN_HASH_H_

#include <string>
#include <string_view>

#include "arca/base/status.h"
#include "arca/plan/plan.h"

namespace arca::plan {

// The bytes the hash covers.
Result<std::string> CanonicalPlanText(const Plan& plan);

// 64 lower-case hex digits.
Result<std::string> PlanHash(const Plan& plan);

// Parses and validates (without schemas) a plan document, then hashes it: an invalid plan has
// no hash to approve.
Result<std::string> PlanHashOfText(std::string_view json_text);

}  // namespace arca::plan

#endif  // ARCA_PLAN_PLAN_HASH_H_
