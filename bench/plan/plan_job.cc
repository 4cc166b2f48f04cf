#include "bench/plan/plan_job.h"

#include <fmt/format.h>

#include <string_view>

#include "arca/base/bytes.h"

namespace arca::bench {
namespace {

Result<plan::Plan> ReadPlan(const std::string& path) {
  Result<Bytes> bytes = ReadFileBytes(path);
  if (!bytes.ok()) return bytes.status().WithContext("plan");
  Result<plan::Plan> parsed = plan::Plan::Parse(
      std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  if (!parsed.ok()) return parsed.status().WithContext("plan invalid");
  return parsed;
}

}  // namespace

Result<PlanJob> LoadPlanJob(const std::string& plan_path,
                            const std::map<std::string, std::string>& manifests) {
  ARCA_ASSIGN_OR_RETURN(plan::Plan parsed, ReadPlan(plan_path));
  PlanJob job;
  plan::Schemas schemas;
  for (const auto& [name, input] : parsed.inputs) {
    const auto it = manifests.find(name);
    if (it == manifests.end()) {
      return InvalidArgumentError(fmt::format("no manifest for plan input '{}'", name));
    }
    ARCA_ASSIGN_OR_RETURN(DatasetManifest manifest, ReadManifest(it->second));
    for (const std::string& column : input.columns) {
      const ManifestColumn* found = manifest.Find(column);
      if (found == nullptr) {
        return InvalidArgumentError(fmt::format("manifest {}: no column '{}', which the plan reads",
                                                manifest.path, column));
      }
      ARCA_RETURN_IF_ERROR(CheckColumnFile(manifest, *found));
      schemas[name][column] = found->type;
    }
    job.inputs[name] = std::move(manifest);
  }
  for (const auto& [name, path] : manifests) {
    if (!parsed.inputs.contains(name)) {
      return InvalidArgumentError(
          fmt::format("a manifest for '{}', which the plan does not read", name));
    }
  }
  Result<plan::ValidatedPlan> validated = plan::Validate(std::move(parsed), schemas);
  if (!validated.ok()) return validated.status().WithContext("plan invalid");
  job.plan = *std::move(validated);
  return job;
}

Status CheckPlan(const std::string& plan_path) {
  ARCA_ASSIGN_OR_RETURN(plan::Plan parsed, ReadPlan(plan_path));
  return plan::Validate(std::move(parsed)).status().WithContext("plan invalid");
}

}  // namespace arca::bench
