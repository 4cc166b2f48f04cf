// Sorting the rows of shared columns by their key columns: shuffle, then quicksort with
// revealed comparison outcomes (Hamada, Kikuchi, Ikarashi, Chida, Takahashi: "Practically
// efficient multi-party sorting protocols from comparison sort algorithms", ICISC 2012).
//
// Algorithm. The rows are shuffled once (one Protocol::Shuffle of the columns stacked as one
// matrix: payload and keys move together), then sorted by quicksort on the shuffled order
// (the key columns, stacked apart, are all the passes read): each pass takes
// every unsorted segment, compares each of its elements with the segment's first element (its
// pivot) in ONE batched lexicographic comparison over all segments, opens the outcomes and
// partitions every segment locally (stably), until no segment has two elements. The final
// order is a public permutation of the shuffled rows, applied locally to one column at a time
// (Protocol::GatherRows).
//
// Lexicographic comparison of m key components. The differences d_j = element_j - pivot_j of
// all components are compared with 0 and 1 in ONE LessThanPublic call: lt_j = [d_j < 0], and,
// since keys are ring integers, eq_j = [d_j == 0] = [d_j < 1] - [d_j < 0] (for the first m - 1
// components; one threshold when m = 1). Blocks of components then merge pairwise,
// (lt, eq)·(lt', eq') = (lt + eq·lt', eq·eq'), in ceil(log2 m) levels of one product each;
// the result is [element < pivot]. (One call with two thresholds costs the rounds of one
// comparison; a separate EqualPublic call would double the comparison rounds of a pass.)
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
//   - passes: the height of the random binary search tree quicksort builds, measured about
//     22 for n = 10^3 and 30 for n = 10^4 (asymptotically 4.31 ln n; a row's expected depth
//     is 2 ln n). Pass k compares every row not yet placed; all passes together compare
//     2(n + 1)H_n - 4n ~ 2 n ln n - 2.85 n elements (about 11,000 for n = 10^3);
//   - per pass, per batch of at most kSortBatchElements / m elements (N of them): one
//     LessThanPublic of 2 thresholds (1 when m = 1) on m·N elements, ceil(log2 m) products of
//     at most m·N elements, and one Reveal of N. Rounds per pass with one batch:
//     rounds(LessThan) + ceil(log2 m)·rounds(Mul) + rounds(Reveal): on dealer2pc 7 for
//     m = 1 (6 + 1), 8 for m = 2, 9 for m = 3 or 4. Bytes: those calls' bytes over ~2 n ln n
//     elements. Measured (SortRows on an integer and a decimal key with invalid rows, so m = 4;
//     party 0; online bytes sent): n = 10^3: dealer2pc 205 rounds, 2.0 MB; rep3 199 rounds, 2.0 MB.
//     n = 10^4: dealer2pc 268 rounds, 26 MB; rep3 299 rounds, 28 MB;
//   - local work O(n log n) expected; the final gather O(n·c).
// Peak memory: two copies of the n·c elements (when the columns are stacked and when the
// shuffled matrix is split into columns; the Shuffle's own working set is Protocol::Shuffle's),
// then the shuffled columns and the keys (n·(c + m) ring elements per share part), the public
// order and one pass's element and pivot indices (24n bytes), and one batch of comparisons (at
// most kSortBatchElements element-components, 2 thresholds each, and the comparison protocol's
// working set for them); at the end one column more.
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

// `columns` ([n] each, c of them) with their rows ordered by the last `key_columns` columns,
// read as signed ring values and compared lexicographically (the first of them first). Every
// row's key must be distinct (see above); the caller guarantees it, and differences of key
// components must fit in 63 bits (|component| < 2^62). Takes the columns (each is dropped as
// soon as it is stacked). Reveals only what the file comment says; `transcript`, if given,
// receives it. An error if a column is not [n] or key_columns is not in [1, c].
Result<std::vector<mpc::Shared>> ShuffleSortColumns(mpc::Protocol& p,
                                                    std::vector<mpc::Shared> columns,
                                                    int64_t key_columns,
                                                    SortTranscript* transcript = nullptr);

}  // namespace arca::frame

#endif  // ARCA_FRAME_SHUFFLE_SORT_H_
