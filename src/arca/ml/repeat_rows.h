// Broadcasting a shared vector over rows: the protocol interface multiplies shares of equal
// shapes only, so a per-column value (a mean, a scale) is repeated to the matrix's shape first.
// Local (no communication).
#ifndef ARCA_ML_REPEAT_ROWS_H_
#define ARCA_ML_REPEAT_ROWS_H_

#include <cstdint>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"
#include "arca/mpc/shared.h"

namespace arca::ml {

// `rows` copies of `v` (any shape, read in row-major order) as a matrix [rows, v.numel()].
Result<mpc::Shared> RepeatRows(mpc::Protocol& p, const mpc::Shared& v, int64_t rows);

}  // namespace arca::ml

#endif  // ARCA_ML_REPEAT_ROWS_H_
