// Picks loopback ports for local runs (tests, benchmarks, the demo).
#ifndef ARCA_NET_FREE_PORTS_H_
#define ARCA_NET_FREE_PORTS_H_

#include <cstdint>
#include <vector>

#include "arca/base/status.h"

namespace arca::net {

// `count` distinct ports that were free on 127.0.0.1 a moment ago. Another process may take
// one before it is used; callers that bind them report that as an ordinary error.
Result<std::vector<uint16_t>> PickFreeLoopbackPorts(int count);

// `count` such ports as "127.0.0.1:P0,127.0.0.1:P1,...", the form ParseEndpointList reads.
Result<std::string> FreeLoopbackEndpoints(int count);

}  // namespace arca::net

#endif  // ARCA_NET_FREE_PORTS_H_
