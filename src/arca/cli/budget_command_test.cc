// `arca owner budget` and `arca owner datasets` as an owner runs them, against an in-process
// coordinator.
#include "arca/cli/budget_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "arca/cli/test_coordinator.h"

namespace arca::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class BudgetCommandTest : public ::testing::Test {
 protected:
  // Runs `arca owner <args> <coordinator flags of `as`>`; the exit status, stdout in `out` and
  // stderr in `err`.
  int Run(const std::string& as, std::vector<std::string> args, std::string* out,
          std::string* err) {
    for (const std::string& flag : coordinator_.Flags(as)) args.push_back(flag);
    args.insert(args.begin(), "owner");
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    CLI::App app;
    CLI::App* owner = app.add_subcommand("owner");
    int exit_code = -1;
    AddBudgetCommands(*owner, &exit_code);
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    app.parse(args);
    *out = ::testing::internal::GetCapturedStdout();
    *err = ::testing::internal::GetCapturedStderr();
    return exit_code;
  }

  testing::TestCoordinator coordinator_;
};

TEST_F(BudgetCommandTest, TheOwnerSetsABudgetAndTheListingShowsWhatIsLeft) {
  std::string out;
  std::string err;
  ASSERT_EQ(Run("hospital", {"datasets"}, &out, &err), 0) << err;
  EXPECT_THAT(out, HasSubstr("hospital_a"));
  EXPECT_THAT(out, ::testing::EndsWith(" -\n")) << "no budget yet";

  ASSERT_EQ(
      Run("hospital", {"budget", "hospital_a", "--epsilon", "2", "--delta", "1e-6"}, &out, &err), 0)
      << err;
  EXPECT_EQ(out,
            "privacy budget of dataset hospital_a: ε 0 of 2 spent, 2 left; δ 0 of 1e-06 spent, "
            "1e-06 left\n");
  ASSERT_EQ(Run("hospital", {"datasets", "--json"}, &out, &err), 0) << err;
  const json listed = json::parse(out)["datasets"].at(0)["budget"];
  EXPECT_EQ(listed["epsilon"], 2.0);
  EXPECT_EQ(listed["delta"], 1e-6);

  ASSERT_EQ(Run("hospital", {"budget", "hospital_a", "--epsilon", "1.5"}, &out, &err), 0) << err;
  ASSERT_EQ(Run("hospital", {"datasets"}, &out, &err), 0) << err;
  EXPECT_THAT(out, HasSubstr("ε 0 of 1.5 spent, 1.5 left\n"));
}

TEST_F(BudgetCommandTest, RefusalsAreOneLine) {
  std::string out;
  std::string err;
  EXPECT_EQ(Run("hospital", {"budget", "hospital_a", "--epsilon", "0"}, &out, &err), 1);
  EXPECT_EQ(err, "arca: privacy budget: epsilon must be a number > 0, not 0\n");
  EXPECT_EQ(Run("bank", {"budget", "hospital_a", "--epsilon", "1"}, &out, &err), 1);
  EXPECT_THAT(err, HasSubstr("arca: 'bank' (consumer) may not call PUT /v1/datasets/{}/budget"));
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace arca::cli
