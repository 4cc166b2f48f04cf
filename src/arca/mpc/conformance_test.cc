// Runs the conformance suite on every protocol with parties as threads, and (as separate
// processes over TCP on 127.0.0.1) through the arca-conformance-party tool.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "arca/base/child_processes.h"
#include "arca/mpc/conformance/cases.h"
#include "arca/mpc/runner.h"
#include "arca/net/free_ports.h"

namespace arca::mpc {
namespace {

struct Param {
  ProtocolKind kind;
  std::string case_name;
};

void PrintTo(const Param& param, std::ostream* os) {
  *os << ProtocolKindName(param.kind) << "/" << param.case_name;
}

class ConformanceTest : public ::testing::TestWithParam<Param> {};

TEST_P(ConformanceTest, PassesWithPartiesAsThreads) {
  const Param& param = GetParam();
  for (const conformance::Case& c : conformance::Cases()) {
    if (c.name != param.case_name) continue;
    const std::vector<Status> results = RunInProcess(param.kind, c.run);
    for (size_t p = 0; p < results.size(); ++p) {
      EXPECT_TRUE(results[p].ok()) << "party " << p << ": " << results[p].ToString();
    }
  }
}

std::vector<Param> AllParams() {
  std::vector<Param> params;
  for (ProtocolKind kind :
       {ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc, ProtocolKind::kRep3}) {
    for (const conformance::Case& c : conformance::Cases()) params.push_back({kind, c.name});
  }
  return params;
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, ConformanceTest, ::testing::ValuesIn(AllParams()),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param.kind)) + "_" +
                                  param_info.param.case_name;
                         });

// Each party a process: three arca-conformance-party processes over TCP on 127.0.0.1, killed
// if they do not finish in time (no process outlives the test).
class ConformanceProcessTest : public ::testing::TestWithParam<ProtocolKind> {};

// The command lines of three arca-conformance-party processes of one session.
Result<std::vector<std::vector<std::string>>> PartyCommands(ProtocolKind kind) {
  ARCA_ASSIGN_OR_RETURN(std::string endpoints, net::FreeLoopbackEndpoints(3));
  std::vector<std::vector<std::string>> argvs;
  argvs.reserve(3);
  for (int party = 0; party < 3; ++party) {
    argvs.push_back({ARCA_CONFORMANCE_PARTY, "--protocol", std::string(ProtocolKindName(kind)),
                     "--party", std::to_string(party), "--endpoints", endpoints});
  }
  return argvs;
}

TEST_P(ConformanceProcessTest, PassesWithPartiesAsProcessesOverTcp) {
  const ProtocolKind kind = GetParam();
  Result<std::vector<std::vector<std::string>>> parties = PartyCommands(kind);
  ASSERT_TRUE(parties.ok()) << parties.status().ToString();
  std::vector<std::vector<std::string>>& argvs = *parties;
  Result<std::vector<ChildOutcome>> outcomes =
      RunChildren(argvs, std::chrono::minutes(5), std::chrono::seconds(10));
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  for (size_t i = 0; i < outcomes->size(); ++i) {
    EXPECT_TRUE((*outcomes)[i].succeeded()) << "party " << i << " " << (*outcomes)[i].Describe();
  }
}

// A party process that dies in the middle of a session, without closing or aborting: the
// others must end promptly, naming the lost party, rather than wait for it.
TEST_P(ConformanceProcessTest, ACrashedPartyIsReportedNotWaitedFor) {
  const ProtocolKind kind = GetParam();
  Result<std::vector<std::vector<std::string>>> parties = PartyCommands(kind);
  ASSERT_TRUE(parties.ok()) << parties.status().ToString();
  std::vector<std::vector<std::string>>& argvs = *parties;
  argvs[1].insert(argvs[1].end(), {"--crash-after", "mul"});
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<ChildOutcome>> outcomes =
      RunChildren(argvs, std::chrono::minutes(2), std::chrono::seconds(30));
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
  EXPECT_FALSE((*outcomes)[1].succeeded());
  for (int other : {0, 2}) {
    const ChildOutcome& o = (*outcomes)[static_cast<size_t>(other)];
    EXPECT_FALSE(o.killed) << "party " << other << " had to be killed: it hung";
    EXPECT_FALSE(o.succeeded());
    // Either it saw the connection to party 1 go, or the abort of a party that did.
    EXPECT_THAT(o.output, ::testing::AnyOf(::testing::HasSubstr("party 1"),
                                           ::testing::HasSubstr("party 0 aborted"),
                                           ::testing::HasSubstr("party 2 aborted")))
        << o.output;
    // A crash between messages reads as a lost connection; one in the middle of a message
    // (the kernel resets the connection of a process that dies with unread data) as a short
    // frame. Both say the connection was lost.
    EXPECT_THAT(o.output, ::testing::HasSubstr("connection lost")) << o.output;
  }
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, ConformanceProcessTest,
                         ::testing::Values(ProtocolKind::kDealer2pc, ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::mpc
