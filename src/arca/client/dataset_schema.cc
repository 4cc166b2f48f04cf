#include "arca/client/dataset_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "arca/fxp/encoding.h"

namespace arca::client {
namespace {

using nlohmann::json;

// Whole numbers up to this magnitude are exact in a double, hence in JSON (RFC 7493 2.2).
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

constexpr std::string_view kFields = "name, type, categories, min, max";

bool HasControlCharacter(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

Result<ColumnType> ParseType(std::string_view name) {
  if (Result<ColumnType> type = plan::ParseColumnType(name); type.ok()) return type;
  return InvalidArgumentError(fmt::format(
      "'type' must be integer, decimal, boolean or categorical, not {}", QuoteCell(name)));
}

// A "min" or "max" bound of `column`; integer columns take whole numbers up to 2^53.
Result<double> ParseBound(const json& value, const Column& column, const char* field) {
  if (!value.is_number()) return InvalidArgumentError(fmt::format("'{}' must be a number", field));
  const auto bound = value.get<double>();
  if (!std::isfinite(bound)) return InvalidArgumentError(fmt::format("'{}' must be finite", field));
  if (column.type == ColumnType::kInteger &&
      (std::trunc(bound) != bound || std::fabs(bound) > kMaxExactInteger)) {
    return InvalidArgumentError(fmt::format(
        "'{}' of an integer column must be a whole number of magnitude at most 2^53", field));
  }
  return bound;
}

Result<std::vector<std::string>> ParseCategories(const json& value) {
  if (!value.is_array() || value.empty()) {
    return InvalidArgumentError("'categories' must be a non-empty array of strings");
  }
  std::vector<std::string> categories;
  std::set<std::string> seen;
  for (const json& item : value) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      return InvalidArgumentError("'categories' must hold only non-empty strings");
    }
    const auto& category = item.get_ref<const std::string&>();
    if (!seen.insert(category).second) {
      return InvalidArgumentError(fmt::format("'categories' lists {} twice", QuoteCell(category)));
    }
    categories.push_back(category);
  }
  return categories;
}

// The fields of one column other than its name; errors are named by the caller.
Status ParseColumnFields(const json& node, Column& column) {
  for (const auto& [key, value] : node.items()) {
    if (key != "name" && key != "type" && key != "categories" && key != "min" && key != "max") {
      return InvalidArgumentError(
          fmt::format("unknown field {} (a column has {})", QuoteCell(key), kFields));
    }
  }
  if (!node.contains("type") || !node["type"].is_string()) {
    return InvalidArgumentError("'type' is required: integer, decimal, boolean or categorical");
  }
  ARCA_ASSIGN_OR_RETURN(column.type, ParseType(node["type"].get<std::string>()));
  const bool numeric = column.type == ColumnType::kInteger || column.type == ColumnType::kDecimal;
  if (column.type == ColumnType::kCategorical) {
    if (!node.contains("categories")) {
      return InvalidArgumentError("'categories' is required for a categorical column");
    }
    ARCA_ASSIGN_OR_RETURN(column.categories, ParseCategories(node["categories"]));
  } else if (node.contains("categories")) {
    return InvalidArgumentError(fmt::format("'categories' is only for categorical columns, not {}",
                                            ColumnTypeName(column.type)));
  }
  for (const auto& [field, bound] :
       {std::pair{"min", &column.min}, std::pair{"max", &column.max}}) {
    if (!node.contains(field)) continue;
    if (!numeric) {
      return InvalidArgumentError(
          fmt::format("'{}' is only for integer and decimal columns", field));
    }
    ARCA_ASSIGN_OR_RETURN(*bound, ParseBound(node[field], column, field));
  }
  if (column.min && column.max && *column.min > *column.max) {
    return InvalidArgumentError(
        fmt::format("'min' ({}) is greater than 'max' ({})", *column.min, *column.max));
  }
  return OkStatus();
}

Result<Column> ParseColumn(const json& node, size_t index, std::set<std::string>& names) {
  const std::string position = fmt::format("schema: column {}", index + 1);
  if (!node.is_object()) return InvalidArgumentError(position + " must be an object");
  if (!node.contains("name") || !node["name"].is_string()) {
    return InvalidArgumentError(position + ": 'name' is required and must be a string");
  }
  Column column;
  column.name = node["name"].get<std::string>();
  if (column.name.empty() || HasControlCharacter(column.name)) {
    return InvalidArgumentError(position +
                                ": 'name' must be non-empty, without control characters");
  }
  const std::string where = fmt::format("schema: column '{}'", column.name);
  if (!names.insert(column.name).second) {
    return InvalidArgumentError(where + ": 'name' is used by an earlier column");
  }
  ARCA_RETURN_IF_ERROR(ParseColumnFields(node, column).WithContext(where));
  return column;
}

// Integer cells: base-10, optional '-', within ±2^62 and the column's bounds.
Result<uint64_t> EncodeInteger(const Column& column, std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool whole = end == text.data() + text.size();
  if (whole && (error == std::errc::result_out_of_range ||
                (error == std::errc() && (value <= -kIntegerLimit || value >= kIntegerLimit)))) {
    return OutOfRangeError(
        fmt::format("{} is outside the integer range (|v| < 2^62)", QuoteCell(text)));
  }
  if (error != std::errc() || !whole) {
    return InvalidArgumentError(fmt::format("{} is not an integer", QuoteCell(text)));
  }
  // Bounds are whole numbers of magnitude <= 2^53, so the conversions are exact.
  if (column.min && value < static_cast<int64_t>(*column.min)) {
    return OutOfRangeError(
        fmt::format("{} is below the column's min {}", QuoteCell(text), *column.min));
  }
  if (column.max && value > static_cast<int64_t>(*column.max)) {
    return OutOfRangeError(
        fmt::format("{} is above the column's max {}", QuoteCell(text), *column.max));
  }
  return static_cast<uint64_t>(value);
}

// Decimal cells: what std::from_chars reads in general format (1.5, -2, .5, 3e-4), finite.
Result<uint64_t> EncodeDecimal(const Column& column, std::string_view text, int frac_bits) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool whole = end == text.data() + text.size();
  const auto outside = [&] {
    return OutOfRangeError(
        fmt::format("{} is outside the fixed-point range (|v| < 2^{} with {} fractional bits)",
                    QuoteCell(text), 62 - frac_bits, frac_bits));
  };
  if (error == std::errc::result_out_of_range && whole) return outside();
  if (error != std::errc() || !whole || !std::isfinite(value)) {
    return InvalidArgumentError(fmt::format("{} is not a decimal number", QuoteCell(text)));
  }
  if (column.min && value < *column.min) {
    return OutOfRangeError(
        fmt::format("{} is below the column's min {}", QuoteCell(text), *column.min));
  }
  if (column.max && value > *column.max) {
    return OutOfRangeError(
        fmt::format("{} is above the column's max {}", QuoteCell(text), *column.max));
  }
  Result<uint64_t> encoded = fxp::EncodeValue(value, frac_bits);
  if (!encoded.ok()) return outside();
  return *encoded;
}

Result<uint64_t> EncodeBoolean(std::string_view text) {
  const auto is = [&](std::string_view word) {
    return std::equal(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == b;
    });
  };
  if (text == "1" || is("true")) return uint64_t{1};
  if (text == "0" || is("false")) return uint64_t{0};
  return InvalidArgumentError(
      fmt::format("{} is not a boolean (true, false, 1 or 0)", QuoteCell(text)));
}

Result<uint64_t> EncodeCategory(const Column& column, std::string_view text) {
  const auto it = std::find(column.categories.begin(), column.categories.end(), text);
  if (it != column.categories.end()) {
    return static_cast<uint64_t>(it - column.categories.begin());
  }
  // The categories are part of the schema, not data: naming a few helps.
  constexpr size_t kShown = 5;
  std::string listed;
  for (size_t i = 0; i < std::min(kShown, column.categories.size()); ++i) {
    listed += (i == 0 ? "" : ", ") + QuoteCell(column.categories[i]);
  }
  if (column.categories.size() > kShown) {
    listed += fmt::format(", ... ({} in all)", column.categories.size());
  }
  return InvalidArgumentError(
      fmt::format("{} is not one of the column's categories ({})", QuoteCell(text), listed));
}

}  // namespace

Result<DatasetSchema> DatasetSchema::Parse(std::string_view json_text) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    return InvalidArgumentError(std::string("schema is not valid JSON: ") + e.what());
  }
  if (!root.is_object()) return InvalidArgumentError("schema must be a JSON object");
  for (const auto& [key, value] : root.items()) {
    if (key != "columns") {
      return InvalidArgumentError(
          fmt::format("schema: unknown field {} (a schema has only 'columns')", QuoteCell(key)));
    }
  }
  if (!root.contains("columns") || !root["columns"].is_array() || root["columns"].empty()) {
    return InvalidArgumentError("schema: 'columns' is required and must be a non-empty array");
  }
  DatasetSchema schema;
  std::set<std::string> names;
  for (size_t i = 0; i < root["columns"].size(); ++i) {
    ARCA_ASSIGN_OR_RETURN(Column column, ParseColumn(root["columns"][i], i, names));
    schema.columns.push_back(std::move(column));
  }
  return schema;
}

std::string DatasetSchema::CanonicalJson() const {
  json columns_json = json::array();
  for (const Column& column : columns) {
    json c = {{"name", column.name}, {"type", ColumnTypeName(column.type)}};
    if (column.type == ColumnType::kCategorical) c["categories"] = column.categories;
    const auto bound = [&](double value) {
      return column.type == ColumnType::kInteger ? json(static_cast<int64_t>(value)) : json(value);
    };
    if (column.min) c["min"] = bound(*column.min);
    if (column.max) c["max"] = bound(*column.max);
    columns_json.push_back(std::move(c));
  }
  // nlohmann::json keeps object keys sorted; dump() without indent adds no whitespace.
  return json{{"columns", std::move(columns_json)}}.dump();
}

crypto::Sha256Digest DatasetSchema::Hash() const {
  return crypto::Sha256(AsBytes(CanonicalJson()));
}

Status CheckFixedPointBounds(const DatasetSchema& schema, int frac_bits) {
  ARCA_RETURN_IF_ERROR(fxp::CheckFracBits(frac_bits));
  for (const Column& column : schema.columns) {
    if (column.type != ColumnType::kDecimal) continue;
    for (const auto& [field, bound] :
         {std::pair{"min", column.min}, std::pair{"max", column.max}}) {
      if (bound && !fxp::EncodeValue(*bound, frac_bits).ok()) {
        return OutOfRangeError(fmt::format(
            "schema: column '{}': '{}' ({}) does not fit the fixed-point range (|v| < 2^{} with {} "
            "fractional bits)",
            column.name, field, *bound, 62 - frac_bits, frac_bits));
      }
    }
  }
  return OkStatus();
}

Result<uint64_t> EncodeCell(const Column& column, std::string_view text, int frac_bits) {
  if (text.empty()) {
    return InvalidArgumentError("the cell is empty (missing values are not supported yet)");
  }
  switch (column.type) {
    case ColumnType::kInteger:
      return EncodeInteger(column, text);
    case ColumnType::kDecimal:
      return EncodeDecimal(column, text, frac_bits);
    case ColumnType::kBoolean:
      return EncodeBoolean(text);
    case ColumnType::kCategorical:
      return EncodeCategory(column, text);
  }
  return InternalError("unknown column type");
}

std::string QuoteCell(std::string_view text) {
  constexpr size_t kMaxShown = 40;
  std::string out = "'";
  for (size_t i = 0; i < std::min(text.size(), kMaxShown); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out + "'";
}

}  // namespace arca::client
