// arca-coordinator's server: the API (api.h) over HTTPS on one address, with its state in one
// directory:
//   coordinator.db    the store (store.h)
//   coordinator.key   the TLS key's Ed25519 seed (mode 0600), made on first start
//   coordinator.crt   its self-signed certificate (PEM), which clients pin
//   results/, tmp/    result files uploaded by nodes, and uploads in progress
#ifndef ARCA_COORD_API_SERVER_H_
#define ARCA_COORD_API_SERVER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/coord/api.h"
#include "arca/coord/store.h"
#include "arca/crypto/signing_key.h"
#include "arca/crypto/x509.h"

namespace httplib {
class SSLServer;
}  // namespace httplib

namespace arca::coord {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: the kernel picks one (see port())
  std::string state_dir;
  // The platform operator's raw Ed25519 public key, registered on first start as party
  // "platform" with role platform. On later starts it must match, or be left out.
  std::optional<Bytes> admin_key{};
  uint64_t max_result_bytes = uint64_t{1} << 30;
};

class ApiServer {
 public:
  // Opens (or creates) the state directory and serves on a background thread.
  static Result<std::unique_ptr<ApiServer>> Start(const ServerOptions& options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  uint16_t port() const { return port_; }
  const crypto::Certificate& certificate() const { return certificate_; }
  // Stops accepting, finishes requests in flight, and returns; the destructor does it too.
  void Stop();

 private:
  ApiServer(std::unique_ptr<Store> store, crypto::Certificate certificate);

  std::unique_ptr<Store> store_;
  std::unique_ptr<Api> api_;
  crypto::Certificate certificate_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

// The TLS identity in `state_dir`, made if missing: its key and self-signed certificate.
struct TlsIdentity {
  crypto::SigningKey key;
  crypto::Certificate certificate;
};
Result<TlsIdentity> LoadOrCreateTlsIdentity(const std::string& state_dir);

}  // namespace arca::coord

#endif  // ARCA_COORD_API_SERVER_H_
