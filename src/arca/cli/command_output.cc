#include "arca/cli/command_output.h"

namespace arca::cli {

int Fail(const Status& status) {
  std::fprintf(stderr, "arca: %s\n", status.message().c_str());
  return 1;
}

std::string Field(const nlohmann::json& object, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "-";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace arca::cli
