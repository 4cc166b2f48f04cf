#include "arca/client/csv_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arca/fxp/encoding.h"

namespace arca::client {
namespace {

using ::testing::HasSubstr;

constexpr int kFracBits = 18;

const DatasetSchema& Schema() {
  static const DatasetSchema schema = DatasetSchema::Parse(R"({"columns": [
    {"name": "age", "type": "integer", "min": 0, "max": 150},
    {"name": "income", "type": "decimal"},
    {"name": "smoker", "type": "boolean"},
    {"name": "note", "type": "categorical",
     "categories": ["plain", "a, b", "say \"hi\"", "two\r\nlines"]}]})")
                                          .value();
  return schema;
}

std::string ReadError(std::string_view csv) {
  Result<EncodedTable> table = ReadCsvTable(csv, Schema(), kFracBits);
  EXPECT_FALSE(table.ok()) << csv;
  return table.ok() ? "" : table.status().message();
}

// Quoted fields with commas, doubled quotes and a CRLF inside; CRLF and LF line ends; a
// byte-order mark; no line break after the last record.
TEST(CsvTableTest, ReadsRfc4180AndEncodesEachColumn) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "age,income,smoker,note\r\n"
      "42,3.25,true,plain\r\n"
      "7,\"-0.5\",0,\"a, b\"\n"
      "\"150\",1e3,FALSE,\"say \"\"hi\"\"\"\r\n"
      "0,0,1,\"two\r\nlines\"";
  Result<EncodedTable> table = ReadCsvTable(csv, Schema(), kFracBits);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->rows, 4);
  ASSERT_EQ(table->columns.size(), 4u);
  EXPECT_EQ(table->columns[0], mpc::RingTensor::FromSigned(mpc::Shape{4}, {42, 7, 150, 0}));
  EXPECT_EQ(fxp::Decode(table->columns[1], kFracBits), (std::vector<double>{3.25, -0.5, 1000, 0}));
  EXPECT_EQ(table->columns[2], mpc::RingTensor::FromValues(mpc::Shape{4}, {1, 0, 0, 1}));
  EXPECT_EQ(table->columns[3], mpc::RingTensor::FromValues(mpc::Shape{4}, {0, 1, 2, 3}));
}

TEST(CsvTableTest, ErrorsNameTheLineAndColumn) {
  EXPECT_EQ(ReadError("age,income,smoker,note\n"
                      "1,2,true,plain\n"
                      "abc,2,true,plain\n"),
            "the CSV file has 1 error:\n  line 3, column 'age': 'abc' is not an integer");
  // A quoted line break moves every later line number on.
  EXPECT_EQ(ReadError("age,income,smoker,note\n"
                      "1,2,true,\"two\r\nlines\"\n"
                      "1,2,maybe,plain\n"),
            "the CSV file has 1 error:\n"
            "  line 4, column 'smoker': 'maybe' is not a boolean (true, false, 1 or 0)");
  EXPECT_THAT(ReadError("age,income,smoker,note\n1,2,true,Plain\n"),
              HasSubstr("line 2, column 'note': 'Plain' is not one of the column's categories"));
}

// Every kind of cell error, on one row each, in one report.
TEST(CsvTableTest, ReportsEveryMalformedRow) {
  const std::string message = ReadError(
      "age,income,smoker,note\n"
      "200,1,true,plain\n"    // line 2: above max
      "1,1e20,true,plain\n"   // line 3: outside the fixed-point range
      "1,,true,plain\n"       // line 4: empty cell
      "1,2,true\n"            // line 5: a cell missing
      "\n"                    // line 6: empty line
      "1,2,true,plain,x\n");  // line 7: a cell too many
  EXPECT_EQ(message,
            "the CSV file has 6 errors:\n"
            "  line 2, column 'age': '200' is above the column's max 150\n"
            "  line 3, column 'income': '1e20' is outside the fixed-point range (|v| < 2^44 with "
            "18 fractional bits)\n"
            "  line 4, column 'income': the cell is empty (missing values are not supported yet)\n"
            "  line 5: 3 cells, expected 4\n"
            "  line 6: the line is empty (a row needs 4 cells)\n"
            "  line 7: 5 cells, expected 4");
}

TEST(CsvTableTest, ListsTwentyErrorsThenCountsTheRest) {
  std::string csv = "age,income,smoker,note\n";
  for (int i = 0; i < 25; ++i) csv += "x,1,true,plain\n";
  const std::string message = ReadError(csv);
  EXPECT_THAT(message, HasSubstr("the CSV file has 25 errors:\n"));
  EXPECT_THAT(message, HasSubstr("line 21, column 'age'"));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("line 22,")));
  EXPECT_THAT(message, ::testing::EndsWith("\n  and 5 more"));
}

TEST(CsvTableTest, HeaderMustListTheSchemasColumnsInOrder) {
  EXPECT_EQ(ReadError("age,income,note,smoker\n1,2,plain,true\n"),
            "line 1: the header's column 3 is 'note' but the schema's is 'smoker' (the header "
            "must list the schema's columns in order: age, income, smoker, note)");
  EXPECT_THAT(ReadError("age,income,smoker\n1,2,true\n"),
              HasSubstr("line 1: the header has 3 columns, the schema 4"));
  EXPECT_THAT(ReadError("age,income,smoker,note,extra\n"),
              HasSubstr("line 1: the header has 5 columns, the schema 4"));
  EXPECT_EQ(ReadError(""), "the CSV file is empty: it needs a header line");
  EXPECT_EQ(ReadError("age,income,smoker,note\r\n"), "the CSV file has a header but no rows");
}

// Syntax errors stop the reading, after the errors found before them.
TEST(CsvTableTest, SyntaxErrorsNameTheirLine) {
  EXPECT_EQ(ReadError("age,income,smoker,note\n1,2,true,pl\"ain\n"),
            "the CSV file has 1 error:\n  line 2: a quote inside an unquoted field (quote the "
            "whole field and double the quotes inside it) (reading stopped here)");
  EXPECT_THAT(ReadError("age,income,smoker,note\n1,2,true,\"plain\"x\n"),
              HasSubstr("line 2: a quoted field is followed by 'x' instead of a comma or the end "
                        "of the line"));
  EXPECT_THAT(ReadError("age,income,smoker,note\n1,2,true,plain\n1,2,true,\"plain\n1,2\n"),
              HasSubstr("line 3: a quoted field opened here is not closed before the end of the "
                        "file"));
  EXPECT_THAT(ReadError("age,income,smoker,note\r1,2,true,plain\n"),
              HasSubstr("line 1: a carriage return that is not part of a CRLF line end"));
  EXPECT_EQ(ReadError("age,income,smoker,note\nx,2,true,plain\n1,2,true,\"plain\n"),
            "the CSV file has 2 errors:\n"
            "  line 2, column 'age': 'x' is not an integer\n"
            "  line 3: a quoted field opened here is not closed before the end of the file "
            "(reading stopped here)");
}

TEST(CsvTableTest, RefusesDecimalBoundsOutsideTheFixedPointRange) {
  const DatasetSchema schema =
      DatasetSchema::Parse(R"({"columns": [{"name": "x", "type": "decimal", "min": -1e14}]})")
          .value();
  Result<EncodedTable> table = ReadCsvTable("x\n1\n", schema, kFracBits);
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(table.status().message(), HasSubstr("schema: column 'x': 'min'"));
  EXPECT_TRUE(ReadCsvTable("x\n1\n", schema, 8).ok());
}

// What CsvRecord writes, the reader reads back field for field.
TEST(CsvRecordTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvRecord({"plain", "a, b", "say \"hi\"", "two\r\nlines"}),
            "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\r\nlines\"");
  EXPECT_EQ(CsvRecord({""}), "\"\"");
  EXPECT_EQ(CsvRecord({"", ""}), ",");

  const std::string csv = CsvRecord({"age", "income", "smoker", "note"}) + "\r\n" +
                          CsvRecord({"1", "2", "true", "say \"hi\""}) + "\r\n" +
                          CsvRecord({"1", "2", "true", "two\r\nlines"}) + "\r\n";
  Result<EncodedTable> table = ReadCsvTable(csv, Schema(), kFracBits);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->columns[3], mpc::RingTensor::FromValues(mpc::Shape{2}, {2, 3}));
}

}  // namespace
}  // namespace arca::client
