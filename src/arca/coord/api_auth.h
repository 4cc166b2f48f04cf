// Authentication of API requests (client/request_signature.h has the format): who signed a
// request, checked against the key registered for that party or node, its time and its nonce.
//
// Every refusal is one line that says what was wrong, never why a key failed in detail: an
// unknown signer, a signature that does not verify, a time outside the window, a replayed
// nonce, a missing or malformed header.
#ifndef ARCA_COORD_API_AUTH_H_
#define ARCA_COORD_API_AUTH_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/coord/records.h"
#include "arca/coord/store.h"
#include "arca/crypto/hash.h"

namespace arca::coord {

// How far a request's time may be from the coordinator's clock, either way.
inline constexpr std::chrono::seconds kRequestTimeWindow{300};

// The four headers, parsed: each present, well formed and of bounded size.
struct AuthHeaders {
  std::string signer;  // a party or node id
  std::string time_text;
  UnixTime time;
  std::string nonce;  // lower-case hex, 32..128 digits
  Bytes signature;    // 64 bytes
};

// A header's value, or nullopt when the request lacks it.
using HeaderLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Invalid-argument errors name the header and what is wrong with it.
Result<AuthHeaders> ParseAuthHeaders(const HeaderLookup& header);

// Who a request comes from: a party with its role, or a node.
struct Caller {
  std::string id;
  bool is_node = false;
  PartyRole role = PartyRole::kConsumer;  // parties only

  // "'insurer' (consumer)", "node 'node-0'".
  std::string Describe() const;
};

// Nonces seen within the time window, each forgotten once a request carrying it would be
// refused for its time anyway. Safe to use from several threads.
class NonceCache {
 public:
  explicit NonceCache(size_t capacity) : capacity_(capacity) {}
  // False if `nonce` was seen and not yet forgotten; a resource-exhausted error if the cache
  // is full of live nonces.
  Result<bool> Remember(const std::string& nonce, UnixTime now);

 private:
  std::mutex mutex_;
  size_t capacity_;
  std::map<std::string, UnixTime> expiry_;  // nonce -> when it may be forgotten
};

class Authenticator {
 public:
  // Requests signed before `started` are refused: a restarted coordinator has forgotten the
  // nonces it saw, so only requests made since cannot be replays.
  Authenticator(Store& store, std::function<UnixTime()> clock, UnixTime started,
                size_t nonce_capacity = size_t{1} << 20)
      : store_(store), clock_(std::move(clock)), started_(started), nonces_(nonce_capacity) {}

  // Errors are permission-denied (the API answers 401), except malformed headers
  // (invalid-argument, also 401) and a full nonce cache (resource-exhausted, 503).
  Result<Caller> Authenticate(std::string_view method, std::string_view target,
                              const HeaderLookup& header, const crypto::Sha256Digest& body_sha256);

 private:
  Store& store_;
  std::function<UnixTime()> clock_;
  UnixTime started_;
  NonceCache nonces_;
};

}  // namespace arca::coord

#endif  // ARCA_COORD_API_AUTH_H_
