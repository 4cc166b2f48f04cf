// Putting secret-shared data on the nodes of a security level: the one way every role uploads
// (a data owner's dataset, a code owner's model, a consumer's inference input).
//
// The level decides which compute nodes hold shares (tee: compute 0; dealer2pc: compute 0, 1;
// rep3: compute 0, 1, 2 — the nodes a job at that level pins, docs/API.md "Jobs"). The
// coordinator only says where those nodes are; it is not trusted for anything else. Each node
// is attested from this machine with the caller's policy, and its share file is sealed to the
// HPKE key that the node's *verified* evidence binds — never to a key the coordinator names.
//
// Every node is attested before any share file is written, so a node the policy refuses stops
// the upload before a byte of data leaves. The share files (ciphertext only) go to a private
// temporary directory (mode 0700) that is removed afterwards, on success and on error. An
// upload that fails half-way withdraws what the nodes already took, so no orphan ciphertext
// stays behind.
#ifndef ARCA_CLIENT_LEVEL_UPLOAD_H_
#define ARCA_CLIENT_LEVEL_UPLOAD_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/client/coordinator_client.h"
#include "arca/client/csv_table.h"
#include "arca/client/dataset_schema.h"
#include "arca/crypto/signing_key.h"
#include "arca/tee/policy.h"

namespace arca::client {

// A compute node that holds shares at a level, as the coordinator lists it.
struct LevelNode {
  std::string id;
  int index = 0;
  std::string endpoint;  // HOST:PORT of its attested endpoint

  // "node 'node-1' (127.0.0.1:7001)", for messages.
  std::string Name() const;
};

// The compute node indexes that hold shares at `level` ("tee", "dealer2pc", "rep3").
Result<std::vector<int>> LevelNodeIndexes(std::string_view level);

// From the answer of GET /v1/nodes, the compute node of each index the level needs, in index
// order. A missing node is an error naming the index and the level.
Result<std::vector<LevelNode>> SelectLevelNodes(const nlohmann::json& nodes,
                                                std::string_view level);

// What to upload. `name` and `version` go into every share file's header: the dataset's name
// and the version the coordinator will give it (NextDatasetVersion), or the model's name
// (version 1).
struct LevelUploadSpec {
  std::string level;
  std::string kind;  // "dataset" or "model"
  std::string name;
  uint64_t version = 1;
};

// Called after each acknowledged chunk of a node's share file (may be empty).
using LevelUploadProgress =
    std::function<void(const LevelNode& node, uint64_t bytes_sent, uint64_t total)>;

// Uploads `table` (encoded against `schema` at the default fractional bits) to the nodes of
// spec.level and returns one location per node, in index order, with the SHA-256 of the
// ciphertext that both sides computed. `uploader` is the key that may withdraw the blobs.
// Errors name the node: "node 'node-1' (127.0.0.1:7001): peer attestation refused: ...".
Result<std::vector<Location>> UploadToLevel(CoordinatorClient& coordinator,
                                            const tee::Policy& policy,
                                            const crypto::SigningKey& uploader,
                                            const LevelUploadSpec& spec,
                                            const DatasetSchema& schema, const EncodedTable& table,
                                            const LevelUploadProgress& progress);

// Asks each node of `locations` to destroy its blob (signed by `uploader`), for an upload the
// coordinator then refused to register. Every node is tried; the first failure is returned.
Status WithdrawFromNodes(CoordinatorClient& coordinator, const tee::Policy& policy,
                         const crypto::SigningKey& uploader,
                         const std::vector<Location>& locations);

// The version the coordinator gives the next upload of dataset `name` (1 if it has none).
// Refuses a dataset that another party owns (`uploader_id` is the caller's id).
Result<uint64_t> NextDatasetVersion(CoordinatorClient& coordinator, std::string_view name,
                                    std::string_view uploader_id);

}  // namespace arca::client

#endif  // ARCA_CLIENT_LEVEL_UPLOAD_H_
