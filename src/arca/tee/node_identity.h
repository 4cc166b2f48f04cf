// A node's identity: the keys it generates inside its TEE and binds into its evidence.
//
// The Ed25519 key authenticates the node (its attested-TLS certificate, its signatures on
// receipts); the X25519 key receives HPKE-encrypted uploads. Evidence binds both through
// report_data = KeyDigest() || nonce. The private keys leave the node only sealed to its
// measurement (sealing.h).
#ifndef ARCA_TEE_NODE_IDENTITY_H_
#define ARCA_TEE_NODE_IDENTITY_H_

#include <string>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/crypto/hash.h"
#include "arca/crypto/signing_key.h"
#include "arca/crypto/x25519.h"
#include "arca/tee/sealing.h"

namespace arca::tee {

// SHA-256("arca node identity v1" || Ed25519 public key || X25519 public key).
crypto::Sha256Digest IdentityDigest(ByteView signing_public_key, ByteView hpke_public_key);

class NodeIdentity {
 public:
  static NodeIdentity Generate();
  // Loads the identity sealed at `path`, or generates one and seals it there.
  static Result<NodeIdentity> LoadOrCreate(const std::string& path, const SealingKey& key);

  const crypto::SigningKey& signing_key() const { return signing_key_; }
  const crypto::X25519KeyPair& hpke_key() const { return hpke_key_; }
  crypto::Sha256Digest KeyDigest() const;

 private:
  NodeIdentity(crypto::SigningKey signing_key, crypto::X25519KeyPair hpke_key)
      : signing_key_(std::move(signing_key)), hpke_key_(hpke_key) {}
  crypto::SigningKey signing_key_;
  crypto::X25519KeyPair hpke_key_;
};

}  // namespace arca::tee

#endif  // ARCA_TEE_NODE_IDENTITY_H_
