#include "arca/frame/shuffle_sort.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <span>
#include <utility>

#include "arca/frame/table.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

const RingTensor& Zero() {
  static const RingTensor* const zero = new RingTensor(RingTensor::FromValues(Shape{1}, {0}));
  return *zero;
}

const RingTensor& ZeroAndOne() {
  static const RingTensor* const values = new RingTensor(RingTensor::FromValues(Shape{2}, {0, 1}));
  return *values;
}

// 0, 2, 4, ... (`count` of them) when first = 0; 1, 3, 5, ... when first = 1.
std::vector<int64_t> Strided(int64_t first, int64_t count) {
  std::vector<int64_t> rows(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) rows[static_cast<size_t>(i)] = first + 2 * i;
  return rows;
}

// [element < pivot] from the component outcomes lt ([c, len]) and eq ([c - 1, len]): blocks
// of components merge pairwise, (lt, eq)·(lt', eq') = (lt + eq·lt', eq·eq'), one product per
// level. The last block never needs its eq.
Result<Shared> CombineLexicographic(mpc::Protocol& p, Shared lt, Shared eq) {
  while (lt.shape().dim(0) > 1) {
    const int64_t c = lt.shape().dim(0), pairs = c / 2;
    const int64_t eq_pairs = c % 2 == 0 ? pairs - 1 : pairs;
    const std::vector<int64_t> evens = Strided(0, pairs), odds = Strided(1, pairs);
    const std::span<const int64_t> eq_evens(evens.data(), static_cast<size_t>(eq_pairs));
    const std::span<const int64_t> eq_odds(odds.data(), static_cast<size_t>(eq_pairs));
    ARCA_ASSIGN_OR_RETURN(Shared eq_first, p.GatherRows(eq, evens));
    ARCA_ASSIGN_OR_RETURN(Shared eq_first_inner, p.GatherRows(eq, eq_evens));
    ARCA_ASSIGN_OR_RETURN(Shared lt_second, p.GatherRows(lt, odds));
    ARCA_ASSIGN_OR_RETURN(Shared eq_second, p.GatherRows(eq, eq_odds));
    ARCA_ASSIGN_OR_RETURN(Shared left, p.ConcatRows({eq_first, eq_first_inner}));
    ARCA_ASSIGN_OR_RETURN(Shared right, p.ConcatRows({lt_second, eq_second}));
    ARCA_ASSIGN_OR_RETURN(Shared products, p.Mul(left, right));
    ARCA_ASSIGN_OR_RETURN(Shared lt_first, p.GatherRows(lt, evens));
    ARCA_ASSIGN_OR_RETURN(Shared carried, p.SliceRows(products, 0, pairs));
    ARCA_ASSIGN_OR_RETURN(Shared merged, p.Add(lt_first, carried));
    if (c % 2 == 1) {
      ARCA_ASSIGN_OR_RETURN(Shared waiting, p.SliceRows(lt, c - 1, c));
      ARCA_ASSIGN_OR_RETURN(merged, p.ConcatRows({merged, waiting}));
    }
    ARCA_ASSIGN_OR_RETURN(eq, p.SliceRows(products, pairs, pairs + eq_pairs));
    lt = std::move(merged);
  }
  return lt;
}

// Opens [keys row elements[i] < keys row pivots[i]] (lexicographically) for every i.
Result<std::vector<uint8_t>> LessThanPivots(mpc::Protocol& p, const Shared& keys,
                                            std::span<const int64_t> elements,
                                            std::span<const int64_t> pivots) {
  const int64_t m = keys.shape().dim(1);
  const auto len = static_cast<int64_t>(elements.size());
  ARCA_ASSIGN_OR_RETURN(Shared element_keys, p.GatherRows(keys, elements));
  ARCA_ASSIGN_OR_RETURN(Shared pivot_keys, p.GatherRows(keys, pivots));
  ARCA_ASSIGN_OR_RETURN(Shared differences, p.Sub(element_keys, pivot_keys));
  ARCA_ASSIGN_OR_RETURN(differences, p.Transpose(differences));  // [m, len]
  // [d < 0] and, for the leading components, [d == 0] = [d < 1] - [d < 0] (keys are ring
  // integers): one comparison call for both.
  const int64_t thresholds = m > 1 ? 2 : 1;
  ARCA_ASSIGN_OR_RETURN(Shared below,
                        p.LessThanPublic(differences, thresholds == 2 ? ZeroAndOne() : Zero()));
  ARCA_ASSIGN_OR_RETURN(below, p.Reshape(std::move(below), Shape{thresholds * m, len}));
  ARCA_ASSIGN_OR_RETURN(Shared less, p.SliceRows(below, 0, m));
  if (m > 1) {
    ARCA_ASSIGN_OR_RETURN(Shared below_one, p.SliceRows(below, m, 2 * m - 1));
    ARCA_ASSIGN_OR_RETURN(Shared leading_less, p.SliceRows(less, 0, m - 1));
    ARCA_ASSIGN_OR_RETURN(Shared eq, p.Sub(below_one, leading_less));
    ARCA_ASSIGN_OR_RETURN(less, CombineLexicographic(p, std::move(less), std::move(eq)));
  }
  ARCA_ASSIGN_OR_RETURN(RingTensor opened, p.Reveal(less));
  std::vector<uint8_t> outcomes(static_cast<size_t>(len));
  for (int64_t i = 0; i < len; ++i) outcomes[static_cast<size_t>(i)] = opened[i] != 0 ? 1 : 0;
  return outcomes;
}

struct Segment {
  int64_t begin = 0;
  int64_t end = 0;
};

// One quicksort pass: compares every element of every segment with the segment's first
// element (in batches of at most `batch` elements), partitions each segment stably into
// (less, pivot, greater) in `order`, and returns the outcomes and the segments left to sort.
Result<std::vector<uint8_t>> Pass(mpc::Protocol& p, const Shared& keys, int64_t batch,
                                  std::vector<int64_t>& order, std::vector<Segment>& segments) {
  std::vector<int64_t> elements, pivots;
  for (const Segment& s : segments) {
    for (int64_t i = s.begin + 1; i < s.end; ++i) {
      elements.push_back(order[static_cast<size_t>(i)]);
      pivots.push_back(order[static_cast<size_t>(s.begin)]);
    }
  }
  std::vector<uint8_t> less;
  less.reserve(elements.size());
  const std::span<const int64_t> all_elements(elements), all_pivots(pivots);
  for (size_t at = 0; at < elements.size(); at += static_cast<size_t>(batch)) {
    const size_t len = std::min(elements.size() - at, static_cast<size_t>(batch));
    ARCA_ASSIGN_OR_RETURN(
        std::vector<uint8_t> outcomes,
        LessThanPivots(p, keys, all_elements.subspan(at, len), all_pivots.subspan(at, len)));
    less.insert(less.end(), outcomes.begin(), outcomes.end());
  }
  std::vector<Segment> next;
  size_t at = 0;
  std::vector<int64_t> low, high;
  for (const Segment& s : segments) {
    low.clear();
    high.clear();
    const int64_t pivot = order[static_cast<size_t>(s.begin)];
    for (int64_t i = s.begin + 1; i < s.end; ++i) {
      (less[at++] != 0 ? low : high).push_back(order[static_cast<size_t>(i)]);
    }
    auto out = order.begin() + s.begin;
    out = std::copy(low.begin(), low.end(), out);
    *out++ = pivot;
    std::copy(high.begin(), high.end(), out);
    const auto lows = static_cast<int64_t>(low.size());
    if (lows >= 2) next.push_back({s.begin, s.begin + lows});
    if (s.end - (s.begin + lows + 1) >= 2) next.push_back({s.begin + lows + 1, s.end});
  }
  segments = std::move(next);
  return less;
}

}  // namespace

Result<std::vector<Shared>> ShuffleSortColumns(mpc::Protocol& p, std::vector<Shared> columns,
                                               int64_t key_columns, SortTranscript* transcript) {
  const auto c = static_cast<int64_t>(columns.size());
  if (key_columns < 1 || key_columns > c) {
    return InvalidArgumentError(fmt::format(
        "sort: {} key columns of {} columns (need 1 <= key columns <= columns)", key_columns, c));
  }
  const int64_t n = columns.front().numel();
  for (const Shared& column : columns) {
    if (column.shape() != Shape{n}) {
      return InvalidArgumentError(
          fmt::format("sort: a column of shape {} among columns of {} rows (need [rows] each)",
                      column.shape().ToString(), n));
    }
  }
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  if (n <= 1) {
    if (transcript != nullptr) transcript->order = order;
    return columns;
  }
  ARCA_ASSIGN_OR_RETURN(Shared matrix, StackColumns(p, std::move(columns)));
  ARCA_ASSIGN_OR_RETURN(matrix, p.Shuffle(std::move(matrix)));
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> shuffled, SplitColumns(p, std::move(matrix)));
  ARCA_ASSIGN_OR_RETURN(
      const Shared keys,  // [n, m]
      StackColumns(p, std::vector<Shared>(shuffled.end() - key_columns, shuffled.end())));
  const int64_t batch = std::max<int64_t>(1, kSortBatchElements / key_columns);
  std::vector<Segment> segments = {{0, n}};
  while (!segments.empty()) {
    ARCA_ASSIGN_OR_RETURN(std::vector<uint8_t> less, Pass(p, keys, batch, order, segments));
    if (transcript != nullptr) transcript->passes.push_back(std::move(less));
  }
  for (Shared& column : shuffled) {
    ARCA_ASSIGN_OR_RETURN(column, p.GatherRows(column, order));
  }
  if (transcript != nullptr) transcript->order = std::move(order);
  return shuffled;
}

}  // namespace arca::frame
