#include "arca/cli/consumer_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "arca/base/test_dir.h"
#include "arca/client/receipt.h"
#include "arca/plan/canonical_json.h"
#include "arca/tee/sim_tee.h"

namespace arca::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// `arca consumer verify-receipt` on the receipt of a `tee` job (one SIMULATED node).
class VerifyReceiptCommandTest : public ::testing::Test {
 protected:
  VerifyReceiptCommandTest() {
    dir_ = arca::testing::FreshTestDir("consumer_command_test");
    std::filesystem::create_directories(dir_ + "/results");
    const tee::SimRoot root = *tee::SimRoot::Create(crypto::SigningKey::Generate());
    std::ofstream(dir_ + "/sim-root.pem") << root.certificate().Pem();
    const crypto::Sha384Digest measurement = tee::MeasureProgram(AsBytes("node"), AsBytes("{}"));
    std::ofstream(dir_ + "/policy.json")
        << R"({"version": 1, "platforms": {"sim": {"measurements": [")" << ToHex(measurement)
        << R"("], "trust_anchors": [{"file": "sim-root.pem", "sha256": ")"
        << ToHex(root.certificate().Fingerprint()) << R"("}]}}})";
    const tee::SimTee tee(root, measurement, {});
    const tee::NodeIdentity identity = tee::NodeIdentity::Generate();
    const std::string result = "the result file";
    std::ofstream(dir_ + "/results/party-0.ares") << result;
    client::ReceiptBody body;
    body.job = 4;
    body.plan_hash = std::string(64, 'a');
    body.level = "tee";
    body.consumer = "insurer";
    body.result_key_sha256 = std::string(64, 'b');
    body.node = "node-0";
    body.result_sha256 = ToHex(crypto::Sha256(AsBytes(result)));
    body.time = Now();
    const json part = *client::SignReceiptPart(body, identity, [&](ByteView report_data) {
      tee::Evidence evidence;
      evidence.report = *tee.Report(report_data, Now());
      return Result<tee::Evidence>(evidence);
    });
    receipt_ = *plan::CanonicalJson(json{{"job", 4}, {"parts", {part}}});
  }

  int Run(const std::string& receipt, bool with_results, std::string* out) {
    std::ofstream(dir_ + "/receipt.json", std::ios::trunc) << receipt;
    CLI::App app;
    int exit_code = -1;
    AddConsumerCommand(app, &exit_code);
    std::vector<std::string> args = {"consumer",  "verify-receipt",
                                     "--receipt", dir_ + "/receipt.json",
                                     "--policy",  dir_ + "/policy.json"};
    if (with_results) args.insert(args.end(), {"--results", dir_ + "/results"});
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    ::testing::internal::CaptureStdout();
    app.parse(args);
    *out = ::testing::internal::GetCapturedStdout();
    return exit_code;
  }

  std::string dir_;
  std::string receipt_;
};

TEST_F(VerifyReceiptCommandTest, AGoodReceiptIsVerifiedAndAChangedOneRefused) {
  std::string out;
  EXPECT_EQ(Run(receipt_, true, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("receipt for job 4 VERIFIED"));
  EXPECT_THAT(out, HasSubstr("party 0   node-0, sim (SIMULATED)"));
  EXPECT_THAT(out, HasSubstr("1 file(s) match"));
  std::string changed = receipt_;
  changed[changed.find("insurer")] = 'I';
  EXPECT_EQ(Run(changed, false, &out), 1);
  EXPECT_THAT(out, HasSubstr("REFUSED: receipt refused: part of party 0 (node-0): evidence "
                             "refused: it was made for another body"));
  std::ofstream(dir_ + "/results/party-0.ares", std::ios::trunc) << "another result";
  EXPECT_EQ(Run(receipt_, true, &out), 1);
  EXPECT_THAT(out, HasSubstr("is not one the nodes signed for"));
}

}  // namespace
}  // namespace arca::cli
