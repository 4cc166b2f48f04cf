#include "arca/coord/api_auth.h"

#include <fmt/format.h>

#include <algorithm>

#include "arca/client/request_signature.h"
#include "arca/coord/store_rows.h"
#include "arca/crypto/public_key.h"

namespace arca::coord {
namespace {

constexpr size_t kMaxSignerLength = 128;
constexpr size_t kMinNonceHex = 2 * client::kNonceBytes;
constexpr size_t kMaxNonceHex = 128;
constexpr size_t kMaxSignatureBase64 = 128;

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<std::string> Required(const HeaderLookup& header, std::string_view name, size_t max) {
  std::optional<std::string> value = header(name);
  if (!value || value->empty()) {
    return InvalidArgumentError(fmt::format(
        "the request has no {} header: sign every request (docs/API.md, Authentication)", name));
  }
  if (value->size() > max) {
    return InvalidArgumentError(fmt::format("the {} header is longer than {} bytes", name, max));
  }
  return *std::move(value);
}

}  // namespace

Result<AuthHeaders> ParseAuthHeaders(const HeaderLookup& header) {
  AuthHeaders out;
  ARCA_ASSIGN_OR_RETURN(out.signer, Required(header, client::kPartyHeader, kMaxSignerLength));
  ARCA_ASSIGN_OR_RETURN(out.time_text, Required(header, client::kTimeHeader, 32));
  Result<UnixTime> time = ParseTime(out.time_text);
  if (!time.ok() || FormatTime(*time) != out.time_text) {
    return InvalidArgumentError(
        fmt::format("the {} header is not an RFC 3339 UTC time like 2026-01-01T00:00:00Z",
                    client::kTimeHeader));
  }
  out.time = *time;
  ARCA_ASSIGN_OR_RETURN(out.nonce, Required(header, client::kNonceHeader, kMaxNonceHex));
  if (out.nonce.size() < kMinNonceHex || out.nonce.size() % 2 != 0 || !IsLowerHex(out.nonce)) {
    return InvalidArgumentError(fmt::format("the {} header must be {} to {} lower-case hex digits",
                                            client::kNonceHeader, kMinNonceHex, kMaxNonceHex));
  }
  ARCA_ASSIGN_OR_RETURN(const std::string signature,
                        Required(header, client::kSignatureHeader, kMaxSignatureBase64));
  Result<Bytes> bytes = FromBase64(signature);
  if (!bytes.ok() || bytes->size() != crypto::kEd25519SignatureSize) {
    return InvalidArgumentError(
        fmt::format("the {} header is not the base64 of a 64-byte Ed25519 signature",
                    client::kSignatureHeader));
  }
  out.signature = *std::move(bytes);
  return out;
}

std::string Caller::Describe() const {
  if (is_node) return fmt::format("node '{}'", id);
  return fmt::format("'{}' ({})", id, Name(role));
}

Result<bool> NonceCache::Remember(const std::string& nonce, UnixTime now) {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = expiry_.begin(); it != expiry_.end();) {
    it = it->second < now ? expiry_.erase(it) : std::next(it);
  }
  if (expiry_.contains(nonce)) return false;
  if (expiry_.size() >= capacity_) {
    return ResourceExhaustedError(
        "the coordinator is receiving more requests than it can check "
        "for replays; try again in a few minutes");
  }
  // A request with this nonce is refused for its time once `now` is past the window.
  expiry_.emplace(nonce, now + 2 * kRequestTimeWindow);
  return true;
}

Result<Caller> Authenticator::Authenticate(std::string_view method, std::string_view target,
                                           const HeaderLookup& header,
                                           const crypto::Sha256Digest& body_sha256) {
  ARCA_ASSIGN_OR_RETURN(const AuthHeaders headers, ParseAuthHeaders(header));
  Caller caller{.id = headers.signer};
  Bytes key;
  if (Result<Party> party = store_.GetParty(headers.signer); party.ok()) {
    key = party->spec.public_key;
    caller.role = party->spec.role;
  } else if (Result<Node> node = store_.GetNode(headers.signer); node.ok()) {
    key = node->spec.signing_key;
    caller.is_node = true;
  } else {
    return PermissionDeniedError(
        fmt::format("'{}' is neither a registered party nor a registered node",
                    rows::Printable(headers.signer)));
  }
  if (key.size() != kEd25519PublicKeySize) {
    return PermissionDeniedError(fmt::format(
        "node '{}' has no signing key registered (it predates schema version 3)", caller.id));
  }
  const UnixTime now = clock_();
  if (headers.time < now - kRequestTimeWindow || headers.time > now + kRequestTimeWindow) {
    return PermissionDeniedError(
        fmt::format("the request was signed at {}, more than {} s from the coordinator's time {}: "
                    "check the clock of the signer",
                    headers.time_text, kRequestTimeWindow.count(), FormatTime(now)));
  }
  if (headers.time < started_) {
    return PermissionDeniedError(fmt::format(
        "the request was signed at {}, before the coordinator started at {}: sign it again",
        headers.time_text, FormatTime(started_)));
  }
  ARCA_ASSIGN_OR_RETURN(const crypto::PublicKey public_key, crypto::PublicKey::FromEd25519(key));
  const std::string signed_bytes =
      client::RequestSigningBytes(method, target, headers.time_text, headers.nonce, body_sha256);
  if (!crypto::VerifyEd25519(public_key, AsBytes(signed_bytes), headers.signature).ok()) {
    return PermissionDeniedError(fmt::format(
        "the request's signature does not verify with the key registered for '{}'", caller.id));
  }
  ARCA_ASSIGN_OR_RETURN(const bool fresh, nonces_.Remember(headers.nonce, now));
  if (!fresh) {
    return PermissionDeniedError(fmt::format("the request replays nonce {} that '{}' already used",
                                             headers.nonce, caller.id));
  }
  return caller;
}

}  // namespace arca::coord
