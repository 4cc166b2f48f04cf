#include "arca/client/mock_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "arca/client/csv_table.h"
#include "arca/fxp/encoding.h"

namespace arca::client {
namespace {

using ::testing::HasSubstr;

constexpr int kFracBits = 18;

DatasetSchema Schema() {
  return DatasetSchema::Parse(R"({"columns": [
    {"name": "age", "type": "integer", "min": 18, "max": 21},
    {"name": "score", "type": "decimal", "min": -0.25, "max": 0.75},
    {"name": "count", "type": "integer"},
    {"name": "weight", "type": "decimal", "min": 50},
    {"name": "smoker", "type": "boolean"},
    {"name": "note, free", "type": "categorical", "categories": ["a", "b \"quoted\"", "c,d"]}]})")
      .value();
}

TEST(MockDataTest, TheSameSeedGivesTheSameRows) {
  const std::string a = MockCsv(Schema(), 50, 7).value();
  EXPECT_EQ(MockCsv(Schema(), 50, 7).value(), a);
  EXPECT_NE(MockCsv(Schema(), 50, 8).value(), a);
  EXPECT_TRUE(a.starts_with("age,score,count,weight,smoker,\"note, free\"\r\n"));
}

// Mock rows are valid input for the schema they follow, and cover its ranges and categories.
TEST(MockDataTest, RowsFollowTheSchema) {
  const DatasetSchema schema = Schema();
  const std::string csv = MockCsv(schema, 2000, 1).value();
  Result<EncodedTable> table = ReadCsvTable(csv, schema, kFracBits);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->rows, 2000);

  std::set<int64_t> ages, smoker, notes;
  for (int64_t i = 0; i < table->rows; ++i) {
    ages.insert(table->columns[0].signed_at(i));
    const double score = fxp::DecodeValue(table->columns[1][i], kFracBits);
    EXPECT_GE(score, -0.25);
    EXPECT_LE(score, 0.75);
    const int64_t count = table->columns[2].signed_at(i);  // [0, 100] by default
    EXPECT_GE(count, 0);
    EXPECT_LE(count, 100);
    const double weight = fxp::DecodeValue(table->columns[3][i], kFracBits);
    EXPECT_GE(weight, 50);  // [min, min + 100]
    EXPECT_LE(weight, 150);
    smoker.insert(table->columns[4].signed_at(i));
    notes.insert(table->columns[5].signed_at(i));
  }
  EXPECT_EQ(ages, (std::set<int64_t>{18, 19, 20, 21}));
  EXPECT_EQ(smoker, (std::set<int64_t>{0, 1}));
  EXPECT_EQ(notes, (std::set<int64_t>{0, 1, 2}));
}

// Decimals have at most 4 decimal places, and a range holding none gets its lower bound.
TEST(MockDataTest, DecimalsAreShortAndInRange) {
  const DatasetSchema schema = DatasetSchema::Parse(R"({"columns": [
    {"name": "x", "type": "decimal", "min": 1, "max": 2},
    {"name": "tiny", "type": "decimal", "min": 0.123451, "max": 0.123459}]})")
                                   .value();
  const std::string csv = MockCsv(schema, 200, 3).value();
  size_t line_start = csv.find("\r\n") + 2;
  while (line_start < csv.size()) {
    const size_t end = csv.find("\r\n", line_start);
    const std::string line = csv.substr(line_start, end - line_start);
    const std::string x = line.substr(0, line.find(','));
    if (x.find('.') != std::string::npos) {
      EXPECT_LE(x.size() - x.find('.') - 1, 4u) << line;
    }
    EXPECT_EQ(line.substr(line.find(',') + 1), "0.123451");
    line_start = end + 2;
  }
  EXPECT_TRUE(ReadCsvTable(csv, schema, kFracBits).ok());
}

TEST(MockDataTest, RefusesWhatItCannotMake) {
  EXPECT_THAT(MockCsv(Schema(), 0, 1).status().message(), HasSubstr("need at least 1"));
  const DatasetSchema wide =
      DatasetSchema::Parse(R"({"columns": [{"name": "x", "type": "decimal", "max": 1e300}]})")
          .value();
  EXPECT_THAT(MockCsv(wide, 1, 1).status().message(), HasSubstr("mock: column 'x': the range"));
}

}  // namespace
}  // namespace arca::client
