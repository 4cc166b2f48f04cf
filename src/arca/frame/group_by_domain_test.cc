#include "arca/frame/group_by_domain.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>

#include "arca/frame/pandas_reference.h"
#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using testing::FrameRun;
using testing::RandomColumn;
using testing::RunFrame;

class GroupByDomainTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

// site (3 categories), smoker, band (integer 0..5; declared 1..4 so that some rows fall
// outside), income (decimal, negative too), score (decimal, null where has_score is false)
// keep (the rows left valid) and seven (always 7).
PlainTable Sample(uint64_t seed, int64_t rows) {
  return testing::RandomTable(
      seed, rows,
      {RandomColumn{{"site", ColumnType::kCategorical, {"north", "south", "east"}}},
       RandomColumn{{"smoker", ColumnType::kBoolean, {}}},
       RandomColumn{{"band", ColumnType::kInteger, {}}, 0, 5},
       RandomColumn{{"income", ColumnType::kDecimal, {}}, -5000, 90000},
       RandomColumn{{"score", ColumnType::kDecimal, {}}, -10, 10},
       RandomColumn{{"has_score", ColumnType::kBoolean, {}}},
       RandomColumn{{"keep", ColumnType::kBoolean, {}}},
       RandomColumn{{"seven", ColumnType::kInteger, {}}, 7, 7}});
}

const KeyDomains kDomains = {{"band", {4, 2, 3, 1}}};  // taken in increasing order

// What the shared program does to the sample: rows where keep is false invalid (if
// `filter`), score null where has_score is false (if `nulls`).
struct Shaping {
  bool filter = true;
  bool nulls = true;
};

Result<Table> Prepare(fxp::FixedPoint& fp, Table table, const Shaping& setup) {
  if (setup.filter) {
    ARCA_ASSIGN_OR_RETURN(table, testing::KeepWhere(fp, std::move(table), "keep"));
  }
  if (setup.nulls) {
    ARCA_ASSIGN_OR_RETURN(const Column* has, table.Get("has_score"));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared present, testing::BooleanBits(fp, *has));
    for (Column& c : table.columns) {
      if (c.name != "score") continue;
      c.has_nulls = true;
      c.present = present;
    }
  }
  return table;
}

// The expected result rows, pandas' groupby written out over the plain sample.
struct ExpectedRow {
  bool valid = false;
  std::vector<double> keys;
  std::vector<std::optional<double>> values;
  std::vector<int64_t> counts;  // present values behind each aggregate
};

std::vector<double> PlainDomain(const PlainColumn& c) {
  switch (c.spec.type) {
    case ColumnType::kCategorical: {
      std::vector<double> d;
      for (size_t i = 0; i < c.spec.categories.size(); ++i) d.push_back(static_cast<double>(i));
      return d;
    }
    case ColumnType::kBoolean:
      return {0, 1};
    default: {
      std::vector<double> d = kDomains.at(c.spec.name);
      std::sort(d.begin(), d.end());
      return d;
    }
  }
}

std::vector<ExpectedRow> Reference(const PlainTable& t, const std::vector<std::string>& keys,
                                   const std::vector<Aggregate>& aggregates, const Shaping& setup,
                                   int64_t min_size) {
  const auto value = [&](const std::string& name, int64_t r) {
    return t.Find(name)->values[static_cast<size_t>(r)];
  };
  const auto present = [&](const std::string& name, int64_t r) {
    return !(setup.nulls && name == "score") || value("has_score", r) == 1;
  };
  std::vector<std::vector<double>> domains;
  int64_t groups = 1;
  for (const std::string& k : keys) {
    domains.push_back(PlainDomain(*t.Find(k)));
    groups *= static_cast<int64_t>(domains.back().size());
  }
  std::vector<ExpectedRow> out;
  for (int64_t g = 0; g < groups; ++g) {
    ExpectedRow row;
    int64_t rest = g;
    row.keys.resize(keys.size());
    for (size_t j = keys.size(); j-- > 0;) {
      const auto size = static_cast<int64_t>(domains[j].size());
      row.keys[j] = domains[j][static_cast<size_t>(rest % size)];
      rest /= size;
    }
    std::vector<int64_t> members;
    for (int64_t r = 0; r < t.rows(); ++r) {
      bool in = !setup.filter || value("keep", r) == 1;
      for (size_t j = 0; j < keys.size(); ++j) in = in && value(keys[j], r) == row.keys[j];
      if (in) members.push_back(r);
    }
    const auto size = static_cast<int64_t>(members.size());
    row.valid = size >= std::max<int64_t>(1, min_size);
    for (const Aggregate& a : aggregates) {
      std::vector<double> values;
      for (int64_t r : members) {
        if (a.column.empty() || present(a.column, r)) {
          values.push_back(a.column.empty() ? 0 : value(a.column, r));
        }
      }
      row.values.push_back(testing::PandasAggregate(a.how, values, size));
      row.counts.push_back(static_cast<int64_t>(values.size()));
    }
    out.push_back(std::move(row));
  }
  return out;
}

void ExpectMatches(const PlainTable& got, const std::vector<ExpectedRow>& want,
                   const std::vector<std::string>& keys, const std::vector<Aggregate>& aggregates,
                   bool zeroed_when_invalid) {
  ASSERT_EQ(got.rows(), static_cast<int64_t>(want.size()));
  ASSERT_EQ(got.columns.size(), keys.size() + aggregates.size());
  for (size_t g = 0; g < want.size(); ++g) {
    EXPECT_EQ(got.valid[g], want[g].valid) << "group " << g;
    for (size_t j = 0; j < keys.size(); ++j) {
      EXPECT_EQ(got.columns[j].spec.name, keys[j]);
      EXPECT_EQ(got.columns[j].values[g], want[g].keys[j]) << "group " << g << " key " << j;
    }
    for (size_t i = 0; i < aggregates.size(); ++i) {
      const PlainColumn& c = got.columns[keys.size() + i];
      EXPECT_EQ(c.spec.name, aggregates[i].name);
      const bool is_present = c.present.empty() || c.present[g];
      if (!want[g].valid) {
        if (zeroed_when_invalid) {
          EXPECT_EQ(c.values[g], 0) << c.spec.name << " group " << g;
          EXPECT_TRUE(is_present == c.present.empty()) << c.spec.name << " group " << g;
        }
        continue;
      }
      const std::optional<double>& expected = want[g].values[i];
      EXPECT_EQ(is_present, expected.has_value()) << c.spec.name << " group " << g;
      if (!expected || !is_present) continue;
      EXPECT_NEAR(c.values[g], *expected,
                  testing::Tolerance(aggregates[i].how, *expected, want[g].counts[i]))
          << c.spec.name << " group " << g;
    }
  }
}

std::vector<Aggregate> EveryAggregation(const std::string& column) {
  std::vector<Aggregate> out;
  for (Aggregation how :
       {Aggregation::kCount, Aggregation::kSize, Aggregation::kSum, Aggregation::kMean,
        Aggregation::kMin, Aggregation::kMax, Aggregation::kVar, Aggregation::kStd}) {
    out.push_back(Aggregate{column, how, column + "_" + std::string(AggregationName(how))});
  }
  return out;
}

std::vector<Aggregate> Mixed() {
  std::vector<Aggregate> out = EveryAggregation("income");
  for (const Aggregate& a : EveryAggregation("score")) out.push_back(a);
  out.push_back(Aggregate{"", Aggregation::kSize, "rows"});
  return out;
}

Result<FrameRun> RunGroupBy(mpc::ProtocolKind kind, const PlainTable& in,
                            const std::vector<std::string>& keys,
                            const std::vector<Aggregate>& aggregates, const Shaping& setup,
                            const GroupByOptions& options, int64_t budget = kOneHotBudget) {
  return RunFrame(
      kind, {in}, [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
        ARCA_ASSIGN_OR_RETURN(Table t, Prepare(fp, inputs[0], setup));
        return GroupByDomainInBatches(fp, t, keys, aggregates, kDomains, options, budget);
      });
}

TEST_P(GroupByDomainTest, MatchesPandasOverEveryAggregationWithInvalidRowsAndNulls) {
  const std::vector<std::string> keys = {"site", "smoker", "band"};
  for (const int64_t rows : {int64_t{0}, int64_t{1}, int64_t{300}}) {
    const PlainTable in = Sample(11, rows);
    const Shaping setup;
    Result<FrameRun> run = RunGroupBy(GetParam(), in, keys, Mixed(), setup, {});
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    ExpectMatches(run->result, Reference(in, keys, Mixed(), setup, 0), keys, Mixed(), false);
    // band 0 and 5 lie outside the declared domain: the notice counts their valid rows.
    int64_t outside = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const auto i = static_cast<size_t>(r);
      const double band = in.Find("band")->values[i];
      if (in.Find("keep")->values[i] == 1 && (band == 0 || band == 5)) ++outside;
    }
    ASSERT_EQ(run->result.notices.size(), 1U);
    EXPECT_EQ(run->result.notices[0].second, outside) << run->result.notices[0].first;
  }
}

TEST_P(GroupByDomainTest, ACategoricalKeyOverAllValidRowsWithoutNulls) {
  const std::vector<std::string> keys = {"site"};
  const PlainTable in = Sample(12, 200);  // many rows share each key
  const Shaping setup{false, false};
  std::vector<Aggregate> aggregates = EveryAggregation("income");
  // A constant column: var 0 and std near 0 (a square root of 0 is within 2^-9).
  aggregates.push_back(Aggregate{"seven", Aggregation::kStd, "seven_std"});
  aggregates.push_back(Aggregate{"seven", Aggregation::kVar, "seven_var"});
  Result<FrameRun> run = RunGroupBy(GetParam(), in, keys, aggregates, setup, {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ExpectMatches(run->result, Reference(in, keys, aggregates, setup, 0), keys, aggregates, false);
  EXPECT_TRUE(run->result.notices.empty());
  // The result has no nulls but var and std (a group of one row would have NaN).
  for (size_t i = 0; i < aggregates.size(); ++i) {
    const bool nullable =
        aggregates[i].how == Aggregation::kVar || aggregates[i].how == Aggregation::kStd;
    EXPECT_EQ(run->result.columns[1 + i].present.empty(), !nullable) << aggregates[i].name;
  }
}

TEST_P(GroupByDomainTest, SmallGroupsAreSuppressedCountedAndZeroed) {
  const std::vector<std::string> keys = {"site", "smoker", "band"};
  const PlainTable in = Sample(13, 120);  // about 2.5 valid rows per group
  const Shaping setup;
  GroupByOptions options;
  options.min_group_size = 3;
  Result<FrameRun> run = RunGroupBy(GetParam(), in, keys, Mixed(), setup, options);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const std::vector<ExpectedRow> want = Reference(in, keys, Mixed(), setup, 3);
  ExpectMatches(run->result, want, keys, Mixed(), true);
  const std::vector<ExpectedRow> all = Reference(in, keys, Mixed(), setup, 0);
  int64_t suppressed = 0;
  for (size_t g = 0; g < all.size(); ++g) {
    if (all[g].valid && !want[g].valid) ++suppressed;
  }
  EXPECT_GT(suppressed, 0);
  ASSERT_EQ(run->result.notices.size(), 2U);
  EXPECT_EQ(run->result.notices[0].first, "groups suppressed (fewer than 3 rows)");
  EXPECT_EQ(run->result.notices[0].second, suppressed);
}

TEST_P(GroupByDomainTest, BatchesOfRowsGiveTheSameResult) {
  const std::vector<std::string> keys = {"smoker", "site"};
  const PlainTable in = Sample(14, 150);
  const Shaping setup;
  // 6 groups and two columns with extremes: a budget of 6·5·13 takes 13 rows per batch.
  Result<FrameRun> run = RunGroupBy(GetParam(), in, keys, Mixed(), setup, {}, int64_t{6} * 5 * 13);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ExpectMatches(run->result, Reference(in, keys, Mixed(), setup, 0), keys, Mixed(), false);
}

TEST_P(GroupByDomainTest, BadKeysAndAggregatesAreRefusedByName) {
  const PlainTable in = Sample(15, 4);
  const auto error = [&](const std::vector<std::string>& keys,
                         const std::vector<Aggregate>& aggregates, const KeyDomains& domains) {
    Result<FrameRun> run =
        RunFrame(GetParam(), {in}, [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) {
          return GroupByDomain(fp, inputs[0], keys, aggregates, domains, {});
        });
    return run.ok() ? std::string() : run.status().ToString();
  };
  const std::vector<Aggregate> sum = {Aggregate{"income", Aggregation::kSum, "total"}};
  std::string e = error({"band"}, sum, {});
  EXPECT_NE(e.find("integer key 'band' has no declared domain"), std::string::npos) << e;
  EXPECT_NE(e.find("sorted group-by"), std::string::npos) << e;
  e = error({"income"}, sum, {});
  EXPECT_NE(e.find("key 'income' is decimal"), std::string::npos) << e;
  e = error({"site"}, {Aggregate{"site", Aggregation::kMean, "m"}}, {});
  EXPECT_NE(e.find("aggregate 'm': mean of column 'site' needs a number"), std::string::npos) << e;
  e = error({"band"}, sum, {{"band", {1, 1}}});
  EXPECT_NE(e.find("domain of key 'band' repeats a value"), std::string::npos) << e;
  e = error({"nope"}, sum, {});
  EXPECT_NE(e.find("no column 'nope'"), std::string::npos) << e;
}

// Rounds of one call of an operation at party 0.
int64_t Rounds(mpc::Protocol& p, mpc::Op op, int64_t n, int64_t count = 1) {
  mpc::OpCall call;
  call.op = op;
  call.a = mpc::Shape{n};
  call.b = mpc::Shape{n};
  call.count = count;
  if (op == mpc::Op::kMatMul) {
    call.a = mpc::Shape{n, n};
    call.b = mpc::Shape{n, n};
  }
  return p.Cost(call)[0].rounds;
}

// Rounds of a one-element Reciprocal and Sqrt at party 0, measured.
std::pair<int64_t, int64_t> FunctionRounds(mpc::ProtocolKind kind) {
  std::pair<int64_t, int64_t> rounds;
  for (const bool root : {false, true}) {
    PlainTable one =
        testing::RandomTable(1, 1, {RandomColumn{{"x", ColumnType::kDecimal, {}}, 1, 2}});
    Result<FrameRun> run = RunFrame(
        kind, {one}, [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
          if (root) {
            ARCA_RETURN_IF_ERROR(fp.Sqrt(inputs[0].columns[0].values).status());
          } else {
            ARCA_RETURN_IF_ERROR(fp.Reciprocal(inputs[0].columns[0].values).status());
          }
          return inputs[0];
        });
    EXPECT_TRUE(run.ok());
    (root ? rounds.second : rounds.first) = run.ok() ? run->costs[0].rounds : -1;
  }
  return rounds;
}

TEST_P(GroupByDomainTest, RoundsFollowTheDocumentedFormula) {
  if (GetParam() == mpc::ProtocolKind::kPlaintext) GTEST_SKIP() << "no network";
  const std::pair<int64_t, int64_t> functions = FunctionRounds(GetParam());
  const int64_t recip = functions.first, sqrt = functions.second;
  const int64_t n = 64;
  const PlainTable in = Sample(16, n);
  for (const bool nulls : {false, true}) {
    const std::vector<std::string> keys = {"site", "band"};
    const std::vector<Aggregate> aggregates = nulls ? Mixed() : EveryAggregation("income");
    const Shaping setup{nulls, nulls};
    GroupByOptions options;
    options.min_group_size = nulls ? 2 : 0;
    int64_t expected = -1, measured = -2;
    Result<FrameRun> run = RunFrame(
        GetParam(), {in},
        [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
          mpc::Protocol& p = fp.protocol();
          // Preparing the table (KeepWhere, BooleanBits) is not the operator's.
          ARCA_ASSIGN_OR_RETURN(Table t, Prepare(fp, inputs[0], setup));
          const int64_t before = p.session().network().stats().rounds;
          ARCA_ASSIGN_OR_RETURN(Table out,
                                GroupByDomain(fp, t, keys, aggregates, kDomains, options));
          if (p.party() != 0) return out;
          measured = p.session().network().stats().rounds - before;
          const int64_t eq = Rounds(p, mpc::Op::kEqual, 4), lt = Rounds(p, mpc::Op::kLessThan, 4),
                        mul = Rounds(p, mpc::Op::kMul, 4), matmul = Rounds(p, mpc::Op::kMatMul, 4),
                        trunc = Rounds(p, mpc::Op::kTruncate, 4);
          const int64_t div = lt + 4 * trunc + 2 * mul + recip, square = mul + 2 * trunc;
          expected = 2 * eq + matmul + lt + mul + 6 * (lt + mul) + div +
                     (2 * matmul + square + div) + (trunc + lt + sqrt + mul);
          if (nulls) expected += mul /* x·present */ + mul /* deviations */ + mul /* zeroing */;
          return out;
        });
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    EXPECT_EQ(measured, expected) << (nulls ? "with nulls" : "without nulls");
  }
}

INSTANTIATE_TEST_SUITE_P(Protocols, GroupByDomainTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
