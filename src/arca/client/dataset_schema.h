// A dataset's schema: its typed columns, and how each cell becomes a ring element.
//
// Schema file (JSON; docs/UPLOAD.md):
//
//   {"columns": [
//     {"name": "age",    "type": "integer", "min": 0, "max": 150},
//     {"name": "income", "type": "decimal", "min": 0},
//     {"name": "smoker", "type": "boolean"},
//     {"name": "region", "type": "categorical", "categories": ["north", "south"]}]}
//
// Encodings of a cell:
//   integer      the value itself as a ring integer (two's complement); |v| < 2^62, so that
//                the difference of two values fits the 63 bits comparisons need (protocol.h)
//   decimal      fixed point: round(v · 2^f) for the upload's f fractional bits
//                (fxp/encoding.h); |v| · 2^f < 2^62
//   boolean      1 for "true" or "1", 0 for "false" or "0" (the words in any case)
//   categorical  the 0-based index of the cell in "categories" (exact, case-sensitive match)
// "min" and "max" are optional inclusive bounds of integer and decimal columns; integer
// bounds are whole numbers of magnitude at most 2^53, the range JSON numbers carry exactly
// (I-JSON, RFC 7493 section 2.2). There are no missing values yet: an empty cell is an error.
#ifndef ARCA_CLIENT_DATASET_SCHEMA_H_
#define ARCA_CLIENT_DATASET_SCHEMA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/crypto/hash.h"
#include "arca/plan/validate.h"

namespace arca::client {

// The column types are the plan language's (one vocabulary for schemas and plans).
using plan::ColumnType;
using plan::ColumnTypeName;

// Integer cells must lie strictly between -2^62 and 2^62.
inline constexpr int64_t kIntegerLimit = int64_t{1} << 62;

struct Column {
  std::string name;
  ColumnType type = ColumnType::kInteger;
  std::vector<std::string> categories;  // categorical columns only, in index order
  std::optional<double> min, max;       // integer and decimal columns only
};

struct DatasetSchema {
  std::vector<Column> columns;

  // Parses and validates a schema file. Errors name the column (by name, or by its 1-based
  // position when it has none) and the field: "schema: column 'age': 'min' (10) is greater
  // than 'max' (5)".
  static Result<DatasetSchema> Parse(std::string_view json_text);

  // The schema as canonical JSON: no whitespace, keys sorted, only the fields that are set.
  // Two files that parse to the same schema give the same text. Names and categories must be
  // valid UTF-8, as Parse guarantees (the JSON writer refuses anything else).
  std::string CanonicalJson() const;
  // SHA-256 of CanonicalJson(): the schema hash that share files and the coordinator carry.
  crypto::Sha256Digest Hash() const;
};

// Checks that the bounds of decimal columns fit the fixed-point range for `frac_bits`.
Status CheckFixedPointBounds(const DatasetSchema& schema, int frac_bits);

// The ring element for the text of one cell of `column`. An error says what is wrong with the
// text ("'abc' is not an integer", "'200' is above the column's max 150"); the caller names
// the line and column. Messages quote the cell: they are for the data owner's own screen.
Result<uint64_t> EncodeCell(const Column& column, std::string_view text, int frac_bits);

// A cell's text as an error message quotes it: in single quotes, control characters escaped,
// cut after 40 bytes.
std::string QuoteCell(std::string_view text);

}  // namespace arca::client

#endif  // ARCA_CLIENT_DATASET_SCHEMA_H_
