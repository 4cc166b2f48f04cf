#include "arca/plan/plan_hash.h"

#include "arca/base/bytes.h"
#include "arca/crypto/hash.h"
#include "arca/plan/canonical_json.h"
#include "arca/plan/validate.h"

namespace arca::plan {

Result<std::string> CanonicalPlanText(const Plan& plan) { return CanonicalJson(plan.ToJson()); }

Result<std::string> PlanHash(const Plan& plan) {
  ARCA_ASSIGN_OR_RETURN(const std::string text, CanonicalPlanText(plan));
  return ToHex(crypto::Sha256(AsBytes(text)));
}

Result<std::string> PlanHashOfText(std::string_view json_text) {
  ARCA_ASSIGN_OR_RETURN(Plan plan, Plan::Parse(json_text));
  ARCA_ASSIGN_OR_RETURN(const ValidatedPlan validated, Validate(std::move(plan)));
  return PlanHash(validated.plan);
}

}  // namespace arca::plan
