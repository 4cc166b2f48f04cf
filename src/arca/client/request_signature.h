// How a request to the coordinator is signed (docs/API.md, "Authentication").
//
// Every request but GET /v1/health carries four headers:
//   Arca-Party      the party id, or the node id, that signs
//   Arca-Time       when it was signed, RFC 3339 UTC to the second: 2026-01-01T00:00:00Z
//   Arca-Nonce      16 to 64 random bytes, lower-case hex, never reused
//   Arca-Signature  base64 of the Ed25519 signature of the signing bytes
// The signing bytes are six lines joined by "\n" (no newline at the end):
//   arca-coordinator-request-v1
//   <method, upper case>
//   <path with its query, exactly as sent: /v1/jobs?status=running>
//   <Arca-Time>
//   <Arca-Nonce>
//   <lower-case hex SHA-256 of the body; of the empty string when there is none>
// The coordinator refuses a signature that does not verify with the signer's registered key, a
// time more than 5 minutes from its clock, and a nonce it has seen within that window.
#ifndef ARCA_CLIENT_REQUEST_SIGNATURE_H_
#define ARCA_CLIENT_REQUEST_SIGNATURE_H_

#include <string>
#include <string_view>

#include "arca/base/time.h"
#include "arca/crypto/hash.h"
#include "arca/crypto/signing_key.h"

namespace arca::client {

inline constexpr std::string_view kPartyHeader = "Arca-Party";
inline constexpr std::string_view kTimeHeader = "Arca-Time";
inline constexpr std::string_view kNonceHeader = "Arca-Nonce";
inline constexpr std::string_view kSignatureHeader = "Arca-Signature";
inline constexpr std::string_view kRequestDomain = "arca-coordinator-request-v1";
inline constexpr size_t kNonceBytes = 16;

// The bytes the signature covers.
std::string RequestSigningBytes(std::string_view method, std::string_view target,
                                std::string_view time, std::string_view nonce,
                                const crypto::Sha256Digest& body_sha256);

// The values of the four headers.
struct RequestSignature {
  std::string party;
  std::string time;
  std::string nonce;
  std::string signature{};
};

// Signs a request as `party` at `now`, with a fresh random nonce.
RequestSignature SignRequest(const crypto::SigningKey& key, std::string_view party,
                             std::string_view method, std::string_view target,
                             const crypto::Sha256Digest& body_sha256, UnixTime now);

}  // namespace arca::client

#endif  // ARCA_CLIENT_REQUEST_SIGNATURE_H_
