// Sharing a benchmarked plan's inputs as an upload shares them (untimed setup).
//
// Party 0's process plays the data owner: for each column the plan reads, it loads the values
// (manifest.h), encodes them as an upload does (plan::EncodeInput), splits them for upload
// (mpc::SplitForUpload) and sends every other party its parts over the session's links; each
// party then imports its own parts (mpc::ImportUploaded), as a node imports an upload. One
// column at a time, so that the owner never holds more than one column's parts.
#ifndef ARCA_BENCH_PLAN_PLAN_INPUTS_H_
#define ARCA_BENCH_PLAN_PLAN_INPUTS_H_

#include <map>
#include <string>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"
#include "arca/mpc/runner.h"
#include "arca/plan/executor.h"
#include "bench/plan/plan_job.h"

namespace arca::bench {

// This party's input tables of `job`, shared under `kind` (the protocol `p` runs). Every party
// calls it in step. The traffic is counted on the session's links, before any timed run.
Result<std::map<std::string, plan::InputTable>> ShareInputs(mpc::Protocol& p,
                                                            mpc::ProtocolKind kind,
                                                            const PlanJob& job);

}  // namespace arca::bench

#endif  // ARCA_BENCH_PLAN_PLAN_INPUTS_H_
