// `arca consumer run --wait` and `arca consumer fetch` as a user runs them, against an
// in-process coordinator whose nodes the test plays.
#include "arca/cli/job_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "arca/cli/job_watch.h"
#include "arca/cli/test_coordinator.h"
#include "arca/client/result_file.h"
#include "arca/crypto/hpke.h"

namespace arca::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class JobCommandTest : public ::testing::Test {
 protected:
  JobCommandTest() {
    const Bytes private_key(key_.private_key.begin(), key_.private_key.end());
    std::ofstream(dir_.File("consumer.key"), std::ios::binary)
        .write(reinterpret_cast<const char*>(private_key.data()),
               static_cast<std::streamsize>(private_key.size()));
    std::ofstream(dir_.File("consumer.pub")) << ToHex(key_.public_key) << "\n";
  }

  // Runs `arca consumer <args> <insurer's coordinator flags>`; returns the exit status, and
  // stdout and stderr in `out` and `err`.
  int Run(std::vector<std::string> args, std::string* out, std::string* err) {
    for (const std::string& flag : coordinator_.Flags("insurer")) args.push_back(flag);
    args.insert(args.begin(), "consumer");
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    CLI::App app;
    CLI::App* consumer = app.add_subcommand("consumer");
    int exit_code = -1;
    AddJobCommands(*consumer, &exit_code);
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    app.parse(args);
    *out = ::testing::internal::GetCapturedStdout();
    *err = ::testing::internal::GetCapturedStderr();
    return exit_code;
  }

  testing::TestCoordinator coordinator_;
  const coord::testing::TempDir dir_;
  crypto::hpke::KeyPair key_ = crypto::hpke::GenerateKeyPair();
};

TEST_F(JobCommandTest, RunWaitExitsOneWithTheFailedJobsLine) {
  std::thread nodes([&] {
    // The job `run` creates is the first; node-1 fails it once it exists.
    for (int i = 0; i < 50; ++i) {
      if (coordinator_.Client("node-1").FailJob(1, "the share file is corrupt").ok()) return;
      std::this_thread::sleep_for(kJobPollInterval / 2);
    }
    ADD_FAILURE() << "the job was never created";
  });
  std::string out;
  std::string err;
  const int status = Run({"run", coordinator_.plan_hash(), "--level", "dealer2pc", "--result-key",
                          dir_.File("consumer.pub"), "--wait"},
                         &out, &err);
  nodes.join();
  EXPECT_EQ(status, 1);
  EXPECT_THAT(out, HasSubstr("job 1 created: plan " + coordinator_.plan_hash().substr(0, 12)));
  EXPECT_THAT(err, HasSubstr("arca: job 1 failed: node 'node-1': the share file is corrupt\n"));
}

TEST_F(JobCommandTest, FetchWritesTheCsvAndPrintsTheOutputsAsJson) {
  const int64_t job = coordinator_.CreateJob(key_.public_key);
  for (int party = 0; party < 2; ++party) {
    // Party 0 sends the whole value, party 1 zero: parts that add up to 2.5.
    const mpc::RingTensor part =
        mpc::RingTensor::FromSigned(mpc::Shape{1}, {party == 0 ? 5 << 17 : 0});
    const client::ResultFileHeader header{
        job, party, mpc::ProtocolKind::kDealer2pc, {{"radius", {"mean"}, 1, 18, {}}}};
    coordinator_.Complete(job, "node-" + std::to_string(party),
                          client::WriteResultFile(header, {part}, key_.public_key).value());
  }
  coordinator_.Complete(job, "dealer");
  std::string out;
  std::string err;
  ASSERT_EQ(Run({"fetch", std::to_string(job), "--result-key", dir_.File("consumer.key"), "--out",
                 dir_.File("result.csv"), "--receipt", dir_.File("receipt.json"), "--json"},
                &out, &err),
            0)
      << err;
  const json printed = json::parse(out);
  EXPECT_EQ(printed["outputs"],
            json::parse(R"([{"name": "radius", "labels": ["mean"], "values": [2.5]}])"));
  EXPECT_EQ(printed["receipt"], dir_.File("receipt.json"));
  EXPECT_TRUE(printed["results_dir"].is_null());
  const Bytes csv = ReadFileBytes(dir_.File("result.csv")).value();
  EXPECT_EQ(std::string(csv.begin(), csv.end()), "name,label,value\r\nradius,mean,2.5\r\n");
  const Bytes receipt = ReadFileBytes(dir_.File("receipt.json")).value();
  EXPECT_EQ(json::parse(receipt)["job"], job);
  // The public key file is no private key: nothing is opened with it.
  EXPECT_EQ(Run({"fetch", std::to_string(job), "--result-key", dir_.File("consumer.pub"), "--out",
                 dir_.File("other.csv")},
                &out, &err),
            1);
  EXPECT_THAT(err, HasSubstr("is not a result private key"));
}

}  // namespace
}  // namespace arca::cli
