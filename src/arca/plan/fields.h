// Typed reads of a plan's JSON fields, with errors that say where the field is:
//   "node 'm1' (train_logistic): field 'iterations': must be an integer in 1..10000"
//   "output 'risk': field 'noise.epsilon': must be a number > 0"
//   "field 'fixed_point.fractional_bits': must be an integer in 8..26"   (top level)
#ifndef ARCA_PLAN_FIELDS_H_
#define ARCA_PLAN_FIELDS_H_

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"

namespace arca::plan {

// The object being read: who it is ("node 'm1' (train_logistic)", or "" at the top level) and
// the path of the object inside it ("" or "noise.").
struct Where {
  std::string context;
  std::string prefix;

  // "<context>: field '<prefix><field>': <what>", as an invalid-argument error.
  Status Error(std::string_view field, std::string_view what) const;
  // The object in `field`, e.g. Where{"output 'x'", ""}.Inside("noise") has prefix "noise.".
  Where Inside(std::string_view field) const;
};

// Plan identifiers (datasets, node ids, outputs, recipients, models): 1 to 64 characters from
// [A-Za-z0-9_.-], the first a letter or digit.
bool IsName(std::string_view text);
// Column names come from owners' CSV headers: 1 to 128 bytes without control characters.
bool IsColumnName(std::string_view text);

// `object`, the object `where` describes, must be a JSON object whose member names are all in
// `known`; the error names the first unknown one.
Status CheckObject(const nlohmann::json& object, const Where& where,
                   std::initializer_list<std::string_view> known);

// Each reader takes the object and the field name. A missing field is an error unless a
// fallback is given.
Result<std::string> NameField(const nlohmann::json& object, const Where& where,
                              std::string_view field);
Result<std::string> ColumnField(const nlohmann::json& object, const Where& where,
                                std::string_view field);
// A free text of 1 to max_bytes bytes without control characters.
Result<std::string> TextField(const nlohmann::json& object, const Where& where,
                              std::string_view field, size_t max_bytes);
Result<int64_t> IntegerField(const nlohmann::json& object, const Where& where,
                             std::string_view field, int64_t min, int64_t max,
                             std::optional<int64_t> fallback = std::nullopt);

// An interval of doubles for NumberField; open ends are exclusive.
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;
  bool max_open = false;
};
Result<double> NumberField(const nlohmann::json& object, const Where& where, std::string_view field,
                           const Range& range, std::optional<double> fallback = std::nullopt);
Result<bool> BoolField(const nlohmann::json& object, const Where& where, std::string_view field,
                       std::optional<bool> fallback = std::nullopt);

// Lists of names or of column names: max_size at most, no entry twice. An absent field is an
// error when min_size > 0, and empty otherwise.
Result<std::vector<std::string>> NameListField(const nlohmann::json& object, const Where& where,
                                               std::string_view field, size_t min_size,
                                               size_t max_size);
Result<std::vector<std::string>> ColumnListField(const nlohmann::json& object, const Where& where,
                                                 std::string_view field, size_t min_size,
                                                 size_t max_size);

}  // namespace arca::plan

#endif  // ARCA_PLAN_FIELDS_H_
