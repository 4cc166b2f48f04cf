#include "arca/client/model_weights.h"

#include <fmt/format.h>

#include <map>

#include "arca/fxp/encoding.h"

namespace arca::client {
namespace {

constexpr std::string_view kHeader = "feature,weight";
constexpr std::string_view kIntercept = "intercept";

Status LineError(int line, std::string_view what) {
  return InvalidArgumentError(fmt::format("line {}: {}", line, what));
}

// The lines of `text` without their LF or CRLF ends; a last line without one counts too.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace

DatasetSchema ModelWeights::TableSchema() {
  Column weight;
  weight.name = "weight";
  weight.type = ColumnType::kDecimal;
  return DatasetSchema{{weight}};
}

Result<EncodedTable> ModelWeights::Table() const {
  std::string csv = "weight\n";
  for (const std::string& weight : weights) csv += weight + "\n";
  return ReadCsvTable(csv, TableSchema(), fxp::kDefaultFracBits);
}

Result<ModelWeights> ParseModelWeights(std::string_view text) {
  const std::vector<std::string_view> lines = Lines(text);
  if (lines.empty() || lines[0] != kHeader) {
    return LineError(1, fmt::format("the header must be '{}'", kHeader));
  }
  const Column weight_column = ModelWeights::TableSchema().columns[0];
  ModelWeights out;
  std::map<std::string, int, std::less<>> first_line;
  for (size_t i = 1; i < lines.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    const std::string_view record = lines[i];
    if (out.intercept) {
      return LineError(line, fmt::format("a row follows the intercept (line {}), which must be "
                                         "the last row",
                                         line - 1));
    }
    const size_t comma = record.find(',');
    if (comma == std::string_view::npos || record.find(',', comma + 1) != std::string_view::npos) {
      return LineError(line, "a row is 'feature,weight': two cells separated by one comma");
    }
    if (record.find('"') != std::string_view::npos) {
      return LineError(line, "quoted cells are not supported");
    }
    const std::string_view feature = record.substr(0, comma);
    const std::string_view weight = record.substr(comma + 1);
    if (feature.empty()) return LineError(line, "the feature's name is empty");
    if (const Result<uint64_t> encoded = EncodeCell(weight_column, weight, fxp::kDefaultFracBits);
        !encoded.ok()) {
      return LineError(line, encoded.status().message());
    }
    out.weights.emplace_back(weight);
    if (feature == kIntercept) {
      out.intercept = true;
      continue;
    }
    if (const auto seen = first_line.find(feature); seen != first_line.end()) {
      return LineError(line, fmt::format("feature {} appears twice (first on line {})",
                                         QuoteCell(feature), seen->second));
    }
    first_line.emplace(feature, line);
    out.features.emplace_back(feature);
  }
  if (out.features.empty()) {
    return InvalidArgumentError("the weights name no feature: a model needs one row per feature");
  }
  return out;
}

}  // namespace arca::client
