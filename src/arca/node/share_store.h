// The node's store at rest: uploaded share files (datasets, models) and result files, each
// sealed with a key only this measured program on this machine derives (tee/sealing.h).
//
// A blob is named by its location "blob:<32 hex digits>" (a random id) and lives in two files
// of the store's directory (docs/NODE.md, "The store"):
//
//   <id>.data  the bytes in sealed records: u32 little-endian length || sealed blob, where
//              each record's plaintext is "ABLK" || id (16 bytes) || u64 little-endian index ||
//              final flag (1 byte) || up to kRecordBytes bytes of the blob
//   <id>.meta  a sealed file (WriteSealedFile) holding the metadata as JSON, with the id, the
//              record count, the size and the SHA-256 of the bytes
//
// Records bind the id, their index and the last one's flag, so records cannot be moved
// between blobs, reordered, dropped or cut off. The metadata is written last, atomically: a
// blob exists once its .meta exists, and a Put interrupted before that leaves nothing that
// Open does not remove. A blob that does not authenticate (tampered, or sealed by another
// program or node) is refused with a DataLoss error and left untouched for inspection.
//
// Memory stays at one record whatever the blob's size. A ShareStore is safe to use from
// several threads: blobs are immutable once written, and each Put writes its own files.
#ifndef ARCA_NODE_SHARE_STORE_H_
#define ARCA_NODE_SHARE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/crypto/hash.h"
#include "arca/mpc/runner.h"
#include "arca/tee/sealing.h"

namespace arca::node {

inline constexpr size_t kRecordBytes = size_t{1} << 20;

enum class BlobKind { kDataset, kModel, kResult };
// "dataset", "model", "result".
std::string_view BlobKindName(BlobKind kind);
Result<BlobKind> ParseBlobKind(std::string_view name);

struct BlobInfo {
  BlobKind kind = BlobKind::kDataset;
  std::string name;  // the dataset or model name; "job-<id>" for a result file
  uint64_t version = 0;
  mpc::ProtocolKind protocol = mpc::ProtocolKind::kDealer2pc;
  Bytes owner_key;  // the uploader's raw Ed25519 public key (32 bytes); empty for results
  // Set by the store when the blob is written:
  crypto::Sha256Digest sha256{};  // of the bytes as stored (an upload: its ciphertext)
  uint64_t size = 0;
};

struct StoredBlob {
  std::string location;
  Status status;  // not OK: the blob's metadata does not authenticate; `info` is unset
  BlobInfo info;
};

// "blob:<32 lower-case hex digits>"; anything else is an invalid-argument error.
Status CheckLocation(std::string_view location);

class ShareStore;

// Writes one blob piece by piece. Nothing is visible until Commit; destroying an uncommitted
// writer removes what it wrote.
class BlobWriter {
 public:
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  Status Append(ByteView bytes);
  uint64_t size() const { return size_; }
  // Seals the last record and makes the blob durable and visible. `info`'s sha256 and size
  // are filled in from what was appended. Call at most once.
  Result<StoredBlob> Commit(BlobInfo info);

 private:
  friend class ShareStore;
  BlobWriter(const ShareStore* store, std::string id, std::string temp_path, int fd);
  Status WriteRecord(ByteView data, bool final);

  const ShareStore* store_;
  std::string id_;
  std::string temp_path_;
  int fd_;
  uint64_t records_ = 0;
  uint64_t size_ = 0;
  crypto::Sha256Hasher hasher_;
  Bytes pending_;
  bool done_ = false;  // committed, or failed
};

class ShareStore {
 public:
  // Opens (creating, mode 0700) the store in `dir`, and removes what interrupted writes left.
  static Result<std::unique_ptr<ShareStore>> Open(const std::string& dir, tee::SealingKey key);

  Result<std::unique_ptr<BlobWriter>> Begin() const;
  // Begin, Append and Commit at once.
  Result<StoredBlob> Put(const BlobInfo& info, ByteView bytes) const;

  // The blob's metadata. Unknown locations are NotFound errors.
  Result<BlobInfo> Info(std::string_view location) const;
  // Hands the blob's bytes to `sink` one record at a time. What `sink` received is provisional
  // until Read returns OK: the size and digest are checked at the end.
  Status Read(std::string_view location, const std::function<Status(ByteView)>& sink) const;
  // The whole blob.
  Result<Bytes> Get(std::string_view location) const;

  // Overwrites the blob's files with zeros, then unlinks them. A location that holds nothing
  // is not an error (a withdrawal may be repeated).
  Status Destroy(std::string_view location) const;

  // Every blob, in no particular order.
  Result<std::vector<StoredBlob>> List() const;

  const std::string& dir() const { return dir_; }

 private:
  friend class BlobWriter;
  ShareStore(std::string dir, tee::SealingKey key) : dir_(std::move(dir)), key_(std::move(key)) {}
  std::string PathOf(std::string_view id, std::string_view suffix) const;
  Result<BlobInfo> ReadMeta(std::string_view id, uint64_t* records) const;

  std::string dir_;
  tee::SealingKey key_;
};

}  // namespace arca::node

#endif  // ARCA_NODE_SHARE_STORE_H_
