#include "arca/mpc/permutation.h"

#include <cstring>
#include <utility>

#include "arca/mpc/oblivious.h"

namespace arca::mpc {

std::vector<int64_t> RandomPermutation(int64_t n, crypto::Prg& prg) {
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) perm[static_cast<size_t>(i)] = i;
  std::vector<uint64_t> draws(static_cast<size_t>(n));
  prg.Fill(draws);
  // The permutation is this party's randomness, used as addresses by design (see header).
  MarkPublic(std::span<const uint64_t>(draws));
  for (int64_t i = n - 1; i > 0; --i) {
    // A draw below 2^64 - (2^64 mod (i+1)) is unbiased modulo i+1; redraw the rare others.
    const auto bound = static_cast<uint64_t>(i + 1);
    const uint64_t limit = ~uint64_t{0} - (~uint64_t{0} % bound + 1) % bound;
    uint64_t r = draws[static_cast<size_t>(i)];
    while (r > limit) {
      r = prg.NextU64();
      MarkPublic(std::span<const uint64_t>(&r, 1));
    }
    std::swap(perm[static_cast<size_t>(i)], perm[r % bound]);
  }
  return perm;
}

RingTensor PermuteRows(const RingTensor& rows, const std::vector<int64_t>& perm) {
  RingTensor out(rows.shape());
  const auto n = static_cast<int64_t>(perm.size());
  const int64_t width = n == 0 ? 0 : rows.numel() / n;
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(out.data() + perm[static_cast<size_t>(i)] * width, rows.data() + i * width,
                static_cast<size_t>(width) * 8);
  }
  return out;
}

}  // namespace arca::mpc
