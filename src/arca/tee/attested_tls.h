// Attested channels: TLS 1.3 (OpenSSL) whose keys are the keys the peers' evidence binds.
//
// Each attested side presents a self-signed certificate for its node identity's Ed25519 key;
// no certificate authority is involved, because trust comes from attestation. Right after the
// handshake, each side sends a hello carrying its evidence, whose report_data is
//   IdentityDigest(certificate key, HPKE key) || TLS exporter("EXPORTER-arca-attestation-v1")
// so the evidence is fresh for this session and bound to this very TLS channel: a relayed or
// replayed report fails the key or nonce check. Each checking side judges the peer with its
// policy and sends its verdict; the channel is handed to the application only when both
// verdicts are "accepted", so no application byte flows to or from a refused peer.
//
// Client -> node is one-way attested (the node proves itself; the client is not a TEE);
// node <-> node is mutual (both sides set `self` and `peer`).
#ifndef ARCA_TEE_ATTESTED_TLS_H_
#define ARCA_TEE_ATTESTED_TLS_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/tee/attestation.h"
#include "arca/tee/collateral.h"
#include "arca/tee/evidence.h"
#include "arca/tee/node_identity.h"
#include "arca/tee/policy.h"

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;

namespace arca::tee {

// How this side proves itself.
struct AttestedSelf {
  const NodeIdentity* identity = nullptr;
  // This side's evidence for the given 64 bytes of report_data (its TEE).
  std::function<Result<Evidence>(ByteView report_data)> attest;
};

// How this side judges its peer.
struct PeerCheck {
  const Policy* policy = nullptr;
  Collateral collateral;
  std::function<UnixTime()> clock = Now;
};

struct AttestedTlsOptions {
  std::optional<AttestedSelf> self;  // absent: this side is a client outside any TEE
  std::optional<PeerCheck> peer;     // absent: the peer is not checked (a node serving clients)
  std::chrono::milliseconds timeout{30000};
};

class AttestedChannel {
 public:
  // Runs the handshake and the attestation exchange on a connected socket, which the channel
  // owns from then on (it is closed on failure too).
  static Result<std::unique_ptr<AttestedChannel>> Connect(int fd,
                                                          const AttestedTlsOptions& options);
  static Result<std::unique_ptr<AttestedChannel>> Accept(int fd, const AttestedTlsOptions& options);

  AttestedChannel(const AttestedChannel&) = delete;
  AttestedChannel& operator=(const AttestedChannel&) = delete;
  ~AttestedChannel();

  // One message (at most kMaxMessageBytes), framed.
  Status Send(ByteView message);
  Result<Bytes> Receive();

  // The peer's verified statement, its Ed25519 identity key (raw, 32 bytes: the key of its TLS
  // certificate, which the statement binds) and its HPKE key, when the peer was checked.
  const std::optional<Statement>& peer_statement() const { return peer_statement_; }
  const Bytes& peer_identity_key() const { return peer_identity_key_; }
  const Bytes& peer_hpke_key() const { return peer_hpke_key_; }

  // The TLS session and its socket, for a transport that takes over this channel's I/O
  // (attested_link.h). Once it has, Send and Receive must not be called; the channel still
  // frees both when it is destroyed.
  SSL* tls_session() const { return ssl_; }
  int socket() const { return fd_; }

  static constexpr size_t kMaxMessageBytes = size_t{1} << 30;

 private:
  AttestedChannel(SSL_CTX* ctx, SSL* ssl, int fd) : ctx_(ctx), ssl_(ssl), fd_(fd) {}
  static Result<std::unique_ptr<AttestedChannel>> Open(int fd, bool server,
                                                       const AttestedTlsOptions& options);
  Status Exchange(const AttestedTlsOptions& options);
  Status WriteAll(const uint8_t* data, size_t size);
  Status ReadAll(uint8_t* data, size_t size);

  SSL_CTX* ctx_;
  SSL* ssl_;
  int fd_;
  std::optional<Statement> peer_statement_;
  Bytes peer_identity_key_;
  Bytes peer_hpke_key_;
};

}  // namespace arca::tee

#endif  // ARCA_TEE_ATTESTED_TLS_H_
