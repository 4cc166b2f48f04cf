// libFuzzer target for what an API request brings before any store call: the path router
// (method, target and query), the authentication headers and every route's body parser. The
// first byte picks the parser; the rest is its input. Nothing may crash, and a target the
// router accepts must name a route of the table.
//
// `./scripts/test` runs it for a few seconds; docs/FUZZING.md has the longer command.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "arca/coord/api_auth.h"
#include "arca/coord/api_bodies.h"
#include "arca/coord/api_router.h"

namespace {

void RouteTarget(std::string_view input) {
  const size_t space = input.find(' ');
  const std::string_view method = input.substr(0, space);
  const std::string_view target =
      space == std::string_view::npos ? std::string_view() : input.substr(space + 1);
  const arca::Result<arca::coord::RouteMatch> match = arca::coord::MatchRoute(method, target);
  if (match.ok() && (match->info == nullptr || match->info->method != method)) std::abort();
}

// Four header values separated by newlines: party, time, nonce, signature.
void Headers(std::string_view input) {
  std::string_view values[4];
  for (std::string_view& value : values) {
    const size_t end = input.find('\n');
    value = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
  }
  const auto header = [&](std::string_view name) -> std::optional<std::string> {
    const std::string_view names[4] = {"Arca-Party", "Arca-Time", "Arca-Nonce", "Arca-Signature"};
    for (int i = 0; i < 4; ++i) {
      if (name == names[i]) return std::string(values[i]);
    }
    return std::nullopt;
  };
  static_cast<void>(arca::coord::ParseAuthHeaders(header));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace arca::coord;  // NOLINT(google-build-using-namespace): one line per parser
  switch (data[0] % 15) {
    case 0:
      RouteTarget(input);
      break;
    case 1:
      Headers(input);
      break;
    case 2:
      static_cast<void>(ParsePartyBody(input));
      break;
    case 3:
      static_cast<void>(ParseNodeBody(input));
      break;
    case 4:
      static_cast<void>(ParseEvidenceBody(input));
      break;
    case 5:
      static_cast<void>(ParseNodeStatusBody(input));
      break;
    case 6:
      static_cast<void>(ParseDatasetBody(input));
      break;
    case 7:
      static_cast<void>(ParseApprovalBody(input));
      break;
    case 8:
      static_cast<void>(ParseModelBody(input));
      break;
    case 9:
      static_cast<void>(ParseJobBody(input));
      break;
    case 10:
      static_cast<void>(ParseProgressBody(input));
      break;
    case 11:
      static_cast<void>(ParseCompleteBody(input));
      break;
    case 12:
      static_cast<void>(ParseFailBody(input));
      break;
    case 13:
      static_cast<void>(ParseBudgetBody(input));
      break;
    default:
      static_cast<void>(ParseEmptyBody(input));
      break;
  }
  return 0;
}
