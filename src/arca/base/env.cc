#include "arca/base/env.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "arca/base/logging.h"

namespace arca {

int64_t EnvInt(const char* name, int64_t fallback, int64_t min, int64_t max) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  int64_t value = 0;
  const char* end = text + std::strlen(text);
  const auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end || value < min || value > max) {
    log::Warn("ignoring {}='{}': expected an integer in [{}, {}]; using {}", name, text, min, max,
              fallback);
    return fallback;
  }
  return value;
}

}  // namespace arca
