// The computation of the engine demo: two hospitals pool blood-pressure records, and the
// parties compute statistics and a small model on the pooled records while each node holds
// only shares.
#ifndef ARCA_TOOLS_ENGINE_DEMO_STORY_H_
#define ARCA_TOOLS_ENGINE_DEMO_STORY_H_

#include <string>
#include <vector>

#include "arca/mpc/protocol.h"

namespace arca::demo {

struct Options {
  int rows_a = 20000;   // hospital A's patients
  int rows_b = 15000;   // hospital B's patients
  int iterations = 10;  // gradient steps of the logistic regression
};

// One step as one party saw it: the secure result (opened by design, as the step's output),
// the same quantity computed in the clear from the pooled records (possible only because
// this demo's data is synthetic), and what this party sent during the step.
struct Step {
  std::string name;
  std::string unit;
  double secure = 0;
  double clear = 0;
  int64_t online_bytes = 0;
  int64_t preprocessing_bytes = 0;
  int64_t rounds = 0;
};

// The program every party runs. Hospital A's records enter at party 0 and hospital B's at
// party 1, where they are secret-shared; only the steps' results are opened.
Result<std::vector<Step>> RunStory(mpc::Protocol& p, const Options& options);

}  // namespace arca::demo

#endif  // ARCA_TOOLS_ENGINE_DEMO_STORY_H_
