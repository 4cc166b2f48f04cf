// The protocol conformance suite: one set of cases every protocol must pass.
//
// A case is a party program: every party of a session runs it. Cases run with parties as
// threads (arca_mpc_test) and as separate processes over TCP (arca-conformance-party).
#ifndef ARCA_MPC_CONFORMANCE_CASES_H_
#define ARCA_MPC_CONFORMANCE_CASES_H_

#include <functional>
#include <string>
#include <vector>

#include "arca/mpc/protocol.h"

namespace arca::mpc::conformance {

struct Case {
  std::string name;
  std::function<Status(Protocol&)> run;
};

const std::vector<Case>& Cases();

// Runs every case in order in one session; the first failure is returned, naming the case.
Status RunAll(Protocol& protocol);

}  // namespace arca::mpc::conformance

#endif  // ARCA_MPC_CONFORMANCE_CASES_H_
