// Evaluating expressions (expression.h) on a table's shares, row by row.
//
// Numbers are fixed point at fp's bits; a boolean *column* is fixed point 0/1, while a
// condition is computed as ring bits 0/1. Costs, per row of the table:
//   add, sub, neg, a constant multiple by a whole number   local
//   mul                                                     one product and truncation
//   div by a constant                                       one truncation
//   div by a column                                         one comparison batch (the sign),
//                                                           one equality batch (zero), a
//                                                           Reciprocal, two products; 1/b
//                                                           carries f fractional bits, so
//                                                           the relative error grows with
//                                                           |b| (2^-f·|b|: 2.3e-4 at b = 60)
//   abs                                                     one comparison and one product
//   exp, log, sqrt, sigmoid                                 fxp's cost (fixed_point.h)
//   if                                                      the condition, one product
//   comparisons in one condition                            ONE less-than batch and ONE
//                                                           equality batch for all of them,
//                                                           whatever their number
//   and, or                                                 one product per level of a
//                                                           balanced tree; not: local
//   isin with T values                                      T equality tests in the batch
// A comparison is a test of the difference of its sides against zero: `<` is [a - b < 0],
// `<=` is [a - b - 1 ulp < 0], `>` and `>=` their negations, `==` [a - b == 0]; a category
// compares by its index in the column's list, a boolean column with 0 or 1. Exact when the
// difference fits in 63 bits. A null operand (a left join's unmatched row) makes arithmetic
// null and comparisons false; division by zero is null. Nothing is opened.
// A table of more than kEvaluationBatchRows rows is evaluated in batches of that many rows,
// each repeating the rounds above, so that intermediates stay bounded whatever the rows (one
// batch of TPC-H Q6's five comparisons over 6·10^6 rows took 3.9 to 4.8 GB per rep3 party).
#ifndef ARCA_FRAME_EVALUATE_H_
#define ARCA_FRAME_EVALUATE_H_

#include <cstdint>
#include <string>

#include "arca/base/status.h"
#include "arca/frame/expression.h"
#include "arca/frame/table.h"
#include "arca/fxp/fixed_point.h"

namespace arca::frame {

inline constexpr int64_t kEvaluationBatchRows = int64_t{1} << 20;

// `expression` on every row of `table`, as a column named `name`. A plain column reference
// copies the column (categorical ones included); every other expression is a number or a
// boolean. Errors name the column or the value that does not fit, never a data value.
// `batch_rows` is for tests.
Result<Column> Evaluate(fxp::FixedPoint& fp, const Table& table, const Expression& expression,
                        const std::string& name, int64_t batch_rows = kEvaluationBatchRows);

// [expression holds] on every row, as ring bits 0/1 (a null reads as false). The expression
// must be boolean.
Result<mpc::Shared> EvaluateCondition(fxp::FixedPoint& fp, const Table& table,
                                      const Expression& expression,
                                      int64_t batch_rows = kEvaluationBatchRows);

// The rows of `table` for which `condition` holds stay valid: one condition and one product
// (none on a table whose rows are all valid). Takes the table by value: a caller done with
// it moves it in, and its columns are not copied.
Result<Table> Filter(fxp::FixedPoint& fp, Table table, const Expression& condition);

// The table with `column` added at the end, or replacing the column of the same name in place.
Table WithColumn(Table table, Column column);

}  // namespace arca::frame

#endif  // ARCA_FRAME_EVALUATE_H_
