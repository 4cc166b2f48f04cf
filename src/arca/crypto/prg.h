// Prg: a deterministic pseudorandom stream, AES-128 in counter mode (OpenSSL EVP, AES-NI).
//
// Two parties that hold the same seed and consume their streams in the same order draw the
// same bytes; this is how correlated randomness is compressed to a seed. The stream is the AES
// keystream with the seed as key and a 128-bit big-endian counter starting at `stream_id`·2^64,
// so distinct stream ids give independent streams under one seed.
#ifndef ARCA_CRYPTO_PRG_H_
#define ARCA_CRYPTO_PRG_H_

#include <array>
#include <cstdint>
#include <span>

namespace arca::crypto {

using Seed = std::array<uint8_t, 16>;
using Block = std::array<uint8_t, 16>;

class Prg {
 public:
  Prg(const Seed& seed, uint64_t stream_id);
  // A stream whose first block is the keystream at counter `initial_counter`.
  static Prg AtCounter(const Seed& seed, const Block& initial_counter);

  // The next out.size() bytes of the stream.
  void Fill(std::span<uint8_t> out);
  void Fill(std::span<uint64_t> out);
  uint64_t NextU64();

  // Bytes drawn so far.
  uint64_t position() const { return position_; }
  // Moves to byte `position` of the stream (forwards or backwards).
  void Seek(uint64_t position) { position_ = position; }

 private:
  Prg(const Seed& seed, const Block& initial_counter);

  Seed seed_;
  Block start_;  // counter of the stream's first block
  uint64_t position_ = 0;
};

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_PRG_H_
