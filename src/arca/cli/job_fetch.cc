#include "arca/cli/job_fetch.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "arca/client/receipt.h"
#include "arca/crypto/hash.h"

namespace arca::cli {
namespace {

using nlohmann::json;

// A directory made for one fetch, removed with what it holds (ciphertext only).
class TemporaryDirectory {
 public:
  static Result<std::unique_ptr<TemporaryDirectory>> Make() {
    std::string pattern = (std::filesystem::temp_directory_path() / "arca-fetch-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return InternalError(
          fmt::format("cannot make a temporary directory: {}", std::strerror(errno)));
    }
    return std::unique_ptr<TemporaryDirectory>(new TemporaryDirectory(std::move(pattern)));
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TemporaryDirectory(std::string path) : path_(std::move(path)) {}
  const std::string path_;
};

// Writes `text` to `path` (created with `mode`, or truncated).
Status WriteFile(const std::string& path, std::string_view text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return UnavailableError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0 && errno != EINTR) break;
    if (n > 0) written += static_cast<size_t>(n);
  }
  const bool closed = ::close(fd) == 0;
  if (written != text.size() || !closed) {
    return UnavailableError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  return OkStatus();
}

// The file name of `node`'s result: the id as the coordinator gave it, which must not lead
// out of the directory.
Result<std::string> ResultFileName(const std::string& node) {
  if (node.empty() || node == "." || node == ".." || node.find('/') != std::string::npos) {
    return DataLossError(fmt::format("the coordinator named a result of node '{}'", node));
  }
  return node + ".ares";
}

}  // namespace

Result<FetchedJob> FetchJobResult(client::CoordinatorClient& client, const JobFetchRequest& request,
                                  ByteView result_private_key) {
  ARCA_ASSIGN_OR_RETURN(const json answer, client.GetReceipt(request.job));
  const json results = answer.value("results", json());
  if (!results.is_array() || results.empty() || !answer.contains("receipt")) {
    return DataLossError(
        fmt::format("the coordinator lists no result files for job {}", request.job));
  }
  std::unique_ptr<TemporaryDirectory> temporary;
  std::string dir = request.results_dir;
  if (dir.empty()) {
    ARCA_ASSIGN_OR_RETURN(temporary, TemporaryDirectory::Make());
    dir = temporary->path();
  } else {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
      return UnavailableError(
          fmt::format("cannot make the results directory {}: {}", dir, error.message()));
    }
    ::chmod(dir.c_str(), 0700);
  }

  FetchedJob fetched;
  std::vector<Bytes> files;
  for (const json& result : results) {
    const std::string node = result.value("node", "");
    ARCA_ASSIGN_OR_RETURN(const std::string name, ResultFileName(node));
    const std::string path = (std::filesystem::path(dir) / name).string();
    ARCA_RETURN_IF_ERROR(client.FetchResult(request.job, node, path));
    ARCA_ASSIGN_OR_RETURN(Bytes file, ReadFileBytes(path));
    if (ToHex(crypto::Sha256(file)) != result.value("sha256", "")) {
      return DataLossError(fmt::format(
          "the result file of node '{}' for job {} is not the one the node completed with", node,
          request.job));
    }
    files.push_back(std::move(file));
    if (!temporary) fetched.result_files.push_back(path);
  }
  if (request.policy != nullptr) {
    client::ReceiptCheckOptions check;
    check.check_results = true;
    check.result_files = files;
    const Result<client::VerifiedReceipt> verified =
        client::VerifyReceipt(answer["receipt"].dump(), *request.policy, check);
    if (!verified.ok()) {
      return PermissionDeniedError(
          fmt::format("job {}: {}", request.job, verified.status().message()));
    }
  }
  ARCA_ASSIGN_OR_RETURN(fetched.outputs, client::CombineResultFiles(files, result_private_key));
  if (!request.out_csv.empty()) {
    ARCA_RETURN_IF_ERROR(WriteFile(request.out_csv, client::ResultCsv(fetched.outputs), 0600));
  }
  if (!request.receipt_path.empty()) {
    ARCA_RETURN_IF_ERROR(WriteFile(request.receipt_path, answer["receipt"].dump(2) + "\n", 0644));
  }
  return fetched;
}

}  // namespace arca::cli
