#include "arca/frame/join.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>

#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using mpc::Shape;
using mpc::Shared;
using ::testing::HasSubstr;
using testing::RandomColumn;

constexpr JoinHow kHows[] = {JoinHow::kInner, JoinHow::kLeft};
constexpr JoinCardinality kCardinalities[] = {
    JoinCardinality::kOneToOne, JoinCardinality::kOneToMany, JoinCardinality::kManyToOne};

class JoinTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

// How a side is prepared before the join: rows where boolean column `keep` is 0 made invalid
// (testing::KeepWhere) if `filter`, and column `nullable` made null where boolean column
// `present` is 0.
struct Prep {
  bool filter = false;
  std::string nullable, present;
};

Result<Table> Prepare(fxp::FixedPoint& fp, Table table, const Prep& prep) {
  if (prep.filter) {
    ARCA_ASSIGN_OR_RETURN(table, testing::KeepWhere(fp, std::move(table), "keep"));
  }
  if (!prep.nullable.empty()) {
    ARCA_ASSIGN_OR_RETURN(const Column* flag, table.Get(prep.present));
    ARCA_ASSIGN_OR_RETURN(Shared bits, testing::BooleanBits(fp, *flag));
    for (Column& column : table.columns) {
      if (column.name != prep.nullable) continue;
      column.present = bits;
      column.has_nulls = true;
    }
  }
  return table;
}

// The same preparation in the clear: the valid rows and the null masks.
PlainTable PreparePlain(PlainTable table, const Prep& prep) {
  const auto flag = [&](const std::string& name, size_t r) {
    return table.Find(name)->values[r] == 1;
  };
  for (size_t r = 0; r < table.valid.size(); ++r) {
    table.valid[r] = !prep.filter || flag("keep", r);
  }
  if (!prep.nullable.empty()) {
    std::vector<bool> present;
    for (size_t r = 0; r < table.valid.size(); ++r) present.push_back(flag(prep.present, r));
    for (PlainColumn& column : table.columns) {
      if (column.spec.name == prep.nullable) column.present = present;
    }
  }
  return table;
}

using Cell = std::optional<double>;  // nullopt: null (pandas NaN)
using Rows = std::vector<std::vector<Cell>>;

Cell CellOf(const PlainColumn& column, size_t r) {
  if (!column.present.empty() && !column.present[r]) return std::nullopt;
  return column.values[r];
}

// The valid rows of `t` as a sorted multiset.
Rows ValidRowsWithNulls(const PlainTable& t) {
  Rows rows;
  for (size_t r = 0; r < t.valid.size(); ++r) {
    if (!t.valid[r]) continue;
    std::vector<Cell> row;
    for (const PlainColumn& column : t.columns) row.push_back(CellOf(column, r));
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

bool DroppedRightKey(const JoinSpec& spec, const std::string& name) {
  for (size_t j = 0; j < spec.right_on.size(); ++j) {
    if (spec.right_on[j] == name && spec.left_on[j] == name) return true;
  }
  return false;
}

// pandas: the merge's column names (left's, right's without same-named keys, suffixed).
std::vector<std::string> ReferenceNames(const PlainTable& left, const PlainTable& right,
                                        const JoinSpec& spec) {
  std::set<std::string> left_names, right_names;
  for (const PlainColumn& c : left.columns) left_names.insert(c.spec.name);
  for (const PlainColumn& c : right.columns) {
    if (!DroppedRightKey(spec, c.spec.name)) right_names.insert(c.spec.name);
  }
  std::vector<std::string> names;
  for (const PlainColumn& c : left.columns) {
    names.push_back(c.spec.name + (right_names.contains(c.spec.name) ? spec.suffixes.first : ""));
  }
  for (const PlainColumn& c : right.columns) {
    if (DroppedRightKey(spec, c.spec.name)) continue;
    names.push_back(c.spec.name + (left_names.contains(c.spec.name) ? spec.suffixes.second : ""));
  }
  return names;
}

// pandas: left[valid].merge(right[valid], how, left_on, right_on), rows as a sorted multiset:
// each valid left row with each valid right row of equal keys; in a left join an unmatched
// left row once, with nulls in the right columns.
Rows ReferenceRows(const PlainTable& left, const PlainTable& right, const JoinSpec& spec) {
  Rows rows;
  std::vector<const PlainColumn*> right_columns;
  for (const PlainColumn& c : right.columns) {
    if (!DroppedRightKey(spec, c.spec.name)) right_columns.push_back(&c);
  }
  for (size_t l = 0; l < left.valid.size(); ++l) {
    if (!left.valid[l]) continue;
    std::vector<Cell> left_row;
    for (const PlainColumn& c : left.columns) left_row.push_back(CellOf(c, l));
    bool matched = false;
    for (size_t r = 0; r < right.valid.size(); ++r) {
      bool equal = right.valid[r];
      for (size_t j = 0; equal && j < spec.left_on.size(); ++j) {
        equal = left.Find(spec.left_on[j])->values[l] == right.Find(spec.right_on[j])->values[r];
      }
      if (!equal) continue;
      matched = true;
      std::vector<Cell> row = left_row;
      for (const PlainColumn* c : right_columns) row.push_back(CellOf(*c, r));
      rows.push_back(std::move(row));
    }
    if (!matched && spec.how == JoinHow::kLeft) {
      std::vector<Cell> row = left_row;
      row.resize(row.size() + right_columns.size(), std::nullopt);
      rows.push_back(std::move(row));
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

Result<testing::FrameRun> RunJoin(mpc::ProtocolKind kind, const PlainTable& left,
                                  const PlainTable& right, const JoinSpec& spec,
                                  const Prep& left_prep = {}, const Prep& right_prep = {}) {
  return testing::RunFrame(
      kind, {left, right},
      [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
        ARCA_ASSIGN_OR_RETURN(const Table l, Prepare(fp, inputs[0], left_prep));
        ARCA_ASSIGN_OR_RETURN(const Table r, Prepare(fp, inputs[1], right_prep));
        return Join(fp.protocol(), l, r, spec);
      });
}

std::string Describe(const JoinSpec& spec) {
  return fmt::format("how={} validate={}", JoinHowName(spec.how),
                     JoinCardinalityName(spec.cardinality));
}

// Runs the join and holds it to pandas: n + m rows, pandas' column names, and its valid rows
// are pandas' rows (as multisets).
void ExpectMatchesPandas(mpc::ProtocolKind kind, const PlainTable& left, const PlainTable& right,
                         const JoinSpec& spec, const Prep& left_prep = {},
                         const Prep& right_prep = {}) {
  Result<testing::FrameRun> run = RunJoin(kind, left, right, spec, left_prep, right_prep);
  ASSERT_TRUE(run.ok()) << Describe(spec) << ": " << run.status().ToString();
  const PlainTable plain_left = PreparePlain(left, left_prep);
  const PlainTable plain_right = PreparePlain(right, right_prep);
  const PlainTable& out = run->result;
  EXPECT_EQ(out.rows(), left.rows() + right.rows()) << Describe(spec);
  std::vector<std::string> names;
  for (const PlainColumn& c : out.columns) names.push_back(c.spec.name);
  EXPECT_EQ(names, ReferenceNames(left, right, spec)) << Describe(spec);
  EXPECT_EQ(ValidRowsWithNulls(out), ReferenceRows(plain_left, plain_right, spec))
      << Describe(spec) << ", " << left.rows() << " x " << right.rows() << " rows";
  // A null the join made holds 0, never a value of a row that was filtered out (the right's
  // key columns excepted: they show the row's key, as the left's do).
  std::vector<std::string> right_names;
  for (const PlainColumn& c : right.columns) {
    if (!DroppedRightKey(spec, c.spec.name)) right_names.push_back(c.spec.name);
  }
  ASSERT_EQ(out.columns.size(), left.columns.size() + right_names.size());
  for (size_t j = left.columns.size(); j < out.columns.size(); ++j) {
    const PlainColumn& column = out.columns[j];
    const std::string& name = right_names[j - left.columns.size()];
    if (column.present.empty() || name == right_prep.nullable ||
        std::find(spec.right_on.begin(), spec.right_on.end(), name) != spec.right_on.end()) {
      continue;
    }
    for (size_t r = 0; r < column.values.size(); ++r) {
      if (out.valid[r] && !column.present[r]) {
        EXPECT_EQ(column.values[r], 0) << Describe(spec) << ", column " << name << " row " << r;
      }
    }
  }
}

// A table whose integer key "id" is drawn from [0, key_range): distinct when `unique`
// (rows <= key_range), else with repeats; then `payload` columns.
PlainTable Keyed(uint64_t seed, int64_t rows, bool unique, int64_t key_range,
                 const std::vector<RandomColumn>& payload) {
  std::vector<RandomColumn> columns = {
      RandomColumn{{"id", ColumnType::kInteger, {}}, 0, static_cast<double>(key_range - 1)}};
  columns.insert(columns.end(), payload.begin(), payload.end());
  PlainTable table = testing::RandomTable(seed, rows, columns);
  if (unique) {
    std::vector<double> ids(static_cast<size_t>(key_range));
    std::iota(ids.begin(), ids.end(), 0.0);
    std::shuffle(ids.begin(), ids.end(), std::mt19937_64(seed));
    ids.resize(static_cast<size_t>(rows));
    table.columns[0].values = ids;
  }
  return table;
}

// Gives about half of the rows whose "keep" is 0 the key of another row: duplicates that only
// invalid rows hold, which a unique side may have.
void DuplicateKeysOfDroppedRows(PlainTable& table, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const PlainColumn& keep = *table.Find("keep");
  std::vector<double>& ids = table.columns[0].values;
  for (size_t r = 0; r < ids.size(); ++r) {
    if (keep.values[r] == 0 && (rng() & 1) != 0) ids[r] = ids[rng() % ids.size()];
  }
}

PlainTable LeftSample(uint64_t seed, int64_t rows, bool unique, int64_t key_range) {
  return Keyed(seed, rows, unique, key_range,
               {RandomColumn{{"a", ColumnType::kDecimal, {}}, -100, 100},
                RandomColumn{{"site", ColumnType::kCategorical, {"south", "north", "east"}}},
                RandomColumn{{"keep", ColumnType::kBoolean, {}}}});
}

PlainTable RightSample(uint64_t seed, int64_t rows, bool unique, int64_t key_range) {
  return Keyed(seed, rows, unique, key_range,
               {RandomColumn{{"b", ColumnType::kDecimal, {}}, -5000, 5000},
                RandomColumn{{"a", ColumnType::kInteger, {}}, -3, 3},
                RandomColumn{{"keep", ColumnType::kBoolean, {}}}});
}

bool LeftUnique(JoinCardinality c) { return c != JoinCardinality::kManyToOne; }
bool RightUnique(JoinCardinality c) { return c != JoinCardinality::kOneToMany; }

JoinSpec OnId(JoinHow how, JoinCardinality cardinality) {
  return JoinSpec{{"id"}, {"id"}, how, cardinality, {"_x", "_y"}};
}

TEST_P(JoinTest, EveryHowAndValidateMatchesPandasOnRandomTables) {
  for (const JoinHow how : kHows) {
    for (const JoinCardinality cardinality : kCardinalities) {
      // Filtering: none, the left, the right, both; the unique side's dropped rows may repeat
      // a key.
      for (int filter = 0; filter < 4; ++filter) {
        const uint64_t seed = 100 + static_cast<uint64_t>(filter);
        PlainTable left = LeftSample(seed, 50, LeftUnique(cardinality), 90);
        PlainTable right = RightSample(seed + 7, 70, RightUnique(cardinality), 90);
        const Prep left_prep{(filter & 1) != 0, "", ""};
        const Prep right_prep{(filter & 2) != 0, "", ""};
        if (left_prep.filter && LeftUnique(cardinality)) DuplicateKeysOfDroppedRows(left, seed);
        if (right_prep.filter && RightUnique(cardinality)) DuplicateKeysOfDroppedRows(right, seed);
        SCOPED_TRACE(fmt::format("filter {}", filter));
        ExpectMatchesPandas(GetParam(), left, right, OnId(how, cardinality), left_prep, right_prep);
      }
    }
  }
}

TEST_P(JoinTest, EmptyAndSingleRowTables) {
  const std::pair<int64_t, int64_t> sizes[] = {{0, 0}, {0, 3}, {3, 0}, {1, 0},
                                               {0, 1}, {1, 1}, {1, 3}, {3, 1}};
  for (const auto& [n, m] : sizes) {
    for (const JoinHow how : kHows) {
      for (const JoinCardinality cardinality : kCardinalities) {
        SCOPED_TRACE(fmt::format("{} x {} rows", n, m));
        // Keys in [0, 3): the single rows match sometimes.
        const PlainTable left =
            LeftSample(5 + static_cast<uint64_t>(n), n, LeftUnique(cardinality), 3);
        const PlainTable right =
            RightSample(9 + static_cast<uint64_t>(m), m, RightUnique(cardinality), 3);
        ExpectMatchesPandas(GetParam(), left, right, OnId(how, cardinality));
      }
    }
  }
}

TEST_P(JoinTest, NoMatchesAtAllAndEveryRowMatching) {
  for (const JoinHow how : kHows) {
    for (const JoinCardinality cardinality : kCardinalities) {
      PlainTable left = LeftSample(31, 12, LeftUnique(cardinality), 12);
      PlainTable right = RightSample(32, 12, RightUnique(cardinality), 12);
      ExpectMatchesPandas(GetParam(), left, right, OnId(how, cardinality));  // every row matches
      for (double& id : right.columns[0].values) id += 100;
      ExpectMatchesPandas(GetParam(), left, right, OnId(how, cardinality));  // none does
    }
  }
}

TEST_P(JoinTest, ColumnsWithNullsCarryTheirMasks) {
  // "a" on the left and "b" on the right are null where a random boolean "has" is 0; with and
  // without filtering both sides by "keep".
  const auto with_has = [](PlainTable t, uint64_t seed) {
    PlainTable has =
        testing::RandomTable(seed, t.rows(), {RandomColumn{{"has", ColumnType::kBoolean, {}}}});
    t.columns.push_back(has.columns[0]);
    return t;
  };
  for (const JoinHow how : kHows) {
    for (const JoinCardinality cardinality : kCardinalities) {
      const PlainTable left = with_has(LeftSample(41, 30, LeftUnique(cardinality), 40), 43);
      const PlainTable right = with_has(RightSample(42, 30, RightUnique(cardinality), 40), 44);
      for (const bool filter : {false, true}) {
        ExpectMatchesPandas(GetParam(), left, right, OnId(how, cardinality),
                            Prep{filter, "a", "has"}, Prep{filter, "b", "has"});
      }
    }
  }
}

TEST_P(JoinTest, UnmatchedRowsOfALeftJoinAreNullOnTheRight) {
  // Left ids 0..3, right ids 2..5: left rows 0 and 1 are unmatched.
  PlainTable left = testing::RandomTable(51, 4,
                                         {RandomColumn{{"id", ColumnType::kInteger, {}}},
                                          RandomColumn{{"x", ColumnType::kDecimal, {}}}});
  PlainTable right = testing::RandomTable(52, 4,
                                          {RandomColumn{{"id", ColumnType::kInteger, {}}},
                                           RandomColumn{{"y", ColumnType::kDecimal, {}}}});
  left.columns[0].values = {0, 1, 2, 3};
  right.columns[0].values = {2, 3, 4, 5};
  for (const JoinCardinality cardinality : kCardinalities) {
    Result<testing::FrameRun> run =
        RunJoin(GetParam(), left, right, OnId(JoinHow::kLeft, cardinality));
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    const PlainTable& out = run->result;
    ASSERT_EQ(out.columns.size(), 3U);
    ASSERT_EQ(out.columns[2].spec.name, "y");
    ASSERT_EQ(out.columns[2].present.size(), 8U) << "the right column has a null mask";
    std::map<double, Cell> y_of_id;
    for (size_t r = 0; r < 8; ++r) {
      if (out.valid[r]) y_of_id[out.columns[0].values[r]] = CellOf(out.columns[2], r);
    }
    const std::map<double, Cell> expected = {{0, std::nullopt},
                                             {1, std::nullopt},
                                             {2, right.columns[1].values[0]},
                                             {3, right.columns[1].values[1]}};
    EXPECT_EQ(y_of_id, expected) << JoinCardinalityName(cardinality);
    EXPECT_TRUE(out.columns[0].present.empty()) << "left columns have no nulls";
  }
}

TEST_P(JoinTest, TwoKeyColumnsACategoricalKeyAndIntegerWithDecimal) {
  // Keys (site, year) with site's categories not in byte order; the right's year is a decimal
  // column named "yr" (kept in the result, as pandas keeps a right_on of another name).
  const std::vector<std::string> sites = {"south", "north", "east"};
  for (const JoinHow how : kHows) {
    for (const JoinCardinality cardinality : kCardinalities) {
      PlainTable left =
          testing::RandomTable(61, 40,
                               {RandomColumn{{"site", ColumnType::kCategorical, sites}},
                                RandomColumn{{"year", ColumnType::kInteger, {}}, 2000, 2004},
                                RandomColumn{{"v", ColumnType::kDecimal, {}}, -10, 10},
                                RandomColumn{{"keep", ColumnType::kBoolean, {}}}});
      PlainTable right =
          testing::RandomTable(62, 40,
                               {RandomColumn{{"site", ColumnType::kCategorical, sites}},
                                RandomColumn{{"yr", ColumnType::kDecimal, {}}, 2000, 2005},
                                RandomColumn{{"w", ColumnType::kDecimal, {}}, -10, 10},
                                RandomColumn{{"keep", ColumnType::kBoolean, {}}}});
      for (double& yr : right.columns[1].values) yr = std::floor(yr);
      // A unique side gets each (site, year) at most once: 3 sites x 5 years.
      const auto make_unique = [](PlainTable& t) {
        for (size_t r = 0; r < t.valid.size(); ++r) {
          t.columns[0].values[r] = static_cast<double>(r % 3);
          t.columns[1].values[r] = 2000 + static_cast<double>((r / 3) % 5);
          t.columns[3].values[r] = r < 15 ? 1 : 0;  // later rows repeat keys: dropped
        }
      };
      if (LeftUnique(cardinality)) make_unique(left);
      if (RightUnique(cardinality)) make_unique(right);
      const JoinSpec spec{{"site", "year"}, {"site", "yr"}, how, cardinality, {"_x", "_y"}};
      ExpectMatchesPandas(GetParam(), left, right, spec, Prep{LeftUnique(cardinality), "", ""},
                          Prep{RightUnique(cardinality), "", ""});
    }
  }
}

std::vector<std::string> NamesOf(const PlainTable& t) {
  std::vector<std::string> names;
  for (const PlainColumn& c : t.columns) names.push_back(c.spec.name);
  return names;
}

TEST_P(JoinTest, NamesOnBothSidesTakeTheSuffixes) {
  // Left (k, v, w), right (key2, v, k) joined on k = key2: k and v are on both sides.
  const PlainTable left =
      testing::RandomTable(71, 10,
                           {RandomColumn{{"k", ColumnType::kInteger, {}}, 0, 11},
                            RandomColumn{{"v", ColumnType::kDecimal, {}}, -1, 1},
                            RandomColumn{{"w", ColumnType::kBoolean, {}}}});
  PlainTable right = testing::RandomTable(72, 10,
                                          {RandomColumn{{"key2", ColumnType::kInteger, {}}},
                                           RandomColumn{{"v", ColumnType::kDecimal, {}}, -1, 1},
                                           RandomColumn{{"k", ColumnType::kInteger, {}}, -5, 5}});
  right.columns[0].values = {3, 1, 4, 0, 5, 9, 2, 6, 8, 7};
  const std::pair<std::pair<std::string, std::string>, std::vector<std::string>> cases[] = {
      {{"_l", "_r"}, {"k_l", "v_l", "w", "key2", "v_r", "k_r"}},
      {{"", "_r"}, {"k", "v", "w", "key2", "v_r", "k_r"}}};
  for (const auto& [suffixes, names] : cases) {
    for (const JoinHow how : kHows) {
      const JoinSpec spec{{"k"}, {"key2"}, how, JoinCardinality::kManyToOne, suffixes};
      Result<testing::FrameRun> run = RunJoin(GetParam(), left, right, spec);
      ASSERT_TRUE(run.ok()) << run.status().ToString();
      EXPECT_EQ(NamesOf(run->result), names);
      ExpectMatchesPandas(GetParam(), left, right, spec);
    }
  }
}

// The error of joining `left` and `right` by `spec`, or "" if it succeeds.
std::string JoinError(mpc::ProtocolKind kind, const PlainTable& left, const PlainTable& right,
                      const JoinSpec& spec, const Prep& left_prep = {},
                      const Prep& right_prep = {}) {
  Result<testing::FrameRun> run = RunJoin(kind, left, right, spec, left_prep, right_prep);
  return run.ok() ? "" : std::string(run.status().message());
}

TEST_P(JoinTest, BadSpecsAreRefusedNamingTheColumn) {
  const PlainTable left = LeftSample(81, 6, true, 10);
  const PlainTable right = RightSample(82, 6, true, 10);
  const auto error = [&](const JoinSpec& spec, const Prep& left_prep = {}) {
    return JoinError(GetParam(), left, right, spec, left_prep);
  };
  const JoinSpec base = OnId(JoinHow::kInner, JoinCardinality::kOneToOne);
  JoinSpec spec = base;
  spec.left_on = {"nope"};
  EXPECT_THAT(error(spec),
              HasSubstr("join: the left table has no column 'nope' (it has: id, a, site, keep)"));
  spec = base;
  spec.right_on = {"site"};
  EXPECT_THAT(error(spec),
              HasSubstr("join: the right table has no column 'site' (it has: id, b, a, keep)"));
  spec.left_on = {"site"};
  spec.right_on = {"b"};
  EXPECT_THAT(error(spec),
              HasSubstr("join: keys 'site' (categorical) and 'b' (decimal) differ in type"));
  spec.left_on = {"keep"};
  spec.right_on = {"a"};
  EXPECT_THAT(error(spec),
              HasSubstr("join: keys 'keep' (boolean) and 'a' (integer) differ in type"));
  spec.left_on = {"id", "a"};
  spec.right_on = {"id"};
  EXPECT_THAT(
      error(spec),
      HasSubstr(
          "join: left_on has 2 columns and right_on 1; they must pair up, at least one each"));
  spec.left_on = {};
  spec.right_on = {};
  EXPECT_THAT(
      error(spec),
      HasSubstr(
          "join: left_on has 0 columns and right_on 0; they must pair up, at least one each"));
  EXPECT_THAT(error(base, Prep{false, "id", "keep"}),
              HasSubstr("join key 'id' may be null; fill or filter nulls first"));
  spec = base;
  spec.suffixes = {"", ""};
  EXPECT_THAT(error(spec),
              HasSubstr("join: column 'a' is on both sides and both suffixes are empty"));
  spec.suffixes = {"", "_y"};
  EXPECT_EQ(error(spec), "");
  spec.suffixes = {"_x", "_x"};
  EXPECT_THAT(error(spec), HasSubstr("join: column 'a_x' appears twice after suffixing"));

  // Categorical keys need the same category list.
  PlainTable other = right;
  other.columns[2] = PlainColumn{
      {"a", ColumnType::kCategorical, {"north", "south", "east"}}, std::vector<double>(6, 0.0), {}};
  spec = base;
  spec.left_on = {"site"};
  spec.right_on = {"a"};
  EXPECT_THAT(JoinError(GetParam(), left, other, spec),
              HasSubstr("join: categorical keys 'site' and 'a' have different category lists"));
}

TEST_P(JoinTest, TheDeclaredSideMustHaveUniqueKeysAmongItsValidRows) {
  // Left keys 0, 0, 1, 2; right keys 0, 1, 2, 2.
  PlainTable left = LeftSample(91, 4, false, 3);
  PlainTable right = RightSample(92, 4, false, 3);
  left.columns[0].values = {0, 0, 1, 2};
  right.columns[0].values = {0, 1, 2, 2};
  const auto with_keep = [](PlainTable t, const std::vector<double>& keep) {
    for (PlainColumn& c : t.columns) {
      if (c.spec.name == "keep") c.values = keep;
    }
    return t;
  };
  const Prep filtered{true, "", ""};
  for (const JoinHow how : kHows) {
    const auto spec = [how](JoinCardinality c) { return OnId(how, c); };
    EXPECT_THAT(JoinError(GetParam(), left, right, spec(JoinCardinality::kManyToOne)),
                HasSubstr("join: right keys are not unique (validate='many_to_one')"));
    EXPECT_THAT(JoinError(GetParam(), left, right, spec(JoinCardinality::kOneToMany)),
                HasSubstr("join: left keys are not unique (validate='one_to_many')"));
    EXPECT_THAT(JoinError(GetParam(), left, right, spec(JoinCardinality::kOneToOne)),
                HasSubstr("join: left or right keys are not unique (validate='one_to_one')"));

    // The repeated key's second copy made invalid: unique among the valid rows, so the join
    // goes ahead (the other side, the many side, may repeat keys).
    const PlainTable left_dropped = with_keep(left, {1, 0, 1, 1});
    const PlainTable right_dropped = with_keep(right, {1, 1, 1, 0});
    ExpectMatchesPandas(GetParam(), left_dropped, right, spec(JoinCardinality::kOneToMany),
                        filtered, {});
    ExpectMatchesPandas(GetParam(), left, right_dropped, spec(JoinCardinality::kManyToOne), {},
                        filtered);
    ExpectMatchesPandas(GetParam(), left_dropped, right_dropped, spec(JoinCardinality::kOneToOne),
                        filtered, filtered);
    // one_to_one checks both sides.
    EXPECT_THAT(
        JoinError(GetParam(), left_dropped, right, spec(JoinCardinality::kOneToOne), filtered, {}),
        HasSubstr("join: left or right keys are not unique (validate='one_to_one')"));
    EXPECT_THAT(
        JoinError(GetParam(), left, right_dropped, spec(JoinCardinality::kOneToOne), {}, filtered),
        HasSubstr("join: left or right keys are not unique (validate='one_to_one')"));
  }
}

TEST_P(JoinTest, VerticalPartitioningIsTheOneToOneInnerJoin) {
  // Owner A holds (id, age) of ids 0..19, owner B (id, income) of ids 10..29, in other orders.
  PlainTable a = testing::RandomTable(101, 20,
                                      {RandomColumn{{"id", ColumnType::kInteger, {}}},
                                       RandomColumn{{"age", ColumnType::kInteger, {}}, 18, 90}});
  PlainTable b =
      testing::RandomTable(102, 20,
                           {RandomColumn{{"id", ColumnType::kInteger, {}}},
                            RandomColumn{{"income", ColumnType::kDecimal, {}}, -2000, 90000}});
  for (size_t r = 0; r < 20; ++r) {
    a.columns[0].values[r] = static_cast<double>((r * 7) % 20);
    b.columns[0].values[r] = 10 + static_cast<double>((r * 3) % 20);
  }
  const JoinSpec spec = OnId(JoinHow::kInner, JoinCardinality::kOneToOne);
  Result<testing::FrameRun> run = RunJoin(GetParam(), a, b, spec);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(NamesOf(run->result), (std::vector<std::string>{"id", "age", "income"}));
  const Rows rows = ValidRowsWithNulls(run->result);
  ASSERT_EQ(rows.size(), 10U);  // ids 10..19
  for (const std::vector<Cell>& row : rows) EXPECT_GE(*row[0], 10);
  ExpectMatchesPandas(GetParam(), a, b, spec);
}

// Every party's rounds in Join beyond join.h's formula, for each (how, validate), with the
// sort's passes read from its transcript; and party 0's online bytes.
struct Spent {
  std::vector<int64_t> beyond_formula;
  int64_t rounds = 0;
  int64_t bytes = 0;
};

Result<Spent> MeasureJoin(mpc::ProtocolKind kind, const PlainTable& left, const PlainTable& right,
                          const JoinSpec& spec) {
  Spent spent;
  spent.beyond_formula.resize(static_cast<size_t>(mpc::PartiesOf(kind)));
  const Prep prep{true, "", ""};
  ARCA_ASSIGN_OR_RETURN(
      const testing::FrameRun run,
      testing::RunFrame(
          kind, {left, right},
          [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
            mpc::Protocol& p = fp.protocol();
            ARCA_ASSIGN_OR_RETURN(const Table l, Prepare(fp, inputs[0], prep));
            ARCA_ASSIGN_OR_RETURN(const Table r, Prepare(fp, inputs[1], prep));
            const auto stats = [&p] {
              return p.session().has_network() ? p.session().network().stats()
                                               : net::TrafficStats{};
            };
            const net::TrafficStats before = stats();
            SortTranscript transcript;
            ARCA_ASSIGN_OR_RETURN(Table out, Join(p, l, r, spec, &transcript));
            const net::TrafficStats cost = stats() - before;
            const auto party = static_cast<size_t>(p.party());
            const auto rounds = [&](mpc::Op op) { return p.Cost({op, Shape{1}})[party].rounds; };
            const int64_t n = l.rows + r.rows;
            const auto log2_ceil = [](int64_t x) {
              return x <= 1 ? int64_t{0} : static_cast<int64_t>(std::ceil(std::log2(x)));
            };
            // One key and the component: per pass one less-than, one product, one reveal.
            int64_t formula =
                rounds(mpc::Op::kShuffle) +
                static_cast<int64_t>(transcript.passes.size()) *
                    (rounds(mpc::Op::kLessThan) + rounds(mpc::Op::kMul) + rounds(mpc::Op::kReveal));
            formula += rounds(mpc::Op::kEqual);  // RunStarts of one key
            if (spec.how == JoinHow::kLeft && spec.cardinality == JoinCardinality::kOneToMany) {
              formula += rounds(mpc::Op::kMul);
            }
            formula += (log2_ceil(n) + 1) * rounds(mpc::Op::kMul);  // the scan, the products
            formula += rounds(mpc::Op::kEqual) + rounds(mpc::Op::kReveal);
            spent.beyond_formula[party] = cost.rounds - formula;
            if (party == 0) {
              spent.rounds = cost.rounds;
              spent.bytes = cost.online_bytes_sent();
            }
            return out;
          }));
  return spent;
}

TEST_P(JoinTest, RoundsFollowTheFormula) {
  for (const JoinHow how : kHows) {
    for (const JoinCardinality cardinality : kCardinalities) {
      const PlainTable left = LeftSample(111, 150, LeftUnique(cardinality), 400);
      const PlainTable right = RightSample(112, 250, RightUnique(cardinality), 400);
      Result<Spent> spent = MeasureJoin(GetParam(), left, right, OnId(how, cardinality));
      ASSERT_TRUE(spent.ok()) << spent.status().ToString();
      EXPECT_EQ(spent->beyond_formula, std::vector<int64_t>(spent->beyond_formula.size(), 0))
          << Describe(OnId(how, cardinality));
    }
  }
}

TEST(JoinNames, ParseAndName) {
  EXPECT_EQ(*ParseJoinHow("inner"), JoinHow::kInner);
  EXPECT_EQ(*ParseJoinHow("left"), JoinHow::kLeft);
  EXPECT_EQ(ParseJoinHow("outer").status().message(),
            "join: how='outer' is not supported (supported: inner, left)");
  for (const JoinCardinality c : kCardinalities) {
    EXPECT_EQ(*ParseJoinCardinality(JoinCardinalityName(c)), c);
  }
  EXPECT_EQ(*ParseJoinCardinality("1:m"), JoinCardinality::kOneToMany);
  EXPECT_EQ(*ParseJoinCardinality("m:1"), JoinCardinality::kManyToOne);
  EXPECT_EQ(*ParseJoinCardinality("1:1"), JoinCardinality::kOneToOne);
  EXPECT_FALSE(ParseJoinCardinality("many_to_many").ok());
  EXPECT_FALSE(ParseJoinCardinality("m:m").ok());
}

INSTANTIATE_TEST_SUITE_P(Protocols, JoinTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
