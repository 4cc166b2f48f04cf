// A node's side of one upload (client/node_upload.h has the messages): the share file arrives
// in pieces and goes at once to three places — the store's writer (sealed records on disk),
// a SHA-256 of the ciphertext, and the HPKE stream opener that authenticates it with this
// node's key. Nothing but the current piece is held in memory, and nothing is stored unless
// the whole file authenticates.
//
// Refused, with one line and nothing kept: a header for another node or for a protocol in
// which this node holds no parts ("misrouted"), a file that does not decrypt with this node's
// key or whose body does not match its header ("tampered"), and a size other than declared.
#ifndef ARCA_NODE_SHARE_UPLOAD_H_
#define ARCA_NODE_SHARE_UPLOAD_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/client/upload.h"
#include "arca/crypto/hpke.h"
#include "arca/crypto/x25519.h"
#include "arca/node/share_store.h"

namespace arca::node {

struct ReceivedShareFile {
  std::string location;
  crypto::Sha256Digest sha256{};
  client::ShareFileHeader header;
};

class ShareFileReceiver {
 public:
  // `size` is the file's declared length; `owner_key` a raw 32-byte Ed25519 public key.
  static Result<std::unique_ptr<ShareFileReceiver>> Begin(const ShareStore& store,
                                                          const crypto::X25519KeyPair& hpke_key,
                                                          int node_index, BlobKind kind,
                                                          Bytes owner_key, uint64_t size);

  // The next piece of the file. After an error the upload is over and nothing is stored.
  Status Append(ByteView bytes);
  // Checks that the whole file arrived and authenticated, then commits it to the store.
  Result<ReceivedShareFile> Finish();

  uint64_t received() const { return received_; }

 private:
  ShareFileReceiver(std::unique_ptr<BlobWriter> writer, const crypto::X25519KeyPair& hpke_key,
                    int node_index, BlobKind kind, Bytes owner_key, uint64_t size);
  Status Consume(ByteView bytes);
  Status OnHeader();

  std::unique_ptr<BlobWriter> writer_;
  crypto::X25519Key private_key_;
  int node_index_;
  BlobKind kind_;
  Bytes owner_key_;
  uint64_t size_;
  uint64_t received_ = 0;
  Bytes header_bytes_;  // until the header is complete
  std::optional<client::ShareFileHeader> header_;
  std::optional<crypto::hpke::StreamOpener> opener_;
  uint64_t body_expected_ = 0;
  uint64_t body_seen_ = 0;
  Bytes plain_;  // scratch for the opener's output, discarded piece by piece
  bool failed_ = false;
};

}  // namespace arca::node

#endif  // ARCA_NODE_SHARE_UPLOAD_H_
