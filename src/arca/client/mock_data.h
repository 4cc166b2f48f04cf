// Mock data: synthetic rows that follow a dataset's schema, so that a code owner can develop
// and test a plan without seeing the data (`arca code mock`). Only the schema goes in; nothing
// comes from any real row.
//
// Values are uniform: integers in [min, max]; decimals with at most 4 decimal places in
// [min, max]; booleans "true" or "false"; categories from the list. A missing bound is taken
// 100 away from the other one, or the range is [0, 100] when neither is declared. The output
// is CSV (CRLF line ends, header first) that ReadCsvTable accepts with the same schema, and
// the same schema, row count and seed give the same text on every machine: the stream is
// AES-128 in counter mode keyed by the seed (crypto/prg.h), not a library distribution.
#ifndef ARCA_CLIENT_MOCK_DATA_H_
#define ARCA_CLIENT_MOCK_DATA_H_

#include <cstdint>
#include <string>

#include "arca/base/status.h"
#include "arca/client/dataset_schema.h"

namespace arca::client {

// `rows` (at least 1) synthetic rows as CSV text. A decimal column whose range is too wide to
// write with 4 decimal places (beyond ±2^62 / 10^4) is an error naming it.
Result<std::string> MockCsv(const DatasetSchema& schema, int64_t rows, uint64_t seed);

}  // namespace arca::client

#endif  // ARCA_CLIENT_MOCK_DATA_H_
