// Segmented scans on shares: inclusive prefix operations that restart at every group start.
//
// For group-start flags f (shares of 0/1, [n]) and values [n, k], row i of the result is, in
// every column, the operator applied to the values of rows s..i, where s is the start of row
// i's group (the last row r <= i with f_r = 1; row 0 always starts a group, whatever f_0 is).
// Operators: the sum, the group's first value carried forward, the minimum and the maximum.
// Values are ring elements: sums are exact ring sums (fixed point or integers alike); min and
// max compare as signed values (differences must fit in 63 bits, |value| < 2^62).
//
// Algorithm: Hillis-Steele. Level d = 1, 2, 4, ... (ceil(log2 n) levels) combines each row
// i >= d with row i - d unless row i's window already holds a group start: with g = 1 - f
// ("no start yet"), x_i <- x_i op x_{i-d} where g_i = 1, and g_i <- g_i·g_{i-d}. All k
// columns and the flag update go into the same batched calls of a level.
//
// Cost per party, L = ceil(log2 n) levels, level l on n_l = n - 2^l rows:
//   sum, first  one Mul of n_l·(k + 1) elements per level: L·rounds(Mul) rounds.
//   min, max    one LessThanPublic of n_l·k elements and two Muls (n_l·(k + 1), n_l·k) per
//               level: L·(rounds(LessThan) + 2·rounds(Mul)) rounds.
// Bytes: those calls' bytes; O(n·k·log n) elements in all. Nothing is revealed.
// Batches: more than B = max(2, kScanElements / (k + 1)) rows are scanned B at a time, each
// later batch led by the previous batch's last result row (the carry of a group that crosses
// the boundary), so the levels' intermediates hold O(B·k) elements whatever n; the cost is
// then that of ceil((n - 1) / (B - 1)) scans of at most B rows, one after the other (n = 10^7,
// k = 3: 39 batches of 18 levels instead of 24 levels). Memory: the input and the result,
// O(n·k), and a batch's intermediates.
#ifndef ARCA_FRAME_SEGMENTED_SCAN_H_
#define ARCA_FRAME_SEGMENTED_SCAN_H_

#include <cstdint>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"

namespace arca::frame {

enum class ScanOp { kSum, kFirst, kMin, kMax };

// Elements of a batch's matrix, flags included (see above).
inline constexpr int64_t kScanElements = int64_t{1} << 20;

// The inclusive scan of `values` ([n, k]) within the groups that `starts` ([n], 0/1) begins,
// in batches of `batch_rows` rows (0: as above; tests pass small ones). An error if the
// shapes do not fit or batch_rows is 1 or negative.
Result<mpc::Shared> SegmentedScan(mpc::Protocol& p, const mpc::Shared& starts,
                                  const mpc::Shared& values, ScanOp op, int64_t batch_rows = 0);

}  // namespace arca::frame

#endif  // ARCA_FRAME_SEGMENTED_SCAN_H_
