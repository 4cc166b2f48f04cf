#include "arca/node/share_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "arca/crypto/os_random.h"

namespace arca::node {
namespace {

using nlohmann::json;

constexpr std::string_view kLocationPrefix = "blob:";
constexpr std::string_view kRecordMagic = "ABLK";
constexpr size_t kIdBytes = 16;
constexpr size_t kRecordHeader = 4 + kIdBytes + 8 + 1;  // magic, id, index, final
constexpr size_t kMaxSealedRecord = kRecordHeader + kRecordBytes + tee::kSealedOverhead;

Status IoError(std::string_view verb, const std::string& path, int error) {
  return UnavailableError(
      fmt::format("store: cannot {} '{}': {}", verb, path, std::strerror(error)));
}

bool WriteAll(int fd, ByteView bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly `out.size()` bytes; false at end of file or on error (errno says which).
bool ReadAll(int fd, std::span<uint8_t> out, bool* at_end) {
  size_t done = 0;
  *at_end = false;
  while (done < out.size()) {
    const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      *at_end = done == 0;
      errno = 0;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open the directory", dir, errno);
  const bool ok = ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  return ok ? OkStatus() : IoError("fsync the directory", dir, error);
}

void PutU64(Bytes& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t GetU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Overwrites a file with zeros (flushed to disk), then unlinks it. A missing file is fine.
Status Shred(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return OkStatus();
    return IoError("open for destruction", path, errno);
  }
  struct stat st {};
  Status status;
  if (::fstat(fd, &st) != 0) status = IoError("stat", path, errno);
  const Bytes zeros(std::min<size_t>(kRecordBytes, static_cast<size_t>(st.st_size)), 0);
  for (off_t at = 0; status.ok() && at < st.st_size;) {
    const size_t n = std::min<size_t>(zeros.size(), static_cast<size_t>(st.st_size - at));
    if (!WriteAll(fd, ByteView(zeros).first(n))) status = IoError("overwrite", path, errno);
    at += static_cast<off_t>(n);
  }
  if (status.ok() && ::fsync(fd) != 0) status = IoError("fsync", path, errno);
  ::close(fd);
  if (status.ok() && ::unlink(path.c_str()) != 0 && errno != ENOENT) {
    status = IoError("unlink", path, errno);
  }
  return status;
}

Status NotAuthentic(std::string_view id, std::string_view what) {
  return DataLossError(fmt::format(
      "stored blob blob:{} does not authenticate ({}): it was sealed by another program or "
      "node, or modified; it is left untouched",
      id, what));
}

json MetaJson(std::string_view id, const BlobInfo& info, uint64_t records) {
  return {{"id", id},
          {"kind", BlobKindName(info.kind)},
          {"name", info.name},
          {"version", info.version},
          {"protocol", mpc::ProtocolKindName(info.protocol)},
          {"owner_key", ToHex(info.owner_key)},
          {"sha256", ToHex(info.sha256)},
          {"size", info.size},
          {"records", records}};
}

}  // namespace

std::string_view BlobKindName(BlobKind kind) {
  switch (kind) {
    case BlobKind::kDataset:
      return "dataset";
    case BlobKind::kModel:
      return "model";
    case BlobKind::kResult:
      return "result";
  }
  return "unknown";
}

Result<BlobKind> ParseBlobKind(std::string_view name) {
  if (name == "dataset") return BlobKind::kDataset;
  if (name == "model") return BlobKind::kModel;
  if (name == "result") return BlobKind::kResult;
  return InvalidArgumentError(
      fmt::format("unknown blob kind '{}': dataset, model or result", name));
}

Status CheckLocation(std::string_view location) {
  const auto bad = [&] {
    return InvalidArgumentError(
        fmt::format("'{}' is not a store location (\"blob:\" and 32 lower-case hex digits)",
                    location.substr(0, 80)));
  };
  if (!location.starts_with(kLocationPrefix)) return bad();
  const std::string_view id = location.substr(kLocationPrefix.size());
  if (id.size() != 2 * kIdBytes) return bad();
  for (const char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return bad();
  }
  return OkStatus();
}

// --- BlobWriter -------------------------------------------------------------------------

BlobWriter::BlobWriter(const ShareStore* store, std::string id, std::string temp_path, int fd)
    : store_(store), id_(std::move(id)), temp_path_(std::move(temp_path)), fd_(fd) {}

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

Status BlobWriter::WriteRecord(ByteView data, bool final) {
  Bytes plain;
  plain.reserve(kRecordHeader + data.size());
  plain.insert(plain.end(), kRecordMagic.begin(), kRecordMagic.end());
  ARCA_ASSIGN_OR_RETURN(const Bytes id, FromHex(id_));
  plain.insert(plain.end(), id.begin(), id.end());
  PutU64(plain, records_);
  plain.push_back(final ? 1 : 0);
  plain.insert(plain.end(), data.begin(), data.end());
  ARCA_ASSIGN_OR_RETURN(const Bytes sealed, store_->key_.Seal(plain));
  std::array<uint8_t, 4> length{};
  for (size_t i = 0; i < 4; ++i) length[i] = static_cast<uint8_t>(sealed.size() >> (8 * i));
  if (!WriteAll(fd_, length) || !WriteAll(fd_, sealed)) {
    return IoError("write", temp_path_, errno);
  }
  ++records_;
  return OkStatus();
}

Status BlobWriter::Append(ByteView bytes) {
  if (done_) return FailedPreconditionError("store: the blob writer is finished");
  hasher_.Update(bytes);
  size_ += bytes.size();
  while (!bytes.empty()) {
    // A full record is written only once more bytes follow, so that the last record holds
    // the blob's end (it is empty only for an empty blob).
    if (pending_.size() == kRecordBytes) {
      if (Status s = WriteRecord(pending_, false); !s.ok()) {
        done_ = true;
        return s;
      }
      pending_.clear();
    }
    const size_t take = std::min(bytes.size(), kRecordBytes - pending_.size());
    pending_.insert(pending_.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(take));
    bytes = bytes.subspan(take);
  }
  return OkStatus();
}

Result<StoredBlob> BlobWriter::Commit(BlobInfo info) {
  if (done_) return FailedPreconditionError("store: the blob writer is finished");
  done_ = true;
  ARCA_RETURN_IF_ERROR(WriteRecord(pending_, true));
  pending_.clear();
  if (::fsync(fd_) != 0) return IoError("fsync", temp_path_, errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return IoError("close", temp_path_, errno);
  const std::string data_path = store_->PathOf(id_, ".data");
  if (::rename(temp_path_.c_str(), data_path.c_str()) != 0) {
    return IoError("rename a temporary file to", data_path, errno);
  }
  temp_path_ = data_path;  // removed by the destructor unless the metadata lands
  ARCA_RETURN_IF_ERROR(SyncDirectory(store_->dir_));
  info.sha256 = hasher_.Finish();
  info.size = size_;
  const std::string meta = MetaJson(id_, info, records_).dump();
  ARCA_RETURN_IF_ERROR(
      tee::WriteSealedFile(store_->PathOf(id_, ".meta"), store_->key_, AsBytes(meta)));
  temp_path_.clear();
  StoredBlob blob;
  blob.location = std::string(kLocationPrefix) + id_;
  blob.info = std::move(info);
  return blob;
}

// --- ShareStore -------------------------------------------------------------------------

Result<std::unique_ptr<ShareStore>> ShareStore::Open(const std::string& dir, tee::SealingKey key) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return UnavailableError(fmt::format("store: cannot create '{}': {}", dir, error.message()));
  }
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, error);
  if (error) {
    return UnavailableError(
        fmt::format("store: cannot restrict '{}' to its owner: {}", dir, error.message()));
  }
  std::unique_ptr<ShareStore> store(new ShareStore(dir, std::move(key)));
  // Interrupted writes: temporary files, and data whose metadata never landed.
  std::vector<std::string> leftovers;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    const bool temporary = name.find(".tmp") != std::string::npos;
    const bool orphan =
        entry.path().extension() == ".data" &&
        !std::filesystem::exists(store->PathOf(entry.path().stem().string(), ".meta"));
    if (temporary || orphan) leftovers.push_back(entry.path().string());
  }
  if (error) {
    return UnavailableError(fmt::format("store: cannot list '{}': {}", dir, error.message()));
  }
  for (const std::string& path : leftovers) ARCA_RETURN_IF_ERROR(Shred(path));
  return store;
}

std::string ShareStore::PathOf(std::string_view id, std::string_view suffix) const {
  return fmt::format("{}/{}{}", dir_, id, suffix);
}

Result<std::unique_ptr<BlobWriter>> ShareStore::Begin() const {
  std::array<uint8_t, kIdBytes> id{};
  crypto::OsRandom(id);
  const std::string hex = ToHex(id);
  std::string temp = PathOf(hex, ".tmp-XXXXXX");
  const int fd = ::mkstemp(temp.data());  // mode 0600
  if (fd < 0) return IoError("create a temporary file in", dir_, errno);
  return std::unique_ptr<BlobWriter>(new BlobWriter(this, hex, temp, fd));
}

Result<StoredBlob> ShareStore::Put(const BlobInfo& info, ByteView bytes) const {
  ARCA_ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> writer, Begin());
  ARCA_RETURN_IF_ERROR(writer->Append(bytes));
  return writer->Commit(info);
}

Result<BlobInfo> ShareStore::ReadMeta(std::string_view id, uint64_t* records) const {
  const std::string path = PathOf(id, ".meta");
  if (!std::filesystem::exists(path)) {
    return NotFoundError(fmt::format("store: no blob at blob:{}", id));
  }
  ARCA_ASSIGN_OR_RETURN(const Bytes sealed, ReadFileBytes(path));
  Result<Bytes> plain = key_.Unseal(sealed);
  if (!plain.ok()) return NotAuthentic(id, "its metadata");
  try {
    const json meta = json::parse(plain->begin(), plain->end());
    if (meta.at("id").get<std::string>() != id) return NotAuthentic(id, "metadata of another blob");
    BlobInfo info;
    ARCA_ASSIGN_OR_RETURN(info.kind, ParseBlobKind(meta.at("kind").get<std::string>()));
    info.name = meta.at("name").get<std::string>();
    info.version = meta.at("version").get<uint64_t>();
    ARCA_ASSIGN_OR_RETURN(info.protocol,
                          mpc::ParseProtocolKind(meta.at("protocol").get<std::string>()));
    ARCA_ASSIGN_OR_RETURN(info.owner_key, FromHex(meta.at("owner_key").get<std::string>()));
    ARCA_ASSIGN_OR_RETURN(const Bytes digest, FromHex(meta.at("sha256").get<std::string>()));
    if (digest.size() != info.sha256.size()) return NotAuthentic(id, "a malformed digest");
    std::copy(digest.begin(), digest.end(), info.sha256.begin());
    info.size = meta.at("size").get<uint64_t>();
    *records = meta.at("records").get<uint64_t>();
    return info;
  } catch (const json::exception&) {
    return NotAuthentic(id, "malformed metadata");
  }
}

Result<BlobInfo> ShareStore::Info(std::string_view location) const {
  ARCA_RETURN_IF_ERROR(CheckLocation(location));
  uint64_t records = 0;
  return ReadMeta(location.substr(kLocationPrefix.size()), &records);
}

Status ShareStore::Read(std::string_view location,
                        const std::function<Status(ByteView)>& sink) const {
  ARCA_RETURN_IF_ERROR(CheckLocation(location));
  const std::string_view id = location.substr(kLocationPrefix.size());
  uint64_t records = 0;
  ARCA_ASSIGN_OR_RETURN(const BlobInfo info, ReadMeta(id, &records));
  ARCA_ASSIGN_OR_RETURN(const Bytes id_bytes, FromHex(id));
  const std::string path = PathOf(id, ".data");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotAuthentic(id, "its data is missing");
    return IoError("open", path, errno);
  }
  crypto::Sha256Hasher hasher;
  uint64_t size = 0;
  Status status;
  Bytes sealed;
  for (uint64_t index = 0; status.ok(); ++index) {
    std::array<uint8_t, 4> length{};
    bool at_end = false;
    if (!ReadAll(fd, length, &at_end)) {
      if (at_end && index == records) break;
      status = errno != 0 ? IoError("read", path, errno) : NotAuthentic(id, "records are missing");
      break;
    }
    const size_t n = size_t{length[0]} | size_t{length[1]} << 8 | size_t{length[2]} << 16 |
                     size_t{length[3]} << 24;
    if (index >= records || n < kRecordHeader + tee::kSealedOverhead || n > kMaxSealedRecord) {
      status = NotAuthentic(id, "a malformed or extra record");
      break;
    }
    sealed.resize(n);
    if (!ReadAll(fd, sealed, &at_end)) {
      status = errno != 0 ? IoError("read", path, errno) : NotAuthentic(id, "a record is cut off");
      break;
    }
    Result<Bytes> plain = key_.Unseal(sealed);
    const bool final = index + 1 == records;
    if (!plain.ok() || plain->size() < kRecordHeader ||
        !std::equal(kRecordMagic.begin(), kRecordMagic.end(), plain->begin()) ||
        !std::equal(id_bytes.begin(), id_bytes.end(), plain->begin() + 4) ||
        GetU64(plain->data() + 4 + kIdBytes) != index ||
        (*plain)[4 + kIdBytes + 8] != (final ? 1 : 0)) {
      status = NotAuthentic(id, fmt::format("record {}", index));
      break;
    }
    const ByteView data = ByteView(*plain).subspan(kRecordHeader);
    hasher.Update(data);
    size += data.size();
    status = sink(data);
  }
  ::close(fd);
  ARCA_RETURN_IF_ERROR(status);
  if (size != info.size || hasher.Finish() != info.sha256) {
    return NotAuthentic(id, "its size or digest differs from its metadata");
  }
  return OkStatus();
}

Result<Bytes> ShareStore::Get(std::string_view location) const {
  Bytes out;
  ARCA_RETURN_IF_ERROR(Read(location, [&out](ByteView data) {
    out.insert(out.end(), data.begin(), data.end());
    return OkStatus();
  }));
  return out;
}

Status ShareStore::Destroy(std::string_view location) const {
  ARCA_RETURN_IF_ERROR(CheckLocation(location));
  const std::string_view id = location.substr(kLocationPrefix.size());
  // The metadata first: once it is gone the blob no longer exists, even if the data's
  // destruction is interrupted (Open finishes it).
  ARCA_RETURN_IF_ERROR(Shred(PathOf(id, ".meta")));
  ARCA_RETURN_IF_ERROR(Shred(PathOf(id, ".data")));
  return SyncDirectory(dir_);
}

Result<std::vector<StoredBlob>> ShareStore::List() const {
  std::vector<StoredBlob> blobs;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, error)) {
    if (entry.path().extension() != ".meta") continue;
    const std::string id = entry.path().stem().string();
    StoredBlob blob;
    blob.location = std::string(kLocationPrefix) + id;
    if (!CheckLocation(blob.location).ok()) continue;  // not a blob of this store
    uint64_t records = 0;
    Result<BlobInfo> info = ReadMeta(id, &records);
    if (info.ok()) {
      blob.info = *std::move(info);
    } else {
      blob.status = info.status();
    }
    blobs.push_back(std::move(blob));
  }
  if (error) {
    return UnavailableError(fmt::format("store: cannot list '{}': {}", dir_, error.message()));
  }
  return blobs;
}

}  // namespace arca::node
