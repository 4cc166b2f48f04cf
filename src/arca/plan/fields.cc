#include "arca/plan/fields.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "arca/plan/canonical_json.h"

namespace arca::plan {
namespace {

using nlohmann::json;

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxColumnBytes = 128;

bool HasControlCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

// Quotes a value the user wrote for a message, cut to a readable length.
std::string Quote(std::string_view text) {
  constexpr size_t kLimit = 40;
  std::string out = "'";
  out.append(text.substr(0, kLimit));
  out.append(text.size() > kLimit ? "...'" : "'");
  return out;
}

constexpr std::string_view kNameRule =
    "must be a name: 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit";
constexpr std::string_view kColumnRule =
    "must be a column name: 1 to 128 bytes without control characters";

std::string RangeText(const Range& range) {
  const bool has_min = std::isfinite(range.min);
  const bool has_max = std::isfinite(range.max);
  if (has_min && has_max) {
    return std::string(range.min_open ? "(" : "[") + EcmaNumberString(range.min) + ", " +
           EcmaNumberString(range.max) + (range.max_open ? ")" : "]");
  }
  if (has_min) return (range.min_open ? "> " : ">= ") + EcmaNumberString(range.min);
  if (has_max) return (range.max_open ? "< " : "<= ") + EcmaNumberString(range.max);
  return "finite";
}

bool InRange(double value, const Range& range) {
  const bool above = range.min_open ? value > range.min : value >= range.min;
  const bool below = range.max_open ? value < range.max : value <= range.max;
  return above && below;
}

Result<std::vector<std::string>> StringListField(const json& object, const Where& where,
                                                 std::string_view field, size_t min_size,
                                                 size_t max_size, bool (*valid)(std::string_view),
                                                 std::string_view rule) {
  const auto it = object.find(field);
  if (it == object.end()) {
    if (min_size > 0) return where.Error(field, "is required");
    return std::vector<std::string>{};
  }
  const std::string sizes =
      min_size == max_size ? "a list of exactly " + std::to_string(max_size)
      : min_size > 0 ? "a list of " + std::to_string(min_size) + " to " + std::to_string(max_size)
                     : "a list of at most " + std::to_string(max_size);
  if (!it->is_array() || it->size() < min_size || it->size() > max_size) {
    return where.Error(field, "must be " + sizes);
  }
  std::vector<std::string> out;
  std::set<std::string_view> seen;
  out.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    const json& entry = (*it)[i];
    const std::string item = std::string(field) + "[" + std::to_string(i) + "]";
    if (!entry.is_string() || !valid(entry.get_ref<const std::string&>())) {
      return where.Error(item, rule);
    }
    out.push_back(entry.get<std::string>());
  }
  for (const std::string& item : out) {
    if (!seen.insert(item).second) return where.Error(field, Quote(item) + " is listed twice");
  }
  return out;
}

}  // namespace

Status Where::Error(std::string_view field, std::string_view what) const {
  std::string message = context.empty() ? "" : context + ": ";
  message += "field '" + prefix + std::string(field) + "': " + std::string(what);
  return InvalidArgumentError(std::move(message));
}

Where Where::Inside(std::string_view field) const {
  return {context, prefix + std::string(field) + "."};
}

bool IsName(std::string_view text) {
  if (text.empty() || text.size() > kMaxNameBytes) return false;
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(text.front())) return false;
  return std::all_of(text.begin(), text.end(),
                     [&](char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool IsColumnName(std::string_view text) {
  return !text.empty() && text.size() <= kMaxColumnBytes && !HasControlCharacter(text);
}

Status CheckObject(const json& object, const Where& where,
                   std::initializer_list<std::string_view> known) {
  if (!object.is_object()) {
    if (where.prefix.empty()) {
      return InvalidArgumentError((where.context.empty() ? "a plan" : where.context) +
                                  " must be a JSON object");
    }
    return Where{where.context, ""}.Error(where.prefix.substr(0, where.prefix.size() - 1),
                                          "must be an object");
  }
  for (const auto& [name, value] : object.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string allowed;
      for (const std::string_view field : known) {
        allowed += (allowed.empty() ? "" : ", ") + std::string(field);
      }
      return where.Error(name, "unknown field (known: " + allowed + ")");
    }
  }
  return OkStatus();
}

Result<std::string> NameField(const json& object, const Where& where, std::string_view field) {
  const auto it = object.find(field);
  if (it == object.end()) return where.Error(field, "is required");
  if (!it->is_string() || !IsName(it->get_ref<const std::string&>())) {
    return where.Error(field, kNameRule);
  }
  return it->get<std::string>();
}

Result<std::string> ColumnField(const json& object, const Where& where, std::string_view field) {
  const auto it = object.find(field);
  if (it == object.end()) return where.Error(field, "is required");
  if (!it->is_string() || !IsColumnName(it->get_ref<const std::string&>())) {
    return where.Error(field, kColumnRule);
  }
  return it->get<std::string>();
}

Result<std::string> TextField(const json& object, const Where& where, std::string_view field,
                              size_t max_bytes) {
  const auto it = object.find(field);
  if (it == object.end()) return where.Error(field, "is required");
  if (!it->is_string() || it->get_ref<const std::string&>().empty() ||
      it->get_ref<const std::string&>().size() > max_bytes ||
      HasControlCharacter(it->get_ref<const std::string&>())) {
    return where.Error(field, "must be a text of 1 to " + std::to_string(max_bytes) +
                                  " bytes without control characters");
  }
  return it->get<std::string>();
}

Result<int64_t> IntegerField(const json& object, const Where& where, std::string_view field,
                             int64_t min, int64_t max, std::optional<int64_t> fallback) {
  const auto it = object.find(field);
  if (it == object.end()) {
    if (fallback) return *fallback;
    return where.Error(field, "is required");
  }
  // 1e2 and 100.0 are the integer 100, as in JSON's number model and RFC 8785.
  const double value = it->is_number() ? it->get<double>() : std::nan("");
  if (!(value >= static_cast<double>(min) && value <= static_cast<double>(max)) ||
      std::trunc(value) != value) {
    return where.Error(field,
                       "must be an integer in " + std::to_string(min) + ".." + std::to_string(max));
  }
  return static_cast<int64_t>(value);
}

Result<double> NumberField(const json& object, const Where& where, std::string_view field,
                           const Range& range, std::optional<double> fallback) {
  const auto it = object.find(field);
  if (it == object.end()) {
    if (fallback) return *fallback;
    return where.Error(field, "is required");
  }
  if (!it->is_number() || !InRange(it->get<double>(), range)) {
    const std::string text = RangeText(range);
    return where.Error(
        field, "must be a number " + (text[0] == '(' || text[0] == '[' ? "in " + text : text));
  }
  return it->get<double>();
}

Result<bool> BoolField(const json& object, const Where& where, std::string_view field,
                       std::optional<bool> fallback) {
  const auto it = object.find(field);
  if (it == object.end()) {
    if (fallback) return *fallback;
    return where.Error(field, "is required");
  }
  if (!it->is_boolean()) return where.Error(field, "must be true or false");
  return it->get<bool>();
}

Result<std::vector<std::string>> NameListField(const json& object, const Where& where,
                                               std::string_view field, size_t min_size,
                                               size_t max_size) {
  return StringListField(object, where, field, min_size, max_size, IsName, kNameRule);
}

Result<std::vector<std::string>> ColumnListField(const json& object, const Where& where,
                                                 std::string_view field, size_t min_size,
                                                 size_t max_size) {
  return StringListField(object, where, field, min_size, max_size, IsColumnName, kColumnRule);
}

}  // namespace arca::plan
