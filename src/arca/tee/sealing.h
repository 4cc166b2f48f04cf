// Sealing: data at rest that only the same measured program, on the same platform, can read.
//
// The key is derived from the platform's sealing secret (a key the TEE hands only to this
// guest or enclave: SEV-SNP MSG_KEY_REQ, SGX EGETKEY, ...) and the program's measurement:
//
//   key = HKDF-SHA256(ikm  = sealing secret,
//                     salt = "arca seal v1",
//                     info = u16 length of measurement || measurement || purpose)   32 bytes
//
// (the length prefix keeps measurement || purpose unambiguous: measurements are 32 or 48
// bytes). A purpose label ("node identity key", "shares", ...) gives each use its own key.
//
// Blob format, version 1:
//
//   offset  size
//   0       4     magic "ASEL"
//   4       1     version, 1
//   5       12    nonce, random for each blob
//   17      n+16  AES-256-GCM ciphertext of the n plaintext bytes || tag, with bytes 0..5
//                 (magic and version) as associated data
//
// Random 96-bit nonces keep the collision risk negligible up to 2^32 blobs per key.
#ifndef ARCA_TEE_SEALING_H_
#define ARCA_TEE_SEALING_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/crypto/aead.h"

namespace arca::tee {

inline constexpr std::string_view kSealingSalt = "arca seal v1";
inline constexpr size_t kSealedHeaderSize = 17;  // magic, version, nonce
inline constexpr size_t kSealedOverhead = kSealedHeaderSize + crypto::kAeadTagSize;

class SealingKey {
 public:
  // `sealing_secret` must have at least 16 bytes, `measurement` 1..65535 bytes and `purpose`
  // must not be empty.
  static Result<SealingKey> Derive(ByteView sealing_secret, ByteView measurement,
                                   std::string_view purpose);

  // A fresh blob (random nonce) of plaintext.size() + kSealedOverhead bytes.
  Result<Bytes> Seal(ByteView plaintext) const;
  // The plaintext of a blob sealed with this key. A blob sealed under another secret,
  // measurement or purpose, or changed in any byte, is a DataLoss error "sealed data does not
  // authenticate: it was sealed by another program or has been modified".
  Result<Bytes> Unseal(ByteView blob) const;

 private:
  explicit SealingKey(crypto::Aead aead) : aead_(std::move(aead)) {}
  crypto::Aead aead_;
};

// Seals `plaintext` and replaces the file at `path` atomically: the blob goes to a new
// temporary file in the same directory (mode 0600, holding only the sealed blob), which is
// fsynced and renamed over `path`, and the directory is fsynced. On any failure the previous
// file at `path` is untouched and the temporary file is removed.
Status WriteSealedFile(const std::string& path, const SealingKey& key, ByteView plaintext);

// Reads and unseals the file at `path`. Never modifies or removes the file.
Result<Bytes> ReadSealedFile(const std::string& path, const SealingKey& key);

}  // namespace arca::tee

#endif  // ARCA_TEE_SEALING_H_
