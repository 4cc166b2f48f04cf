#include "arca/cli/result_key.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "arca/base/bytes.h"

namespace arca::cli {
namespace {

// Creates `path` with `mode` (failing if it exists) and writes `bytes` to it.
Status WriteNewFile(const std::string& path, ByteView bytes, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return FailedPreconditionError(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  }
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n <= 0 && errno != EINTR) {
      ::close(fd);
      return InternalError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    }
    if (n > 0) written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return InternalError(fmt::format("cannot write {}", path));
  return OkStatus();
}

crypto::X25519Key ToKey(ByteView bytes) {
  crypto::X25519Key key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

}  // namespace

std::string ResultPublicKeyPath(const std::string& private_path) {
  constexpr std::string_view kSuffix = ".key";
  if (private_path.size() > kSuffix.size() && private_path.ends_with(kSuffix)) {
    return private_path.substr(0, private_path.size() - kSuffix.size()) + ".pub";
  }
  return private_path + ".pub";
}

Result<crypto::X25519Key> WriteResultKeyPair(const std::string& private_path) {
  const std::string public_path = ResultPublicKeyPath(private_path);
  for (const std::string& path : {private_path, public_path}) {
    if (std::filesystem::exists(path)) {
      return FailedPreconditionError(
          fmt::format("{} exists already; keygen never overwrites a key", path));
    }
  }
  const crypto::X25519KeyPair pair = crypto::GenerateX25519KeyPair();
  ARCA_RETURN_IF_ERROR(WriteNewFile(private_path, pair.private_key, 0600));
  const std::string public_text = ToHex(pair.public_key) + "\n";
  ARCA_RETURN_IF_ERROR(WriteNewFile(public_path, AsBytes(public_text), 0644));
  return pair.public_key;
}

Result<crypto::X25519Key> ReadResultPrivateKey(const std::string& path) {
  ARCA_ASSIGN_OR_RETURN(const Bytes bytes, ReadFileBytes(path));
  if (bytes.size() != crypto::kX25519KeySize) {
    return InvalidArgumentError(fmt::format(
        "{} is not a result private key (32 bytes, as arca consumer keygen writes)", path));
  }
  return ToKey(bytes);
}

Result<crypto::X25519Key> ReadResultPublicKey(const std::string& path) {
  ARCA_ASSIGN_OR_RETURN(const Bytes bytes, ReadFileBytes(path));
  std::string text(bytes.begin(), bytes.end());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const Result<Bytes> hex = FromHex(text);
  if (!hex.ok() || hex->size() != crypto::kX25519KeySize) {
    return InvalidArgumentError(fmt::format(
        "{} is not a result public key (64 hex digits, as arca consumer keygen writes)", path));
  }
  return ToKey(*hex);
}

}  // namespace arca::cli
