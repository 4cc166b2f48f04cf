#include "arca/crypto/prg.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "arca/base/thread_pool.h"
#include "arca/crypto/openssl_ptr.h"

namespace arca::crypto {
namespace {

constexpr uint64_t kBlock = 16;
// Below this, one thread fills the whole request; above it, chunks go to the thread pool.
constexpr uint64_t kParallelChunk = uint64_t{1} << 20;

// counter + blocks, as 128-bit big-endian integers.
Block AddBlocks(const Block& counter, uint64_t blocks) {
  Block out = counter;
  // Byte-wise big-endian addition with carry.
  uint64_t pending = blocks;
  unsigned carry = 0;
  for (int i = 15; i >= 0; --i) {
    const unsigned sum = out[static_cast<size_t>(i)] + (pending & 0xff) + carry;
    out[static_cast<size_t>(i)] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
    pending >>= 8;
  }
  return out;
}

// Writes the keystream from block `counter` on into `out` (any length).
void Keystream(const Seed& seed, const Block& counter, uint8_t* out, uint64_t size) {
  OpenSslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free> ctx(EVP_CIPHER_CTX_new());
  int written = 0;
  // Encrypting zeros in counter mode yields the keystream itself.
  std::memset(out, 0, size);
  bool ok = ctx != nullptr && EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ctr(), nullptr, seed.data(),
                                                 counter.data()) == 1;
  while (ok && size > 0) {
    const int n = static_cast<int>(std::min<uint64_t>(size, uint64_t{1} << 30));
    ok = EVP_EncryptUpdate(ctx.get(), out, &written, out, n) == 1 && written == n;
    out += n;
    size -= static_cast<uint64_t>(n);
  }
  if (!ok) {
    // Only an OpenSSL allocation failure gets here; there is no meaningful way to go on.
    std::abort();
  }
}

}  // namespace

Prg::Prg(const Seed& seed, uint64_t stream_id) : seed_(seed), start_{} {
  for (size_t i = 0; i < 8; ++i) start_[i] = static_cast<uint8_t>(stream_id >> (56 - 8 * i));
}

Prg::Prg(const Seed& seed, const Block& initial_counter) : seed_(seed), start_(initial_counter) {}

Prg Prg::AtCounter(const Seed& seed, const Block& initial_counter) {
  return Prg(seed, initial_counter);
}

void Prg::Fill(std::span<uint8_t> out) {
  uint64_t pos = position_;
  uint8_t* dst = out.data();
  uint64_t size = out.size();
  position_ += size;
  // A partial first block: generate it whole and keep its tail.
  if (pos % kBlock != 0 && size > 0) {
    uint8_t block[kBlock];
    Keystream(seed_, AddBlocks(start_, pos / kBlock), block, kBlock);
    const uint64_t skip = pos % kBlock;
    const uint64_t take = std::min(size, kBlock - skip);
    std::memcpy(dst, block + skip, take);
    dst += take;
    size -= take;
    pos += take;
  }
  if (size == 0) return;
  const uint64_t first_block = pos / kBlock;
  if (size < 2 * kParallelChunk) {
    Keystream(seed_, AddBlocks(start_, first_block), dst, size);
    return;
  }
  const auto chunks = static_cast<int64_t>((size + kParallelChunk - 1) / kParallelChunk);
  ThreadPool::Default().ParallelFor(chunks, 1, [&](int64_t begin, int64_t end) {
    const uint64_t offset = static_cast<uint64_t>(begin) * kParallelChunk;
    const uint64_t stop = std::min(size, static_cast<uint64_t>(end) * kParallelChunk);
    Keystream(seed_, AddBlocks(start_, first_block + offset / kBlock), dst + offset, stop - offset);
  });
}

void Prg::Fill(std::span<uint64_t> out) {
  Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size_bytes()));
}

uint64_t Prg::NextU64() {
  uint64_t value = 0;
  Fill(std::span<uint64_t>(&value, 1));
  return value;
}

}  // namespace arca::crypto
