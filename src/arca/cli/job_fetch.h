// Fetching a finished job's result: every compute node's encrypted result file, combined and
// decrypted with the consumer's private result key into the result CSV, and the job's
// receipt for `arca consumer verify-receipt` (or, given a policy, verified here before
// anything is decrypted). `arca consumer fetch` is this; commands that
// run a job and wait (job_watch.h) then call it too, and so does the Python client
// (python/native/platform_module.cc), which takes the outputs and writes no CSV.
#ifndef ARCA_CLI_JOB_FETCH_H_
#define ARCA_CLI_JOB_FETCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/client/coordinator_client.h"
#include "arca/client/result_file.h"
#include "arca/tee/policy.h"

namespace arca::cli {

struct JobFetchRequest {
  int64_t job = 0;
  // Where the combined result goes (mode 0600: it is plaintext); "" for nowhere (the caller
  // takes FetchedJob::outputs).
  std::string out_csv{};
  // Where the receipt object {"job", "parts"} goes; "" for nowhere.
  std::string receipt_path{};
  // Where the nodes' encrypted result files are kept, as <node>.ares (made if missing, mode
  // 0700); "" for a temporary directory removed afterwards.
  std::string results_dir{};
  // The consumer's reference-value policy: when set, the receipt is verified under it with the
  // fetched files (client::VerifyReceipt) before anything is decrypted, and a receipt it
  // refuses is a permission-denied error "job N: receipt refused: ...".
  const tee::Policy* policy = nullptr;
};

struct FetchedJob {
  std::vector<client::NamedOutput> outputs;
  std::vector<std::string> result_files;  // the kept files; empty without a results_dir
};

// GET /v1/jobs/{job}/receipt, FetchResult of each node it lists, each file's SHA-256 checked
// against the list, the receipt verified (with a policy), CombineResultFiles with
// `result_private_key`, then the CSV (if asked) and receipt written. Nothing is written to
// `out_csv` unless every file opens and combines; only ciphertext is ever written to the results
// directory.
Result<FetchedJob> FetchJobResult(client::CoordinatorClient& client, const JobFetchRequest& request,
                                  ByteView result_private_key);

}  // namespace arca::cli

#endif  // ARCA_CLI_JOB_FETCH_H_
