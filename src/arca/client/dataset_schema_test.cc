#include "arca/client/dataset_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace arca::client {
namespace {

using ::testing::HasSubstr;

constexpr const char* kSchema = R"({"columns": [
  {"name": "age", "type": "integer", "min": 0, "max": 150},
  {"name": "income", "type": "decimal", "min": -1.5},
  {"name": "smoker", "type": "boolean"},
  {"name": "region", "type": "categorical", "categories": ["north", "south", "east"]}]})";

DatasetSchema Schema() { return DatasetSchema::Parse(kSchema).value(); }

std::string ParseError(const std::string& json) {
  Result<DatasetSchema> schema = DatasetSchema::Parse(json);
  EXPECT_FALSE(schema.ok()) << json;
  return schema.ok() ? "" : schema.status().message();
}

TEST(DatasetSchemaTest, ParsesEveryColumnType) {
  const DatasetSchema schema = Schema();
  ASSERT_EQ(schema.columns.size(), 4u);
  EXPECT_EQ(schema.columns[0].name, "age");
  EXPECT_EQ(schema.columns[0].type, ColumnType::kInteger);
  EXPECT_EQ(schema.columns[0].min, 0);
  EXPECT_EQ(schema.columns[0].max, 150);
  EXPECT_EQ(schema.columns[1].type, ColumnType::kDecimal);
  EXPECT_EQ(schema.columns[1].min, -1.5);
  EXPECT_FALSE(schema.columns[1].max.has_value());
  EXPECT_EQ(schema.columns[2].type, ColumnType::kBoolean);
  EXPECT_EQ(schema.columns[3].type, ColumnType::kCategorical);
  EXPECT_EQ(schema.columns[3].categories, (std::vector<std::string>{"north", "south", "east"}));
}

// Each invalid schema is refused with a message naming the column (by name, or by position
// when it has none) and the field.
TEST(DatasetSchemaTest, ValidationErrorsNameTheColumnAndField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"columns": [)", "schema is not valid JSON"},
      {R"([1, 2])", "schema must be a JSON object"},
      {R"({"columns": []})", "schema: 'columns' is required and must be a non-empty array"},
      {R"({"columns": [{"name": "a", "type": "integer"}], "colour": 1})",
       "schema: unknown field 'colour'"},
      {R"({"columns": [{"name": "a", "type": "integer"}, {"type": "integer"}]})",
       "schema: column 2: 'name' is required"},
      {R"({"columns": [{"name": "", "type": "integer"}]})", "schema: column 1: 'name' must be"},
      {R"({"columns": [{"name": "a", "type": "integer"}, {"name": "a", "type": "boolean"}]})",
       "schema: column 'a': 'name' is used by an earlier column"},
      {R"({"columns": [{"name": "a"}]})", "schema: column 'a': 'type' is required"},
      {R"({"columns": [{"name": "a", "type": "int"}]})",
       "schema: column 'a': 'type' must be integer, decimal, boolean or categorical, not 'int'"},
      {R"({"columns": [{"name": "a", "type": "integer", "maxx": 3}]})",
       "schema: column 'a': unknown field 'maxx' (a column has name, type, categories, min, max)"},
      {R"({"columns": [{"name": "c", "type": "categorical"}]})",
       "schema: column 'c': 'categories' is required for a categorical column"},
      {R"({"columns": [{"name": "c", "type": "categorical", "categories": []}]})",
       "schema: column 'c': 'categories' must be a non-empty array of strings"},
      {R"({"columns": [{"name": "c", "type": "categorical", "categories": ["x", 1]}]})",
       "schema: column 'c': 'categories' must hold only non-empty strings"},
      {R"({"columns": [{"name": "c", "type": "categorical", "categories": ["x", "x"]}]})",
       "schema: column 'c': 'categories' lists 'x' twice"},
      {R"({"columns": [{"name": "a", "type": "integer", "categories": ["x"]}]})",
       "schema: column 'a': 'categories' is only for categorical columns, not integer"},
      {R"({"columns": [{"name": "b", "type": "boolean", "min": 0}]})",
       "schema: column 'b': 'min' is only for integer and decimal columns"},
      {R"({"columns": [{"name": "a", "type": "decimal", "min": 10, "max": 5}]})",
       "schema: column 'a': 'min' (10) is greater than 'max' (5)"},
      {R"({"columns": [{"name": "a", "type": "integer", "max": 1.5}]})",
       "schema: column 'a': 'max' of an integer column must be a whole number"},
      {R"({"columns": [{"name": "a", "type": "integer", "max": 1e17}]})",
       "schema: column 'a': 'max' of an integer column must be a whole number of magnitude at "
       "most 2^53"},
      {R"({"columns": [{"name": "a", "type": "decimal", "min": "0"}]})",
       "schema: column 'a': 'min' must be a number"},
  };
  for (const auto& [json, want] : cases) {
    EXPECT_THAT(ParseError(json), HasSubstr(want)) << json;
  }
}

// The hash is of the canonical form: key order, whitespace and the spelling of a number do
// not change it; any change of meaning does.
TEST(DatasetSchemaTest, HashIsOfTheCanonicalForm) {
  const DatasetSchema schema = Schema();
  EXPECT_EQ(schema.CanonicalJson(),
            R"({"columns":[{"max":150,"min":0,"name":"age","type":"integer"},)"
            R"({"min":-1.5,"name":"income","type":"decimal"},)"
            R"({"name":"smoker","type":"boolean"},)"
            R"({"categories":["north","south","east"],"name":"region","type":"categorical"}]})");
  const DatasetSchema respelled = DatasetSchema::Parse(R"({"columns":[
      {"type":"integer","max":150.0,"min":0,"name":"age"},
      {"min":-15e-1,"type":"decimal","name":"income"},
      {"type":"boolean","name":"smoker"},
      {"categories":["north","south","east"],"type":"categorical","name":"region"}]})")
                                      .value();
  EXPECT_EQ(respelled.Hash(), schema.Hash());

  DatasetSchema changed = schema;
  changed.columns[0].max = 151;
  EXPECT_NE(changed.Hash(), schema.Hash());
  changed = schema;
  std::swap(changed.columns[3].categories[0], changed.columns[3].categories[1]);
  EXPECT_NE(changed.Hash(), schema.Hash());
}

Result<uint64_t> Encode(size_t column, std::string_view text, int frac_bits = 18) {
  static const DatasetSchema schema = Schema();
  return EncodeCell(schema.columns[column], text, frac_bits);
}

std::string EncodeError(size_t column, std::string_view text, int frac_bits = 18) {
  Result<uint64_t> cell = Encode(column, text, frac_bits);
  EXPECT_FALSE(cell.ok()) << text;
  return cell.ok() ? "" : cell.status().message();
}

TEST(EncodeCellTest, IntegersAreRingIntegers) {
  const Column wide = {"n", ColumnType::kInteger, {}, std::nullopt, std::nullopt};
  EXPECT_EQ(*Encode(0, "42"), 42u);
  EXPECT_EQ(*Encode(0, "007"), 7u);
  EXPECT_EQ(*EncodeCell(wide, "-3", 18), static_cast<uint64_t>(int64_t{-3}));
  EXPECT_EQ(*EncodeCell(wide, "4611686018427387903", 18), (uint64_t{1} << 62) - 1);
  EXPECT_THAT(EncodeCell(wide, "4611686018427387904", 18).status().message(),
              HasSubstr("'4611686018427387904' is outside the integer range (|v| < 2^62)"));
  EXPECT_THAT(EncodeCell(wide, "99999999999999999999", 18).status().message(),
              HasSubstr("is outside the integer range"));
  EXPECT_EQ(EncodeError(0, "abc"), "'abc' is not an integer");
  EXPECT_EQ(EncodeError(0, "1.0"), "'1.0' is not an integer");
  EXPECT_EQ(EncodeError(0, "+1"), "'+1' is not an integer");
  EXPECT_EQ(EncodeError(0, " 1"), "' 1' is not an integer");
  EXPECT_EQ(EncodeError(0, "151"), "'151' is above the column's max 150");
  EXPECT_EQ(EncodeError(0, "-1"), "'-1' is below the column's min 0");
  EXPECT_EQ(EncodeError(0, ""), "the cell is empty (missing values are not supported yet)");
}

TEST(EncodeCellTest, DecimalsAreFixedPoint) {
  EXPECT_EQ(*Encode(1, "3.25"), uint64_t{13} << 16);  // 3.25 · 2^18
  EXPECT_EQ(*Encode(1, "-0.5"), static_cast<uint64_t>(int64_t{-1} << 17));
  EXPECT_EQ(*Encode(1, "1e3"), uint64_t{1000} << 18);
  EXPECT_EQ(*Encode(1, "2", 10), uint64_t{2} << 10);
  EXPECT_EQ(EncodeError(1, "-2"), "'-2' is below the column's min -1.5");
  EXPECT_EQ(EncodeError(1, "2e13"),
            "'2e13' is outside the fixed-point range (|v| < 2^44 with 18 "
            "fractional bits)");
  EXPECT_THAT(EncodeError(1, "1e400"), HasSubstr("'1e400' is outside the fixed-point range"));
  EXPECT_EQ(EncodeError(1, "1,5"), "'1,5' is not a decimal number");
  EXPECT_EQ(EncodeError(1, "nan"), "'nan' is not a decimal number");
  EXPECT_EQ(EncodeError(1, "inf"), "'inf' is not a decimal number");
}

TEST(EncodeCellTest, BooleansAndCategories) {
  for (const char* yes : {"true", "TRUE", "True", "1"}) EXPECT_EQ(*Encode(2, yes), 1u) << yes;
  for (const char* no : {"false", "FALSE", "0"}) EXPECT_EQ(*Encode(2, no), 0u) << no;
  EXPECT_EQ(EncodeError(2, "yes"), "'yes' is not a boolean (true, false, 1 or 0)");
  EXPECT_EQ(*Encode(3, "north"), 0u);
  EXPECT_EQ(*Encode(3, "east"), 2u);
  EXPECT_EQ(EncodeError(3, "North"),
            "'North' is not one of the column's categories ('north', 'south', 'east')");
  Column many = {"c", ColumnType::kCategorical, {"a", "b", "c", "d", "e", "f", "g"}, {}, {}};
  EXPECT_EQ(EncodeCell(many, "z", 18).status().message(),
            "'z' is not one of the column's categories ('a', 'b', 'c', 'd', 'e', ... (7 in all))");
}

TEST(EncodeCellTest, DecimalBoundsMustFitTheFixedPointRange) {
  const DatasetSchema schema =
      DatasetSchema::Parse(R"({"columns": [{"name": "x", "type": "decimal", "max": 1e15}]})")
          .value();
  EXPECT_TRUE(CheckFixedPointBounds(schema, 8).ok());
  EXPECT_EQ(
      CheckFixedPointBounds(schema, 18).message(),
      "schema: column 'x': 'max' (1000000000000000) does not fit the fixed-point range (|v| < 2^44 "
      "with 18 fractional bits)");
  EXPECT_THAT(CheckFixedPointBounds(schema, 40).message(), HasSubstr("fractional bits"));
}

TEST(QuoteCellTest, EscapesControlCharactersAndCutsLongText) {
  EXPECT_EQ(QuoteCell("a\nb\r\tc"), "'a\\nb\\r\\x09c'");
  EXPECT_EQ(QuoteCell(std::string(50, 'x')), "'" + std::string(40, 'x') + "...'");
}

}  // namespace
}  // namespace arca::client
