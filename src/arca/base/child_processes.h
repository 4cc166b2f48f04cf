// Runs a group of child processes that work together (the parties of one computation, one
// process each) and collects what each prints on stdout. Used by benchmarks, the demo and the
// tests that run parties as separate processes.
//
// No child outlives the group: when the deadline passes, or when one child fails and the
// others do not finish within a grace period, the rest are killed; every child is reaped
// before RunChildren returns. Children also ask the kernel to kill them if the benchmark
// process dies (prctl PR_SET_PDEATHSIG in the child), so even a crashed parent leaves nothing
// behind.
#ifndef ARCA_BASE_CHILD_PROCESSES_H_
#define ARCA_BASE_CHILD_PROCESSES_H_

#include <chrono>
#include <string>
#include <vector>

#include "arca/base/status.h"

namespace arca {

struct ChildOutcome {
  int wait_status = 0;  // as from waitpid
  bool killed = false;  // killed by RunChildren (deadline or a failed sibling)
  std::string output;   // everything the child wrote to stdout
  bool succeeded() const;
  // "exited with status 1", "killed by signal 9", ...
  std::string Describe() const;
};

// Starts one child per argv (argv[0] is the executable path; stderr is inherited) and waits
// for all of them, at most `timeout`. A child that fails gives the others `grace` to finish
// (they normally abort within milliseconds, as their peer is gone).
Result<std::vector<ChildOutcome>> RunChildren(const std::vector<std::vector<std::string>>& argvs,
                                              std::chrono::milliseconds timeout,
                                              std::chrono::milliseconds grace);

// The path of the running executable, so that a program can start copies of itself.
Result<std::string> SelfExecutable();

}  // namespace arca

#endif  // ARCA_BASE_CHILD_PROCESSES_H_
