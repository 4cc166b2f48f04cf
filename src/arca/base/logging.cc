#include "arca/base/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <string>

namespace arca::log {

void InitLogging(spdlog::level::level_enum default_level) {
  auto logger = spdlog::stderr_color_mt("arca");
  logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
  spdlog::set_default_logger(logger);
  const char* level = std::getenv("ARCA_LOG");
  spdlog::set_level(level != nullptr ? spdlog::level::from_str(level) : default_level);
}

}  // namespace arca::log
