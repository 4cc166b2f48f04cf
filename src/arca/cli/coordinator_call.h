// One request to the coordinator that a command's flags name: connect, then call.
#ifndef ARCA_CLI_COORDINATOR_CALL_H_
#define ARCA_CLI_COORDINATOR_CALL_H_

#include <memory>
#include <nlohmann/json.hpp>

#include "arca/base/status.h"
#include "arca/cli/coordinator_flags.h"
#include "arca/client/coordinator_client.h"

namespace arca::cli {

// `call(client)`'s answer, or why the coordinator could not be reached.
template <typename Call>
Result<nlohmann::json> CallCoordinator(const CoordinatorFlags& flags, Call call) {
  ARCA_ASSIGN_OR_RETURN(std::unique_ptr<client::CoordinatorClient> client, flags.Connect());
  return call(*client);
}

}  // namespace arca::cli

#endif  // ARCA_CLI_COORDINATOR_CALL_H_
