#include "arca/cli/job_fetch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "arca/cli/test_coordinator.h"
#include "arca/crypto/hpke.h"

namespace arca::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr int kFrac = 18;

class JobFetchTest : public ::testing::Test {
 protected:
  JobFetchTest() {
    // A mean of 12.5 and a count of 40, each split into two additive parts as the two
    // compute nodes of dealer2pc send them, sealed to the consumer's key.
    const mpc::RingTensor mean = mpc::RingTensor::FromSigned(mpc::Shape{1}, {25 << (kFrac - 1)});
    const mpc::RingTensor count = mpc::RingTensor::FromSigned(mpc::Shape{1}, {40});
    const mpc::RingTensor mask = mpc::RingTensor::FromValues(mpc::Shape{1}, {0x9e3779b97f4a7c15});
    for (int party = 0; party < 2; ++party) {
      mpc::RingTensor mean_part = mask;
      mpc::RingTensor count_part = mask;
      if (party == 1) {
        mean_part.data()[0] = mean.data()[0] - mask.data()[0];
        count_part.data()[0] = count.data()[0] - mask.data()[0];
      }
      const client::ResultFileHeader header{
          job_,
          party,
          mpc::ProtocolKind::kDealer2pc,
          {{"radius", {"mean"}, 1, kFrac, {}}, {"patients", {"count"}, 1, 0, {}}}};
      files_.push_back(
          client::WriteResultFile(header, {mean_part, count_part}, key_.public_key).value());
    }
    coordinator_.Complete(job_, "node-0", files_[0]);
    coordinator_.Complete(job_, "node-1", files_[1]);
    coordinator_.Complete(job_, "dealer");
  }

  JobFetchRequest Request() const { return {.job = job_, .out_csv = dir_.File("result.csv")}; }

  testing::TestCoordinator coordinator_;
  const coord::testing::TempDir dir_;
  crypto::hpke::KeyPair key_ = crypto::hpke::GenerateKeyPair();
  const int64_t job_ = coordinator_.CreateJob(key_.public_key);
  std::vector<Bytes> files_;
};

std::string Text(const std::string& path) {
  const Bytes bytes = ReadFileBytes(path).value();
  return {bytes.begin(), bytes.end()};
}

TEST_F(JobFetchTest, WritesTheCombinedCsvTheReceiptAndTheEncryptedFiles) {
  JobFetchRequest request = Request();
  request.receipt_path = dir_.File("receipt.json");
  request.results_dir = dir_.File("results");
  const Result<FetchedJob> fetched =
      FetchJobResult(coordinator_.Client("insurer"), request, key_.private_key);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();

  EXPECT_EQ(Text(request.out_csv), "name,label,value\r\nradius,mean,12.5\r\npatients,count,40\r\n");
  struct stat info {};
  ASSERT_EQ(::stat(request.out_csv.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600U);
  ASSERT_EQ(fetched->outputs.size(), 2U);
  EXPECT_EQ(fetched->outputs[1].values, std::vector<double>{40});
  // The receipt object as verify-receipt reads it: the nodes' parts in party order.
  EXPECT_EQ(json::parse(Text(request.receipt_path)),
            json({{"job", job_},
                  {"parts", {{{"node", "node-0"}}, {{"node", "node-1"}}, {{"node", "dealer"}}}}}));
  EXPECT_EQ(fetched->result_files,
            (std::vector<std::string>{request.results_dir + "/node-0.ares",
                                      request.results_dir + "/node-1.ares"}));
  EXPECT_EQ(ReadFileBytes(request.results_dir + "/node-1.ares").value(), files_[1]);
}

TEST_F(JobFetchTest, WithoutAResultsDirectoryItsTemporaryOneIsRemoved) {
  const coord::testing::TempDir tmp;
  const char* previous = std::getenv("TMPDIR");
  const std::string saved = previous ? previous : "";
  ::setenv("TMPDIR", tmp.path().c_str(), 1);
  const Result<FetchedJob> fetched =
      FetchJobResult(coordinator_.Client("insurer"), Request(), key_.private_key);
  if (previous) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_TRUE(fetched->result_files.empty());
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
  EXPECT_TRUE(std::filesystem::exists(Request().out_csv));
}

TEST_F(JobFetchTest, WithoutACsvPathItReturnsTheOutputsAndWritesNothing) {
  const Result<FetchedJob> fetched = FetchJobResult(coordinator_.Client("insurer"),
                                                    {.job = job_, .out_csv = ""}, key_.private_key);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  ASSERT_EQ(fetched->outputs.size(), 2U);
  EXPECT_EQ(fetched->outputs[0].name, "radius");
  EXPECT_EQ(fetched->outputs[0].values, std::vector<double>{12.5});
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));
}

TEST_F(JobFetchTest, AnotherKeyOpensNothingAndWritesNoCsv) {
  const crypto::hpke::KeyPair other = crypto::hpke::GenerateKeyPair();
  EXPECT_EQ(
      FetchJobResult(coordinator_.Client("insurer"), Request(), other.private_key).status().code(),
      StatusCode::kDataLoss);
  EXPECT_FALSE(std::filesystem::exists(Request().out_csv));
}

TEST_F(JobFetchTest, AnotherConsumerIsRefused) {
  EXPECT_THAT(
      FetchJobResult(coordinator_.Client("bank"), Request(), key_.private_key).status().message(),
      HasSubstr("belongs to 'insurer'"));
  EXPECT_FALSE(std::filesystem::exists(Request().out_csv));
}

TEST_F(JobFetchTest, AnUnfinishedJobHasNoResultYet) {
  JobFetchRequest request = Request();
  request.job = coordinator_.CreateJob(key_.public_key);
  const Status status =
      FetchJobResult(coordinator_.Client("insurer"), request, key_.private_key).status();
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(std::filesystem::exists(request.out_csv));
}

}  // namespace
}  // namespace arca::cli
