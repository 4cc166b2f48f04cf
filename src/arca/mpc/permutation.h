// Uniform random permutations for shuffles.
//
// A permutation is a party's own private randomness, never a share: applying it moves rows to
// addresses it chooses, which is the point of a shuffle. (This is the one place where secret
// randomness is a memory index; the valgrind check treats permutations as public for that
// reason.)
#ifndef ARCA_MPC_PERMUTATION_H_
#define ARCA_MPC_PERMUTATION_H_

#include <cstdint>
#include <vector>

#include "arca/crypto/prg.h"
#include "arca/mpc/ring_tensor.h"

namespace arca::mpc {

// A uniformly random permutation of [0, n), drawn from `prg` (Fisher-Yates with unbiased
// bounded draws). Two parties drawing from the same stream get the same permutation.
std::vector<int64_t> RandomPermutation(int64_t n, crypto::Prg& prg);

// out[perm[i]] = rows[i]: row i moves to position perm[i].
RingTensor PermuteRows(const RingTensor& rows, const std::vector<int64_t>& perm);

}  // namespace arca::mpc

#endif  // ARCA_MPC_PERMUTATION_H_
