#include "arca/client/table_layout_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace arca::client {
namespace {

using nlohmann::json;

constexpr size_t kMaxColumns = 1000;
constexpr size_t kMaxCategories = 65536;
constexpr size_t kMaxNotices = 100;
constexpr size_t kMaxTextBytes = 128;
constexpr int64_t kMaxRows = int64_t{1} << 28;

Status Malformed(const std::string& what) {
  return DataLossError("a result table's layout is malformed: " + what);
}

Result<std::string> Text(const json& value, const std::string& field, size_t max_bytes) {
  if (!value.is_string()) return Malformed(fmt::format("'{}' must be a string", field));
  const auto& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > max_bytes || std::any_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20;
      })) {
    return Malformed(
        fmt::format("'{}' must be 1 to {} bytes without control characters", field, max_bytes));
  }
  return text;
}

Result<int64_t> Integer(const json& object, const char* key, int64_t min, int64_t max) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer() || it->get<int64_t>() < min ||
      it->get<int64_t>() > max) {
    return Malformed(fmt::format("'{}' must be an integer in {}..{}", key, min, max));
  }
  return it->get<int64_t>();
}

Result<frame::ReleasedColumn> ReadColumn(const json& source) {
  if (!source.is_object()) return Malformed("a column must be an object");
  frame::ReleasedColumn column;
  ARCA_ASSIGN_OR_RETURN(column.spec.name,
                        Text(source.value("name", json()), "name", kMaxTextBytes));
  const json type = source.value("type", json());
  Result<frame::ColumnType> parsed =
      type.is_string() ? frame::ParseColumnType(type.get<std::string>())
                       : Result<frame::ColumnType>(InvalidArgumentError("not a string"));
  if (!parsed.ok()) return Malformed("column '" + column.spec.name + "': unknown 'type'");
  column.spec.type = *parsed;
  const json categories = source.value("categories", json::array());
  if (!categories.is_array() || categories.size() > kMaxCategories) {
    return Malformed("'categories' must be a list of at most 65536 strings");
  }
  for (const json& category : categories) {
    ARCA_ASSIGN_OR_RETURN(std::string text, Text(category, "categories", kMaxTextBytes));
    column.spec.categories.push_back(std::move(text));
  }
  const json nullable = source.value("nullable", json(false));
  if (!nullable.is_boolean()) return Malformed("'nullable' must be true or false");
  column.has_nulls = nullable.get<bool>();
  return column;
}

}  // namespace

json TableLayoutToJson(const frame::TableLayout& layout) {
  json columns = json::array();
  for (const frame::ReleasedColumn& column : layout.columns) {
    columns.push_back({{"name", column.spec.name},
                       {"type", frame::ColumnTypeName(column.spec.type)},
                       {"categories", column.spec.categories},
                       {"nullable", column.has_nulls}});
  }
  return {{"rows", layout.rows},
          {"frac_bits", layout.frac_bits},
          {"columns", std::move(columns)},
          {"notices", layout.notices}};
}

Result<frame::TableLayout> TableLayoutFromJson(const json& source) {
  if (!source.is_object()) return Malformed("expected an object");
  for (const auto& [key, value] : source.items()) {
    if (key != "rows" && key != "frac_bits" && key != "columns" && key != "notices") {
      return Malformed("unknown field '" + key + "'");
    }
  }
  frame::TableLayout layout;
  ARCA_ASSIGN_OR_RETURN(layout.rows, Integer(source, "rows", 0, kMaxRows));
  ARCA_ASSIGN_OR_RETURN(const int64_t bits, Integer(source, "frac_bits", 0, 62));
  layout.frac_bits = static_cast<int>(bits);
  const json columns = source.value("columns", json());
  if (!columns.is_array() || columns.size() > kMaxColumns) {
    return Malformed("'columns' must be a list of at most 1000 columns");
  }
  for (const json& column : columns) {
    ARCA_ASSIGN_OR_RETURN(frame::ReleasedColumn read, ReadColumn(column));
    layout.columns.push_back(std::move(read));
  }
  const json notices = source.value("notices", json::array());
  if (!notices.is_array() || notices.size() > kMaxNotices) {
    return Malformed("'notices' must be a list of at most 100 strings");
  }
  for (const json& notice : notices) {
    ARCA_ASSIGN_OR_RETURN(std::string text, Text(notice, "notices", 200));
    layout.notices.push_back(std::move(text));
  }
  return layout;
}

}  // namespace arca::client
