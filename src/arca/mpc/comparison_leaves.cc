#include "arca/mpc/comparison_leaves.h"

#include <immintrin.h>

#include <algorithm>

#include "arca/mpc/ring_ops.h"

namespace arca::mpc {
namespace {

// Bit u of the result is the XOR of bits u..15 of a 16-bit value.
uint64_t SuffixXor16(uint64_t v) {
  v ^= v >> 1;
  v ^= v >> 2;
  v ^= v >> 4;
  v ^= v >> 8;
  return v;
}

uint64_t Parity(uint64_t v) { return static_cast<uint64_t>(__builtin_popcountll(v) & 1); }

// One block of 64 elements, digit-major so that four elements' entries load as one vector.
struct Block {
  alignas(32) uint64_t eq[kDigits][64];  // the digit's one-hot table share
  alignas(32) uint64_t lt[kDigits][64];  // its suffix XOR, shifted so bit u is [u < digit]
  alignas(32) uint64_t c[64];
};

// Bit 0 of each of the four lanes, as bits 0..3.
inline uint64_t LowBits(__m256i v) {
  return static_cast<uint64_t>(_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_slli_epi64(v, 63))));
}

}  // namespace

void ComputeLeaves(const LeafInputs& in, int64_t w0, int64_t w1, uint64_t* lt, uint64_t* eq,
                   uint64_t* r63) {
  const int64_t words = (in.n + 63) / 64;
  const int64_t count = in.values->numel();
  ring::ParallelRange(w1 - w0, [&](int64_t wb, int64_t we) {
    Block block{};
    for (int64_t w = w0 + wb; w < w0 + we; ++w) {
      const int64_t first = w * 64;
      const int64_t live = std::min<int64_t>(64, in.n - first);
      uint64_t top_bits = 0;
      for (int64_t j = 0; j < 64; ++j) {
        const uint64_t* t = in.tables + (first + std::min(j, live - 1) - w0 * 64) * kTableWords;
        block.c[j] = j < live ? in.c[first + j] : 0;
        for (int d = 0; d < kDigits; ++d) {
          uint64_t table = (t[d / 4] >> (16 * (d % 4))) & 0xffff;
          if (in.less && d == kDigits - 1) {
            // Digit 15 of r_low63 has three bits: fold the table of the full top nibble onto
            // them; the folded-away half is r's top bit.
            top_bits |= (j < live ? Parity(table >> 8) : 0) << j;
            table = (table & 0xff) ^ (table >> 8);
          }
          block.eq[d][j] = table;
          // [digit < r_d] is the XOR of the table above digit: bit digit + 1 of the suffix XOR.
          block.lt[d][j] = SuffixXor16(table) >> 1;
        }
      }
      if (in.less) r63[w] = top_bits;

      for (int64_t v = 0; v < count; ++v) {
        const __m256i t = _mm256_set1_epi64x(static_cast<int64_t>((*in.values)[v]));
        uint64_t lt_words[kDigits] = {}, eq_words[kDigits] = {};
        for (int j = 0; j < 64; j += 4) {
          const __m256i cv =
              _mm256_sub_epi64(_mm256_load_si256(reinterpret_cast<const __m256i*>(block.c + j)), t);
          for (int d = 0; d < kDigits; ++d) {
            const int64_t mask = in.less && d == kDigits - 1 ? 7 : 15;
            const __m256i digit =
                _mm256_and_si256(_mm256_srli_epi64(cv, 4 * d), _mm256_set1_epi64x(mask));
            const __m256i e = _mm256_srlv_epi64(
                _mm256_load_si256(reinterpret_cast<const __m256i*>(&block.eq[d][j])), digit);
            const __m256i l = _mm256_srlv_epi64(
                _mm256_load_si256(reinterpret_cast<const __m256i*>(&block.lt[d][j])), digit);
            eq_words[d] |= LowBits(e) << j;
            lt_words[d] |= LowBits(l) << j;
          }
        }
        const int64_t at = (v * words + w) * kDigits;
        // Elements past n hold garbage bits; they are never read as results.
        std::copy_n(lt_words, kDigits, lt + at);
        std::copy_n(eq_words, kDigits, eq + at);
      }
    }
  });
}

}  // namespace arca::mpc
