#include "arca/client/request_signature.h"

#include <array>

#include "arca/base/bytes.h"
#include "arca/crypto/os_random.h"

namespace arca::client {

std::string RequestSigningBytes(std::string_view method, std::string_view target,
                                std::string_view time, std::string_view nonce,
                                const crypto::Sha256Digest& body_sha256) {
  std::string out(kRequestDomain);
  for (const std::string_view line : {method, target, time, nonce}) {
    out += '\n';
    out += line;
  }
  out += '\n';
  out += ToHex(body_sha256);
  return out;
}

RequestSignature SignRequest(const crypto::SigningKey& key, std::string_view party,
                             std::string_view method, std::string_view target,
                             const crypto::Sha256Digest& body_sha256, UnixTime now) {
  std::array<uint8_t, kNonceBytes> nonce{};
  crypto::OsRandom(nonce);
  RequestSignature out{.party = std::string(party), .time = FormatTime(now), .nonce = ToHex(nonce)};
  const crypto::Ed25519Signature signature =
      key.Sign(AsBytes(RequestSigningBytes(method, target, out.time, out.nonce, body_sha256)));
  out.signature = ToBase64(signature);
  return out;
}

}  // namespace arca::client
