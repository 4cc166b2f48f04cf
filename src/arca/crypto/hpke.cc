#include "arca/crypto/hpke.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "arca/crypto/hkdf.h"

namespace arca::crypto::hpke {
namespace {

constexpr std::string_view kVersionLabel = "HPKE-v1";
constexpr uint8_t kModeBase = 0x00;

// Stream header layout (hpke.h).
constexpr std::array<uint8_t, 4> kStreamMagic = {'A', 'H', 'P', 'S'};
constexpr uint8_t kStreamVersion = 1;
constexpr size_t kStreamAadPrefixSize = 15;  // the header without enc
constexpr uint8_t kNotFinal = 0x00;
constexpr uint8_t kFinal = 0x01;

void Wipe(std::span<uint8_t> secret) { OPENSSL_cleanse(secret.data(), secret.size()); }

void Append(Bytes& out, ByteView part) { out.insert(out.end(), part.begin(), part.end()); }
void Append(Bytes& out, std::string_view part) { Append(out, AsBytes(part)); }
void AppendU16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void AppendU32(Bytes& out, uint32_t v) {
  AppendU16(out, static_cast<uint16_t>(v >> 16));
  AppendU16(out, static_cast<uint16_t>(v));
}
uint16_t ReadU16(ByteView in, size_t at) {
  return static_cast<uint16_t>((in[at] << 8) | in[at + 1]);
}
uint32_t ReadU32(ByteView in, size_t at) {
  return (uint32_t{ReadU16(in, at)} << 16) | ReadU16(in, at + 2);
}

Result<AeadAlgorithm> Algorithm(AeadId aead) {
  switch (aead) {
    case AeadId::kAes128Gcm:
      return AeadAlgorithm::kAes128Gcm;
    case AeadId::kChaCha20Poly1305:
      return AeadAlgorithm::kChaCha20Poly1305;
  }
  return InvalidArgumentError("HPKE AEAD id " + std::to_string(static_cast<unsigned>(aead)) +
                              " is not supported (AES-128-GCM 0x0001, ChaCha20Poly1305 0x0003)");
}

// suite_id of the KEM (RFC 9180 section 4.1) and of the whole suite (section 5.1).
Bytes KemSuiteId() {
  Bytes id;
  Append(id, "KEM");
  AppendU16(id, kKemId);
  return id;
}
Bytes HpkeSuiteId(AeadId aead) {
  Bytes id;
  Append(id, "HPKE");
  AppendU16(id, kKemId);
  AppendU16(id, kKdfId);
  AppendU16(id, static_cast<uint16_t>(aead));
  return id;
}

// LabeledExtract and LabeledExpand (RFC 9180 section 4).
Sha256Digest LabeledExtract(ByteView suite_id, ByteView salt, std::string_view label,
                            ByteView ikm) {
  Bytes labeled_ikm;
  Append(labeled_ikm, kVersionLabel);
  Append(labeled_ikm, suite_id);
  Append(labeled_ikm, label);
  Append(labeled_ikm, ikm);
  const Sha256Digest prk = HkdfSha256Extract(salt, labeled_ikm);
  Wipe(labeled_ikm);
  return prk;
}

Result<Bytes> LabeledExpand(ByteView suite_id, ByteView prk, std::string_view label, ByteView info,
                            size_t length) {
  if (length > kHkdfSha256MaxOutput) {
    return InvalidArgumentError("HPKE: " + std::to_string(length) +
                                " bytes requested from HKDF-Expand, more than 255 * 32");
  }
  Bytes labeled_info;
  AppendU16(labeled_info, static_cast<uint16_t>(length));
  Append(labeled_info, kVersionLabel);
  Append(labeled_info, suite_id);
  Append(labeled_info, label);
  Append(labeled_info, info);
  return HkdfSha256Expand(prk, labeled_info, length);
}

// DHKEM's ExtractAndExpand (RFC 9180 section 4.1).
Result<X25519Key> ExtractAndExpand(ByteView dh, ByteView kem_context) {
  const Bytes suite_id = KemSuiteId();
  Sha256Digest eae_prk = LabeledExtract(suite_id, {}, "eae_prk", dh);
  Result<Bytes> secret =
      LabeledExpand(suite_id, eae_prk, "shared_secret", kem_context, kSharedSecretSize);
  Wipe(eae_prk);
  if (!secret.ok()) return secret.status();
  X25519Key shared{};
  std::copy(secret->begin(), secret->end(), shared.begin());
  Wipe(*secret);
  return shared;
}

void Wipe(KeyScheduleOutput& schedule) {
  Wipe(schedule.key);
  Wipe(schedule.exporter_secret);
}

Bytes KemContext(ByteView enc, ByteView recipient_public_key) {
  Bytes context(enc.begin(), enc.end());
  Append(context, recipient_public_key);
  return context;
}

}  // namespace

Result<KeyPair> DeriveKeyPair(ByteView ikm) {
  if (ikm.size() < 32) {
    return InvalidArgumentError("HPKE DeriveKeyPair: ikm has " + std::to_string(ikm.size()) +
                                " bytes; at least 32 are needed");
  }
  const Bytes suite_id = KemSuiteId();
  Sha256Digest dkp_prk = LabeledExtract(suite_id, {}, "dkp_prk", ikm);
  Result<Bytes> sk = LabeledExpand(suite_id, dkp_prk, "sk", {}, kX25519KeySize);
  Wipe(dkp_prk);
  if (!sk.ok()) return sk.status();
  KeyPair pair;
  std::copy(sk->begin(), sk->end(), pair.private_key.begin());
  Wipe(*sk);
  ARCA_ASSIGN_OR_RETURN(pair.public_key, X25519PublicKey(pair.private_key));
  return pair;
}

KeyPair GenerateKeyPair() { return GenerateX25519KeyPair(); }

Result<Encapsulation> Encap(ByteView recipient_public_key, const KeyPair& ephemeral) {
  Result<X25519Key> dh = X25519(ephemeral.private_key, recipient_public_key);
  if (!dh.ok()) return dh.status().WithContext("HPKE: the recipient public key is unusable");
  Encapsulation out;
  out.enc = ephemeral.public_key;
  const Result<X25519Key> shared = ExtractAndExpand(*dh, KemContext(out.enc, recipient_public_key));
  Wipe(*dh);
  ARCA_ASSIGN_OR_RETURN(out.shared_secret, shared);
  return out;
}

Result<X25519Key> Decap(ByteView enc, ByteView recipient_private_key) {
  ARCA_ASSIGN_OR_RETURN(const X25519Key recipient_public_key,
                        X25519PublicKey(recipient_private_key));
  if (enc.size() != kEncSize) {
    return DataLossError("HPKE: the encapsulated key has " + std::to_string(enc.size()) +
                         " bytes; expected 32");
  }
  Result<X25519Key> dh = X25519(recipient_private_key, enc);
  if (!dh.ok()) {
    return DataLossError(
        "HPKE: the encapsulated key is not a usable X25519 public key (small-order point)");
  }
  Result<X25519Key> shared = ExtractAndExpand(*dh, KemContext(enc, recipient_public_key));
  Wipe(*dh);
  return shared;
}

Result<KeyScheduleOutput> KeySchedule(AeadId aead, ByteView shared_secret, ByteView info) {
  ARCA_ASSIGN_OR_RETURN(const AeadAlgorithm algorithm, Algorithm(aead));
  const Bytes suite_id = HpkeSuiteId(aead);
  // Base mode: psk and psk_id are empty.
  const Sha256Digest psk_id_hash = LabeledExtract(suite_id, {}, "psk_id_hash", {});
  const Sha256Digest info_hash = LabeledExtract(suite_id, {}, "info_hash", info);
  Bytes context{kModeBase};
  Append(context, psk_id_hash);
  Append(context, info_hash);
  Sha256Digest secret = LabeledExtract(suite_id, shared_secret, "secret", {});

  KeyScheduleOutput out;
  Result<Bytes> key = LabeledExpand(suite_id, secret, "key", context, AeadKeySize(algorithm));
  Result<Bytes> nonce = LabeledExpand(suite_id, secret, "base_nonce", context, kNonceSize);
  Result<Bytes> exporter = LabeledExpand(suite_id, secret, "exp", context, 32);
  Wipe(secret);
  if (!key.ok() || !nonce.ok() || !exporter.ok()) {
    return InternalError("HPKE KeySchedule: HKDF-Expand failed");
  }
  out.key = *std::move(key);
  std::copy(nonce->begin(), nonce->end(), out.base_nonce.begin());
  std::copy(exporter->begin(), exporter->end(), out.exporter_secret.begin());
  Wipe(*exporter);
  return out;
}

// --- Contexts ---

Context::Context(AeadId aead_id, Aead aead, const KeyScheduleOutput& schedule)
    : aead_id_(aead_id),
      aead_(std::move(aead)),
      base_nonce_(schedule.base_nonce),
      exporter_secret_(schedule.exporter_secret) {}

Context::~Context() { Wipe(exporter_secret_); }

Result<Bytes> Context::Export(ByteView exporter_context, size_t length) const {
  return LabeledExpand(HpkeSuiteId(aead_id_), exporter_secret_, "sec", exporter_context, length);
}

Result<std::array<uint8_t, kNonceSize>> Context::NextNonce() const {
  // RFC 9180 allows 2^96 - 1 messages; a 64-bit counter stops at 2^64 - 1, far beyond use.
  if (seq_ == std::numeric_limits<uint64_t>::max()) {
    return ResourceExhaustedError(
        "HPKE message limit reached: the sequence number would overflow; set up a new context");
  }
  std::array<uint8_t, kNonceSize> nonce = base_nonce_;
  for (size_t i = 0; i < 8; ++i) {
    nonce[kNonceSize - 1 - i] ^= static_cast<uint8_t>(seq_ >> (8 * i));
  }
  return nonce;
}

Result<SenderContext> SenderContext::Create(AeadId aead, const KeyScheduleOutput& schedule) {
  ARCA_ASSIGN_OR_RETURN(const AeadAlgorithm algorithm, Algorithm(aead));
  ARCA_ASSIGN_OR_RETURN(Aead cipher, Aead::Create(algorithm, schedule.key));
  return SenderContext(aead, std::move(cipher), schedule);
}

Result<RecipientContext> RecipientContext::Create(AeadId aead, const KeyScheduleOutput& schedule) {
  ARCA_ASSIGN_OR_RETURN(const AeadAlgorithm algorithm, Algorithm(aead));
  ARCA_ASSIGN_OR_RETURN(Aead cipher, Aead::Create(algorithm, schedule.key));
  return RecipientContext(aead, std::move(cipher), schedule);
}

Result<Bytes> SenderContext::Seal(ByteView aad, ByteView plaintext) {
  Bytes out(plaintext.size() + kTagSize);
  ARCA_RETURN_IF_ERROR(SealInto(aad, plaintext, out));
  return out;
}

Status SenderContext::SealInto(ByteView aad, ByteView plaintext, std::span<uint8_t> out) {
  ARCA_ASSIGN_OR_RETURN(const auto nonce, NextNonce());
  ARCA_RETURN_IF_ERROR(aead_.SealInto(nonce, plaintext, aad, out));
  ++seq_;
  return OkStatus();
}

Result<Bytes> RecipientContext::Open(ByteView aad, ByteView ciphertext) {
  if (ciphertext.size() < kTagSize) {
    return DataLossError("authentication failed: the HPKE ciphertext is shorter than its tag");
  }
  Bytes out(ciphertext.size() - kTagSize);
  ARCA_RETURN_IF_ERROR(OpenInto(aad, ciphertext, out));
  return out;
}

Status RecipientContext::OpenInto(ByteView aad, ByteView ciphertext, std::span<uint8_t> out) {
  ARCA_ASSIGN_OR_RETURN(const auto nonce, NextNonce());
  ARCA_RETURN_IF_ERROR(aead_.OpenInto(nonce, ciphertext, aad, out));
  ++seq_;
  return OkStatus();
}

// --- Setup and single-shot ---

Result<SenderSetup> SetupBaseS(ByteView recipient_public_key, ByteView info, AeadId aead) {
  KeyPair ephemeral = GenerateKeyPair();
  Result<SenderSetup> setup = SetupBaseS(recipient_public_key, info, aead, ephemeral);
  Wipe(ephemeral.private_key);
  return setup;
}

Result<SenderSetup> SetupBaseS(ByteView recipient_public_key, ByteView info, AeadId aead,
                               const KeyPair& ephemeral) {
  ARCA_ASSIGN_OR_RETURN(Encapsulation encapsulation, Encap(recipient_public_key, ephemeral));
  Result<KeyScheduleOutput> schedule = KeySchedule(aead, encapsulation.shared_secret, info);
  Wipe(encapsulation.shared_secret);
  if (!schedule.ok()) return schedule.status();
  Result<SenderContext> context = SenderContext::Create(aead, *schedule);
  Wipe(*schedule);
  if (!context.ok()) return context.status();
  return SenderSetup{encapsulation.enc, *std::move(context)};
}

Result<RecipientContext> SetupBaseR(ByteView enc, ByteView recipient_private_key, ByteView info,
                                    AeadId aead) {
  ARCA_ASSIGN_OR_RETURN(X25519Key shared_secret, Decap(enc, recipient_private_key));
  Result<KeyScheduleOutput> schedule = KeySchedule(aead, shared_secret, info);
  Wipe(shared_secret);
  if (!schedule.ok()) return schedule.status();
  Result<RecipientContext> context = RecipientContext::Create(aead, *schedule);
  Wipe(*schedule);
  return context;
}

Result<Bytes> SealBase(ByteView recipient_public_key, ByteView info, ByteView aad,
                       ByteView plaintext, AeadId aead) {
  ARCA_ASSIGN_OR_RETURN(SenderSetup setup, SetupBaseS(recipient_public_key, info, aead));
  Bytes out(kEncSize + plaintext.size() + kTagSize);
  std::copy(setup.enc.begin(), setup.enc.end(), out.begin());
  ARCA_RETURN_IF_ERROR(
      setup.context.SealInto(aad, plaintext, std::span<uint8_t>(out).subspan(kEncSize)));
  return out;
}

Result<Bytes> OpenBase(ByteView recipient_private_key, ByteView info, ByteView aad,
                       ByteView enc_and_ciphertext, AeadId aead) {
  if (enc_and_ciphertext.size() < kEncSize + kTagSize) {
    return DataLossError("HPKE message has " + std::to_string(enc_and_ciphertext.size()) +
                         " bytes, fewer than enc and a tag (48)");
  }
  ARCA_ASSIGN_OR_RETURN(RecipientContext context, SetupBaseR(enc_and_ciphertext.first(kEncSize),
                                                             recipient_private_key, info, aead));
  return context.Open(aad, enc_and_ciphertext.subspan(kEncSize));
}

// --- Stream sealer ---

Result<StreamSealer> StreamSealer::Create(ByteView recipient_public_key, ByteView info,
                                          ByteView aad, AeadId aead, size_t chunk_size) {
  if (chunk_size == 0 || chunk_size > kMaxChunkSize) {
    return InvalidArgumentError("HPKE stream chunk size " + std::to_string(chunk_size) +
                                " is outside 1.." + std::to_string(kMaxChunkSize));
  }
  ARCA_ASSIGN_OR_RETURN(SenderSetup setup, SetupBaseS(recipient_public_key, info, aead));
  Bytes header(kStreamMagic.begin(), kStreamMagic.end());
  header.push_back(kStreamVersion);
  AppendU16(header, kKemId);
  AppendU16(header, kKdfId);
  AppendU16(header, static_cast<uint16_t>(aead));
  AppendU32(header, static_cast<uint32_t>(chunk_size));
  Append(header, setup.enc);
  return StreamSealer(std::move(setup.context), std::move(header), aad, chunk_size);
}

StreamSealer::StreamSealer(SenderContext context, Bytes header, ByteView aad, size_t chunk_size)
    : context_(std::move(context)),
      header_(std::move(header)),
      chunk_aad_(header_.begin(), header_.begin() + kStreamAadPrefixSize),
      chunk_size_(chunk_size) {
  chunk_aad_.push_back(kNotFinal);
  Append(chunk_aad_, aad);
  pending_.reserve(chunk_size_);
}

void StreamSealer::WriteHeader(Bytes* out) {
  if (header_written_) return;
  Append(*out, header_);
  header_written_ = true;
}

Status StreamSealer::SealChunk(ByteView chunk, bool final, Bytes* out) {
  chunk_aad_[kStreamAadPrefixSize] = final ? kFinal : kNotFinal;
  const size_t start = out->size();
  out->resize(start + chunk.size() + kTagSize);
  Status status = context_.SealInto(chunk_aad_, chunk, std::span<uint8_t>(*out).subspan(start));
  if (!status.ok()) {
    out->resize(start);
    done_ = true;
  }
  return status;
}

Status StreamSealer::Update(ByteView plaintext, Bytes* out) {
  if (done_) return FailedPreconditionError("HPKE stream sealer: Update after Finish or error");
  WriteHeader(out);
  while (!plaintext.empty()) {
    // A full pending chunk is not the last one: more plaintext follows.
    if (pending_.size() == chunk_size_) {
      ARCA_RETURN_IF_ERROR(SealChunk(pending_, /*final=*/false, out));
      pending_.clear();
    }
    // Whole chunks straight from the input, without copying them into pending_ first.
    if (pending_.empty() && plaintext.size() > chunk_size_) {
      ARCA_RETURN_IF_ERROR(SealChunk(plaintext.first(chunk_size_), /*final=*/false, out));
      plaintext = plaintext.subspan(chunk_size_);
      continue;
    }
    const size_t take = std::min(chunk_size_ - pending_.size(), plaintext.size());
    Append(pending_, plaintext.first(take));
    plaintext = plaintext.subspan(take);
  }
  return OkStatus();
}

Status StreamSealer::Finish(Bytes* out) {
  if (done_) return FailedPreconditionError("HPKE stream sealer: Finish after Finish or error");
  WriteHeader(out);
  ARCA_RETURN_IF_ERROR(SealChunk(pending_, /*final=*/true, out));
  Wipe(pending_);
  pending_.clear();
  done_ = true;
  return OkStatus();
}

// --- Stream opener ---

Result<StreamOpener> StreamOpener::Create(ByteView recipient_private_key, ByteView info,
                                          ByteView aad, size_t max_chunk_size) {
  if (recipient_private_key.size() != kX25519KeySize) {
    return InvalidArgumentError("HPKE stream: the recipient private key has " +
                                std::to_string(recipient_private_key.size()) +
                                " bytes; expected 32");
  }
  if (max_chunk_size == 0 || max_chunk_size > kMaxChunkSize) {
    return InvalidArgumentError("HPKE stream: max chunk size " + std::to_string(max_chunk_size) +
                                " is outside 1.." + std::to_string(kMaxChunkSize));
  }
  X25519Key key{};
  std::copy(recipient_private_key.begin(), recipient_private_key.end(), key.begin());
  StreamOpener opener(key, info, aad, max_chunk_size);
  Wipe(key);
  return opener;
}

StreamOpener::StreamOpener(const X25519Key& private_key, ByteView info, ByteView aad,
                           size_t max_chunk_size)
    : private_key_(private_key),
      info_(info.begin(), info.end()),
      chunk_aad_(aad.begin(), aad.end()),
      max_chunk_size_(max_chunk_size) {}

StreamOpener::~StreamOpener() { Wipe(private_key_); }

Status StreamOpener::Fail(Status status) {
  done_ = true;
  Wipe(pending_);
  pending_.clear();
  return status;
}

// Parses the header in pending_ and sets up the recipient context.
Status StreamOpener::ReadHeader() {
  const ByteView header = pending_;
  if (!std::equal(kStreamMagic.begin(), kStreamMagic.end(), header.begin())) {
    return DataLossError("not an HPKE stream: the header does not start with \"AHPS\"");
  }
  if (header[4] != kStreamVersion) {
    return DataLossError("HPKE stream format version " + std::to_string(header[4]) +
                         " is not supported (this build reads version 1)");
  }
  if (ReadU16(header, 5) != kKemId || ReadU16(header, 7) != kKdfId) {
    return DataLossError("HPKE stream: KEM " + std::to_string(ReadU16(header, 5)) + " / KDF " +
                         std::to_string(ReadU16(header, 7)) +
                         " is not supported (DHKEM(X25519, HKDF-SHA256) 32 / HKDF-SHA256 1)");
  }
  const auto aead = static_cast<AeadId>(ReadU16(header, 9));
  if (!Algorithm(aead).ok()) {
    return DataLossError("HPKE stream: AEAD id " + std::to_string(ReadU16(header, 9)) +
                         " is not supported");
  }
  const uint32_t chunk_size = ReadU32(header, 11);
  if (chunk_size == 0 || chunk_size > max_chunk_size_) {
    return DataLossError("HPKE stream: chunk size " + std::to_string(chunk_size) +
                         " is outside 1.." + std::to_string(max_chunk_size_));
  }
  ARCA_ASSIGN_OR_RETURN(
      RecipientContext context,
      SetupBaseR(header.subspan(kStreamAadPrefixSize, kEncSize), private_key_, info_, aead));
  context_.emplace(std::move(context));
  chunk_size_ = chunk_size;
  Bytes caller_aad = std::move(chunk_aad_);
  chunk_aad_.assign(header.begin(), header.begin() + kStreamAadPrefixSize);
  chunk_aad_.push_back(kNotFinal);
  Append(chunk_aad_, caller_aad);
  return OkStatus();
}

Status StreamOpener::OpenChunk(ByteView sealed, bool final, Bytes* out) {
  const uint64_t index = context_->sequence_number();
  const size_t start = out->size();
  out->resize(start + sealed.size() - kTagSize);
  const std::span<uint8_t> plaintext = std::span<uint8_t>(*out).subspan(start);
  chunk_aad_[kStreamAadPrefixSize] = final ? kFinal : kNotFinal;
  Status status = context_->OpenInto(chunk_aad_, sealed, plaintext);
  if (status.ok()) return OkStatus();
  if (status.code() == StatusCode::kDataLoss) {
    // Name the failure precisely where the flag explains it: the same chunk authenticates
    // with the other flag value. (OpenInto failed, so the sequence number is unchanged.)
    chunk_aad_[kStreamAadPrefixSize] = final ? kNotFinal : kFinal;
    const bool flag_mismatch = context_->OpenInto(chunk_aad_, sealed, plaintext).ok();
    Wipe(plaintext);
    const std::string chunk = "chunk " + std::to_string(index);
    if (flag_mismatch && final) {
      status = DataLossError("HPKE stream is truncated: it ends after " + chunk +
                             ", which is not the final chunk");
    } else if (flag_mismatch) {
      status = DataLossError("HPKE stream has data after its final chunk (" + chunk + ")");
    } else {
      status = DataLossError("HPKE stream " + chunk +
                             " does not authenticate: the stream was modified, reordered or "
                             "spliced from another stream, or it was sealed for another "
                             "recipient, info or associated data");
    }
  }
  out->resize(start);
  return status;
}

Status StreamOpener::Update(ByteView stream_bytes, Bytes* out) {
  if (done_) return FailedPreconditionError("HPKE stream opener: Update after Finish or error");
  if (!context_) {
    const size_t take = std::min(kStreamHeaderSize - pending_.size(), stream_bytes.size());
    Append(pending_, stream_bytes.first(take));
    stream_bytes = stream_bytes.subspan(take);
    if (pending_.size() < kStreamHeaderSize) return OkStatus();
    const Status header = ReadHeader();
    if (!header.ok()) return Fail(header);
    pending_.clear();
    pending_.reserve(chunk_size_ + kTagSize);
  }
  const size_t sealed_chunk = chunk_size_ + kTagSize;
  while (!stream_bytes.empty()) {
    // A full pending chunk with more bytes after it is not the final one.
    if (pending_.size() == sealed_chunk) {
      const Status status = OpenChunk(pending_, /*final=*/false, out);
      if (!status.ok()) return Fail(status);
      pending_.clear();
    }
    if (pending_.empty() && stream_bytes.size() > sealed_chunk) {
      const Status status = OpenChunk(stream_bytes.first(sealed_chunk), /*final=*/false, out);
      if (!status.ok()) return Fail(status);
      stream_bytes = stream_bytes.subspan(sealed_chunk);
      continue;
    }
    const size_t take = std::min(sealed_chunk - pending_.size(), stream_bytes.size());
    Append(pending_, stream_bytes.first(take));
    stream_bytes = stream_bytes.subspan(take);
  }
  return OkStatus();
}

Status StreamOpener::Finish(Bytes* out) {
  if (done_) return FailedPreconditionError("HPKE stream opener: Finish after Finish or error");
  if (!context_) {
    return Fail(DataLossError("HPKE stream is truncated: it ends inside its " +
                              std::to_string(kStreamHeaderSize) + "-byte header"));
  }
  if (pending_.empty()) {
    return Fail(DataLossError("HPKE stream is truncated: it has no chunk after its header"));
  }
  if (pending_.size() < kTagSize) {
    return Fail(DataLossError("HPKE stream is truncated: its last chunk is shorter than a tag"));
  }
  const Status status = OpenChunk(pending_, /*final=*/true, out);
  if (!status.ok()) return Fail(status);
  done_ = true;
  pending_.clear();
  return OkStatus();
}

Result<Bytes> SealStream(ByteView recipient_public_key, ByteView info, ByteView aad,
                         ByteView plaintext, AeadId aead, size_t chunk_size) {
  ARCA_ASSIGN_OR_RETURN(StreamSealer sealer,
                        StreamSealer::Create(recipient_public_key, info, aad, aead, chunk_size));
  Bytes out;
  ARCA_RETURN_IF_ERROR(sealer.Update(plaintext, &out));
  ARCA_RETURN_IF_ERROR(sealer.Finish(&out));
  return out;
}

Result<Bytes> OpenStream(ByteView recipient_private_key, ByteView info, ByteView aad,
                         ByteView stream, size_t max_chunk_size) {
  ARCA_ASSIGN_OR_RETURN(StreamOpener opener,
                        StreamOpener::Create(recipient_private_key, info, aad, max_chunk_size));
  Bytes out;
  Status status = opener.Update(stream, &out);
  if (status.ok()) status = opener.Finish(&out);
  if (!status.ok()) {
    Wipe(out);
    return status;
  }
  return out;
}

}  // namespace arca::crypto::hpke
