#include "arca/plan/canonical_json.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace arca::plan {
namespace {

using nlohmann::json;

// Error messages quote pieces of the input (a member name, a number); hostile input can make
// those arbitrarily long, so they are cut.
std::string Clip(std::string_view text, size_t limit = 64) {
  if (text.size() <= limit) return std::string(text);
  return std::string(text.substr(0, limit)) + "...";
}

// Decodes the UTF-8 sequence at text[*pos] into a code point and advances *pos. Refuses
// overlong forms, surrogates (U+D800..U+DFFF) and code points above U+10FFFF (RFC 3629).
bool DecodeUtf8(std::string_view text, size_t* pos, char32_t* code_point) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(*pos);
  int length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    *code_point = lead;
    ++*pos;
    return true;
  }
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return false;
  }
  if (text.size() - *pos < static_cast<size_t>(length)) return false;
  for (int i = 1; i < length; ++i) {
    const uint8_t next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) return false;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return false;
  *code_point = value;
  *pos += length;
  return true;
}

// A member name as UTF-16 code units, the order RFC 8785 §3.2.3 sorts by.
Result<std::u16string> Utf16(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp = 0;
    if (!DecodeUtf8(text, &pos, &cp)) {
      return InvalidArgumentError("a JSON member name is not valid UTF-8");
    }
    if (cp < 0x10000) {
      out.push_back(static_cast<char16_t>(cp));
    } else {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    }
  }
  return out;
}

// RFC 8785 §3.2.2.2: the two-character escapes for \b \t \n \f \r, \u00xx (lower-case hex)
// for the other controls, \" and \\; every other character as its UTF-8 bytes.
Status WriteString(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (size_t pos = 0; pos < text.size();) {
    const auto c = static_cast<uint8_t>(text[pos]);
    if (c >= 0x80) {
      const size_t start = pos;
      char32_t cp = 0;
      if (!DecodeUtf8(text, &pos, &cp)) return InvalidArgumentError("a JSON string is not UTF-8");
      out.append(text.substr(start, pos - start));
      continue;
    }
    ++pos;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return OkStatus();
}

// An integer written without fraction or exponent denotes a double, like every JSON number.
// It is refused unless canonicalisation writes it back unchanged: that holds for every integer
// within ±2^53, but beyond, 9007199254740993 would silently become 9007199254740992.
Status CheckIntegerSpelling(const std::string& literal, double value) {
  std::string canonical = EcmaNumberString(value);
  if (canonical == literal) return OkStatus();
  return InvalidArgumentError("the integer " + Clip(literal) + " would change to " +
                              Clip(canonical) +
                              " as a JSON number (a double); write it as a string");
}

// Recursive over the value's tree, whose depth the container cases bound by kMaxJsonDepth.
Status WriteValue(const json& value, int depth, std::string& out) {  // NOLINT(misc-no-recursion)
  switch (value.type()) {
    case json::value_t::null:
      out += "null";
      return OkStatus();
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return OkStatus();
    case json::value_t::number_integer: {
      const auto n = value.get<int64_t>();
      ARCA_RETURN_IF_ERROR(CheckIntegerSpelling(std::to_string(n), static_cast<double>(n)));
      out += std::to_string(n);
      return OkStatus();
    }
    case json::value_t::number_unsigned: {
      const auto n = value.get<uint64_t>();
      ARCA_RETURN_IF_ERROR(CheckIntegerSpelling(std::to_string(n), static_cast<double>(n)));
      out += std::to_string(n);
      return OkStatus();
    }
    case json::value_t::number_float: {
      const auto d = value.get<double>();
      if (!std::isfinite(d)) return InvalidArgumentError("JSON has no NaN or Infinity");
      out += EcmaNumberString(d);
      return OkStatus();
    }
    case json::value_t::string:
      return WriteString(value.get_ref<const std::string&>(), out);
    case json::value_t::array: {
      if (depth >= kMaxJsonDepth) return InvalidArgumentError("JSON nesting is too deep");
      out += '[';
      bool first = true;
      for (const json& element : value) {
        if (!first) out += ',';
        first = false;
        ARCA_RETURN_IF_ERROR(WriteValue(element, depth + 1, out));
      }
      out += ']';
      return OkStatus();
    }
    case json::value_t::object: {
      if (depth >= kMaxJsonDepth) return InvalidArgumentError("JSON nesting is too deep");
      struct Member {
        std::u16string sort_key;
        const std::string* name;
        const json* value;
      };
      std::vector<Member> members;
      members.reserve(value.size());
      for (const auto& [name, member] : value.items()) {
        ARCA_ASSIGN_OR_RETURN(std::u16string sort_key, Utf16(name));
        members.push_back({std::move(sort_key), &name, &member});
      }
      std::sort(members.begin(), members.end(),
                [](const Member& a, const Member& b) { return a.sort_key < b.sort_key; });
      out += '{';
      bool first = true;
      for (const Member& member : members) {
        if (!first) out += ',';
        first = false;
        ARCA_RETURN_IF_ERROR(WriteString(*member.name, out));
        out += ':';
        ARCA_RETURN_IF_ERROR(WriteValue(*member.value, depth + 1, out));
      }
      out += '}';
      return OkStatus();
    }
    case json::value_t::binary:
    case json::value_t::discarded:
      break;
  }
  return InvalidArgumentError("the value has no JSON text (binary or discarded)");
}

// nlohmann SAX handler that builds the value like json::parse, into a json the caller owns,
// and refuses what canonical_json.h rules out while it reads.
class StrictBuilder {
 public:
  explicit StrictBuilder(json& root) : root_(root) {}

  bool null() { return Put(nullptr); }
  bool boolean(bool value) { return Put(value); }
  bool number_integer(json::number_integer_t value) {
    return Check(CheckIntegerSpelling(std::to_string(value), static_cast<double>(value))) &&
           Put(value);
  }
  bool number_unsigned(json::number_unsigned_t value) {
    return Check(CheckIntegerSpelling(std::to_string(value), static_cast<double>(value))) &&
           Put(value);
  }
  // nlohmann reads integers too long for 64 bits as doubles; the literal tells them apart.
  // (It refuses a literal that overflows a double itself: "number overflow parsing '1e400'".)
  bool number_float(json::number_float_t value, const std::string& literal) {
    if (literal.find_first_of(".eE") == std::string::npos &&
        !Check(CheckIntegerSpelling(literal, value))) {
      return false;
    }
    return Put(value);
  }
  bool string(std::string& value) { return Put(std::move(value)); }
  bool binary(json::binary_t& /*value*/) {
    return Fail(InvalidArgumentError("binary values are not JSON"));
  }
  bool start_object(size_t /*elements*/) { return Open(json::object()); }
  bool key(std::string& name) {
    json& object = *stack_.back();
    if (object.contains(name)) {
      return Fail(InvalidArgumentError("duplicate member name \"" + Clip(name) + "\""));
    }
    member_ = &object[name];
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(size_t /*elements*/) { return Open(json::array()); }
  bool end_array() { return Close(); }
  bool parse_error(size_t /*position*/, const std::string& /*last_token*/,
                   const json::exception& error) {
    // what() is "[json.exception.parse_error.101] parse error at line 1, column 5: ...".
    std::string_view what = error.what();
    if (const size_t end = what.find("] "); end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    status_ = InvalidArgumentError("not valid JSON: " + Clip(what, 200));
    return false;
  }

  const Status& status() const { return status_; }

 private:
  // Where the next value goes: the root, the end of the open array, or the member whose name
  // key() just read. Pointers stay valid: an array grows only after its nested values close,
  // and std::map members never move.
  json* Slot() {
    if (stack_.empty()) return &root_;
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(nullptr);
      return &top.back();
    }
    return member_;
  }
  bool Put(json value) {
    *Slot() = std::move(value);
    return true;
  }
  bool Open(json container) {
    if (stack_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
      return Fail(InvalidArgumentError("JSON nesting is deeper than " +
                                       std::to_string(kMaxJsonDepth) + " levels"));
    }
    json* slot = Slot();
    *slot = std::move(container);
    stack_.push_back(slot);
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }
  bool Fail(Status status) {
    status_ = std::move(status);
    return false;
  }
  bool Check(Status status) { return status.ok() || Fail(std::move(status)); }

  json& root_;
  std::vector<json*> stack_;
  json* member_ = nullptr;
  Status status_;
};

}  // namespace

Result<json> ParseStrictJson(std::string_view text) {
  json root;
  StrictBuilder builder(root);
  if (!json::sax_parse(text.begin(), text.end(), &builder)) {
    return builder.status().ok() ? InvalidArgumentError("not valid JSON") : builder.status();
  }
  return root;
}

Result<std::string> CanonicalJson(const json& value) {
  std::string out;
  ARCA_RETURN_IF_ERROR(WriteValue(value, 0, out));
  return out;
}

Result<std::string> CanonicalizeJsonText(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(const json value, ParseStrictJson(text));
  return CanonicalJson(value);
}

std::string EcmaNumberString(double value) {
  if (std::isnan(value)) return "NaN";
  if (value == 0) return "0";  // and -0
  std::string out;
  if (value < 0) {
    out += '-';
    value = -value;
  }
  if (std::isinf(value)) return out + "Infinity";
  // The shortest digits that read back as `value`, ties to the closer decimal: the digits s and
  // exponent of ECMA-262's "k is as small as possible" step. Scientific form "d.ddde+XX".
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                    std::chars_format::scientific);
  const std::string_view scientific(buffer.data(), result.ptr - buffer.data());
  const size_t e = scientific.find('e');
  std::string digits(1, scientific[0]);
  if (e > 1) digits.append(scientific.substr(2, e - 2));
  std::string_view exponent_text = scientific.substr(e + 1);
  const bool negative_exponent = exponent_text.front() == '-';
  exponent_text.remove_prefix(1);  // the sign; to_chars always writes one
  int exponent = 0;
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);
  if (negative_exponent) exponent = -exponent;

  // value = 0.digits × 10^n, with k digits.
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<size_t>(n));
    out += '.';
    out.append(digits, static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += n - 1 >= 0 ? "e+" : "e-";
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

}  // namespace arca::plan
