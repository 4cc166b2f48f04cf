// In-process links: the parties of a computation as threads of one process.
//
// A frame moves from sender to receiver without a copy. Used by tests, by the valgrind
// data-obliviousness check and by local development runs.
#ifndef ARCA_NET_INPROC_LINK_H_
#define ARCA_NET_INPROC_LINK_H_

#include <memory>
#include <utility>
#include <vector>

#include "arca/net/link.h"

namespace arca::net {

// Two connected ends; each end's Send delivers to the other. Both ends must outlive every
// thread that uses either of them (the party runner owns them and joins its threads first).
std::pair<std::unique_ptr<Link>, std::unique_ptr<Link>> MakeInprocLinkPair(size_t receive_budget);

// Links for `parties` parties, all pairs connected: mesh[p][q] is p's end towards q (null when
// p == q).
std::vector<std::vector<std::unique_ptr<Link>>> MakeInprocMesh(int parties, size_t receive_budget);

}  // namespace arca::net

#endif  // ARCA_NET_INPROC_LINK_H_
