// MPC over attested links against plain TCP, in the same run (docs/PERFORMANCE.md, "Trust
// layer"): the same operations, protocols and machine, with every party a thread of this
// process; only the links differ. Over attested links each party holds its own SIMULATED TEE
// and identity and the links are built by BuildAttestedNetwork (tee/attested_mesh.h); over TCP
// by RunTcpParty, as arca-bench links its party processes.
#ifndef ARCA_BENCH_TRUST_MPC_LINKS_BENCH_H_
#define ARCA_BENCH_TRUST_MPC_LINKS_BENCH_H_

#include <string>

namespace arca::bench {

// Registers mpc_links/<operation>/<size>/<protocol>/<tcp|attested> with Google Benchmark.
void RegisterMpcLinkBenchmarks();

// The cases measured so far as a Markdown table (time, ratio, bytes and rounds per party);
// empty if none was.
std::string MpcLinksTable();

}  // namespace arca::bench

#endif  // ARCA_BENCH_TRUST_MPC_LINKS_BENCH_H_
