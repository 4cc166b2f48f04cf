#include "arca/plan/read_columns.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>

#include "arca/plan/executor_test_support.h"

namespace arca::plan {
namespace {

// The read columns of every node, by id.
std::map<std::string, ColumnSet> ReadById(std::string_view json) {
  Result<ValidatedPlan> plan = testing::LoadPlan(json);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  std::map<std::string, ColumnSet> out;
  if (!plan.ok()) return out;
  const std::vector<ColumnSet> read = ReadColumns(*plan);
  for (size_t i = 0; i < read.size(); ++i) out.emplace(plan->plan.nodes[i].id, read[i]);
  return out;
}

ColumnSet Set(std::set<std::string> names) { return names; }

// TPC-H Q3's shape: filters on columns nothing after them reads, two joins, a group-by.
TEST(ReadColumnsTest, AJoinCarriesOnlyWhatLaterNodesRead) {
  const auto read = ReadById(R"({
    "version": 1, "name": "q3",
    "inputs": {"customer": {"columns": ["c_custkey", "c_segment"]},
               "orders": {"columns": ["o_custkey", "o_date", "o_orderkey"]},
               "lineitem": {"columns": ["l_orderkey", "l_price", "l_shipdate"]}},
    "nodes": [
      {"id": "customer", "op": "column", "dataset": "customer",
       "columns": ["c_custkey", "c_segment"]},
      {"id": "building", "op": "filter", "inputs": ["customer"],
       "where": {"column": "c_segment", "cmp": "==", "value": "BUILDING"}},
      {"id": "orders", "op": "column", "dataset": "orders",
       "columns": ["o_custkey", "o_date", "o_orderkey"]},
      {"id": "c_o", "op": "join", "inputs": ["building", "orders"], "left_on": ["c_custkey"],
       "right_on": ["o_custkey"], "how": "inner", "validate": "one_to_many"},
      {"id": "lineitem", "op": "column", "dataset": "lineitem",
       "columns": ["l_orderkey", "l_price", "l_shipdate"]},
      {"id": "shipped", "op": "filter", "inputs": ["lineitem"],
       "where": {"column": "l_shipdate", "cmp": ">", "value": 9204}},
      {"id": "c_o_l", "op": "join", "inputs": ["c_o", "shipped"], "left_on": ["o_orderkey"],
       "right_on": ["l_orderkey"], "how": "inner", "validate": "one_to_many"},
      {"id": "revenue", "op": "groupby", "inputs": ["c_o_l"], "keys": ["l_orderkey", "o_date"],
       "aggregates": [{"column": "l_price", "how": "sum", "name": "revenue"}]}
    ],
    "outputs": [{"name": "revenue", "node": "revenue", "recipients": ["lab"]}],
    "levels": ["dealer2pc"]
  })");
  EXPECT_EQ(read.at("revenue"), std::nullopt);
  EXPECT_EQ(read.at("c_o_l"), Set({"l_orderkey", "l_price", "o_date"}));
  EXPECT_EQ(read.at("c_o"), Set({"o_date", "o_orderkey"}));
  EXPECT_EQ(read.at("shipped"), Set({"l_orderkey", "l_price"}));
  EXPECT_EQ(read.at("lineitem"), Set({"l_orderkey", "l_price", "l_shipdate"}));
  EXPECT_EQ(read.at("building"), Set({"c_custkey"}));
  EXPECT_EQ(read.at("customer"), Set({"c_custkey", "c_segment"}));
  EXPECT_EQ(read.at("orders"), Set({"o_custkey", "o_date", "o_orderkey"}));
}

// Visits joined with patients (both have a cost), the rows' id and cost_x released, and
// `more` nodes after the adults among them, released under `outputs` too.
std::string VisitsPlan(const std::string& more, const std::string& outputs) {
  return R"({
    "version": 1, "name": "visits",
    "inputs": {"clinic": {"columns": ["cost", "id", "room"]},
               "registry": {"columns": ["age", "cost", "id", "town"]}},
    "nodes": [
      {"id": "visits", "op": "column", "dataset": "clinic", "columns": ["cost", "id", "room"]},
      {"id": "patients", "op": "column", "dataset": "registry",
       "columns": ["age", "cost", "id", "town"]},
      {"id": "joined", "op": "join", "inputs": ["visits", "patients"], "on": ["id"],
       "how": "left", "validate": "many_to_one"},
      {"id": "rows", "op": "select", "inputs": ["joined"], "columns": ["id", "cost_x"]},
      {"id": "adults", "op": "filter", "inputs": ["joined"],
       "where": {"column": "age", "cmp": ">=", "value": 18}},)" +
         more + R"(],
    "outputs": [{"name": "rows", "node": "rows", "recipients": ["lab"]},)" +
         outputs + R"(],
    "levels": ["dealer2pc"]
  })";
}

// Readers' columns add up, and an output reads every column, through head, sort and filter.
TEST(ReadColumnsTest, AnOutputReadsEveryColumnThroughWhatPassesThemOn) {
  const auto read = ReadById(VisitsPlan(
      R"({"id": "sorted", "op": "sort", "inputs": ["adults"],
          "by": [{"column": "room", "ascending": true}]},
         {"id": "first", "op": "head", "inputs": ["sorted"], "n": 3},
         {"id": "towns", "op": "value_counts", "inputs": ["patients"], "column": "town"})",
      R"({"name": "first", "node": "first", "recipients": ["lab"]},
         {"name": "towns", "node": "towns", "recipients": ["lab"]})"));
  EXPECT_EQ(read.at("rows"), std::nullopt);
  EXPECT_EQ(read.at("first"), std::nullopt);
  EXPECT_EQ(read.at("sorted"), std::nullopt);  // head passes every column to an output
  EXPECT_EQ(read.at("adults"), std::nullopt);
  EXPECT_EQ(read.at("joined"), std::nullopt);
  EXPECT_EQ(read.at("patients"), std::nullopt);
}

TEST(ReadColumnsTest, ASuffixedNameReadKeepsItsPartner) {
  const auto read = ReadById(VisitsPlan(
      R"({"id": "total", "op": "aggregate", "inputs": ["adults"],
          "aggregates": [{"column": "room", "how": "nunique", "name": "rooms"}]})",
      R"({"name": "total", "node": "total", "recipients": ["lab"]})"));
  EXPECT_EQ(read.at("adults"), Set({"room"}));
  EXPECT_EQ(read.at("joined"), Set({"age", "cost_x", "id", "room"}));
  // cost_x's partner cost_y stays, or the left cost would lose its suffix; town goes.
  EXPECT_EQ(read.at("visits"), Set({"cost", "id", "room"}));
  EXPECT_EQ(read.at("patients"), Set({"age", "cost", "id"}));
}

TEST(ReadColumnsTest, UnionInputsAssignAndStatisticsReadWhatTheyName) {
  const auto read = ReadById(R"({
    "version": 1, "name": "sites",
    "inputs": {"a": {"columns": ["age", "cost", "site"]}, "b": {"columns": ["age", "cost", "site"]}},
    "nodes": [
      {"id": "a", "op": "column", "dataset": "a", "columns": ["age", "cost", "site"]},
      {"id": "b", "op": "column", "dataset": "b", "columns": ["age", "cost", "site"]},
      {"id": "both", "op": "union", "inputs": ["a", "b"]},
      {"id": "priced", "op": "assign", "inputs": ["both"],
       "columns": [{"name": "double", "value": {"mul": [{"column": "cost"}, {"value": 2}]}}]},
      {"id": "spend", "op": "groupby", "inputs": ["priced"], "keys": ["site"],
       "aggregates": [{"column": "double", "how": "sum", "name": "spent"}]},
      {"id": "ages", "op": "describe", "inputs": ["a"], "columns": ["age"]}
    ],
    "outputs": [{"name": "spend", "node": "spend", "recipients": ["lab"]},
                {"name": "ages", "node": "ages", "recipients": ["lab"]}],
    "levels": ["dealer2pc"]
  })");
  EXPECT_EQ(read.at("priced"), Set({"double", "site"}));
  EXPECT_EQ(read.at("both"), Set({"cost", "double", "site"}));
  EXPECT_EQ(read.at("a"), Set({"age", "cost", "double", "site"}));
  EXPECT_EQ(read.at("b"), Set({"cost", "double", "site"}));
}

}  // namespace
}  // namespace arca::plan
