#include "arca/cli/job_watch.h"

#include <fmt/format.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "arca/cli/progress_bar.h"

namespace arca::cli {
namespace {

using nlohmann::json;

bool Finished(const std::string& status) {
  return status == "succeeded" || status == "failed" || status == "cancelled";
}

// The nodes of `job` that have not completed their part yet.
std::vector<std::string> WaitingFor(const json& job) {
  std::vector<std::string> nodes;
  for (const json& part : job.value("parties", json::array())) {
    if (part.value("state", "") == "assigned") nodes.push_back(part.value("node", "?"));
  }
  return nodes;
}

// "600s", or "500ms" below a second.
std::string Duration(std::chrono::milliseconds duration) {
  if (duration < std::chrono::seconds(1)) return fmt::format("{}ms", duration.count());
  return fmt::format("{}s", std::chrono::duration_cast<std::chrono::seconds>(duration).count());
}

Status StillUnfinished(const json& job, std::chrono::milliseconds timeout) {
  const std::string status = job.value("status", "");
  const std::string nodes = fmt::format("{}", fmt::join(WaitingFor(job), ", "));
  const std::string what =
      status == "pending"
          ? fmt::format("no node has started it (are {} running?)", nodes)
          : fmt::format("{:.0f}% done, waiting for {}", 100 * job.value("progress", 0.0), nodes);
  return DeadlineExceededError(fmt::format(
      "job {} is still {} after {}: {}; `arca consumer status {} --wait` waits again",
      job.value("id", int64_t{0}), status, Duration(timeout), what, job.value("id", int64_t{0})));
}

}  // namespace

Status JobOutcome(const json& job) {
  const std::string status = job.value("status", "");
  const int64_t id = job.value("id", int64_t{0});
  const std::string error = job.value("error", "");
  if (status == "failed") return AbortedError(fmt::format("job {} failed: {}", id, error));
  if (status == "cancelled") {
    return AbortedError(error.empty() ? fmt::format("job {} was cancelled", id)
                                      : fmt::format("job {} was cancelled: {}", id, error));
  }
  return OkStatus();
}

JobObserver ProgressBarObserver(int64_t job) {
  auto bar = std::make_shared<ProgressBar>(fmt::format("job {}", job), "");
  return [bar](const json& record, bool last) {
    bar->UpdateFraction(record.value("progress", 0.0));
    if (last) bar->Finish(record.value("status", ""));
    return OkStatus();
  };
}

Result<json> WatchJob(client::CoordinatorClient& client, int64_t job, const JobObserver& observe,
                      std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    ARCA_ASSIGN_OR_RETURN(json record, client.GetJob(job));
    const bool finished = Finished(record.value("status", ""));
    const bool timed_out = !finished && std::chrono::steady_clock::now() >= deadline;
    if (observe) ARCA_RETURN_IF_ERROR(observe(record, finished || timed_out));
    if (finished) {
      ARCA_RETURN_IF_ERROR(JobOutcome(record));
      return record;
    }
    if (timed_out) return StillUnfinished(record, timeout);
    std::this_thread::sleep_for(kJobPollInterval);
  }
}

}  // namespace arca::cli
