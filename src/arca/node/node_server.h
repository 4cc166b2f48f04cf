// The node's attested endpoint: every connection is attested TLS (tee/attested_tls.h) in
// which this node proves itself with its (SIMULATED) TEE, then carries JSON requests.
//
// Requests, one JSON message each, answered by one JSON message:
//   {"op": "status"} -> {"ok": true, "role": "compute", "index": 0, "platform": "sim",
//                        "simulated": true}
//   upload_begin, chunks, upload_end, withdraw: client/node_upload.h (a dealer refuses them:
//   it holds no shares)
// Unknown ops get {"ok": false, "error": "..."}.
//
// Uploads are kept in the node's store, `state_dir/store` (share_store.h), sealed with a key
// derived for the purpose "node store".
#ifndef ARCA_NODE_NODE_SERVER_H_
#define ARCA_NODE_NODE_SERVER_H_

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "arca/base/status.h"
#include "arca/node/node_config.h"
#include "arca/node/share_store.h"
#include "arca/tee/evidence.h"
#include "arca/tee/node_identity.h"
#include "arca/tee/sim_tee.h"

namespace arca::node {

class NodeServer {
 public:
  // Loads the SIMULATED root, measures this program, loads or creates the sealed identity in
  // the state directory, and listens. Serving starts on a background thread.
  static Result<std::unique_ptr<NodeServer>> Start(const NodeConfig& config);
  ~NodeServer();
  NodeServer(const NodeServer&) = delete;
  NodeServer& operator=(const NodeServer&) = delete;

  uint16_t port() const { return port_; }
  const tee::SimTee& tee() const { return tee_; }
  const tee::NodeIdentity& identity() const { return identity_; }
  const ShareStore& store() const { return *store_; }
  // This node's evidence binding `report_data` (what attested TLS and receipts carry).
  Result<tee::Evidence> Evidence(ByteView report_data) const;

 private:
  NodeServer(NodeConfig config, tee::SimTee tee, tee::NodeIdentity identity,
             std::unique_ptr<ShareStore> store, int listener, uint16_t port);
  void Serve();
  void Handle(int fd);
  // Joins the threads of connections that have ended.
  void Reap();

  NodeConfig config_;
  tee::SimTee tee_;
  tee::NodeIdentity identity_;
  std::unique_ptr<ShareStore> store_;
  int listener_;
  uint16_t port_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;  // accepts connections

  // Each connection has its own thread, so a slow or idle client delays nobody else. On stop,
  // their sockets are shut down to wake them.
  static constexpr size_t kMaxConnections = 64;
  std::mutex mutex_;
  std::set<int> open_fds_;               // duplicates of open sockets; guarded by mutex_
  std::list<std::thread> connections_;   // owned by the accepting thread
  std::list<std::thread::id> finished_;  // guarded by mutex_
};

}  // namespace arca::node

#endif  // ARCA_NODE_NODE_SERVER_H_
