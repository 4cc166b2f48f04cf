#include "arca/node/node_config.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "arca/net/tcp_socket.h"
#include "arca/tee/sim_tee.h"

namespace arca::node {
namespace {

const std::set<std::string, std::less<>> kFields = {"role",        "index",        "listen",
                                                    "state_dir",   "sim_root_key", "node_id",
                                                    "mesh_listen", "coordinator"};

Result<CoordinatorEndpoint> ParseCoordinator(const nlohmann::json& object) {
  if (!object.is_object()) {
    return InvalidArgumentError(
        R"('coordinator' must be {"address": "HOST:PORT", "certificate": "FILE"})");
  }
  for (const auto& [key, value] : object.items()) {
    if (key != "address" && key != "certificate") {
      return InvalidArgumentError("unknown field 'coordinator." + key + "'");
    }
  }
  CoordinatorEndpoint coordinator;
  ARCA_ASSIGN_OR_RETURN(coordinator.address,
                        net::ParseEndpoint(object.at("address").get<std::string>()));
  coordinator.certificate = object.at("certificate").get<std::string>();
  return coordinator;
}

Result<NodeConfig> ParseFields(const nlohmann::json& root) {
  NodeConfig config;
  for (const auto& [key, value] : root.items()) {
    if (!kFields.contains(key)) return InvalidArgumentError("unknown field '" + key + "'");
  }
  config.role = root.value("role", "compute");
  if (config.role != "compute" && config.role != "dealer") {
    return InvalidArgumentError(R"('role' must be "compute" or "dealer")");
  }
  config.index = root.at("index").get<int>();
  if (config.index < 0 || config.index > 2) {
    return InvalidArgumentError("'index' must be 0, 1 or 2");
  }
  ARCA_ASSIGN_OR_RETURN(config.listen,
                        net::ParseListenEndpoint(root.at("listen").get<std::string>()));
  config.state_dir = root.at("state_dir").get<std::string>();
  config.sim_root_key = root.at("sim_root_key").get<std::string>();
  const int platform_fields = static_cast<int>(root.contains("node_id")) +
                              static_cast<int>(root.contains("mesh_listen")) +
                              static_cast<int>(root.contains("coordinator"));
  if (platform_fields == 0) return config;
  if (platform_fields != 3) {
    return InvalidArgumentError(
        "'node_id', 'mesh_listen' and 'coordinator' go together: give all three to take part "
        "in jobs, or none to serve uploads only");
  }
  config.node_id = root.at("node_id").get<std::string>();
  if (config.node_id.empty()) return InvalidArgumentError("'node_id' is empty");
  ARCA_ASSIGN_OR_RETURN(config.mesh_listen,
                        net::ParseListenEndpoint(root.at("mesh_listen").get<std::string>()));
  ARCA_ASSIGN_OR_RETURN(config.coordinator, ParseCoordinator(root.at("coordinator")));
  return config;
}

}  // namespace

Result<NodeConfig> NodeConfig::Parse(ByteView json_bytes) {
  try {
    Result<NodeConfig> config =
        ParseFields(nlohmann::json::parse(json_bytes.begin(), json_bytes.end()));
    if (!config.ok()) return config.status().WithContext("node config");
    return config;
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(std::string("node config: ") + e.what());
  }
}

Result<NodeConfig> NodeConfig::Load(const std::string& path) {
  ARCA_ASSIGN_OR_RETURN(const Bytes bytes, ReadFileBytes(path));
  Result<NodeConfig> config = Parse(bytes);
  if (!config.ok()) return config.status().WithContext(path);
  return config;
}

crypto::Sha384Digest MeasureNode(ByteView binary, std::string_view role) {
  return tee::MeasureProgram(binary, AsBytes(fmt::format(R"({{"role":"{}"}})", role)));
}

Result<crypto::Sha384Digest> MeasureThisProgram(std::string_view role) {
  ARCA_ASSIGN_OR_RETURN(const Bytes binary, ReadFileBytes("/proc/self/exe"));
  return MeasureNode(binary, role);
}

}  // namespace arca::node
