// Share files: what a data owner uploads to each node, and how a node opens its own.
//
// The owner encodes the table (csv_table.h), splits every column into the parts each party
// holds (mpc/upload_shares.h), and writes one share file per node that holds parts (not the
// dealer of dealer2pc), sealed to that node's attested HPKE key. Format, version 1 (integers
// little-endian, like the ring elements that make up most of the file; docs/UPLOAD.md):
//
//   file = header || HPKE chunked stream of the body (crypto/hpke.h)
//
//   header:
//     offset  size
//     0       4     magic "ASHF"
//     4       2     format version, 1
//     6       1     protocol: 0 plaintext, 1 dealer2pc, 2 rep3
//     7       1     node index: the party whose parts the body holds
//     8       1     fractional bits of the decimal columns
//     9       8     dataset version
//     17      8     rows, at least 1
//     25      4     columns, at least 1
//     29      32    schema hash (DatasetSchema::Hash)
//     61      2     n, the length of the dataset name
//     63      n     dataset name
//
//   body = for each column in schema order, for each part the node holds in its protocol's
//          order, `rows` ring elements as u64.
//
// The stream is sealed with AES-128-GCM, info "arca share file v1", 1 MiB chunks, and the
// whole header as its aad. The header travels in clear: it is metadata the coordinator keeps
// anyway, and a node can refuse a misrouted file with an error that names the mismatch
// before decrypting anything. Yet it cannot be changed: every chunk authenticates it, so a
// file cannot be replayed to another node (whose key differs too), dataset or version, nor
// its row count or schema altered.
#ifndef ARCA_CLIENT_UPLOAD_H_
#define ARCA_CLIENT_UPLOAD_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/client/csv_table.h"
#include "arca/client/dataset_schema.h"
#include "arca/crypto/hash.h"
#include "arca/crypto/x25519.h"
#include "arca/fxp/encoding.h"
#include "arca/mpc/runner.h"
#include "arca/mpc/shared.h"

namespace arca::client {

inline constexpr std::string_view kShareFileInfo = "arca share file v1";
inline constexpr uint16_t kShareFileVersion = 1;
inline constexpr size_t kShareFileFixedHeader = 63;  // the header without the dataset name
inline constexpr size_t kMaxDatasetName = 128;

// Dataset names: 1..kMaxDatasetName letters, digits, '.', '_' or '-'.
Status CheckDatasetName(std::string_view name);

// The nodes that receive a share file: every party of the protocol but the dealer.
std::vector<int> ShareFileNodes(mpc::ProtocolKind protocol);

struct ShareFileHeader {
  mpc::ProtocolKind protocol = mpc::ProtocolKind::kDealer2pc;
  int node = 0;
  int frac_bits = fxp::kDefaultFracBits;
  uint64_t version = 0;
  int64_t rows = 0;
  int64_t columns = 0;
  crypto::Sha256Digest schema_hash{};
  std::string dataset;

  Bytes Serialize() const;
  // The header at the start of `file`; `*size` receives its length. Every field is checked
  // (a node that holds parts, valid fractional bits, rows and columns at least 1, a valid
  // dataset name); a short or malformed header is a DataLoss error.
  static Result<ShareFileHeader> Parse(ByteView file, size_t* size);
};

// What the owner uploads: dataset, version, protocol, and the HPKE public key of each node of
// ShareFileNodes(protocol), in that order. Keys must come from verified attestation.
struct UploadSpec {
  std::string dataset;
  uint64_t version = 1;
  mpc::ProtocolKind protocol = mpc::ProtocolKind::kDealer2pc;
  int frac_bits = fxp::kDefaultFracBits;
  std::vector<crypto::X25519Key> node_keys;
};

// Receives the bytes of node `node`'s share file, in order, piece by piece.
using ShareFileSink = std::function<Status(int node, ByteView bytes)>;

// Writes every node's share file of `table` (encoded with spec.frac_bits against `schema`).
// Each column is split with fresh randomness, and memory beyond the table stays at one
// column's parts and one chunk per node.
Status WriteShareFiles(const UploadSpec& spec, const DatasetSchema& schema,
                       const EncodedTable& table, const ShareFileSink& sink);

// --- On a node. ---

// A node's own share file: `columns`, this node's parts (header.node's, shape [header.rows]
// each), sealed to its own HPKE key. A model a job trained and kept (`store_as`) is written so,
// and read back like a code owner's upload.
Result<Bytes> WriteOwnShareFile(const ShareFileHeader& header,
                                const std::vector<mpc::Shared>& columns,
                                const crypto::X25519Key& node_key);

// What a node knows of an upload before it opens the file (from the coordinator's record).
struct ExpectedShareFile {
  std::string dataset;
  uint64_t version = 0;
  mpc::ProtocolKind protocol = mpc::ProtocolKind::kDealer2pc;
  int node = 0;
  crypto::Sha256Digest schema_hash{};
};

// A node's part of a dataset: its Shared of each column, shape [rows].
struct NodeShares {
  ShareFileHeader header;
  std::vector<mpc::Shared> columns;
};

// Checks the header against `expected` (a mismatch is an invalid-argument error naming it),
// decrypts with the node's HPKE private key, and imports the columns. A file that does not
// authenticate (tampered, truncated, sealed to another key, or a header changed) is a DataLoss
// error. Memory stays at the columns plus one chunk.
Result<NodeShares> OpenShareFile(ByteView file, ByteView node_private_key,
                                 const ExpectedShareFile& expected);

// The columns of a decrypted body, which must be exactly the size `header` declares.
Result<std::vector<mpc::Shared>> ParseShareBody(const ShareFileHeader& header, ByteView body);

}  // namespace arca::client

#endif  // ARCA_CLIENT_UPLOAD_H_
