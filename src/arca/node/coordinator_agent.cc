#include "arca/node/coordinator_agent.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include "arca/base/logging.h"
#include "arca/node/peer_policy.h"
#include "arca/node/plan_program.h"

namespace arca::node {

namespace {

// `message` with each "party N" of another party than `self` followed by the node that is
// party N, so that a failure caused by a peer (a broken link) names that node:
// "party 1 (node-1)".
std::string NameParties(const std::string& message, const std::vector<JobParty>& parties,
                        int self) {
  std::string out;
  size_t at = 0;
  for (size_t found = message.find("party "); found != std::string::npos;
       found = message.find("party ", at)) {
    size_t end = found + 6;
    while (end < message.size() && message[end] >= '0' && message[end] <= '9') ++end;
    out.append(message, at, end - at);
    at = end;
    if (end == found + 6 || end - found > 8) continue;
    const size_t index = std::stoul(message.substr(found + 6, end - found - 6));
    if (index < parties.size() && static_cast<int>(index) != self) {
      out += " (" + parties[index].node + ")";
    }
  }
  out.append(message, at, std::string::npos);
  return out;
}

}  // namespace

template <typename Call>
auto CoordinatorAgent::Request(Call&& call) {
  std::lock_guard<std::mutex> lock(client_mu_);
  return call(*client_);
}

Result<std::unique_ptr<CoordinatorAgent>> CoordinatorAgent::Start(NodeServer& server,
                                                                  const NodeConfig& config,
                                                                  CoordinatorAgentOptions options) {
  if (!config.coordinator || !config.mesh_listen) {
    return InvalidArgumentError("the node configuration names no coordinator");
  }
  ARCA_ASSIGN_OR_RETURN(const Bytes pem, ReadFileBytes(config.coordinator->certificate));
  ARCA_ASSIGN_OR_RETURN(
      std::unique_ptr<client::CoordinatorClient> client,
      client::CoordinatorClient::Create({.host = config.coordinator->address.host,
                                         .port = config.coordinator->address.port,
                                         .certificate_pem = std::string(pem.begin(), pem.end()),
                                         .signer = config.node_id,
                                         .key = server.identity().signing_key()}));
  ARCA_ASSIGN_OR_RETURN(tee::Policy peer_policy, PeerPolicy(server.tee().root()));
  std::unique_ptr<CoordinatorAgent> agent(
      new CoordinatorAgent(server, config, std::move(client),
                           std::make_unique<tee::Policy>(std::move(peer_policy)), options));
  Result<std::unique_ptr<tee::MeshAcceptor>> acceptor =
      tee::MeshAcceptor::Start(*config.mesh_listen, agent->mesh_tls_);
  if (!acceptor.ok()) return acceptor.status().WithContext("mesh_listen");
  agent->acceptor_ = *std::move(acceptor);
  agent->poller_ = std::thread([a = agent.get()] { a->Poll(); });
  return agent;
}

CoordinatorAgent::CoordinatorAgent(NodeServer& server, const NodeConfig& config,
                                   std::unique_ptr<client::CoordinatorClient> client,
                                   std::unique_ptr<tee::Policy> peer_policy,
                                   CoordinatorAgentOptions options)
    : server_(server),
      node_id_(config.node_id),
      state_dir_(config.state_dir),
      options_(options),
      client_(std::move(client)),
      peer_policy_(std::move(peer_policy)),
      mesh_tls_{.self = tee::AttestedSelf{&server.identity(),
                                          [&server](ByteView report_data) {
                                            return server.Evidence(report_data);
                                          }},
                .peer = tee::PeerCheck{peer_policy_.get(), {}, Now}},
      runner_(JobRunnerOptions{
          .node_name = "'" + config.node_id + "'",
          .identity = &server.identity(),
          .attest = [&server](ByteView report_data) { return server.Evidence(report_data); },
          .store = &server.store(),
          .state_dir = config.state_dir,
          .network = [this](const JobAssignment& a) { return Links(a); },
      }) {}

Status CoordinatorAgent::Announce() {
  // Evidence for the identity key alone (no client nonce): a record, not a proof of freshness.
  const crypto::Sha256Digest key_digest = server_.identity().KeyDigest();
  ARCA_ASSIGN_OR_RETURN(const tee::Evidence evidence, server_.Evidence(key_digest));
  const nlohmann::json attestation = {{"platform", "sim"},
                                      {"simulated", true},
                                      {"measurement", ToHex(server_.tee().measurement())}};
  const std::string bundle = evidence.ToJson();
  ARCA_RETURN_IF_ERROR(Request([&](client::CoordinatorClient& c) {
                         return c.RecordEvidence(node_id_, AsBytes(bundle), attestation);
                       }).status());
  ARCA_ASSIGN_OR_RETURN(const std::vector<InterruptedJob> interrupted,
                        runner_.RecoverInterrupted());
  for (const InterruptedJob& job : interrupted) {
    const Result<nlohmann::json> reported =
        Request([&](client::CoordinatorClient& c) { return c.FailJob(job.job, job.error); });
    if (!reported.ok()) {
      log::Warn("job {}: could not report that the node restarted while it ran: {}", job.job,
                reported.status().ToString());
    }
  }
  announced_ = true;
  return OkStatus();
}

CoordinatorAgent::~CoordinatorAgent() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& [id, job] : jobs_) job->cancel->Cancel();
  }
  wake_.notify_all();
  if (poller_.joinable()) poller_.join();
  for (auto& [id, job] : jobs_) {
    if (job->thread.joinable()) job->thread.join();
  }
}

void CoordinatorAgent::Poll() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    const Status status = announced_ ? PollOnce() : Announce();
    // A coordinator that is down, or has not registered this node yet, is said once.
    const std::string problem = status.ok() ? "" : status.ToString();
    if (!problem.empty() && problem != last_problem_) log::Warn("coordinator: {}", problem);
    last_problem_ = problem;
    Reap();
    lock.lock();
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
  }
}

Status CoordinatorAgent::PollOnce() {
  ARCA_ASSIGN_OR_RETURN(const nlohmann::json answer,
                        Request([](client::CoordinatorClient& c) { return c.Work(); }));
  ARCA_ASSIGN_OR_RETURN(const WorkFeed feed, ParseWorkFeed(answer.dump()));
  ARCA_RETURN_IF_ERROR(ExecuteDestroyOrders(server_.store(), feed.destroy));
  std::lock_guard<std::mutex> lock(mu_);
  for (const JobAssignment& assignment : feed.jobs) {
    const auto it = jobs_.find(assignment.job);
    const bool active = assignment.status == "pending" || assignment.status == "running";
    if (it != jobs_.end()) {
      if (!active && !it->second->done) it->second->cancel->Cancel();
      continue;
    }
    if (!active || stopping_) continue;
    auto job = std::make_unique<RunningJob>();
    job->cancel = std::make_unique<CancelToken>();
    RunningJob* raw = job.get();
    job->thread = std::thread([this, assignment, raw] {
      RunJob(assignment, raw->cancel.get());
      raw->done = true;
    });
    jobs_.emplace(assignment.job, std::move(job));
  }
  return OkStatus();
}

void CoordinatorAgent::RunJob(const JobAssignment& assignment, CancelToken* cancel) {
  const int64_t id = assignment.job;
  const auto progress = [this, id](double fraction) {
    const Result<nlohmann::json> sent =
        Request([&](client::CoordinatorClient& c) { return c.ReportProgress(id, fraction); });
    if (!sent.ok()) log::Warn("job {}: progress not reported: {}", id, sent.status().ToString());
  };
  const auto start = std::chrono::steady_clock::now();
  Result<JobResult> result = runner_.Run(assignment, PlanProgram(assignment), progress, cancel);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Status reported;
  if (result.ok()) {
    const net::TrafficStats& t = result->traffic;
    log::Info(
        "job {} done in {:.2f} s: party {} sent {} bytes ({} online, {} preprocessing) in {} "
        "rounds",
        id, seconds, assignment.party, t.online_bytes_sent() + t.preprocessing_bytes_sent(),
        t.online_bytes_sent(), t.preprocessing_bytes_sent(), t.rounds);
    reported = Complete(*result);
  } else if (cancel->cancelled()) {
    log::Info("job {} cancelled", id);  // the coordinator said so: nothing to report
    return;
  } else {
    log::Warn("job {} failed: {}", id, result.status().ToString());
    const std::string error =
        NameParties(result.status().message(), assignment.parties, assignment.party);
    reported = Request([&](client::CoordinatorClient& c) { return c.FailJob(id, error); }).status();
  }
  if (!reported.ok()) log::Warn("job {}: not reported: {}", id, reported.ToString());
}

Status CoordinatorAgent::Complete(const JobResult& result) {
  if (!result.result_file.empty()) {
    // The client streams files; the result is ciphertext sealed to the consumer.
    const std::string path = fmt::format("{}/jobs/result-{}.tmp", state_dir_, result.job);
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(result.result_file.data()),
                static_cast<std::streamsize>(result.result_file.size()));
      if (!out) return InternalError("cannot write " + path);
    }
    const Result<nlohmann::json> uploaded = Request(
        [&](client::CoordinatorClient& c) { return c.UploadResult(result.job, node_id_, path); });
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    ARCA_RETURN_IF_ERROR(uploaded.status());
  }
  return Request([&](client::CoordinatorClient& c) {
           return c.Call("POST", fmt::format("/v1/jobs/{}/complete", result.job),
                         result.CompleteRequest().dump());
         })
      .status();
}

Result<std::unique_ptr<net::Network>> CoordinatorAgent::Links(const JobAssignment& a) {
  std::vector<net::Endpoint> endpoints;
  std::vector<Bytes> keys;
  for (const JobParty& party : a.parties) {
    ARCA_ASSIGN_OR_RETURN(net::Endpoint endpoint, net::ParseEndpoint(party.mesh_endpoint));
    endpoints.push_back(endpoint);
    keys.push_back(party.signing_key);
  }
  CancelToken* cancel = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = jobs_.find(a.job);
    if (it != jobs_.end()) cancel = it->second->cancel.get();
  }
  return tee::BuildAttestedNetwork(a.party, fmt::format("job-{}", a.job), endpoints, keys,
                                   *acceptor_, mesh_tls_, options_.mesh_timeout, {},
                                   [cancel] { return cancel != nullptr && cancel->cancelled(); });
}

void CoordinatorAgent::Reap() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, job] : jobs_) {
    if (job->done && job->thread.joinable()) job->thread.join();
  }
}

}  // namespace arca::node
