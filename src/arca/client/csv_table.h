// A data owner's CSV file, read against its schema and encoded column by column.
//
// The reader follows RFC 4180: fields separated by commas; a field in double quotes may hold
// commas, line breaks and doubled quotes ("" for one "); records end with CRLF (a bare LF is
// accepted too, a bare CR is not); the last record may lack its line break. A quote inside an
// unquoted field, anything but a comma or a line end after a closing quote, and a quote left
// open at the end of the file are syntax errors. A UTF-8 byte-order mark at the start is
// skipped (spreadsheets write one).
//
// The first record is the header: the schema's column names, in the schema's order. Every
// other record is a row with one cell per column, encoded as dataset_schema.h says. Errors
// name the line the record starts on and the column:
//
//   line 17, column 'age': 'abc' is not an integer
//
// Up to kMaxReportedErrors are listed, then "and N more". Messages quote cells: they are for
// the data owner's own screen and must not be sent anywhere.
#ifndef ARCA_CLIENT_CSV_TABLE_H_
#define ARCA_CLIENT_CSV_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/client/dataset_schema.h"
#include "arca/mpc/ring_tensor.h"

namespace arca::client {

inline constexpr int kMaxReportedErrors = 20;

// A table as ring elements: one tensor of shape [rows] per schema column, in schema order.
struct EncodedTable {
  int64_t rows = 0;
  std::vector<mpc::RingTensor> columns;
};

// Reads and encodes the whole of `text`; decimals get `frac_bits` fractional bits. On any
// error, an invalid-argument status whose first line says how many errors there are, followed
// by one line per error (at most kMaxReportedErrors, then "and N more"). A file with a header
// and no rows is an error.
Result<EncodedTable> ReadCsvTable(std::string_view text, const DatasetSchema& schema,
                                  int frac_bits);

// One CSV record (no line break): fields joined by commas, each quoted when it holds a comma,
// a quote, CR or LF, or is empty at the start of a one-field record (so that it is not read
// as an empty line).
std::string CsvRecord(const std::vector<std::string>& fields);

}  // namespace arca::client

#endif  // ARCA_CLIENT_CSV_TABLE_H_
