// libFuzzer target for the node's parser of the coordinator's work feed (GET /v1/work).
//
// The coordinator is not trusted for integrity, so the feed is untrusted input to every node:
// ParseWorkFeed must refuse, never crash, on any bytes. What it accepts must be coherent: a
// job's party is one of its parties.
//
// `./scripts/test` runs this for a few seconds (seeds in testdata/fuzz-seeds/); for a longer
// campaign see src/arca/net/frame_fuzz.cc and use the target arca_node_work_feed_fuzz.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "arca/node/job_runner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const arca::Result<arca::node::WorkFeed> feed = arca::node::ParseWorkFeed(text);
  if (!feed.ok()) return 0;
  for (const arca::node::JobAssignment& job : feed->jobs) {
    if (job.party < 0 || static_cast<size_t>(job.party) >= job.parties.size()) std::abort();
  }
  return 0;
}
