#include "arca/mpc/runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arca::mpc {
namespace {

using ::testing::HasSubstr;

TEST(RunnerTest, UnknownProtocolNameIsOneClearError) {
  Result<ProtocolKind> kind = ParseProtocolKind("rep4");
  ASSERT_FALSE(kind.ok());
  EXPECT_EQ(kind.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(kind.status().message(), HasSubstr("unknown protocol 'rep4'"));
  EXPECT_THAT(kind.status().message(), HasSubstr("plaintext, dealer2pc or rep3"));
  EXPECT_EQ(*ParseProtocolKind("dealer2pc"), ProtocolKind::kDealer2pc);
}

// Party 1 fails between two operations; the others, waiting in the next one, must get a
// structured abort that names the party, its operation and its error, and nobody hangs.
TEST(RunnerTest, AFailingPartyAbortsTheOthersWithItsReason) {
  for (ProtocolKind kind : {ProtocolKind::kDealer2pc, ProtocolKind::kRep3}) {
    const std::vector<Status> results = RunInProcess(kind, [](Protocol& p) -> Status {
      const RingTensor v = RingTensor::Filled(Shape{100}, 7);
      ARCA_ASSIGN_OR_RETURN(Shared x, p.Input(0, v.shape(), p.Holds(0) ? &v : nullptr));
      {
        Session::Scope scope(p.session(), "training step");
        ARCA_ASSIGN_OR_RETURN(x, p.Mul(x, x));
        if (p.party() == 1) return OutOfRangeError("column 'age' has values outside 0..150");
        ARCA_ASSIGN_OR_RETURN(x, p.Truncate(x, 3));
      }
      return p.Reveal(x).status();
    });
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[1].code(), StatusCode::kOutOfRange);
    for (int other : {0, 2}) {
      const Status& s = results[static_cast<size_t>(other)];
      EXPECT_EQ(s.code(), StatusCode::kAborted) << ProtocolKindName(kind) << " " << s.ToString();
      EXPECT_THAT(s.message(), HasSubstr("party 1 aborted in 'training step > mul'"));
      EXPECT_THAT(s.message(), HasSubstr("column 'age' has values outside 0..150"));
    }
  }
}

// Parties that run different programs are told so, instead of waiting for each other.
TEST(RunnerTest, DivergedProgramsAreReportedNotHung) {
  const std::vector<Status> results =
      RunInProcess(ProtocolKind::kDealer2pc, [](Protocol& p) -> Status {
        const RingTensor v = RingTensor::Filled(Shape{64}, 3);
        ARCA_ASSIGN_OR_RETURN(Shared x, p.Input(0, v.shape(), p.Holds(0) ? &v : nullptr));
        if (p.party() == 0) return p.Mul(x, x).status();
        return p.Truncate(x, 2).status();
      });
  int reported = 0;
  for (const Status& s : results) {
    if (s.message().find("where") != std::string::npos ||
        s.message().find("diverged") != std::string::npos) {
      ++reported;
    }
    EXPECT_FALSE(s.ok());
  }
  EXPECT_GE(reported, 1);
}

}  // namespace
}  // namespace arca::mpc
