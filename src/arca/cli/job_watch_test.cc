#include "arca/cli/job_watch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

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
  const Result<nlohmann::json> record = WatchJob(insurer_, job_, /*show_progress=*/true);
  nodes.join();
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->at("status"), "succeeded");
  EXPECT_EQ(record->at("id"), job_);
}

TEST_F(JobWatchTest, AFailedJobIsItsErrorLine) {
  EXPECT_TRUE(coordinator_.Client("node-1").FailJob(job_, "the share file is corrupt").ok());
  const Result<nlohmann::json> record = WatchJob(insurer_, job_, false);
  EXPECT_EQ(record.status().code(), StatusCode::kAborted);
  EXPECT_EQ(record.status().message(),
            "job " + std::to_string(job_) + " failed: node 'node-1': the share file is corrupt");
}

TEST_F(JobWatchTest, ACancelledJobEndsTheWatch) {
  std::thread consumer([&] {
    std::this_thread::sleep_for(2 * kJobPollInterval);
    EXPECT_TRUE(coordinator_.Client("insurer").CancelJob(job_).ok());
  });
  const Result<nlohmann::json> record = WatchJob(insurer_, job_, false);
  consumer.join();
  EXPECT_EQ(record.status().code(), StatusCode::kAborted);
  EXPECT_THAT(record.status().message(), HasSubstr("was cancelled"));
}

TEST_F(JobWatchTest, AJobNoNodeStartsTimesOutNamingWhatItWaitsFor) {
  const Result<nlohmann::json> record =
      WatchJob(insurer_, job_, false, std::chrono::milliseconds(500));
  EXPECT_EQ(record.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_THAT(record.status().message(),
              HasSubstr("is still pending after 500ms: no node has started it (are node-0, node-1, "
                        "dealer running?)"));
  // Started, with one part done: the rest is named.
  EXPECT_TRUE(coordinator_.Client("node-0").ReportProgress(job_, 0.25).ok());
  coordinator_.Complete(job_, "dealer");
  EXPECT_THAT(WatchJob(insurer_, job_, false, std::chrono::milliseconds(300)).status().message(),
              HasSubstr("is still running after 300ms: 25% done, waiting for node-0, node-1"));
}

TEST_F(JobWatchTest, AnotherConsumerIsRefused) {
  EXPECT_EQ(WatchJob(coordinator_.Client("bank"), job_, false).status().code(),
            StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace arca::cli
