#include "arca/tee/node_identity.h"

#include <algorithm>
#include <filesystem>

namespace arca::tee {

crypto::Sha256Digest IdentityDigest(ByteView signing_public_key, ByteView hpke_public_key) {
  return crypto::Sha256({AsBytes("arca node identity v1"), signing_public_key, hpke_public_key});
}

NodeIdentity NodeIdentity::Generate() {
  return {crypto::SigningKey::Generate(), crypto::GenerateX25519KeyPair()};
}

Result<NodeIdentity> NodeIdentity::LoadOrCreate(const std::string& path, const SealingKey& key) {
  if (!std::filesystem::exists(path)) {
    NodeIdentity identity = Generate();
    Bytes secret(64);
    const crypto::Ed25519Seed seed = identity.signing_key_.Seed();
    std::copy(seed.begin(), seed.end(), secret.begin());
    std::copy(identity.hpke_key_.private_key.begin(), identity.hpke_key_.private_key.end(),
              secret.begin() + 32);
    const Status written = WriteSealedFile(path, key, secret);
    std::fill(secret.begin(), secret.end(), 0);
    ARCA_RETURN_IF_ERROR(written);
    return identity;
  }
  Result<Bytes> secret = ReadSealedFile(path, key);
  if (!secret.ok()) return secret.status().WithContext("node identity '" + path + "'");
  if (secret->size() != 64) {
    return DataLossError("node identity '" + path + "' has the wrong size");
  }
  ARCA_ASSIGN_OR_RETURN(crypto::SigningKey signing_key,
                        crypto::SigningKey::FromSeed(ByteView(*secret).first(32)));
  crypto::X25519KeyPair hpke_key;
  std::copy(secret->begin() + 32, secret->end(), hpke_key.private_key.begin());
  std::fill(secret->begin(), secret->end(), 0);
  ARCA_ASSIGN_OR_RETURN(hpke_key.public_key, crypto::X25519PublicKey(hpke_key.private_key));
  return NodeIdentity(std::move(signing_key), hpke_key);
}

crypto::Sha256Digest NodeIdentity::KeyDigest() const {
  return IdentityDigest(signing_key_.RawPublicKey(), hpke_key_.public_key);
}

}  // namespace arca::tee
