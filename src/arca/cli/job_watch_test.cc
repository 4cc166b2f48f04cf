#include "arca/cli/job_watch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "arca/cli/test_coordinator.h"

namespace arca::cli {
namespace {

using ::testing::HasSubstr;

class JobWatchTest : public ::testing::Test {
 protected:
  testing::TestCoordinator coordinator_;
  client::CoordinatorClient& insurer_ = coordinator_.Client("insurer");
  const int64_t job_ = coordinator_.CreateJob(Bytes(32, 9));
};

TEST_F(JobWatchTest, ReturnsTheRecordOnceEveryNodeCompleted) {
  std::thread nodes([&] {
    std::this_thread::sleep_for(2 * kJobPollInterval);
    EXPECT_TRUE(coordinator_.Client("node-0").ReportProgress(job_, 0.5).ok());
    std::this_thread::sleep_for(2 * kJobPollInterval);
    coordinator_.Complete(job_, "node-0", Bytes{1, 2});
    coordinator_.Complete(job_, "node-1", Bytes{3, 4});
    coordinator_.Complete(job_, "dealer");
  });
  const Result<nlohmann::json> record = WatchJob(insurer_, job_, ProgressBarObserver(job_));
  nodes.join();
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->at("status"), "succeeded");
  EXPECT_EQ(record->at("id"), job_);
}

TEST_F(JobWatchTest, AFailedJobIsItsErrorLine) {
  EXPECT_TRUE(coordinator_.Client("node-1").FailJob(job_, "the share file is corrupt").ok());
  const Result<nlohmann::json> record = WatchJob(insurer_, job_, nullptr);
  EXPECT_EQ(record.status().code(), StatusCode::kAborted);
  EXPECT_EQ(record.status().message(),
            "job " + std::to_string(job_) + " failed: node 'node-1': the share file is corrupt");
}

TEST_F(JobWatchTest, ACancelledJobEndsTheWatch) {
  std::thread consumer([&] {
    std::this_thread::sleep_for(2 * kJobPollInterval);
    EXPECT_TRUE(coordinator_.Client("insurer").CancelJob(job_).ok());
  });
  const Result<nlohmann::json> record = WatchJob(insurer_, job_, nullptr);
  consumer.join();
  EXPECT_EQ(record.status().code(), StatusCode::kAborted);
  EXPECT_THAT(record.status().message(), HasSubstr("was cancelled"));
}

TEST_F(JobWatchTest, AJobNoNodeStartsTimesOutNamingWhatItWaitsFor) {
  const Result<nlohmann::json> record =
      WatchJob(insurer_, job_, nullptr, std::chrono::milliseconds(500));
  EXPECT_EQ(record.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_THAT(record.status().message(),
              HasSubstr("is still pending after 500ms: no node has started it (are node-0, node-1, "
                        "dealer running?)"));
  // Started, with one part done: the rest is named.
  EXPECT_TRUE(coordinator_.Client("node-0").ReportProgress(job_, 0.25).ok());
  coordinator_.Complete(job_, "dealer");
  EXPECT_THAT(WatchJob(insurer_, job_, nullptr, std::chrono::milliseconds(300)).status().message(),
              HasSubstr("is still running after 300ms: 25% done, waiting for node-0, node-1"));
}

TEST_F(JobWatchTest, TheObserverSeesEveryPollAndTheLastOne) {
  std::vector<std::pair<double, bool>> seen;
  std::atomic<bool> saw_half = false;
  std::thread nodes([&] {
    EXPECT_TRUE(coordinator_.Client("node-0").ReportProgress(job_, 0.5).ok());
    // Fails the job once the watch has seen the progress (at most 30 s later: a bound, not a
    // threshold; a watch that never sees it fails the test below).
    for (int i = 0; i < 150 && !saw_half; ++i) std::this_thread::sleep_for(kJobPollInterval);
    EXPECT_TRUE(coordinator_.Client("node-1").FailJob(job_, "out of memory").ok());
  });
  const Result<nlohmann::json> record =
      WatchJob(insurer_, job_, [&](const nlohmann::json& job, bool last) {
        seen.emplace_back(job.value("progress", 0.0), last);
        if (job.value("progress", 0.0) == 0.5) saw_half = true;
        return OkStatus();
      });
  nodes.join();
  EXPECT_EQ(record.status().code(), StatusCode::kAborted);
  ASSERT_GE(seen.size(), 2U);
  EXPECT_TRUE(seen.back().second);
  EXPECT_EQ(std::count_if(seen.begin(), seen.end(), [](const auto& s) { return s.second; }), 1);
  EXPECT_TRUE(std::any_of(seen.begin(), seen.end(), [](const auto& s) { return s.first == 0.5; }));
}

TEST_F(JobWatchTest, AnObserverThatStopsEndsTheWatchWithItsStatus) {
  int polls = 0;
  const Result<nlohmann::json> record = WatchJob(insurer_, job_, [&](const nlohmann::json&, bool) {
    return ++polls == 2 ? AbortedError("interrupted") : OkStatus();
  });
  EXPECT_EQ(polls, 2);
  EXPECT_EQ(record.status().code(), StatusCode::kAborted);
  EXPECT_EQ(record.status().message(), "interrupted");
  // The timeout's final record is `last` too.
  bool last = false;
  EXPECT_EQ(WatchJob(
                insurer_, job_,
                [&](const nlohmann::json&, bool is_last) {
                  last = is_last;
                  return OkStatus();
                },
                std::chrono::milliseconds(300))
                .status()
                .code(),
            StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(last);
}

TEST_F(JobWatchTest, AnotherConsumerIsRefused) {
  EXPECT_EQ(WatchJob(coordinator_.Client("bank"), job_, nullptr).status().code(),
            StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace arca::cli
