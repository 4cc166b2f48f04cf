// A data or code owner's uploads to a node, and withdrawals, over the node's attested
// endpoint (docs/NODE.md, "Uploads").
//
// The owner connects with tee::AttestedChannel, judging the node with its own policy (as
// `arca owner verify-nodes` does), and streams the node's share file (upload.h):
//
//   -> {"op": "upload_begin", "kind": "dataset" | "model", "owner_key": "<hex Ed25519>",
//       "size": N}
//   <- {"ok": true}
//   -> chunk messages: 0x00 || up to kMaxUploadChunk bytes of the file, N bytes in all
//   <- one answer per chunk: {"ok": true, "received": bytes so far}
//   -> {"op": "upload_end"}
//   <- {"ok": true, "location": "blob:...", "sha256": "<hex of the N bytes>", "rows": R,
//       "columns": C, "dataset": name, "version": V, "protocol": "dealer2pc"}
//
// Every message gets exactly one answer; an error answer {"ok": false, "error": "..."} ends
// the upload, and the node keeps nothing of it. The client keeps at most two chunks in flight
// (one sent and unacknowledged while it reads the next), so memory stays at two chunks on
// either side whatever the file's size. The owner key binds the upload: only a signature by
// it withdraws the blob:
//
//   -> {"op": "withdraw", "location": "blob:...", "time": "2025-01-02T03:04:05Z",
//       "signature": "<hex Ed25519 over WithdrawMessage(location, time)>"}
//   <- {"ok": true, "destroyed": true | false (nothing was stored there)}
#ifndef ARCA_CLIENT_NODE_UPLOAD_H_
#define ARCA_CLIENT_NODE_UPLOAD_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/crypto/hash.h"
#include "arca/crypto/signing_key.h"
#include "arca/net/tcp_link.h"
#include "arca/tee/attested_tls.h"
#include "arca/tee/policy.h"

namespace arca::client {

inline constexpr size_t kUploadChunk = size_t{1} << 20;
inline constexpr size_t kMaxUploadChunk = size_t{8} << 20;
inline constexpr uint8_t kChunkMessageTag = 0x00;
// How far a withdrawal's time may be from the node's clock.
inline constexpr std::chrono::seconds kWithdrawWindow{600};

// The bytes a withdrawal signs: "arca withdraw v1" || 0x00 || location || 0x00 || time as
// FormatTime writes it.
Bytes WithdrawMessage(std::string_view location, UnixTime time);

// Connects to a node and attests it with `policy` (one-way: the node proves itself). The
// channel is returned only if the node's evidence was accepted.
Result<std::unique_ptr<tee::AttestedChannel>> ConnectToNode(const net::Endpoint& node,
                                                            const tee::Policy& policy);

struct UploadAnswer {
  std::string location;
  crypto::Sha256Digest sha256{};  // of the bytes sent; checked against the client's own
  int64_t rows = 0;
  int64_t columns = 0;
};

// Called after each acknowledged chunk.
using UploadProgress = std::function<void(uint64_t bytes_sent, uint64_t total)>;

// Streams the share file at `path` to the node at the other end of `channel`. `kind` is
// "dataset" or "model"; `owner_key` is the key that may later withdraw it. The node's digest
// of what it received must equal this side's, or the upload is an error.
Result<UploadAnswer> UploadShareFile(tee::AttestedChannel& channel, const std::string& path,
                                     std::string_view kind, const crypto::SigningKey& owner_key,
                                     const UploadProgress& progress);

// Asks the node to destroy the blob at `location`, signed with the key that uploaded it, at
// time `now`. Returns whether the node held it.
Result<bool> WithdrawUpload(tee::AttestedChannel& channel, std::string_view location,
                            const crypto::SigningKey& owner_key, UnixTime now);

}  // namespace arca::client

#endif  // ARCA_CLIENT_NODE_UPLOAD_H_
