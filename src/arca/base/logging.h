// Logging: thin forwarding to spdlog, so that the rest of Arca names one place.
//
// Never log a share, a key, a seed or a data value: log shapes, counts, names and hashes.
#ifndef ARCA_BASE_LOGGING_H_
#define ARCA_BASE_LOGGING_H_

#include <spdlog/spdlog.h>

#include <utility>

namespace arca::log {

template <typename... Args>
void Debug(spdlog::format_string_t<Args...> format, Args&&... args) {
  spdlog::debug(format, std::forward<Args>(args)...);
}
template <typename... Args>
void Info(spdlog::format_string_t<Args...> format, Args&&... args) {
  spdlog::info(format, std::forward<Args>(args)...);
}
template <typename... Args>
void Warn(spdlog::format_string_t<Args...> format, Args&&... args) {
  spdlog::warn(format, std::forward<Args>(args)...);
}
template <typename... Args>
void Error(spdlog::format_string_t<Args...> format, Args&&... args) {
  spdlog::error(format, std::forward<Args>(args)...);
}

// Sets the level from $ARCA_LOG (trace, debug, info, warn, error, off), else to
// `default_level`: `warn` for commands, so that users see problems and nothing else; `info`
// for the servers, whose logs are their record of what they did. Logs go to stderr.
void InitLogging(spdlog::level::level_enum default_level = spdlog::level::warn);

}  // namespace arca::log

#endif  // ARCA_BASE_LOGGING_H_
