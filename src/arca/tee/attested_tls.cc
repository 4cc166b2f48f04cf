#include "arca/tee/attested_tls.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "arca/base/logging.h"
#include "arca/crypto/self_signed.h"
#include "arca/tee/sigpipe.h"

namespace arca::tee {
namespace {

using nlohmann::json;

constexpr char kExporterLabel[] = "EXPORTER-arca-attestation-v1";

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  ERR_clear_error();
  if (code == 0) return "connection closed or timed out";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

// The certificate is checked through the evidence that binds its key, not through a CA.
int AcceptAnyCertificate(int /*preverify*/, X509_STORE_CTX* /*ctx*/) { return 1; }

Status UseIdentity(SSL_CTX* ctx, const NodeIdentity& identity) {
  crypto::CertificateFields fields;
  fields.common_name = "arca node";
  const UnixTime now = Now();
  fields.not_before = now - std::chrono::hours(1);
  fields.not_after = now + std::chrono::hours(24 * 365);
  ARCA_ASSIGN_OR_RETURN(const crypto::Certificate cert,
                        crypto::SelfSignedCertificate(identity.signing_key(), fields));
  if (SSL_CTX_use_certificate(ctx, cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, identity.signing_key().get()) != 1) {
    return InternalError("cannot load the node identity into TLS: " + OpenSslError());
  }
  return OkStatus();
}

// Timeouts on every read and write, and no Nagle delay: the attestation exchange is a few
// small messages each way, which Nagle's algorithm would hold back for a delayed ACK.
void ConfigureSocket(int fd, std::chrono::milliseconds timeout) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));  // fails harmlessly off TCP
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

// The peer certificate's raw Ed25519 key, or empty.
Bytes PeerSigningKey(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return {};
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519) return {};
  Bytes raw(32);
  size_t size = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, raw.data(), &size) != 1 || size != 32) return {};
  return raw;
}

struct PeerHello {
  std::optional<Evidence> evidence;
  Bytes hpke_key;
};

Result<PeerHello> ParseHello(const Bytes& message) {
  PeerHello hello;
  try {
    const json root = json::parse(message.begin(), message.end());
    if (!root.at("attested").get<bool>()) return hello;
    ARCA_ASSIGN_OR_RETURN(hello.evidence,
                          ParseEvidence(AsBytes(root.at("evidence").get<std::string>())));
    ARCA_ASSIGN_OR_RETURN(hello.hpke_key, FromHex(root.at("hpke_public_key").get<std::string>()));
  } catch (const json::exception& e) {
    return DataLossError(std::string("malformed attestation hello from the peer: ") + e.what());
  }
  return hello;
}

}  // namespace

Result<std::unique_ptr<AttestedChannel>> AttestedChannel::Connect(
    int fd, const AttestedTlsOptions& options) {
  return Open(fd, /*server=*/false, options);
}

Result<std::unique_ptr<AttestedChannel>> AttestedChannel::Accept(
    int fd, const AttestedTlsOptions& options) {
  return Open(fd, /*server=*/true, options);
}

Result<std::unique_ptr<AttestedChannel>> AttestedChannel::Open(int fd, bool server,
                                                               const AttestedTlsOptions& options) {
  SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  if (ctx == nullptr) {
    ::close(fd);
    return ResourceExhaustedError("cannot create a TLS context");
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
  // Read whole bursts of records per system call rather than one 16 KiB record at a time.
  SSL_CTX_set_read_ahead(ctx, 1);
  SSL_CTX_set_default_read_buffer_len(ctx, size_t{256} * 1024);
  if (options.peer) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       AcceptAnyCertificate);
  }
  // The session copies the context's certificate when it is created: load it first.
  Status identity = OkStatus();
  if (options.self) {
    identity = options.self->identity == nullptr || !options.self->attest
                   ? InvalidArgumentError("an attested side needs an identity and a TEE")
                   : UseIdentity(ctx, *options.self->identity);
  }
  SSL* ssl = SSL_new(ctx);
  // From here on the channel owns ctx, ssl and fd, and its destructor frees them.
  std::unique_ptr<AttestedChannel> channel(new AttestedChannel(ctx, ssl, fd));
  ARCA_RETURN_IF_ERROR(identity);
  if (ssl == nullptr) return ResourceExhaustedError("cannot create a TLS session");
  ConfigureSocket(fd, options.timeout);
  SSL_set_fd(ssl, fd);
  const ScopedSigpipeBlock no_sigpipe;
  const int handshake = server ? SSL_accept(ssl) : SSL_connect(ssl);
  if (handshake != 1) {
    return UnavailableError(std::string("TLS 1.3 handshake failed: ") + OpenSslError());
  }
  ARCA_RETURN_IF_ERROR(channel->Exchange(options));
  return channel;
}

// The attestation exchange: hellos both ways, then verdicts both ways.
Status AttestedChannel::Exchange(const AttestedTlsOptions& options) {
  crypto::Sha256Digest exporter{};
  if (SSL_export_keying_material(ssl_, exporter.data(), exporter.size(), kExporterLabel,
                                 std::strlen(kExporterLabel), nullptr, 0, 0) != 1) {
    return InternalError("cannot derive the TLS exporter: " + OpenSslError());
  }

  json hello = {{"attested", options.self.has_value()}};
  if (options.self) {
    const NodeIdentity& identity = *options.self->identity;
    ARCA_ASSIGN_OR_RETURN(const Evidence evidence,
                          options.self->attest(ReportData(identity.KeyDigest(), exporter)));
    hello["evidence"] = evidence.ToJson();
    hello["hpke_public_key"] = ToHex(identity.hpke_key().public_key);
  }
  ARCA_RETURN_IF_ERROR(Send(AsBytes(hello.dump())));
  ARCA_ASSIGN_OR_RETURN(const Bytes peer_hello_bytes, Receive());
  ARCA_ASSIGN_OR_RETURN(PeerHello peer_hello, ParseHello(peer_hello_bytes));

  std::string refusal;
  if (options.peer) {
    const Bytes signing_key = PeerSigningKey(ssl_);
    if (!peer_hello.evidence) {
      refusal = "the peer presented no attestation evidence";
    } else if (signing_key.empty()) {
      refusal = "the peer's TLS certificate does not hold an Ed25519 node key";
    } else {
      const Expectations expect{
          options.peer->clock(), IdentityDigest(signing_key, peer_hello.hpke_key), exporter, {}};
      Result<Statement> statement =
          Attest(*peer_hello.evidence, *options.peer->policy, expect, options.peer->collateral);
      if (!statement.ok()) {
        refusal = statement.status().ToString();
      } else if (!statement->verdict.accepted) {
        refusal = statement->verdict.reason;
      } else {
        peer_statement_ = *std::move(statement);
        peer_identity_key_ = signing_key;
        peer_hpke_key_ = peer_hello.hpke_key;
      }
    }
  }
  // Verdicts cross like hellos: each side sends its own, then reads the peer's, and only then
  // acts on them, so a refusing side never closes while its peer is still sending.
  ARCA_RETURN_IF_ERROR(
      Send(AsBytes(json{{"accepted", refusal.empty()}, {"reason", refusal}}.dump())));
  Result<Bytes> peer_verdict = Receive();
  if (!refusal.empty()) {
    log::Warn("attested TLS: disconnecting a peer that failed attestation: {}", refusal);
    return PermissionDeniedError("peer attestation refused: " + refusal);
  }
  if (!peer_verdict.ok()) return peer_verdict.status();
  try {
    const json verdict = json::parse(peer_verdict->begin(), peer_verdict->end());
    if (!verdict.at("accepted").get<bool>()) {
      return PermissionDeniedError("the peer refused this side's attestation: " +
                                   verdict.at("reason").get<std::string>());
    }
  } catch (const json::exception& e) {
    return DataLossError(std::string("malformed attestation verdict from the peer: ") + e.what());
  }
  return OkStatus();
}

Status AttestedChannel::WriteAll(const uint8_t* data, size_t size) {
  const ScopedSigpipeBlock no_sigpipe;
  size_t written = 0;
  while (written < size) {
    size_t n = 0;
    if (SSL_write_ex(ssl_, data + written, size - written, &n) != 1) {
      return UnavailableError("attested channel: send failed: " + OpenSslError());
    }
    written += n;
  }
  return OkStatus();
}

Status AttestedChannel::ReadAll(uint8_t* data, size_t size) {
  const ScopedSigpipeBlock no_sigpipe;  // reading may write too (alerts)
  size_t read = 0;
  while (read < size) {
    size_t n = 0;
    if (SSL_read_ex(ssl_, data + read, size - read, &n) != 1) {
      return UnavailableError("attested channel: receive failed: " + OpenSslError());
    }
    read += n;
  }
  return OkStatus();
}

Status AttestedChannel::Send(ByteView message) {
  if (message.size() > kMaxMessageBytes) {
    return InvalidArgumentError("attested channel: a message is limited to 1 GiB");
  }
  uint8_t header[4];
  for (int i = 0; i < 4; ++i) header[i] = static_cast<uint8_t>(message.size() >> (24 - 8 * i));
  ARCA_RETURN_IF_ERROR(WriteAll(header, sizeof(header)));
  return WriteAll(message.data(), message.size());
}

Result<Bytes> AttestedChannel::Receive() {
  uint8_t header[4];
  ARCA_RETURN_IF_ERROR(ReadAll(header, sizeof(header)));
  size_t size = 0;
  for (const uint8_t byte : header) size = size << 8 | byte;
  if (size > kMaxMessageBytes) {
    return DataLossError("attested channel: the peer announced a message over 1 GiB");
  }
  Bytes message(size);
  ARCA_RETURN_IF_ERROR(ReadAll(message.data(), size));
  return message;
}

AttestedChannel::~AttestedChannel() {
  if (ssl_ != nullptr) {
    const ScopedSigpipeBlock no_sigpipe;
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  SSL_CTX_free(ctx_);
  ::close(fd_);
  ERR_clear_error();
}

}  // namespace arca::tee
