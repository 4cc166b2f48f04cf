// GET /v1/work: what one node must run, stop or destroy (docs/API.md, "Node work feed").
#ifndef ARCA_COORD_WORK_FEED_H_
#define ARCA_COORD_WORK_FEED_H_

#include <chrono>
#include <nlohmann/json.hpp>
#include <string_view>

#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/coord/store.h"

namespace arca::coord {

// {"jobs": [assignment, ...], "destroy": [{"location", "sha256"}, ...]} for `node_id`: an
// assignment for each pending or running job it takes part in, and for each that failed or
// was cancelled within `finished_for` before `now` while its part was still assigned (so that
// it stops); and the ciphertext of withdrawn datasets and models it keeps.
Result<nlohmann::json> WorkFeed(Store& store, std::string_view node_id, UnixTime now,
                                std::chrono::seconds finished_for);

}  // namespace arca::coord

#endif  // ARCA_COORD_WORK_FEED_H_
