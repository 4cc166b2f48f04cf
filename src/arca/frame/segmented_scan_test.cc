#include "arca/frame/segmented_scan.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using mpc::Shape;
using mpc::Shared;

class SegmentedScanTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

constexpr int64_t kColumns = 3;

// Column "start" (0/1, about one row in four) and kColumns integer columns v0.. in
// [-1000, 1000].
PlainTable Sample(uint64_t seed, int64_t rows) {
  PlainTable table;
  table.valid.assign(static_cast<size_t>(rows), true);
  std::mt19937_64 rng(seed);
  PlainColumn start{{"start", ColumnType::kInteger, {}}, {}, {}};
  for (int64_t r = 0; r < rows; ++r) start.values.push_back(rng() % 4 == 0 ? 1 : 0);
  table.columns.push_back(std::move(start));
  for (int64_t j = 0; j < kColumns; ++j) {
    PlainColumn column{{fmt::format("v{}", j), ColumnType::kInteger, {}}, {}, {}};
    for (int64_t r = 0; r < rows; ++r) {
      column.values.push_back(static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000));
    }
    table.columns.push_back(std::move(column));
  }
  return table;
}

// The plain scan of column `j` for `op`, restarting where start = 1 (and at row 0).
std::vector<double> Reference(const PlainTable& t, size_t j, ScanOp op) {
  std::vector<double> out;
  const std::vector<double>& v = t.columns[j].values;
  for (size_t r = 0; r < v.size(); ++r) {
    const bool starts = r == 0 || t.columns[0].values[r] == 1;
    if (starts) {
      out.push_back(v[r]);
      continue;
    }
    const double prev = out.back();
    switch (op) {
      case ScanOp::kSum:
        out.push_back(prev + v[r]);
        break;
      case ScanOp::kFirst:
        out.push_back(prev);
        break;
      case ScanOp::kMin:
        out.push_back(std::min(prev, v[r]));
        break;
      case ScanOp::kMax:
        out.push_back(std::max(prev, v[r]));
        break;
    }
  }
  return out;
}

// Levels of the scans of `rows` rows in batches of `batch_rows` (0: one batch): the first
// batch takes batch_rows rows, each later one the previous batch's last row and batch_rows - 1
// new ones.
int64_t Levels(int64_t rows, int64_t batch_rows) {
  const auto levels = [](int64_t n) {
    return n <= 1 ? 0 : static_cast<int64_t>(std::ceil(std::log2(n)));
  };
  if (batch_rows == 0 || rows <= batch_rows) return levels(rows);
  int64_t total = levels(batch_rows);
  for (int64_t begin = batch_rows; begin < rows; begin += batch_rows - 1) {
    total += levels(1 + std::min(rows - begin, batch_rows - 1));
  }
  return total;
}

TEST_P(SegmentedScanTest, MatchesAPlainScanWithinGroups) {
  struct Case {
    int64_t rows, batch_rows;
  };
  for (const Case c : {Case{0, 0}, Case{1, 0}, Case{2, 0}, Case{37, 0}, Case{256, 0}, Case{37, 2},
                       Case{37, 5}, Case{256, 64}}) {
    const int64_t rows = c.rows, batch_rows = c.batch_rows;
    const PlainTable in = Sample(21 + static_cast<uint64_t>(rows), rows);
    for (const ScanOp op : {ScanOp::kSum, ScanOp::kFirst, ScanOp::kMin, ScanOp::kMax}) {
      std::vector<int64_t> expected_rounds(static_cast<size_t>(mpc::PartiesOf(GetParam())));
      Result<testing::FrameRun> run = testing::RunFrame(
          GetParam(), {in},
          [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
            mpc::Protocol& p = fp.protocol();
            const Table& t = inputs[0];
            ARCA_ASSIGN_OR_RETURN(Shared starts, testing::BooleanBits(fp, t.columns[0]));
            std::vector<Shared> rows_of_values;
            for (int64_t j = 1; j <= kColumns; ++j) {
              ARCA_ASSIGN_OR_RETURN(
                  Shared row, p.Reshape(t.columns[static_cast<size_t>(j)].values, Shape{1, rows}));
              rows_of_values.push_back(std::move(row));
            }
            ARCA_ASSIGN_OR_RETURN(Shared stacked, p.ConcatRows(rows_of_values));
            ARCA_ASSIGN_OR_RETURN(Shared values, p.Transpose(stacked));
            const net::TrafficStats before =
                p.session().has_network() ? p.session().network().stats() : net::TrafficStats{};
            ARCA_ASSIGN_OR_RETURN(Shared scanned, SegmentedScan(p, starts, values, op, batch_rows));
            const auto party = static_cast<size_t>(p.party());
            const auto rounds = [&](mpc::Op o) { return p.Cost({o, Shape{1}})[party].rounds; };
            const int64_t levels = Levels(rows, batch_rows);
            const int64_t per_level = op == ScanOp::kSum || op == ScanOp::kFirst
                                          ? rounds(mpc::Op::kMul)
                                          : rounds(mpc::Op::kLessThan) + 2 * rounds(mpc::Op::kMul);
            const int64_t spent =
                p.session().has_network() ? (p.session().network().stats() - before).rounds : 0;
            expected_rounds[party] = spent - levels * per_level;
            ARCA_ASSIGN_OR_RETURN(Shared columns, p.Transpose(scanned));
            Table out = t;
            for (int64_t j = 1; j <= kColumns; ++j) {
              ARCA_ASSIGN_OR_RETURN(Shared row, p.SliceRows(columns, j - 1, j));
              ARCA_ASSIGN_OR_RETURN(out.columns[static_cast<size_t>(j)].values,
                                    p.Reshape(std::move(row), Shape{rows}));
            }
            return out;
          });
      ASSERT_TRUE(run.ok()) << run.status().ToString();
      for (size_t j = 1; j <= kColumns; ++j) {
        EXPECT_EQ(run->result.columns[j].values, Reference(in, j, op))
            << rows << " rows in batches of " << batch_rows << ", op " << static_cast<int>(op)
            << ", column " << j;
      }
      // The rounds spent beyond the documented formula: none.
      EXPECT_EQ(expected_rounds, std::vector<int64_t>(expected_rounds.size(), 0))
          << rows << " rows in batches of " << batch_rows;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Protocols, SegmentedScanTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
