#include "arca/client/level_upload.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <utility>

#include "arca/client/node_upload.h"
#include "arca/client/receipt.h"
#include "arca/client/upload.h"
#include "arca/crypto/hash.h"
#include "arca/net/tcp_link.h"

namespace arca::client {
namespace {

using nlohmann::json;

// A directory only this user can enter (mkdtemp makes it 0700), removed with everything in
// it when the object goes.
class PrivateTempDir {
 public:
  static Result<std::unique_ptr<PrivateTempDir>> Create() {
    std::error_code error;
    std::string pattern =
        (std::filesystem::temp_directory_path(error) / "arca-upload-XXXXXX").string();
    if (error || ::mkdtemp(pattern.data()) == nullptr) {
      return UnavailableError("cannot create a private temporary directory for the share files");
    }
    return std::unique_ptr<PrivateTempDir>(new PrivateTempDir(std::move(pattern)));
  }
  ~PrivateTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  explicit PrivateTempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

Status NodeError(const LevelNode& node, const Status& status) {
  return Status(status.code(), fmt::format("{}: {}", node.Name(), status.message()));
}

// An attested channel to `node`, judged with `policy`.
Result<std::unique_ptr<tee::AttestedChannel>> Attest(const LevelNode& node,
                                                     const tee::Policy& policy) {
  Result<net::Endpoint> endpoint = net::ParseEndpoint(node.endpoint);
  if (!endpoint.ok()) return NodeError(node, endpoint.status());
  Result<std::unique_ptr<tee::AttestedChannel>> channel = ConnectToNode(*endpoint, policy);
  if (!channel.ok()) return NodeError(node, channel.status());
  return channel;
}

// The HPKE key the node's verified evidence binds.
Result<crypto::X25519Key> AttestedHpkeKey(const LevelNode& node,
                                          const tee::AttestedChannel& channel) {
  const Bytes& key = channel.peer_hpke_key();
  crypto::X25519Key out{};
  if (!channel.peer_statement() || key.size() != out.size()) {
    return NodeError(node, PermissionDeniedError("the attested channel carries no HPKE key"));
  }
  std::copy(key.begin(), key.end(), out.begin());
  return out;
}

// One node's share file as written: where, and the SHA-256 of its bytes.
struct WrittenFile {
  std::string path;
  crypto::Sha256Digest sha256{};
};

Result<std::vector<WrittenFile>> WriteFiles(const std::string& dir, const UploadSpec& upload,
                                            const std::vector<LevelNode>& nodes,
                                            const DatasetSchema& schema,
                                            const EncodedTable& table) {
  std::map<int, std::ofstream> streams;
  std::map<int, crypto::Sha256Hasher> hashers;
  std::vector<WrittenFile> files;
  for (const LevelNode& node : nodes) {
    WrittenFile& file = files.emplace_back();
    file.path = fmt::format("{}/node{}.ashf", dir, node.index);
    streams[node.index].open(file.path, std::ios::binary | std::ios::trunc);
    if (!streams[node.index]) {
      return UnavailableError(fmt::format("cannot write the share file {}", file.path));
    }
  }
  ARCA_RETURN_IF_ERROR(
      WriteShareFiles(upload, schema, table, [&](int index, ByteView bytes) -> Status {
        const auto stream = streams.find(index);
        if (stream == streams.end()) {
          return InternalError(fmt::format("a share file for node {}, not of the level", index));
        }
        stream->second.write(reinterpret_cast<const char*>(bytes.data()),
                             static_cast<std::streamsize>(bytes.size()));
        hashers[index].Update(bytes);
        return stream->second.good() ? OkStatus()
                                     : UnavailableError("cannot write a share file to disk");
      }));
  for (size_t i = 0; i < nodes.size(); ++i) {
    std::ofstream& stream = streams[nodes[i].index];
    stream.close();
    if (stream.fail()) return UnavailableError("cannot write a share file to disk");
    files[i].sha256 = hashers[nodes[i].index].Finish();
  }
  return files;
}

// Sends `file` to `node` over a fresh attested channel, which must bind the key the file was
// sealed to.
Result<Location> SendFile(const LevelNode& node, const tee::Policy& policy,
                          const crypto::X25519Key& sealed_to, const WrittenFile& file,
                          const LevelUploadSpec& spec, int64_t rows,
                          const crypto::SigningKey& uploader, const LevelUploadProgress& progress) {
  ARCA_ASSIGN_OR_RETURN(const std::unique_ptr<tee::AttestedChannel> channel, Attest(node, policy));
  ARCA_ASSIGN_OR_RETURN(const crypto::X25519Key key, AttestedHpkeKey(node, *channel));
  if (key != sealed_to) {
    return NodeError(node, FailedPreconditionError(
                               "its attested HPKE key changed during the upload; upload again"));
  }
  Result<UploadAnswer> answer =
      UploadShareFile(*channel, file.path, spec.kind, uploader, [&](uint64_t sent, uint64_t total) {
        if (progress) progress(node, sent, total);
      });
  if (!answer.ok()) return NodeError(node, answer.status());
  if (answer->sha256 != file.sha256 || answer->rows != rows) {
    return NodeError(node, DataLossError(fmt::format(
                               "it stored {} rows with SHA-256 {}, but the share file written "
                               "here has {} rows and SHA-256 {}",
                               answer->rows, ToHex(answer->sha256), rows, ToHex(file.sha256))));
  }
  return Location{node.id, answer->location, answer->sha256};
}

// Asks the node that holds `location` (found in the coordinator's node list) to destroy it.
Status WithdrawOne(const json& listed, const Location& location, const tee::Policy& policy,
                   const crypto::SigningKey& uploader) {
  for (const json& n : listed.value("nodes", json::array())) {
    if (n.value("id", "") != location.node) continue;
    const LevelNode node{location.node, n.value("index", 0), n.value("endpoint", "")};
    ARCA_ASSIGN_OR_RETURN(const std::unique_ptr<tee::AttestedChannel> channel,
                          Attest(node, policy));
    const Status status = WithdrawUpload(*channel, location.location, uploader, Now()).status();
    return status.ok() ? status : NodeError(node, status);
  }
  return NotFoundError(fmt::format("node '{}' is no longer registered", location.node));
}

}  // namespace

std::string LevelNode::Name() const { return fmt::format("node '{}' ({})", id, endpoint); }

Result<std::vector<int>> LevelNodeIndexes(std::string_view level) {
  ARCA_ASSIGN_OR_RETURN(const mpc::ProtocolKind protocol, ProtocolOfLevel(level));
  return ShareFileNodes(protocol);
}

Result<std::vector<LevelNode>> SelectLevelNodes(const json& nodes, std::string_view level) {
  ARCA_ASSIGN_OR_RETURN(const std::vector<int> indexes, LevelNodeIndexes(level));
  if (!nodes.is_object() || !nodes.contains("nodes") || !nodes["nodes"].is_array()) {
    return DataLossError("the coordinator's node list is not {\"nodes\": [...]}");
  }
  std::vector<LevelNode> out;
  for (const int index : indexes) {
    const auto found =
        std::find_if(nodes["nodes"].begin(), nodes["nodes"].end(), [&](const json& n) {
          return n.is_object() && n.value("role", "") == "compute" && n.contains("index") &&
                 n["index"].is_number_integer() && n["index"].get<int64_t>() == index;
        });
    if (found == nodes["nodes"].end()) {
      return FailedPreconditionError(fmt::format(
          "level {} needs compute node {}, but the coordinator has none registered", level, index));
    }
    const json& node = *found;
    if (!node.contains("id") || !node["id"].is_string() || !node.contains("endpoint") ||
        !node["endpoint"].is_string()) {
      return DataLossError(fmt::format(
          "the coordinator's record of compute node {} lacks an id or endpoint", index));
    }
    out.push_back({node["id"].get<std::string>(), index, node["endpoint"].get<std::string>()});
  }
  return out;
}

Result<std::vector<Location>> UploadToLevel(CoordinatorClient& coordinator,
                                            const tee::Policy& policy,
                                            const crypto::SigningKey& uploader,
                                            const LevelUploadSpec& spec,
                                            const DatasetSchema& schema, const EncodedTable& table,
                                            const LevelUploadProgress& progress) {
  if (spec.kind != "dataset" && spec.kind != "model") {
    return InvalidArgumentError(
        fmt::format("upload kind '{}' is neither dataset nor model", spec.kind));
  }
  ARCA_RETURN_IF_ERROR(CheckDatasetName(spec.name));
  UploadSpec upload;
  upload.dataset = spec.name;
  upload.version = spec.version;
  ARCA_ASSIGN_OR_RETURN(upload.protocol, ProtocolOfLevel(spec.level));
  ARCA_ASSIGN_OR_RETURN(const json listed, coordinator.ListNodes());
  ARCA_ASSIGN_OR_RETURN(const std::vector<LevelNode> nodes, SelectLevelNodes(listed, spec.level));

  // Every node is judged before any share is made: a refusal sends nothing anywhere.
  for (const LevelNode& node : nodes) {
    ARCA_ASSIGN_OR_RETURN(const std::unique_ptr<tee::AttestedChannel> channel,
                          Attest(node, policy));
    ARCA_ASSIGN_OR_RETURN(upload.node_keys.emplace_back(), AttestedHpkeKey(node, *channel));
  }

  ARCA_ASSIGN_OR_RETURN(const std::unique_ptr<PrivateTempDir> dir, PrivateTempDir::Create());
  ARCA_ASSIGN_OR_RETURN(const std::vector<WrittenFile> files,
                        WriteFiles(dir->path(), upload, nodes, schema, table));
  std::vector<Location> locations;
  for (size_t i = 0; i < nodes.size(); ++i) {
    Result<Location> location = SendFile(nodes[i], policy, upload.node_keys[i], files[i], spec,
                                         table.rows, uploader, progress);
    if (!location.ok()) {
      // Best effort: the upload's error is what the caller needs to see.
      (void)WithdrawFromNodes(coordinator, policy, uploader, locations);
      return location.status();
    }
    locations.push_back(*std::move(location));
  }
  return locations;
}

Status WithdrawFromNodes(CoordinatorClient& coordinator, const tee::Policy& policy,
                         const crypto::SigningKey& uploader,
                         const std::vector<Location>& locations) {
  if (locations.empty()) return OkStatus();
  ARCA_ASSIGN_OR_RETURN(const json listed, coordinator.ListNodes());
  Status first;
  for (const Location& location : locations) {
    const Status status = WithdrawOne(listed, location, policy, uploader);
    if (first.ok()) first = status;
  }
  return first;
}

Result<uint64_t> NextDatasetVersion(CoordinatorClient& coordinator, std::string_view name,
                                    std::string_view uploader_id) {
  Result<json> latest = coordinator.GetDataset(name);
  if (!latest.ok()) {
    if (latest.status().code() == StatusCode::kNotFound) return 1;
    return latest.status();
  }
  if (latest->value("owner", "") != uploader_id) {
    return PermissionDeniedError(fmt::format("dataset '{}' belongs to '{}'; choose another name",
                                             name, latest->value("owner", "")));
  }
  if (!latest->contains("version") || !(*latest)["version"].is_number_unsigned()) {
    return DataLossError(
        fmt::format("the coordinator's record of dataset '{}' has no version", name));
  }
  return (*latest)["version"].get<uint64_t>() + 1;
}

}  // namespace arca::client
