#include "bench/plan/manifest.h"

#include <fmt/format.h>

#include <bit>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "arca/base/bytes.h"

namespace arca::bench {
namespace {

using nlohmann::json;

// An error about the manifest at `path`: "manifest PATH: WHAT".
Status Bad(const std::string& path, std::string_view what) {
  return InvalidArgumentError(fmt::format("manifest {}: {}", path, what));
}

// Refuses fields other than `known` in `object`, naming `where`.
Status OnlyKnown(const std::string& path, const json& object, std::string_view where,
                 const std::set<std::string>& known) {
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) {
      return Bad(path, fmt::format("{}unknown field '{}'", where, key.substr(0, 40)));
    }
  }
  return OkStatus();
}

Result<ManifestColumn> ParseColumn(const std::string& path, const json& entry, size_t index) {
  const std::string where = fmt::format("columns[{}]: ", index);
  if (!entry.is_object()) return Bad(path, where + R"(must be {"name", "type", "file"})");
  ARCA_RETURN_IF_ERROR(OnlyKnown(path, entry, where, {"name", "type", "categories", "file"}));
  ManifestColumn column;
  for (const char* field : {"name", "type", "file"}) {
    if (!entry.contains(field) || !entry[field].is_string() ||
        entry[field].get_ref<const std::string&>().empty()) {
      return Bad(path, fmt::format("{}'{}' must be a non-empty string", where, field));
    }
  }
  column.name = entry["name"].get<std::string>();
  Result<plan::ColumnType> type = plan::ParseColumnType(entry["type"].get<std::string>());
  if (!type.ok()) return Bad(path, where + type.status().message());
  column.type = *type;
  const bool categorical = column.type == plan::ColumnType::kCategorical;
  if (categorical != entry.contains("categories")) {
    return Bad(path, where + (categorical ? "a categorical column needs 'categories'"
                                          : "only a categorical column has 'categories'"));
  }
  if (categorical) {
    const json& list = entry["categories"];
    if (!list.is_array() || list.empty()) {
      return Bad(path, where + "'categories' must be a list of one or more strings");
    }
    for (const json& category : list) {
      if (!category.is_string()) {
        return Bad(path, where + "'categories' must be a list of one or more strings");
      }
      column.categories.push_back(category.get<std::string>());
    }
  }
  const std::filesystem::path file(entry["file"].get<std::string>());
  column.file = file.is_absolute() ? file.string()
                                   : (std::filesystem::path(path).parent_path() / file).string();
  return column;
}

}  // namespace

const ManifestColumn* DatasetManifest::Find(const std::string& name) const {
  for (const ManifestColumn& column : columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

Result<DatasetManifest> ReadManifest(const std::string& path) {
  Result<Bytes> bytes = ReadFileBytes(path);
  if (!bytes.ok()) return bytes.status().WithContext("manifest");
  // Parsing without exceptions: a malformed file is a discarded value.
  const json j = json::parse(bytes->begin(), bytes->end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Bad(path, R"(not a JSON object {"rows": N, "columns": [...]})");
  }
  ARCA_RETURN_IF_ERROR(OnlyKnown(path, j, "", {"rows", "columns"}));
  DatasetManifest manifest;
  manifest.path = path;
  if (!j.contains("rows") || !j["rows"].is_number_integer() || j["rows"].get<int64_t>() < 1) {
    return Bad(path, "'rows' must be an integer of at least 1");
  }
  manifest.rows = j["rows"].get<int64_t>();
  if (!j.contains("columns") || !j["columns"].is_array() || j["columns"].empty()) {
    return Bad(path, "'columns' must be a list of one or more columns");
  }
  for (size_t i = 0; i < j["columns"].size(); ++i) {
    ARCA_ASSIGN_OR_RETURN(ManifestColumn column, ParseColumn(path, j["columns"][i], i));
    if (manifest.Find(column.name) != nullptr) {
      return Bad(path, fmt::format("columns[{}]: column '{}' is listed twice", i, column.name));
    }
    manifest.columns.push_back(std::move(column));
  }
  return manifest;
}

Status CheckColumnFile(const DatasetManifest& manifest, const ManifestColumn& column) {
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(column.file, error);
  if (error) {
    return Bad(manifest.path, fmt::format("column '{}': cannot read {}: {}", column.name,
                                          column.file, error.message()));
  }
  const auto needed = static_cast<uintmax_t>(manifest.rows) * 8;
  if (size != needed) {
    return Bad(manifest.path,
               fmt::format("column '{}': {} holds {} bytes; {} rows of float64 need {}",
                           column.name, column.file, size, manifest.rows, needed));
  }
  return OkStatus();
}

Result<std::vector<double>> ReadColumnValues(const DatasetManifest& manifest,
                                             const ManifestColumn& column) {
  static_assert(std::endian::native == std::endian::little, "column files are little-endian");
  ARCA_RETURN_IF_ERROR(CheckColumnFile(manifest, column));
  std::vector<double> values(static_cast<size_t>(manifest.rows));
  std::ifstream file(column.file, std::ios::binary);
  if (!file.read(reinterpret_cast<char*>(values.data()),
                 static_cast<std::streamsize>(values.size() * sizeof(double)))) {
    return Bad(manifest.path, fmt::format("column '{}': cannot read {}", column.name, column.file));
  }
  return values;
}

}  // namespace arca::bench
