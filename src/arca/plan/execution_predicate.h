// Predicates on secret-shared rows: which rows a filter or a stats `where` keeps, as shares of
// 0/1 per row, without any party learning them.
//
// A number is compared in fixed point at the plan's bits (integer columns exactly; decimals
// uploaded with more bits than the plan's were rounded to within one ulp); a boolean with
// 0/1; a category by its index in the column's list. Every comparison of one predicate is
// batched into one less-than call ([x - c < 0]; `<=` is `< c + 1 ulp`, `>` and `>=` are their
// negations) and one equality call, whatever the columns; `and` / `or` then cost one product
// per level of a balanced tree over their operands, `not` nothing.
#ifndef ARCA_PLAN_EXECUTION_PREDICATE_H_
#define ARCA_PLAN_EXECUTION_PREDICATE_H_

#include <string>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"
#include "arca/plan/execution_table.h"
#include "arca/plan/predicate.h"

namespace arca::plan {

// [predicate holds] for each row of `table`: shape [rows], ring integers 0/1. `field` is the
// predicate's field in its node ("where"); errors name it, e.g. for a category the column
// does not have: "field 'where.or[1].value': 'x' is not a category of column 'site'".
Result<mpc::Shared> EvaluatePredicate(mpc::Protocol& p, const Predicate& predicate,
                                      const Table& table, int frac_bits, const std::string& field);

}  // namespace arca::plan

#endif  // ARCA_PLAN_EXECUTION_PREDICATE_H_
