// libFuzzer target: the schema parser and the CSV reader, the code that reads a data owner's
// files (and, in `arca consumer infer`, a consumer's rows).
//
// The input is a schema's JSON text, a NUL byte, then CSV text (no NUL: a built-in schema with
// every column type reads the whole input as CSV). Beyond "no crash, no sanitizer report":
//  - a schema that parses has a canonical form that parses back to the same hash;
//  - a table that reads has at least one row and one [rows] tensor per schema column;
//  - mock data for a schema that parses never crashes.
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release \
//       -DCMAKE_CXX_COMPILER=clang++ -DARCA_FUZZ=ON
//   cmake --build build-fuzz --target arca_client_csv_table_fuzz
//   build-fuzz/bin/arca_client_csv_table_fuzz -max_total_time=600
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "arca/client/csv_table.h"
#include "arca/client/mock_data.h"

namespace arca::client {
namespace {

void Require(bool holds, const char* property) {
  if (!holds) {
    std::fprintf(stderr, "csv_table_fuzz: property violated: %s\n", property);
    std::abort();
  }
}

const DatasetSchema& BuiltInSchema() {
  static const DatasetSchema schema = DatasetSchema::Parse(R"({"columns": [
    {"name": "n", "type": "integer", "min": -5, "max": 1000},
    {"name": "x", "type": "decimal"},
    {"name": "b", "type": "boolean"},
    {"name": "c", "type": "categorical", "categories": ["a", "b,c", "\"q\""]}]})")
                                          .value();
  return schema;
}

void ReadTable(std::string_view csv, const DatasetSchema& schema, int frac_bits) {
  const Result<EncodedTable> table = ReadCsvTable(csv, schema, frac_bits);
  if (!table.ok()) return;
  Require(table->rows >= 1, "a table has rows");
  Require(table->columns.size() == schema.columns.size(), "one tensor per column");
  Require(
      std::all_of(table->columns.begin(), table->columns.end(),
                  [&](const mpc::RingTensor& t) { return t.shape() == mpc::Shape{table->rows}; }),
      "every column has shape [rows]");
}

}  // namespace
}  // namespace arca::client

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using arca::client::DatasetSchema;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const int frac_bits = 8 + static_cast<int>(size % 19);  // 8..26
  if (nul == std::string_view::npos) {
    arca::client::ReadTable(input, arca::client::BuiltInSchema(), frac_bits);
    return 0;
  }
  const arca::Result<DatasetSchema> schema = DatasetSchema::Parse(input.substr(0, nul));
  if (!schema.ok()) return 0;
  const arca::Result<DatasetSchema> again = DatasetSchema::Parse(schema->CanonicalJson());
  arca::client::Require(again.ok() && again->Hash() == schema->Hash(),
                        "the canonical form parses back to the same hash");
  arca::client::ReadTable(input.substr(nul + 1), *schema, frac_bits);
  static_cast<void>(arca::client::MockCsv(*schema, 3, size));
  return 0;
}
