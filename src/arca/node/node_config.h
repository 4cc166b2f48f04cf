// A node's configuration file (JSON) and the platform it runs on.
//
//   {"role": "compute" | "dealer", "index": 0, "listen": "127.0.0.1:7000",
//    "state_dir": "/var/lib/arca/node0", "sim_root_key": "/etc/arca/sim-root.key"}
//
// Only the SIMULATED TEE exists here: `sim_root_key` is the root's 32-byte Ed25519 seed, the
// software stand-in for the hardware's fused key (whoever reads it can forge reports).
#ifndef ARCA_NODE_NODE_CONFIG_H_
#define ARCA_NODE_NODE_CONFIG_H_

#include <string>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/crypto/hash.h"
#include "arca/net/tcp_link.h"

namespace arca::node {

struct NodeConfig {
  std::string role = "compute";
  int index = 0;
  net::Endpoint listen;
  std::string state_dir;
  std::string sim_root_key;
  Bytes file_bytes;  // the configuration as read: part of the measurement

  static Result<NodeConfig> Parse(ByteView json_bytes);
  static Result<NodeConfig> Load(const std::string& path);
};

// What the TEE measures: this program's binary and its configuration.
Result<crypto::Sha384Digest> MeasureThisProgram(const NodeConfig& config);

}  // namespace arca::node

#endif  // ARCA_NODE_NODE_CONFIG_H_
