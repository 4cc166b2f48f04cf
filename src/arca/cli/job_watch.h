// Waiting for a job to finish: `arca consumer run --wait`, `arca consumer status --wait`, any
// later command that runs a job and then fetches its result, and the Python client
// (python/native/platform_module.cc), which watches through an observer.
#ifndef ARCA_CLI_JOB_WATCH_H_
#define ARCA_CLI_JOB_WATCH_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>

#include "arca/base/status.h"
#include "arca/client/coordinator_client.h"

namespace arca::cli {

inline constexpr std::chrono::milliseconds kJobPollInterval{200};
inline constexpr std::chrono::seconds kDefaultJobTimeout{600};

// Sees the job's record after each poll; `last` is set on the final one (the job finished, or
// the timeout came). A status other than OK ends the watch with that status: the observer's
// caller was interrupted.
using JobObserver = std::function<Status(const nlohmann::json& job, bool last)>;

// Draws the job's progress on stderr (progress_bar.h), and its final status at the end.
JobObserver ProgressBarObserver(int64_t job);

// Polls GET /v1/jobs/{job} every kJobPollInterval until the job is succeeded, failed or
// cancelled, calling `observe` (if set) after each poll. Returns the final record of a job
// that succeeded. A failed or cancelled job is an aborted error with the job's line ("job 7
// failed: node 'node-1': ..."); a job still unfinished after `timeout` is a deadline-exceeded
// error naming its status and the nodes it still waits for, so that a job no node picks up
// does not hang its caller. Errors of the coordinator end the watch.
Result<nlohmann::json> WatchJob(client::CoordinatorClient& client, int64_t job,
                                const JobObserver& observe,
                                std::chrono::milliseconds timeout = kDefaultJobTimeout);

// The line for a job that did not succeed, or OK for a succeeded one: "job 7 failed: <error>",
// "job 7 was cancelled". Unfinished jobs are OK too.
Status JobOutcome(const nlohmann::json& job);

}  // namespace arca::cli

#endif  // ARCA_CLI_JOB_WATCH_H_
