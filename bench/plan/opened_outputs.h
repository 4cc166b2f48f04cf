// A benchmarked plan's outputs opened to every party (untimed), as JSON for checking.
//
// The JSON is the form arca._native gives Python (python/arca/convert.py reads it):
//   {"<output>": {"columns": [{"name", "type", "categories", "values", "present"}],
//                 "valid": [bool...], "notices": [[what, count]...]},      a released table
//    "<output>": {"labels": [...], "values": [...]}}                       labelled numbers
// Table values are doubles (categories as their index); "present" is null when every value is.
#ifndef ARCA_BENCH_PLAN_OPENED_OUTPUTS_H_
#define ARCA_BENCH_PLAN_OPENED_OUTPUTS_H_

#include <nlohmann/json.hpp>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"
#include "arca/plan/executor.h"

namespace arca::bench {

// Opens every output of `outputs` at every party (all parties call it in step).
Result<nlohmann::json> OpenOutputs(mpc::Protocol& p, const std::vector<plan::OutputValue>& outputs);

}  // namespace arca::bench

#endif  // ARCA_BENCH_PLAN_OPENED_OUTPUTS_H_
