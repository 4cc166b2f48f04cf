// A node's configuration file (JSON) and the platform it runs on.
//
//   {"role": "compute" | "dealer", "index": 0, "listen": "127.0.0.1:7000",
//    "state_dir": "/var/lib/arca/node0", "sim_root_key": "/etc/arca/sim-root.key",
//    "node_id": "node-0", "mesh_listen": "127.0.0.1:7100",
//    "coordinator": {"address": "127.0.0.1:8443", "certificate": "/etc/arca/coordinator.crt"}}
//
// `node_id`, `mesh_listen` and `coordinator` go together: with them the node takes part in
// jobs (it reads the coordinator's work feed, signing as `node_id` with its identity key, and
// links to its peers on `mesh_listen`); without them it only serves its attested endpoint.
//
// Only the SIMULATED TEE exists here: `sim_root_key` is the root's 32-byte Ed25519 seed, the
// software stand-in for the hardware's fused key (whoever reads it can forge reports).
//
// What is measured: the program and its role, not the rest of the file. Addresses, paths and
// the index are launch parameters, as on hardware TEEs, where the launch measurement covers
// the code and the host picks the ports: they decide where the node listens and which
// coordinator it asks, never whom it trusts. Trust rests on the attested identity key and the
// measurement, which every peer and client checks. Measuring the whole file would also make
// the mesh impossible to configure: each node's file would have to name its peers'
// measurements, which would depend on its own.
#ifndef ARCA_NODE_NODE_CONFIG_H_
#define ARCA_NODE_NODE_CONFIG_H_

#include <optional>
#include <string>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/crypto/hash.h"
#include "arca/net/tcp_link.h"

namespace arca::node {

struct CoordinatorEndpoint {
  net::Endpoint address;
  std::string certificate;  // path of its pinned coordinator.crt
};

struct NodeConfig {
  std::string role = "compute";
  int index = 0;
  net::Endpoint listen;
  std::string state_dir;
  std::string sim_root_key;
  // Present together, or all absent (see above).
  std::string node_id;
  std::optional<net::Endpoint> mesh_listen;
  std::optional<CoordinatorEndpoint> coordinator;

  static Result<NodeConfig> Parse(ByteView json_bytes);
  static Result<NodeConfig> Load(const std::string& path);
};

// What the TEE measures for a node of `role` running `binary`.
crypto::Sha384Digest MeasureNode(ByteView binary, std::string_view role);
// This program's measurement in `role` (it reads /proc/self/exe).
Result<crypto::Sha384Digest> MeasureThisProgram(std::string_view role);

}  // namespace arca::node

#endif  // ARCA_NODE_NODE_CONFIG_H_
