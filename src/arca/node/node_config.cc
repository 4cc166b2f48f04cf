#include "arca/node/node_config.h"

#include <nlohmann/json.hpp>

#include "arca/net/tcp_socket.h"
#include "arca/tee/sim_tee.h"

namespace arca::node {

Result<NodeConfig> NodeConfig::Parse(ByteView json_bytes) {
  NodeConfig config;
  try {
    const nlohmann::json root = nlohmann::json::parse(json_bytes.begin(), json_bytes.end());
    for (const auto& [key, value] : root.items()) {
      if (key != "role" && key != "index" && key != "listen" && key != "state_dir" &&
          key != "sim_root_key") {
        return InvalidArgumentError("node config: unknown field '" + key + "'");
      }
    }
    config.role = root.value("role", "compute");
    if (config.role != "compute" && config.role != "dealer") {
      return InvalidArgumentError(R"(node config: 'role' must be "compute" or "dealer")");
    }
    config.index = root.at("index").get<int>();
    if (config.index < 0 || config.index > 2) {
      return InvalidArgumentError("node config: 'index' must be 0, 1 or 2");
    }
    ARCA_ASSIGN_OR_RETURN(config.listen,
                          net::ParseListenEndpoint(root.at("listen").get<std::string>()));
    config.state_dir = root.at("state_dir").get<std::string>();
    config.sim_root_key = root.at("sim_root_key").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(std::string("node config: ") + e.what());
  }
  config.file_bytes.assign(json_bytes.begin(), json_bytes.end());
  return config;
}

Result<NodeConfig> NodeConfig::Load(const std::string& path) {
  ARCA_ASSIGN_OR_RETURN(const Bytes bytes, ReadFileBytes(path));
  Result<NodeConfig> config = Parse(bytes);
  if (!config.ok()) return config.status().WithContext(path);
  return config;
}

Result<crypto::Sha384Digest> MeasureThisProgram(const NodeConfig& config) {
  ARCA_ASSIGN_OR_RETURN(const Bytes binary, ReadFileBytes("/proc/self/exe"));
  return tee::MeasureProgram(binary, config.file_bytes);
}

}  // namespace arca::node
