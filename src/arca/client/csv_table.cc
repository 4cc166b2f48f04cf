#include "arca/client/csv_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace arca::client {
namespace {

// Reads RFC 4180 records one at a time from text held in memory.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
  }

  // The next record into `*fields`, or false at the end of the text. A syntax error names the
  // line where it is; the reader must not be used after one.
  Result<bool> Next(std::vector<std::string>* fields) {
    if (pos_ == text_.size()) return false;
    record_line_ = line_;
    fields->clear();
    while (true) {
      std::string field;
      ARCA_RETURN_IF_ERROR(at('"') ? ReadQuoted(field) : ReadUnquoted(field));
      fields->push_back(std::move(field));
      if (pos_ == text_.size()) return true;
      if (at(',')) {
        ++pos_;
        continue;
      }
      if (!ConsumeLineEnd()) {
        return InvalidArgumentError(fmt::format(
            "line {}: a quoted field is followed by {} instead of a comma or the end of the line",
            line_, QuoteCell(text_.substr(pos_, 1))));
      }
      return true;
    }
  }

  // The line the last record read starts on (1-based).
  int64_t record_line() const { return record_line_; }

 private:
  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  // CRLF or LF at the position: consumes it and counts the line.
  bool ConsumeLineEnd() {
    if (text_.substr(pos_).starts_with("\r\n")) {
      pos_ += 2;
    } else if (at('\n')) {
      ++pos_;
    } else {
      return false;
    }
    ++line_;
    return true;
  }

  Status ReadUnquoted(std::string& field) {
    const size_t begin = pos_;
    for (; pos_ < text_.size(); ++pos_) {
      const char c = text_[pos_];
      if (c == ',' || c == '\n' || (c == '\r' && text_.substr(pos_).starts_with("\r\n"))) break;
      if (c == '"') {
        return InvalidArgumentError(fmt::format(
            "line {}: a quote inside an unquoted field (quote the whole field and double the "
            "quotes inside it)",
            line_));
      }
      if (c == '\r') {
        return InvalidArgumentError(
            fmt::format("line {}: a carriage return that is not part of a CRLF line end outside "
                        "quotes",
                        line_));
      }
    }
    field.assign(text_.substr(begin, pos_ - begin));
    return OkStatus();
  }

  Status ReadQuoted(std::string& field) {
    const int64_t opened = line_;
    ++pos_;  // the opening quote
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') {
        if (!at('"')) return OkStatus();  // the closing quote
        ++pos_;                           // a doubled quote stands for one
      } else if (c == '\n') {
        ++line_;
      }
      field.push_back(c);
    }
    return InvalidArgumentError(fmt::format(
        "line {}: a quoted field opened here is not closed before the end of the file", opened));
  }

  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  int64_t record_line_ = 1;
};

// Errors of a file: the first kMaxReportedErrors, and a count of the rest.
class ErrorList {
 public:
  void Add(std::string message) {
    if (shown_.size() < static_cast<size_t>(kMaxReportedErrors)) {
      shown_.push_back(std::move(message));
    } else {
      ++more_;
    }
  }
  bool empty() const { return shown_.empty(); }

  Status ToStatus() const {
    const size_t total = shown_.size() + static_cast<size_t>(more_);
    std::string message = fmt::format("the CSV file has {} error{}:", total, total == 1 ? "" : "s");
    for (const std::string& line : shown_) message += "\n  " + line;
    if (more_ > 0) message += fmt::format("\n  and {} more", more_);
    return InvalidArgumentError(std::move(message));
  }

 private:
  std::vector<std::string> shown_;
  int64_t more_ = 0;
};

std::string ColumnNames(const DatasetSchema& schema) {
  std::vector<std::string> names;
  for (const Column& column : schema.columns) names.push_back(column.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

Status CheckHeader(const std::vector<std::string>& header, const DatasetSchema& schema) {
  const std::string expected =
      fmt::format("(the header must list the schema's columns in order: {})", ColumnNames(schema));
  for (size_t i = 0; i < std::min(header.size(), schema.columns.size()); ++i) {
    if (header[i] != schema.columns[i].name) {
      return InvalidArgumentError(
          fmt::format("line 1: the header's column {} is {} but the "
                      "schema's is '{}' {}",
                      i + 1, QuoteCell(header[i]), schema.columns[i].name, expected));
    }
  }
  if (header.size() != schema.columns.size()) {
    return InvalidArgumentError(fmt::format("line 1: the header has {} columns, the schema {} {}",
                                            header.size(), schema.columns.size(), expected));
  }
  return OkStatus();
}

bool NeedsQuotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

Result<EncodedTable> ReadCsvTable(std::string_view text, const DatasetSchema& schema,
                                  int frac_bits) {
  ARCA_RETURN_IF_ERROR(CheckFixedPointBounds(schema, frac_bits));
  CsvReader reader(text);
  std::vector<std::string> fields;
  ARCA_ASSIGN_OR_RETURN(bool has_header, reader.Next(&fields));
  if (!has_header) return InvalidArgumentError("the CSV file is empty: it needs a header line");
  ARCA_RETURN_IF_ERROR(CheckHeader(fields, schema));

  const size_t width = schema.columns.size();
  std::vector<std::vector<uint64_t>> values(width);
  ErrorList errors;
  int64_t rows = 0;
  while (true) {
    Result<bool> more = reader.Next(&fields);
    if (!more.ok()) {
      // A syntax error leaves the reader lost: report it after what was found before it.
      errors.Add(more.status().message() + " (reading stopped here)");
      break;
    }
    if (!*more) break;
    ++rows;
    const int64_t line = reader.record_line();
    if (width > 1 && fields.size() == 1 && fields[0].empty()) {
      errors.Add(fmt::format("line {}: the line is empty (a row needs {} cells)", line, width));
      continue;
    }
    if (fields.size() != width) {
      errors.Add(fmt::format("line {}: {} cells, expected {}", line, fields.size(), width));
      continue;
    }
    for (size_t c = 0; c < width; ++c) {
      const Column& column = schema.columns[c];
      Result<uint64_t> cell = EncodeCell(column, fields[c], frac_bits);
      if (!cell.ok()) {
        errors.Add(
            fmt::format("line {}, column '{}': {}", line, column.name, cell.status().message()));
      } else {
        values[c].push_back(*cell);
      }
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  if (rows == 0) return InvalidArgumentError("the CSV file has a header but no rows");

  EncodedTable table;
  table.rows = rows;
  for (const std::vector<uint64_t>& column : values) {
    table.columns.push_back(mpc::RingTensor::FromValues(mpc::Shape{rows}, column));
  }
  return table;
}

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    const std::string& field = fields[i];
    if (!NeedsQuotes(field) && !(field.empty() && fields.size() == 1)) {
      out += field;
      continue;
    }
    out += '"';
    for (char c : field) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out;
}

}  // namespace arca::client
