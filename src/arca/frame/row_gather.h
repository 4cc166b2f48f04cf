// Rows of a shared tensor picked by public indices: a local operation.
//
// Every protocol's share of a tensor is a list of ring tensors of the tensor's shape (none at
// the dealer), and a row of the value is the same row of every part (the layout
// Protocol::SliceRows and ConcatRows rely on). Picking rows by public indices is therefore the
// same pick on every part: no message, no randomness. It serves sorts (the final, public
// permutation of shuffled rows; each pass's elements and pivots) and reversals.
#ifndef ARCA_FRAME_ROW_GATHER_H_
#define ARCA_FRAME_ROW_GATHER_H_

#include <cstdint>
#include <span>

#include "arca/base/status.h"
#include "arca/mpc/shared.h"

namespace arca::frame {

// Row i of the result is row rows[i] of x (any rank >= 1; indices may repeat). An error if an
// index is outside [0, x's rows). Cost: local, O(rows.size() x row width).
Result<mpc::Shared> GatherRows(const mpc::Shared& x, std::span<const int64_t> rows);

}  // namespace arca::frame

#endif  // ARCA_FRAME_ROW_GATHER_H_
