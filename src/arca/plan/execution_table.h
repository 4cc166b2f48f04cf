// Plan inputs as frame tables: the columns of an uploaded dataset in the plan's fixed point.
#ifndef ARCA_PLAN_EXECUTION_TABLE_H_
#define ARCA_PLAN_EXECUTION_TABLE_H_

#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/table.h"
#include "arca/mpc/protocol.h"
#include "arca/plan/executor.h"

namespace arca::plan {

// The `columns` of `input` as a table whose rows are all valid: integers and booleans become
// fixed point at `frac_bits` (a local product), decimals are rescaled from the upload's bits.
// The columns are moved out of `input` (the caller passes a copy of what it keeps). A missing
// column or a wrong shape is an error.
Result<frame::Table> LoadColumns(mpc::Protocol& p, InputTable input,
                                 const std::vector<std::string>& columns, int frac_bits);

}  // namespace arca::plan

#endif  // ARCA_PLAN_EXECUTION_TABLE_H_
