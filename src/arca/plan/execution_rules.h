// The data owners' rules (executor.h AnalysisRules) as a plan runs.
//
// Each node's rows come from a set of input datasets: a column node's from its dataset, a
// union's from all of its inputs', every other node's from its input's. Where datasets meet,
// the strictest rule wins: a column is aggregate-only if any of them says so, and the minimum
// row count is the largest of theirs.
#ifndef ARCA_PLAN_EXECUTION_RULES_H_
#define ARCA_PLAN_EXECUTION_RULES_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"
#include "arca/plan/executor.h"
#include "arca/plan/validate.h"

namespace arca::plan {

// sources[i]: the datasets whose rows plan.nodes[i] holds or was computed from.
std::vector<std::set<std::string>> RowSources(const ValidatedPlan& plan);

// An error if a feature, a label or an inference input is a column that an owner of one of
// the node's source datasets declared aggregate-only: it names the node, the column and the
// dataset. A check of the plan alone, made before any protocol step.
Status CheckAggregateOnly(const ValidatedPlan& plan,
                          const std::vector<std::set<std::string>>& sources,
                          const std::map<std::string, AnalysisRules>& rules);

// The strictest min_rows among `sources`' rules, and the datasets that set it.
struct MinRows {
  int64_t rows = 0;  // 0: no minimum
  std::vector<std::string> datasets;
};
MinRows MinRowsOf(const std::set<std::string>& sources,
                  const std::map<std::string, AnalysisRules>& rules);

// Fails if `count` (a ring integer, shared) is below `minimum.rows`, without learning more:
// one comparison, and the single bit [count < min_rows] revealed to every party, so that all
// of them stop together. The error names `what` ("output 'x'", "the model stored as 'm'")
// and the minimum, never the count.
Status CheckMinRows(mpc::Protocol& p, const mpc::Shared& count, const MinRows& minimum,
                    const std::string& what);
// The same for rows that no filter narrowed, whose number is public: no protocol step.
Status CheckMinRows(int64_t rows, const MinRows& minimum, const std::string& what);

}  // namespace arca::plan

#endif  // ARCA_PLAN_EXECUTION_RULES_H_
