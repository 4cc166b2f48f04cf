// Comparisons with public values for helper-assisted two-party kernels (see assisted.h).
//
// For shares of x and public values t_1..t_T, computes shares of [x < t_i] (the sign of
// x - t_i, exact when |x - t_i| < 2^63) or of [x == t_i], as 0/1 in Z_2^64.
//
//  1. Open c = x + r for r uniform (one round; one opening serves all T values).
//  2. Leaves. H supplies, for each of the 16 four-bit digits of r, a one-hot table of the
//     digit, XOR-shared (A expands its share, B receives its share). For public c' = c - t,
//     the digit tests [c'_d < r_d] and [c'_d == r_d] are parities of the table under public
//     masks, so they are local: the tables are indexed by public digits only.
//  3. Tree. Digits combine pairwise, low to high: lt = lt_hi XOR (eq_hi AND lt_lo),
//     eq = eq_hi AND eq_lo, with Beaver AND gates on bits packed 64 elements to a word. The
//     two gates of a pair share the mask of eq_hi, so a pair opens 3 bits (2 at the root).
//     x < t is then c'63 XOR r63 XOR [c'_low63 < r_low63].
//  4. B2A. Open the result bit XOR a random bit whose arithmetic share H supplies.
//
// Rounds: 6. Online bytes per party: 8n + T·W·(45 words for less-than, 31 for equality),
// W = ceil(n/64) words per row. Preprocessing (H to B): 32n + T·W·(29 or 15 words) + 8Tn.
#ifndef ARCA_MPC_COMPARISON_H_
#define ARCA_MPC_COMPARISON_H_

#include "arca/mpc/assisted.h"

namespace arca::mpc {

enum class Comparison { kLess, kEqual };

// A, B: shares of the T x n results (row t holds [x < t_t] or [x == t_t] for every element);
// H: empty. `share` is null at H.
Result<RingTensor> CompareShares(Assisted& ctx, const RingTensor* share, int64_t n,
                                 const RingTensor& values, Comparison kind);
AssistedCost CompareCost(int64_t n, int64_t values, Comparison kind);

}  // namespace arca::mpc

#endif  // ARCA_MPC_COMPARISON_H_
