// HPKE (RFC 9180), base mode, with KEM DHKEM(X25519, HKDF-SHA256) (0x0020), KDF HKDF-SHA256
// (0x0001) and AEAD AES-128-GCM (0x0001) or ChaCha20-Poly1305 (0x0003); plus a chunked stream
// format on top of it for uploads too large to hold twice in memory.
//
// OpenSSL 3.0 has no HPKE API, so this composes the RFC from OpenSSL primitives: X25519
// (x25519.h), HKDF-SHA256 (hkdf.h) and the AEADs (aead.h). Nothing is computed by hand.
//
// Chunked stream format, version 1. Integers are big-endian.
//
//   stream = header || chunk_0 || chunk_1 || ... || chunk_{n-1}      (n >= 1)
//
//   header (47 bytes):
//     offset  size
//     0       4     magic "AHPS" (0x41 0x48 0x50 0x53)
//     4       1     format version, 1
//     5       2     KEM id, 0x0020
//     7       2     KDF id, 0x0001
//     9       2     AEAD id, 0x0001 or 0x0003
//     11      4     chunk size C: plaintext bytes in every chunk but the last, 1..2^26
//     15      32    enc, the HPKE encapsulated key
//
//   chunk_i = the HPKE context's Seal(aad_i, plaintext_i), i.e. ciphertext || 16-byte tag,
//     sealed with the sequence number i (so its index is bound through the nonce), where
//     aad_i = header[0..15) || final_i || caller's aad
//     final_i = 0x01 for the last chunk, 0x00 for every other one.
//   Every chunk but the last holds exactly C plaintext bytes; the last holds 0..C (0 only if
//   the whole plaintext is empty). A reader therefore knows a chunk is the last one only when
//   the stream ends after it, and the flag makes that a checked claim of the writer.
//
// What the format refuses, and why: truncation at a chunk boundary (the last chunk present was
// sealed with final = 0), data after the last chunk (a chunk sealed with final = 1 is followed
// by more), reordering or duplication (the sequence number of the nonce differs), a chunk
// from another stream (another enc, hence another key), and any change to the header (it is
// in every chunk's aad, and enc derives the key).
#ifndef ARCA_CRYPTO_HPKE_H_
#define ARCA_CRYPTO_HPKE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/crypto/aead.h"
#include "arca/crypto/x25519.h"

namespace arca::crypto::hpke {

inline constexpr uint16_t kKemId = 0x0020;  // DHKEM(X25519, HKDF-SHA256)
inline constexpr uint16_t kKdfId = 0x0001;  // HKDF-SHA256
enum class AeadId : uint16_t { kAes128Gcm = 0x0001, kChaCha20Poly1305 = 0x0003 };

inline constexpr size_t kEncSize = 32;           // Nenc
inline constexpr size_t kSharedSecretSize = 32;  // Nsecret
inline constexpr size_t kNonceSize = 12;         // Nn
inline constexpr size_t kTagSize = 16;           // Nt

using KeyPair = X25519KeyPair;

// RFC 9180 section 7.1.3: the key pair derived from `ikm` (at least 32 bytes).
Result<KeyPair> DeriveKeyPair(ByteView ikm);
// A fresh key pair from the operating system's randomness.
KeyPair GenerateKeyPair();

// --- The RFC's building blocks, public for the known-answer tests. ---

struct Encapsulation {
  X25519Key shared_secret{};
  X25519Key enc{};
};
// DHKEM Encap (RFC 9180 section 4.1) with the given ephemeral key pair.
Result<Encapsulation> Encap(ByteView recipient_public_key, const KeyPair& ephemeral);
// DHKEM Decap. An `enc` that is not a usable X25519 public key is a DataLoss error.
Result<X25519Key> Decap(ByteView enc, ByteView recipient_private_key);

// The outputs of KeySchedule (RFC 9180 section 5.1) in base mode.
struct KeyScheduleOutput {
  Bytes key;  // Nk bytes: 16 for AES-128-GCM, 32 for ChaCha20-Poly1305
  std::array<uint8_t, kNonceSize> base_nonce{};
  std::array<uint8_t, 32> exporter_secret{};
};
Result<KeyScheduleOutput> KeySchedule(AeadId aead, ByteView shared_secret, ByteView info);

// --- Encryption contexts (RFC 9180 section 5.2). ---

// What a sender and a recipient context share: the sequence number and the secret export.
class Context {
 public:
  Context(Context&&) noexcept = default;
  Context& operator=(Context&&) noexcept = default;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  ~Context();

  AeadId aead() const { return aead_id_; }
  // The number of messages sealed (or opened) so far; the next one uses it in its nonce.
  uint64_t sequence_number() const { return seq_; }
  // Secret export (RFC 9180 section 5.3): `length` (at most 255 * 32) bytes bound to the
  // context and `exporter_context`.
  Result<Bytes> Export(ByteView exporter_context, size_t length) const;

  void SetSequenceNumberForTesting(uint64_t seq) { seq_ = seq; }

 protected:
  Context(AeadId aead_id, Aead aead, const KeyScheduleOutput& schedule);
  // base_nonce XOR the sequence number; an error once the sequence number is exhausted.
  Result<std::array<uint8_t, kNonceSize>> NextNonce() const;

  AeadId aead_id_;
  Aead aead_;
  std::array<uint8_t, kNonceSize> base_nonce_;
  std::array<uint8_t, 32> exporter_secret_;
  uint64_t seq_ = 0;
};

class SenderContext : public Context {
 public:
  // The context KeySchedule ends with (for a sender).
  static Result<SenderContext> Create(AeadId aead, const KeyScheduleOutput& schedule);

  // ciphertext || tag for the next sequence number, which then advances.
  Result<Bytes> Seal(ByteView aad, ByteView plaintext);
  // The same into `out` (exactly plaintext.size() + 16 bytes, not overlapping `plaintext`).
  Status SealInto(ByteView aad, ByteView plaintext, std::span<uint8_t> out);

 private:
  using Context::Context;
};

class RecipientContext : public Context {
 public:
  // The context KeySchedule ends with (for a recipient).
  static Result<RecipientContext> Create(AeadId aead, const KeyScheduleOutput& schedule);

  // The plaintext for the next sequence number, which advances only on success. A
  // ciphertext that does not authenticate is a DataLoss error "authentication failed ...".
  Result<Bytes> Open(ByteView aad, ByteView ciphertext);
  // The same into `out` (exactly ciphertext.size() - 16 bytes); zeroed on failure.
  Status OpenInto(ByteView aad, ByteView ciphertext, std::span<uint8_t> out);

 private:
  using Context::Context;
};

struct SenderSetup {
  X25519Key enc{};
  SenderContext context;
};
// SetupBaseS with a fresh ephemeral key pair.
Result<SenderSetup> SetupBaseS(ByteView recipient_public_key, ByteView info, AeadId aead);
// SetupBaseS with the given ephemeral key pair (deterministic; for the test vectors).
Result<SenderSetup> SetupBaseS(ByteView recipient_public_key, ByteView info, AeadId aead,
                               const KeyPair& ephemeral);
Result<RecipientContext> SetupBaseR(ByteView enc, ByteView recipient_private_key, ByteView info,
                                    AeadId aead);

// --- Single-shot encryption (RFC 9180 section 6.1): one message, laid out enc || ciphertext.

Result<Bytes> SealBase(ByteView recipient_public_key, ByteView info, ByteView aad,
                       ByteView plaintext, AeadId aead);
Result<Bytes> OpenBase(ByteView recipient_private_key, ByteView info, ByteView aad,
                       ByteView enc_and_ciphertext, AeadId aead);

// --- The chunked stream (format at the top of this file). ---

inline constexpr size_t kStreamHeaderSize = 47;
inline constexpr size_t kDefaultChunkSize = size_t{1} << 20;
inline constexpr size_t kMaxChunkSize = size_t{1} << 26;

// Seals a stream piece by piece; memory stays at one chunk whatever the stream's length.
class StreamSealer {
 public:
  // `chunk_size` must be 1..kMaxChunkSize.
  static Result<StreamSealer> Create(ByteView recipient_public_key, ByteView info, ByteView aad,
                                     AeadId aead, size_t chunk_size = kDefaultChunkSize);

  // Appends to `*out` the header (on the first call) and every chunk that `plaintext`
  // completes. `plaintext` must not overlap `*out`.
  Status Update(ByteView plaintext, Bytes* out);
  // Appends the final chunk (and the header if nothing was written yet). No calls after it.
  Status Finish(Bytes* out);

 private:
  StreamSealer(SenderContext context, Bytes header, ByteView aad, size_t chunk_size);
  void WriteHeader(Bytes* out);
  Status SealChunk(ByteView chunk, bool final, Bytes* out);

  SenderContext context_;
  Bytes header_;
  bool header_written_ = false;
  bool done_ = false;  // finished, or failed: either way no more input
  Bytes chunk_aad_;    // header[0..15) || final flag || caller's aad
  size_t chunk_size_;
  Bytes pending_;  // plaintext of the chunk being filled, at most chunk_size_ bytes
};

// Opens a stream piece by piece.
//
// Update hands out the plaintext of each chunk as soon as that chunk authenticates, before the
// end of the stream is known: all output is provisional until Finish returns OK (write it to a
// temporary file and commit it only then). After any error the opener refuses further input,
// and the caller must discard everything it produced.
class StreamOpener {
 public:
  // Takes the stream's AEAD from its header. A header whose chunk size exceeds
  // `max_chunk_size` is refused, which bounds memory at max_chunk_size + 16 bytes.
  static Result<StreamOpener> Create(ByteView recipient_private_key, ByteView info, ByteView aad,
                                     size_t max_chunk_size = kMaxChunkSize);

  StreamOpener(StreamOpener&&) noexcept = default;
  StreamOpener& operator=(StreamOpener&&) noexcept = default;
  StreamOpener(const StreamOpener&) = delete;
  StreamOpener& operator=(const StreamOpener&) = delete;
  ~StreamOpener();

  // Appends to `*out` the plaintext of every chunk that `stream_bytes` completes, except the
  // last chunk seen (it may be the final one: only the end of the stream tells).
  Status Update(ByteView stream_bytes, Bytes* out);
  // Opens the last chunk as the final one. Until this returns OK, the stream may be
  // truncated.
  Status Finish(Bytes* out);

 private:
  StreamOpener(const X25519Key& private_key, ByteView info, ByteView aad, size_t max_chunk_size);
  Status ReadHeader();
  Status OpenChunk(ByteView sealed, bool final, Bytes* out);
  Status Fail(Status status);

  X25519Key private_key_;
  Bytes info_;
  Bytes chunk_aad_;  // header[0..15) || final flag || caller's aad, once the header is read
  size_t max_chunk_size_;
  size_t chunk_size_ = 0;
  std::optional<RecipientContext> context_;  // set once the header is read
  bool done_ = false;
  Bytes pending_;  // header bytes, then the sealed chunk being filled
};

// The whole stream of `plaintext` at once (for small inputs and tests).
Result<Bytes> SealStream(ByteView recipient_public_key, ByteView info, ByteView aad,
                         ByteView plaintext, AeadId aead, size_t chunk_size = kDefaultChunkSize);
Result<Bytes> OpenStream(ByteView recipient_private_key, ByteView info, ByteView aad,
                         ByteView stream, size_t max_chunk_size = kMaxChunkSize);

}  // namespace arca::crypto::hpke

#endif  // ARCA_CRYPTO_HPKE_H_
