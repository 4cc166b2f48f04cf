// Running one job assignment of the coordinator's work feed, as this node (docs/NODE.md, "Job
// lifecycle").
//
// Run takes these steps, checking for cancellation between them:
//   1. the plan's SHA-256 must be the assignment's plan_hash, and this node's identity key the
//      one the assignment names for its party;
//   2. a marker state_dir/jobs/<job> is written (so that a restart reports the job failed);
//   3. every input's (and model's) share file is read from the store, its SHA-256 checked
//      against the assignment, and opened with this node's HPKE key (client/upload.h);
//   4. the network to the other parties comes from the injected factory (none for `tee`);
//   5. in the session, party 0 announces the shapes of the inputs (rows, columns, fractional
//      bits; public metadata) so that the dealer, which holds no file, follows them, and
//      every other holder checks its own file agrees; then the injected JobProgram runs;
//   6. each output's part (mpc/result_shares.h) goes into this node's result file
//      (client/result_file.h) sealed to the consumer's result key, kept in the store;
//   7. the receipt part (client/receipt.h) is signed with the node's identity and evidence;
//   8. the marker is removed.
// Errors name the node, the job and the step, never data values.
#ifndef ARCA_NODE_JOB_RUNNER_H_
#define ARCA_NODE_JOB_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/client/dataset_schema.h"
#include "arca/client/upload.h"
#include "arca/crypto/x25519.h"
#include "arca/frame/released_table.h"
#include "arca/mpc/protocol.h"
#include "arca/mpc/runner.h"
#include "arca/net/network.h"
#include "arca/node/share_store.h"
#include "arca/tee/evidence.h"
#include "arca/tee/node_identity.h"

namespace arca::node {

// --- The work feed (the coordinator's GET /v1/work answer). -------------------------------

struct JobParty {
  std::string node;
  std::string mesh_endpoint;  // "IP:PORT"
  Bytes signing_key;          // raw Ed25519 public key
};

struct JobInput {
  std::string dataset;
  uint64_t version = 0;
  std::string supplied_by;
  std::string location;  // "" where this node holds no parts (the dealer)
  std::string sha256;    // hex of this node's ciphertext; "" where it holds none
  nlohmann::json schema;
  std::vector<int64_t> approvals;
  nlohmann::json rules = nlohmann::json::object();
};

struct JobModel {
  std::string kind;
  std::vector<std::string> features;
  bool intercept = false;
  std::string location;
  std::string sha256;
};

struct JobAssignment {
  int64_t job = 0;
  std::string status;  // pending, running, cancelled, failed, succeeded
  std::string level;   // tee, dealer2pc, rep3
  mpc::ProtocolKind protocol = mpc::ProtocolKind::kDealer2pc;
  int party = 0;
  std::vector<JobParty> parties;  // index = party
  std::string plan;
  std::string plan_hash;
  std::map<std::string, JobInput> inputs;  // by the plan's input name
  std::map<std::string, JobModel> models;  // by model name
  std::string consumer;
  crypto::X25519Key result_key{};
};

struct DestroyOrder {
  std::string location;
  std::string sha256;
};

struct WorkFeed {
  std::vector<JobAssignment> jobs;
  std::vector<DestroyOrder> destroy;
};

// One job object of the feed. Errors name the job and the field.
Result<JobAssignment> ParseJobAssignment(const nlohmann::json& job);
Result<WorkFeed> ParseWorkFeed(std::string_view text);

// Destroys the withdrawn blobs the feed lists. A blob whose SHA-256 differs from the order's
// is refused (the order is for another upload); one already gone is fine.
Status ExecuteDestroyOrders(const ShareStore& store, const std::vector<DestroyOrder>& orders);

// --- What a job program gets and gives. ---------------------------------------------------

struct LoadedInput {
  JobInput assignment;
  client::DatasetSchema schema;
  int64_t rows = 0;
  int frac_bits = 0;
  std::vector<mpc::Shared> columns;  // in schema order, shape [rows]; shapes only at the dealer
};

struct LoadedModel {
  JobModel assignment;
  int64_t rows = 0;
  int frac_bits = 0;
  std::vector<mpc::Shared> columns;
};

struct LoadedInputs {
  std::map<std::string, LoadedInput> inputs;
  std::map<std::string, LoadedModel> models;
};

struct JobOutput {
  std::string name;
  std::vector<std::string> labels;  // empty, or one per element of `value`
  int frac_bits = 0;                // 0 for integers and counts
  mpc::Shared value;                // any shape; read in row-major order
  double epsilon = 0;               // the privacy budget the output spent
  double delta = 0;
  std::optional<frame::TableLayout> table;  // a released table's layout; labels empty
};

// A model the job keeps secret-shared on the nodes (a train node's `store_as`), for later
// `infer` jobs of its consumer.
struct JobStoredModel {
  std::string name;
  std::string kind;  // logistic, linear
  std::vector<std::string> features;
  bool intercept = true;
  int frac_bits = 0;
  mpc::Shared weights;  // the features' weights in order, then the intercept
};

struct JobOutputs {
  std::vector<JobOutput> outputs;
  std::vector<JobStoredModel> models;
};

// A fraction in [0, 1].
using JobProgress = std::function<void(double fraction)>;
using JobProgram = std::function<Result<JobOutputs>(
    mpc::Protocol& protocol, const LoadedInputs& inputs, const JobProgress& progress)>;
// The network of this node's party to the others'. The lead's nodes use attested links;
// tests use a TCP mesh on 127.0.0.1.
using NetworkFactory =
    std::function<Result<std::unique_ptr<net::Network>>(const JobAssignment& assignment)>;

// Cancels a running job from another thread: Run stops at its next step, and the network is
// aborted at once so that the peers stop too.
class CancelToken {
 public:
  void Cancel();
  bool cancelled() const { return cancelled_; }

 private:
  friend class JobRunner;
  void Attach(net::Network* network);

  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  net::Network* network_ = nullptr;  // guarded by mu_
};

struct JobRunnerOptions {
  std::string node_name;  // in errors
  const tee::NodeIdentity* identity = nullptr;
  // This node's evidence for report_data (NodeServer::Evidence).
  std::function<Result<tee::Evidence>(ByteView report_data)> attest;
  const ShareStore* store = nullptr;
  std::string state_dir;
  NetworkFactory network;
  std::function<UnixTime()> clock = Now;
};

struct JobResult {
  int64_t job = 0;
  Bytes result_file;            // empty where this party sends no result (the dealer)
  std::string result_location;  // its place in the store; "" likewise
  std::string result_sha256;    // hex; "" likewise
  std::string receipt_part;     // JSON text (client/receipt.h)
  // What this party sent its peers (zero at `tee`, which runs without a network).
  net::TrafficStats traffic;
  // The models the job stored on this node, as the coordinator records them: name, kind,
  // features, intercept, location, sha256 (none on the dealer, which holds no parts).
  nlohmann::json stored_models = nlohmann::json::array();

  // The body of POST /v1/jobs/{id}/complete.
  nlohmann::json CompleteRequest() const;
};

struct InterruptedJob {
  int64_t job = 0;
  std::string error;  // "failed: the node restarted while the job ran"
};

class JobRunner {
 public:
  explicit JobRunner(JobRunnerOptions options) : options_(std::move(options)) {}

  // The jobs whose markers a previous run of the node left (it stopped while they ran); the
  // markers are removed, so each is reported once.
  Result<std::vector<InterruptedJob>> RecoverInterrupted() const;

  // Runs `assignment` with `program`. `progress` may be empty; `cancel` may be null.
  Result<JobResult> Run(const JobAssignment& assignment, const JobProgram& program,
                        const JobProgress& progress, CancelToken* cancel) const;

 private:
  JobRunnerOptions options_;
};

}  // namespace arca::node

#endif  // ARCA_NODE_JOB_RUNNER_H_
