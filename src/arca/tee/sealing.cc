#include "arca/tee/sealing.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "arca/crypto/hkdf.h"
#include "arca/crypto/os_random.h"

namespace arca::tee {
namespace {

constexpr std::array<uint8_t, 4> kMagic = {'A', 'S', 'E', 'L'};
constexpr uint8_t kVersion = 1;
constexpr size_t kNonceOffset = 5;

constexpr std::string_view kDoesNotAuthenticate =
    "sealed data does not authenticate: it was sealed by another program or has been modified";

// An I/O failure on `path`, with the code that says what kind it was.
Status IoError(const std::string& what, const std::string& path, int error) {
  std::string message = "cannot " + what + " '" + path + "': " + std::strerror(error);
  switch (error) {
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDeniedError(std::move(message));
    case ENOENT:
      return NotFoundError(std::move(message));
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return ResourceExhaustedError(std::move(message));
    default:
      return UnavailableError(std::move(message));
  }
}

// Writes all of `data` to `fd`, retrying short writes and interruptions.
bool WriteAll(int fd, ByteView data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data = data.subspan(static_cast<size_t>(n));
  }
  return true;
}

// fsync of the directory, so that a rename in it survives a crash.
bool SyncDirectory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced;
}

}  // namespace

Result<SealingKey> SealingKey::Derive(ByteView sealing_secret, ByteView measurement,
                                      std::string_view purpose) {
  if (sealing_secret.size() < 16) {
    return InvalidArgumentError("sealing secret has " + std::to_string(sealing_secret.size()) +
                                " bytes; at least 16 are needed");
  }
  if (measurement.empty() || measurement.size() > 0xffff) {
    return InvalidArgumentError("measurement for sealing has " +
                                std::to_string(measurement.size()) + " bytes; expected 1..65535");
  }
  if (purpose.empty()) return InvalidArgumentError("sealing purpose label is empty");
  Bytes info = {static_cast<uint8_t>(measurement.size() >> 8),
                static_cast<uint8_t>(measurement.size())};
  info.insert(info.end(), measurement.begin(), measurement.end());
  const ByteView purpose_bytes = AsBytes(purpose);
  info.insert(info.end(), purpose_bytes.begin(), purpose_bytes.end());

  crypto::Sha256Digest prk = crypto::HkdfSha256Extract(AsBytes(kSealingSalt), sealing_secret);
  Result<Bytes> key = crypto::HkdfSha256Expand(prk, info, 32);
  OPENSSL_cleanse(prk.data(), prk.size());
  if (!key.ok()) return key.status();
  Result<crypto::Aead> aead = crypto::Aead::Create(crypto::AeadAlgorithm::kAes256Gcm, *key);
  OPENSSL_cleanse(key->data(), key->size());
  if (!aead.ok()) return aead.status();
  return SealingKey(*std::move(aead));
}

Result<Bytes> SealingKey::Seal(ByteView plaintext) const {
  Bytes blob(kSealedOverhead + plaintext.size());
  std::copy(kMagic.begin(), kMagic.end(), blob.begin());
  blob[4] = kVersion;
  const std::span<uint8_t> nonce =
      std::span<uint8_t>(blob).subspan(kNonceOffset, crypto::kAeadNonceSize);
  crypto::OsRandom(nonce);
  ARCA_RETURN_IF_ERROR(aead_.SealInto(nonce, plaintext, ByteView(blob).first(kNonceOffset),
                                      std::span<uint8_t>(blob).subspan(kSealedHeaderSize)));
  return blob;
}

Result<Bytes> SealingKey::Unseal(ByteView blob) const {
  if (blob.size() < kSealedOverhead) {
    return DataLossError("sealed data is truncated: " + std::to_string(blob.size()) +
                         " bytes, fewer than the " + std::to_string(kSealedOverhead) +
                         " of header and tag");
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), blob.begin())) {
    return DataLossError("not sealed data: it does not start with \"ASEL\"");
  }
  if (blob[4] != kVersion) {
    return DataLossError("sealed data has format version " + std::to_string(blob[4]) +
                         "; this build reads version 1");
  }
  Result<Bytes> plaintext = aead_.Open(blob.subspan(kNonceOffset, crypto::kAeadNonceSize),
                                       blob.subspan(kSealedHeaderSize), blob.first(kNonceOffset));
  if (!plaintext.ok()) {
    if (plaintext.status().code() != StatusCode::kDataLoss) return plaintext.status();
    return DataLossError(std::string(kDoesNotAuthenticate));
  }
  return plaintext;
}

Status WriteSealedFile(const std::string& path, const SealingKey& key, ByteView plaintext) {
  ARCA_ASSIGN_OR_RETURN(const Bytes blob, key.Seal(plaintext));
  const std::filesystem::path target(path);
  const std::string directory =
      target.has_parent_path() ? target.parent_path().string() : std::string(".");
  std::string temp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp.data());  // mode 0600, in the same directory as `path`
  if (fd < 0) return IoError("create a temporary file for", path, errno);
  Status status;
  if (!WriteAll(fd, blob)) {
    status = IoError("write", temp, errno);
  } else if (::fsync(fd) != 0) {
    status = IoError("fsync", temp, errno);
  }
  if (::close(fd) != 0 && status.ok()) status = IoError("close", temp, errno);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = IoError("rename a temporary file over", path, errno);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  if (!SyncDirectory(directory)) return IoError("fsync the directory of", path, errno);
  return OkStatus();
}

Result<Bytes> ReadSealedFile(const std::string& path, const SealingKey& key) {
  ARCA_ASSIGN_OR_RETURN(const Bytes blob, ReadFileBytes(path));
  Result<Bytes> plaintext = key.Unseal(blob);
  if (!plaintext.ok()) return plaintext.status().WithContext("sealed file '" + path + "'");
  return plaintext;
}

}  // namespace arca::tee
