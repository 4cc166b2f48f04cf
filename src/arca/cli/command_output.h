// How every `arca` subcommand reports: one line on stderr for an error, JSON on stdout for
// `--json`, text otherwise.
#ifndef ARCA_CLI_COMMAND_OUTPUT_H_
#define ARCA_CLI_COMMAND_OUTPUT_H_

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "arca/base/status.h"

namespace arca::cli {

// Prints "arca: <the status's line>" on stderr; returns exit status 1.
int Fail(const Status& status);

// Prints `answer` as indented JSON when `as_json`, else calls `text(answer)`; a failed answer
// goes to Fail.
template <typename Text>
int Print(const Result<nlohmann::json>& answer, bool as_json, Text text) {
  if (!answer.ok()) return Fail(answer.status());
  if (as_json) {
    std::printf("%s\n", answer->dump(2).c_str());
  } else {
    text(*answer);
  }
  return 0;
}

// `object[key]` as display text: strings as they are, other values as JSON, "-" when absent
// or null.
std::string Field(const nlohmann::json& object, std::string_view key);

}  // namespace arca::cli

#endif  // ARCA_CLI_COMMAND_OUTPUT_H_
