// libFuzzer target for plan documents, which code owners send to the coordinator and the
// coordinator hands to nodes: strict JSON and RFC 8785 canonicalisation, Plan::Parse, and
// validation with and without schemas. Nothing may crash, and two properties must hold:
//   - canonical text is a fixed point of canonicalisation;
//   - a plan's normal form parses back to the same plan (so its hash covers all of it).
//
// `./scripts/test` runs it for a few seconds; docs/FUZZING.md has the longer command.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "arca/plan/canonical_json.h"
#include "arca/plan/plan.h"
#include "arca/plan/plan_hash.h"
#include "arca/plan/validate.h"

namespace {

// The schema of the example plans' datasets, so that type checks run on inputs derived from
// the seeds.
const arca::plan::Schemas& HospitalSchemas() {
  using arca::plan::ColumnType;
  static const auto* const schemas =
      new arca::plan::Schemas{{"hospital_a",
                               {{"age", ColumnType::kInteger},
                                {"malignant", ColumnType::kBoolean},
                                {"mean_radius", ColumnType::kDecimal},
                                {"site", ColumnType::kCategorical}}},
                              {"applicants", {{"mean_radius", ColumnType::kDecimal}}}};
  return *schemas;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (arca::Result<std::string> canonical = arca::plan::CanonicalizeJsonText(text);
      canonical.ok()) {
    arca::Result<std::string> again = arca::plan::CanonicalizeJsonText(*canonical);
    if (!again.ok() || *again != *canonical) std::abort();
  }
  arca::Result<arca::plan::Plan> plan = arca::plan::Plan::Parse(text);
  if (!plan.ok()) return 0;
  static_cast<void>(arca::plan::FindProblems(*plan, HospitalSchemas()));
  static_cast<void>(arca::plan::Validate(*plan));
  arca::Result<std::string> normal = arca::plan::CanonicalPlanText(*plan);
  if (!normal.ok()) std::abort();
  if (normal->size() > arca::plan::kMaxPlanBytes) return 0;  // defaults written out can grow it
  arca::Result<arca::plan::Plan> again = arca::plan::Plan::Parse(*normal);
  if (!again.ok() || !(*again == *plan)) std::abort();
  return 0;
}
