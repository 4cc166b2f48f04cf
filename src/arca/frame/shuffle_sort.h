// Sorting the rows of a shared matrix by its key columns: shuffle, then quicksort with
// revealed comparison outcomes (Hamada, Kikuchi, Ikarashi, Chida, Takahashi: "Practically
// efficient multi-party sorting protocols from comparison sort algorithms", ICISC 2012).
//
// Algorithm. The rows are shuffled once (one Protocol::Shuffle of the whole matrix: payload
// and keys move together), then sorted by quicksort on the shuffled order: each pass takes
// every unsorted segment, compares each of its elements with the segment's first element (its
// pivot) in ONE batched lexicographic comparison over all segments, opens the outcomes and
// partitions every segment locally (stably), until no segment has two elements. The final
// order is a public permutation of the shuffled rows, applied locally (row_gather.h).
//
// Lexicographic comparison of m key components. The differences d_j = element_j - pivot_j of
// all components are compared with zero in one LessThanPublic call (lt_j = [d_j < 0]) and, for
// the first m - 1 components, in one EqualPublic call (eq_j = [d_j == 0]). Blocks of
// components then merge pairwise, (lt, eq)·(lt', eq') = (lt + eq·lt', eq·eq'), in
// ceil(log2 m) levels of one product each; the result is [element < pivot].
//
// What is revealed, and why it leaks nothing. The caller makes every row's key distinct (by
// appending the row's original index as the last component), so the keys are totally ordered
// and each shuffled position i has a rank sigma(i). The shuffle is uniform and no party
// knows it, so sigma is a uniformly random permutation whatever the data. Quicksort with the
// first element as pivot and stable partitions is a deterministic algorithm on the ranks: its
// outcomes, the segments of every pass (hence the shapes of every call and the number of
// passes) and the final order (sigma's inverse) are all functions of sigma alone. What the
// parties see is therefore distributed identically for every input of n rows. (Ties would
// break this: equal keys would reveal equalities; the index component rules them out.)
//
// Cost, for n rows, c columns (keys included), m key components:
//   - one Shuffle of n x c elements;
//   - passes: the height of a random binary search tree on n keys, about
//     4.31 ln n - 1.95 ln ln n (for n = 1000, about 20; the expected depth of a row is
//     2 ln n, 14 for n = 1000). Each pass compares N elements, N = n - (rows already placed);
//     all passes together compare about 2 n ln n elements (13,800 for n = 1000);
//   - each pass, per batch of at most kSortBatchElements / m elements: one LessThanPublic on
//     m·N elements, one EqualPublic on (m - 1)·N (none when m = 1), ceil(log2 m) products of
//     at most m·N elements, and one Reveal of N elements. Rounds per pass (one batch):
//     rounds(LessThan) + rounds(Equal) + ceil(log2 m)·rounds(Mul) + rounds(Reveal).
//     Bytes: those calls' bytes for ~2 n ln n elements in all.
//   - local work O(n log n) expected; the final gather is O(n·c).
// Peak memory: the shuffled matrix and its keys (n·(c + 2m) ring elements per share part),
// the public order (8n bytes) and one batch of comparisons (at most kSortBatchElements
// element-components and the comparison protocol's working set for them).
#ifndef ARCA_FRAME_SHUFFLE_SORT_H_
#define ARCA_FRAME_SHUFFLE_SORT_H_

#include <cstdint>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/protocol.h"

namespace arca::frame {

// Element-components compared per batch: bounds the comparison protocol's working memory
// (a pass of more elements is split into batches, each costing the rounds of one).
inline constexpr int64_t kSortBatchElements = int64_t{1} << 20;

// What a sort opened, for tests of the argument above.
struct SortTranscript {
  // Per pass, [element < its pivot] for every compared element, segment by segment in order.
  std::vector<std::vector<uint8_t>> passes;
  // Sorted position -> row of the shuffled matrix (sigma's inverse).
  std::vector<int64_t> order;
};

// The rows of `matrix` ([n, c]) ordered by its last `key_columns` columns, read as signed ring
// values and compared lexicographically (the first of them first). Every row's key must be
// distinct (see above); the caller guarantees it, and differences of key components must fit
// in 63 bits (|component| < 2^62). Reveals only what the file comment says; `transcript`, if
// given, receives it. An error if `matrix` is not rank 2 or key_columns is not in [1, c].
Result<mpc::Shared> ShuffleSortRows(mpc::Protocol& p, const mpc::Shared& matrix,
                                    int64_t key_columns, SortTranscript* transcript = nullptr);

}  // namespace arca::frame

#endif  // ARCA_FRAME_SHUFFLE_SORT_H_
