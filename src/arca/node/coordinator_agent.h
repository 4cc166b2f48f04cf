// The node's side of the coordinator's work feed (docs/API.md, "Work"; docs/NODE.md, "Job
// lifecycle"): what turns a registered arca-node into a party of jobs.
//
// On start it records its evidence with the coordinator (for `arca platform nodes`; clients
// never trust that copy) and listens for its peers' MPC links on `mesh_listen`. A background
// thread polls GET /v1/work. Each job the feed shows pending or running, and that
// this node is not already running, starts on its own thread: the job runner (job_runner.h)
// with the plan program (plan_program.h) over MPC links of mutually attested TLS to the other
// parties (tee/attested_mesh.h); progress is reported as it comes, then the encrypted result
// and the signed receipt part (complete), or the error line (fail). A job the feed shows
// cancelled or failed while it runs here is cancelled, which aborts its network so the peers
// stop too. Destroy orders (withdrawn uploads) are executed as they appear. On start, jobs that
// a previous run left unfinished are reported failed, never silently half-done.
//
// The coordinator is not trusted with the data: the runner checks the plan's hash, every input's
// ciphertext hash and every peer's attested identity key itself.
#ifndef ARCA_NODE_COORDINATOR_AGENT_H_
#define ARCA_NODE_COORDINATOR_AGENT_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "arca/base/status.h"
#include "arca/client/coordinator_client.h"
#include "arca/node/job_runner.h"
#include "arca/node/node_config.h"
#include "arca/node/node_server.h"
#include "arca/tee/attested_mesh.h"
#include "arca/tee/policy.h"

namespace arca::node {

struct CoordinatorAgentOptions {
  std::chrono::milliseconds poll_interval{200};
  // How long a job waits for its peers' links.
  std::chrono::milliseconds mesh_timeout{60000};
};

class CoordinatorAgent {
 public:
  // Listens on config.mesh_listen, then starts polling the coordinator of `config` (which must
  // name one). `server` must outlive the agent. Jobs a previous run left unfinished are
  // reported failed by the polling thread, once the coordinator answers.
  static Result<std::unique_ptr<CoordinatorAgent>> Start(NodeServer& server,
                                                         const NodeConfig& config,
                                                         CoordinatorAgentOptions options = {});
  // Stops polling, cancels the jobs still running and joins every thread.
  ~CoordinatorAgent();
  CoordinatorAgent(const CoordinatorAgent&) = delete;
  CoordinatorAgent& operator=(const CoordinatorAgent&) = delete;

  uint16_t mesh_port() const { return acceptor_->port(); }

 private:
  struct RunningJob {
    std::unique_ptr<CancelToken> cancel;
    std::thread thread;
    std::atomic<bool> done{false};
  };

  CoordinatorAgent(NodeServer& server, const NodeConfig& config,
                   std::unique_ptr<client::CoordinatorClient> client,
                   std::unique_ptr<tee::Policy> peer_policy, CoordinatorAgentOptions options);
  void Poll();
  // What must reach the coordinator once, before any job: the node's evidence, and the jobs a
  // previous run left unfinished (reported failed). Retried at each poll until done.
  Status Announce();
  // One poll: start new jobs, cancel stopped ones, destroy withdrawn uploads.
  Status PollOnce();
  void RunJob(const JobAssignment& assignment, CancelToken* cancel);
  // Uploads the result file (if this party has one) and posts the receipt part.
  Status Complete(const JobResult& result);
  Result<std::unique_ptr<net::Network>> Links(const JobAssignment& assignment);
  // Joins the threads of jobs that have finished.
  void Reap();
  // The client, serialised.
  template <typename Call>
  auto Request(Call&& call);

  NodeServer& server_;
  const std::string node_id_;
  const std::string state_dir_;
  const CoordinatorAgentOptions options_;
  std::unique_ptr<client::CoordinatorClient> client_;
  const std::unique_ptr<tee::Policy> peer_policy_;
  const tee::AttestedTlsOptions mesh_tls_;  // mutual: this node's evidence, peer_policy_
  std::unique_ptr<tee::MeshAcceptor> acceptor_;
  JobRunner runner_;
  // Used by the polling thread only.
  bool announced_ = false;
  std::string last_problem_;

  // Requests go out one at a time (the poller and every job share the client).
  std::mutex client_mu_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                                // guarded by mu_
  std::map<int64_t, std::unique_ptr<RunningJob>> jobs_;  // guarded by mu_
  std::thread poller_;
};

}  // namespace arca::node

#endif  // ARCA_NODE_COORDINATOR_AGENT_H_
