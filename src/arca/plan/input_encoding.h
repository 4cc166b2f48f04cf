// Input encoding: a column held as doubles, turned into the ring tensor an upload makes of it.
//
// The encodings are client/dataset_schema.h's, for callers that hold a dataset as numbers
// rather than CSV text (arca.local, the executor's tests, arca-bench-plan):
//   decimal      round(v · 2^frac_bits) (fxp/encoding.h); |v| < 2^(62 - frac_bits)
//   integer      the whole number itself, two's complement; |v| < 2^52, exact in a double
//   boolean      0 or 1
//   categorical  the 0-based index into the column's categories
// An error is one line naming the dataset, the column and the row, never the value:
//   dataset 'd', column 'income', row 7: outside the fixed-point range (|v| < 2^44)
#ifndef ARCA_PLAN_INPUT_ENCODING_H_
#define ARCA_PLAN_INPUT_ENCODING_H_

#include <cstddef>
#include <span>
#include <string_view>

#include "arca/base/status.h"
#include "arca/mpc/ring_tensor.h"
#include "arca/plan/validate.h"

namespace arca::plan {

// A column of a dataset in the clear: every value a double, a categorical's the index into its
// `category_count` categories.
struct PlainInput {
  std::string_view dataset;  // for error messages
  std::string_view column;   // for error messages
  ColumnType type = ColumnType::kDecimal;
  size_t category_count = 0;  // categorical columns only
  std::span<const double> values;
};

// The column's ring tensor, [values.size()], as an upload encodes it at `frac_bits`.
Result<mpc::RingTensor> EncodeInput(const PlainInput& input, int frac_bits);

}  // namespace arca::plan

#endif  // ARCA_PLAN_INPUT_ENCODING_H_
