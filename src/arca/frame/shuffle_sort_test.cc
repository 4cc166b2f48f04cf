#include "arca/frame/shuffle_sort.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using mpc::Shape;
using mpc::Shared;
using testing::RandomColumn;

class ShuffleSortTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

// Columns "k" (integers with many ties, possibly negative) and "i" (the row index): sorted by
// both, every key is distinct.
PlainTable KeysAndIndex(uint64_t seed, int64_t rows, double lo, double hi) {
  PlainTable table =
      testing::RandomTable(seed, rows, {RandomColumn{{"k", ColumnType::kInteger, {}}, lo, hi}});
  PlainColumn index{{"i", ColumnType::kInteger, {}}, {}, {}};
  for (int64_t r = 0; r < rows; ++r) index.values.push_back(static_cast<double>(r));
  table.columns.push_back(std::move(index));
  return table;
}

// Sorts the columns (k, i) of the input by both; records party 0's
// transcript and every party's expected rounds (Shuffle, then per pass one less-than, one
// product and one reveal: m = 2 components, a single batch).
struct Sorted {
  PlainTable result;
  SortTranscript transcript;
  std::vector<int64_t> rounds;
  std::vector<int64_t> expected_rounds;
};

Result<Sorted> SortKeysAndIndex(mpc::ProtocolKind kind, const PlainTable& input) {
  Sorted out;
  out.expected_rounds.resize(static_cast<size_t>(mpc::PartiesOf(kind)));
  ARCA_ASSIGN_OR_RETURN(
      testing::FrameRun run,
      testing::RunFrame(
          kind, {input}, [&](fxp::FixedPoint& fp, const std::vector<Table>& in) -> Result<Table> {
            mpc::Protocol& p = fp.protocol();
            const Table& t = in[0];
            const int64_t n = t.rows;
            SortTranscript transcript;
            ARCA_ASSIGN_OR_RETURN(
                std::vector<Shared> sorted,
                ShuffleSortColumns(p, {t.columns[0].values, t.columns[1].values}, 2, &transcript));
            const auto rounds = [&](mpc::Op op, const Shape& shape) {
              return p.Cost(mpc::OpCall{op, shape})[static_cast<size_t>(p.party())].rounds;
            };
            int64_t expected = n > 1 ? rounds(mpc::Op::kShuffle, Shape{n, 2}) : 0;
            for (const std::vector<uint8_t>& pass : transcript.passes) {
              const auto len = static_cast<int64_t>(pass.size());
              expected += rounds(mpc::Op::kLessThan, Shape{2, len}) +
                          rounds(mpc::Op::kMul, Shape{1, len}) +
                          rounds(mpc::Op::kReveal, Shape{len});
            }
            out.expected_rounds[static_cast<size_t>(p.party())] = expected;
            if (p.party() == 0) out.transcript = transcript;
            Table result = t;
            for (size_t j = 0; j < 2; ++j) result.columns[j].values = std::move(sorted[j]);
            return result;
          }));
  out.result = std::move(run.result);
  for (const net::TrafficStats& cost : run.costs) out.rounds.push_back(cost.rounds);
  return out;
}

// The outcomes quicksort (first element as pivot, stable partitions, all segments of a pass
// together) opens on a sequence of distinct ranks: what ShuffleSortColumns must open, computed
// from the ranks alone.
std::vector<std::vector<uint8_t>> QuicksortOutcomes(std::vector<int64_t> ranks) {
  std::vector<std::vector<uint8_t>> passes;
  std::vector<std::pair<size_t, size_t>> segments;
  if (ranks.size() > 1) segments.emplace_back(0, ranks.size());
  while (!segments.empty()) {
    std::vector<uint8_t> pass;
    std::vector<std::pair<size_t, size_t>> next;
    for (const auto& [begin, end] : segments) {
      std::vector<int64_t> low, high;
      for (size_t i = begin + 1; i < end; ++i) {
        const bool less = ranks[i] < ranks[begin];
        pass.push_back(less ? 1 : 0);
        (less ? low : high).push_back(ranks[i]);
      }
      const int64_t pivot = ranks[begin];
      auto out = std::copy(low.begin(), low.end(), ranks.begin() + static_cast<int64_t>(begin));
      *out++ = pivot;
      std::copy(high.begin(), high.end(), out);
      if (low.size() >= 2) next.emplace_back(begin, begin + low.size());
      if (high.size() >= 2) next.emplace_back(end - high.size(), end);
    }
    passes.push_back(std::move(pass));
    segments = std::move(next);
  }
  return passes;
}

TEST_P(ShuffleSortTest, SortsAndOpensOnlyQuicksortOutcomesOfTheShuffledRanks) {
  for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{300}}) {
    const PlainTable input = KeysAndIndex(11 + static_cast<uint64_t>(rows), rows, -3, 3);
    Result<Sorted> sorted = SortKeysAndIndex(GetParam(), input);
    ASSERT_TRUE(sorted.ok()) << sorted.status().ToString();

    // The reference: rows by (k, i).
    std::vector<std::pair<double, double>> expected, got;
    for (int64_t r = 0; r < rows; ++r) {
      const auto at = static_cast<size_t>(r);
      expected.emplace_back(input.columns[0].values[at], input.columns[1].values[at]);
      got.emplace_back(sorted->result.columns[0].values[at], sorted->result.columns[1].values[at]);
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(got, expected) << rows << " rows";

    // sigma: the rank of each shuffled row; the opened outcomes are quicksort's on sigma.
    const std::vector<int64_t>& order = sorted->transcript.order;
    ASSERT_EQ(static_cast<int64_t>(order.size()), rows);
    std::vector<int64_t> sigma(order.size());
    for (size_t pos = 0; pos < order.size(); ++pos) {
      sigma[static_cast<size_t>(order[pos])] = static_cast<int64_t>(pos);
    }
    EXPECT_EQ(sorted->transcript.passes, QuicksortOutcomes(sigma)) << rows << " rows";
    EXPECT_EQ(sorted->rounds, sorted->expected_rounds) << rows << " rows";
  }
}

// Without the shuffle, the smallest key of ascending input would always be shuffled row 0,
// and that of descending input never. With it, the smallest key's shuffled row is uniform for
// both inputs, and so are the opened outcomes (a function of the ranks): over 150 runs of 5
// rows, it is row 0 about 30 times (binomial, sd 4.9) for either input.
TEST(ShuffleSortDistributionTest, OpenedOutcomesDoNotDependOnTheInputOrder) {
  constexpr int kRuns = 150;
  constexpr int64_t kRows = 5;
  PlainTable ascending = KeysAndIndex(1, kRows, 0, 0);
  PlainTable descending = ascending;
  for (int64_t r = 0; r < kRows; ++r) {
    ascending.columns[0].values[static_cast<size_t>(r)] = static_cast<double>(r);
    descending.columns[0].values[static_cast<size_t>(r)] = static_cast<double>(kRows - r);
  }
  for (const PlainTable* input : {&ascending, &descending}) {
    int smallest_first = 0;
    int64_t comparisons = 0;
    for (int run = 0; run < kRuns; ++run) {
      Result<Sorted> sorted = SortKeysAndIndex(mpc::ProtocolKind::kDealer2pc, *input);
      ASSERT_TRUE(sorted.ok()) << sorted.status().ToString();
      const std::vector<int64_t>& order = sorted->transcript.order;
      if (order[0] == 0) ++smallest_first;
      for (const auto& pass : sorted->transcript.passes) {
        comparisons += static_cast<int64_t>(pass.size());
      }
    }
    EXPECT_GT(smallest_first, 10);
    EXPECT_LT(smallest_first, 55);
    // Quicksort of 5 random keys compares 7.4 pairs on average (2(n+1)H_n - 4n), between
    // 6 and 10 each time.
    EXPECT_NEAR(static_cast<double>(comparisons) / kRuns, 7.4, 0.6);
  }
}

// Columns must all be [n], and the keys one to all of them: anything else is refused, naming
// the shapes or counts, before any protocol call.
TEST(ShuffleSortColumnsTest, RefusesColumnsOfOtherShapesAndKeyCountsOutOfRange) {
  std::vector<std::string> errors;
  ASSERT_TRUE(testing::RunFrame(mpc::ProtocolKind::kPlaintext, {KeysAndIndex(5, 3, 0, 9)},
                                [&](fxp::FixedPoint& fp, const std::vector<Table>& in) {
                                  mpc::Protocol& p = fp.protocol();
                                  const Shared& k = in[0].columns[0].values;
                                  const Result<Shared> shorter = p.SliceRows(k, 0, 2);
                                  if (!shorter.ok()) return Result<Table>(shorter.status());
                                  for (const auto& [columns, keys] :
                                       {std::pair{std::vector<Shared>{k, *shorter}, int64_t{1}},
                                        std::pair{std::vector<Shared>{k, k}, int64_t{0}},
                                        std::pair{std::vector<Shared>{k, k}, int64_t{3}},
                                        std::pair{std::vector<Shared>{}, int64_t{1}}}) {
                                    errors.push_back(
                                        ShuffleSortColumns(p, columns, keys).status().ToString());
                                  }
                                  return Result<Table>(in[0]);
                                })
                  .ok());
  EXPECT_THAT(errors, ::testing::ElementsAre(
                          ::testing::HasSubstr("a column of shape [2] among columns of 3 rows"),
                          ::testing::HasSubstr("0 key columns of 2 columns"),
                          ::testing::HasSubstr("3 key columns of 2 columns"),
                          ::testing::HasSubstr("1 key columns of 0 columns")));
}

INSTANTIATE_TEST_SUITE_P(Protocols, ShuffleSortTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
