#include "arca/base/time.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>

namespace arca {
namespace {

// Parses exactly `width` digits at text[pos]; advances pos.
bool Digits(std::string_view text, size_t& pos, size_t width, int& out) {
  if (pos + width > text.size()) return false;
  const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + width, out);
  if (ec != std::errc() || end != text.data() + pos + width) return false;
  pos += width;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

Status BadTime(std::string_view text) {
  return InvalidArgumentError("cannot read time '" + std::string(text) +
                              "': use ISO 8601 UTC like 2025-06-01T12:00:00Z, a date like "
                              "2025-06-01, or @SECONDS since the epoch");
}

}  // namespace

UnixTime Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

Result<UnixTime> ParseTime(std::string_view text) {
  if (!text.empty() && text[0] == '@') {
    int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size()) return BadTime(text);
    return UnixTime(std::chrono::seconds(seconds));
  }
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  size_t pos = 0;
  if (!Digits(text, pos, 4, year) || !Expect(text, pos, '-') || !Digits(text, pos, 2, month) ||
      !Expect(text, pos, '-') || !Digits(text, pos, 2, day)) {
    return BadTime(text);
  }
  int offset_seconds = 0;
  if (pos < text.size()) {
    if (!Expect(text, pos, 'T') || !Digits(text, pos, 2, hour) || !Expect(text, pos, ':') ||
        !Digits(text, pos, 2, minute) || !Expect(text, pos, ':') || !Digits(text, pos, 2, second)) {
      return BadTime(text);
    }
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    }
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int sign = text[pos] == '+' ? 1 : -1;
      ++pos;
      int oh = 0, om = 0;
      if (!Digits(text, pos, 2, oh) || !Expect(text, pos, ':') || !Digits(text, pos, 2, om)) {
        return BadTime(text);
      }
      offset_seconds = sign * (oh * 3600 + om * 60);
    } else if (!Expect(text, pos, 'Z')) {
      return BadTime(text);
    }
    if (pos != text.size()) return BadTime(text);
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return BadTime(text);
  return UnixTime{std::chrono::sys_days{date}} + std::chrono::hours(hour) +
         std::chrono::minutes(minute) + std::chrono::seconds(second - offset_seconds);
}

std::string FormatTime(UnixTime t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day date(days);
  const std::chrono::hh_mm_ss<std::chrono::seconds> clock(t - days);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

}  // namespace arca
