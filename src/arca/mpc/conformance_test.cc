// Runs the conformance suite on every protocol with parties as threads, and (as separate
// processes over TCP on 127.0.0.1) through the arca-conformance-party tool.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "arca/mpc/conformance/cases.h"
#include "arca/mpc/runner.h"
#include "arca/net/free_ports.h"

extern char** environ;

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

// Each party a process: spawns arca-conformance-party three times and waits for all of them,
// killing the rest if one does not finish in time (no process outlives the test).
class ConformanceProcessTest : public ::testing::TestWithParam<ProtocolKind> {};

TEST_P(ConformanceProcessTest, PassesWithPartiesAsProcessesOverTcp) {
  const ProtocolKind kind = GetParam();
  Result<std::vector<uint16_t>> ports = net::PickFreeLoopbackPorts(3);
  ASSERT_TRUE(ports.ok());
  std::string endpoints;
  for (uint16_t port : *ports) {
    if (!endpoints.empty()) endpoints += ',';
    endpoints += "127.0.0.1:";
    endpoints += std::to_string(port);
  }
  std::vector<pid_t> pids;
  for (int party = 0; party < 3; ++party) {
    std::vector<std::string> args = {ARCA_CONFORMANCE_PARTY,
                                     "--protocol",
                                     std::string(ProtocolKindName(kind)),
                                     "--party",
                                     std::to_string(party),
                                     "--endpoints",
                                     endpoints};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid;
    ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    pids.push_back(pid);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  std::vector<int> statuses(3, -1);
  int running = 3;
  while (running > 0 && std::chrono::steady_clock::now() < deadline) {
    for (size_t i = 0; i < pids.size(); ++i) {
      if (statuses[i] != -1) continue;
      int status;
      if (waitpid(pids[i], &status, WNOHANG) == pids[i]) {
        statuses[i] = status;
        --running;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (size_t i = 0; i < pids.size(); ++i) {
    if (statuses[i] == -1) {
      kill(pids[i], SIGKILL);
      waitpid(pids[i], &statuses[i], 0);
      ADD_FAILURE() << "party " << i << " did not finish within 5 minutes";
      continue;
    }
    EXPECT_TRUE(WIFEXITED(statuses[i]) && WEXITSTATUS(statuses[i]) == 0)
        << "party " << i << " exited with status " << statuses[i];
  }
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, ConformanceProcessTest,
                         ::testing::Values(ProtocolKind::kDealer2pc, ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::mpc
