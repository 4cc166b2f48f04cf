#include "arca/mpc/ring_matmul.h"

#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "arca/base/buffer.h"
#include "arca/base/thread_pool.h"

namespace arca::mpc::ring {
namespace internal {
namespace {

constexpr int64_t kPanel = 16;     // columns of B per packed panel: two 8-lane vectors
constexpr int64_t kTileRows = 6;   // rows of A per micro-tile: 12 accumulator registers
constexpr int64_t kDepth = 256;    // k per block: a packed panel (32 KB) stays in L1
constexpr int64_t kRowBlock = 96;  // rows per parallel task: its A block (192 KB) stays in L2

// Copies B[0:kc, 0:n] into panels of kPanel columns, each kc x kPanel, zero-padded on the
// right, so the kernel reads B with aligned, contiguous loads.
void PackPanels(int64_t kc, int64_t n, const uint64_t* b, int64_t ldb, uint64_t* packed) {
  const int64_t panels = (n + kPanel - 1) / kPanel;
  ThreadPool::Default().ParallelFor(panels, 4, [&](int64_t pb, int64_t pe) {
    for (int64_t p = pb; p < pe; ++p) {
      const int64_t j0 = p * kPanel;
      const int64_t width = std::min(kPanel, n - j0);
      uint64_t* dst = packed + p * kc * kPanel;
      for (int64_t k = 0; k < kc; ++k) {
        const uint64_t* src = b + k * ldb + j0;
        for (int64_t j = 0; j < width; ++j) dst[k * kPanel + j] = src[j];
        for (int64_t j = width; j < kPanel; ++j) dst[k * kPanel + j] = 0;
      }
    }
  });
}

// C[0:R, 0:16] += A[0:R, 0:kc] · panel, with `mask_lo`/`mask_hi` selecting the valid columns.
template <int R>
__attribute__((target("avx512f,avx512dq"))) void Tile(int64_t kc, const uint64_t* a, int64_t lda,
                                                      const uint64_t* panel, uint64_t* c,
                                                      int64_t ldc, __mmask8 mask_lo,
                                                      __mmask8 mask_hi) {
  __m512i acc[R][2];
  for (int r = 0; r < R; ++r) {
    acc[r][0] = _mm512_maskz_loadu_epi64(mask_lo, c + r * ldc);
    acc[r][1] = _mm512_maskz_loadu_epi64(mask_hi, c + r * ldc + 8);
  }
  for (int64_t k = 0; k < kc; ++k) {
    const __m512i b0 = _mm512_load_si512(panel + k * kPanel);
    const __m512i b1 = _mm512_load_si512(panel + k * kPanel + 8);
    for (int r = 0; r < R; ++r) {
      const __m512i av = _mm512_set1_epi64(static_cast<int64_t>(a[r * lda + k]));
      acc[r][0] = _mm512_add_epi64(acc[r][0], _mm512_mullo_epi64(av, b0));
      acc[r][1] = _mm512_add_epi64(acc[r][1], _mm512_mullo_epi64(av, b1));
    }
  }
  for (int r = 0; r < R; ++r) {
    _mm512_mask_storeu_epi64(c + r * ldc, mask_lo, acc[r][0]);
    _mm512_mask_storeu_epi64(c + r * ldc + 8, mask_hi, acc[r][1]);
  }
}

using TileFn = void (*)(int64_t, const uint64_t*, int64_t, const uint64_t*, uint64_t*, int64_t,
                        __mmask8, __mmask8);
constexpr TileFn kTiles[kTileRows + 1] = {nullptr, Tile<1>, Tile<2>, Tile<3>,
                                          Tile<4>, Tile<5>, Tile<6>};

}  // namespace

bool CpuHasAvx512() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  return has;
}

void MatMulAccumulateAvx512(int64_t m, int64_t n, int64_t k, const uint64_t* a, int64_t lda,
                            const uint64_t* b, int64_t ldb, uint64_t* c, int64_t ldc) {
  const int64_t panels = (n + kPanel - 1) / kPanel;
  const int64_t depth = std::min(kDepth, k);
  // Packed panels of one depth block; read with aligned loads, fully overwritten by packing.
  Buffer packed_storage(static_cast<size_t>(panels * depth * kPanel) * 8);
  uint64_t* packed = packed_storage.As<uint64_t>().data();
  const int64_t row_blocks = (m + kRowBlock - 1) / kRowBlock;
  // Work items are (row block, panel group) pairs, so that short, wide products (a few rows
  // times millions of columns) spread over the cores as well as tall ones.
  const int64_t groups = row_blocks >= 4 ? 1 : std::min<int64_t>(panels, 16);
  const int64_t group_size = (panels + groups - 1) / groups;
  for (int64_t k0 = 0; k0 < k; k0 += kDepth) {
    const int64_t kc = std::min(kDepth, k - k0);
    PackPanels(kc, n, b + k0 * ldb, ldb, packed);
    ThreadPool::Default().ParallelFor(row_blocks * groups, 1, [&](int64_t wb, int64_t we) {
      for (int64_t w = wb; w < we; ++w) {
        const int64_t i0 = (w / groups) * kRowBlock;
        const int64_t i_end = std::min(m, i0 + kRowBlock);
        const int64_t p_end = std::min(panels, (w % groups + 1) * group_size);
        for (int64_t p = (w % groups) * group_size; p < p_end; ++p) {
          const int64_t width = std::min(kPanel, n - p * kPanel);
          const auto mask_lo = static_cast<__mmask8>(width >= 8 ? 0xff : (1u << width) - 1);
          const auto mask_hi = static_cast<__mmask8>(width >= 16  ? 0xff
                                                     : width <= 8 ? 0
                                                                  : (1u << (width - 8)) - 1);
          for (int64_t i = i0; i < i_end; i += kTileRows) {
            const int64_t rows = std::min(kTileRows, i_end - i);
            kTiles[rows](kc, a + i * lda + k0, lda, packed + p * kc * kPanel,
                         c + i * ldc + p * kPanel, ldc, mask_lo, mask_hi);
          }
        }
      }
    });
  }
}

// C[:, j0:j1] += A·B[:, j0:j1] for an A of few rows: B's rows stream through once and the
// block of C stays in L1. Packing B, as the kernel above does, would copy all of it per call.
__attribute__((target_clones("arch=x86-64-v4", "default"))) void WideColumns(
    int64_t m, int64_t j0, int64_t j1, int64_t k, const uint64_t* a, int64_t lda, const uint64_t* b,
    int64_t ldb, uint64_t* c, int64_t ldc) {
  for (int64_t kk = 0; kk < k; ++kk) {
    const uint64_t* bk = b + kk * ldb;
    for (int64_t i = 0; i < m; ++i) {
      const uint64_t av = a[i * lda + kk];
      uint64_t* ci = c + i * ldc;
      for (int64_t j = j0; j < j1; ++j) ci[j] += av * bk[j];
    }
  }
}

void MatMulAccumulateWide(int64_t m, int64_t n, int64_t k, const uint64_t* a, int64_t lda,
                          const uint64_t* b, int64_t ldb, uint64_t* c, int64_t ldc) {
  constexpr int64_t kColumns = 512;
  ThreadPool::Default().ParallelFor((n + kColumns - 1) / kColumns, 4, [&](int64_t bb, int64_t be) {
    for (int64_t blk = bb; blk < be; ++blk) {
      WideColumns(m, blk * kColumns, std::min(n, (blk + 1) * kColumns), k, a, lda, b, ldb, c, ldc);
    }
  });
}

void MatMulAccumulatePortable(int64_t m, int64_t n, int64_t k, const uint64_t* a, int64_t lda,
                              const uint64_t* b, int64_t ldb, uint64_t* c, int64_t ldc) {
  ThreadPool::Default().ParallelFor(m, 8, [&](int64_t begin, int64_t end) {
    for (int64_t k0 = 0; k0 < k; k0 += kDepth) {
      const int64_t k1 = std::min(k, k0 + kDepth);
      for (int64_t i = begin; i < end; ++i) {
        uint64_t* ci = c + i * ldc;
        for (int64_t kk = k0; kk < k1; ++kk) {
          const uint64_t av = a[i * lda + kk];
          const uint64_t* bk = b + kk * ldb;
          for (int64_t j = 0; j < n; ++j) ci[j] += av * bk[j];
        }
      }
    }
  });
}

}  // namespace internal

namespace {
// Products with at most this many rows and at least this many columns take the wide path.
constexpr int64_t kWideRows = 16;
constexpr int64_t kWideColumns = 1024;
}  // namespace

void MatMulAccumulate(int64_t m, int64_t n, int64_t k, const uint64_t* a, int64_t lda,
                      const uint64_t* b, int64_t ldb, uint64_t* c, int64_t ldc) {
  if (m == 0 || n == 0 || k == 0) return;
  if (m <= kWideRows && n >= kWideColumns) {
    internal::MatMulAccumulateWide(m, n, k, a, lda, b, ldb, c, ldc);
  } else if (internal::CpuHasAvx512()) {
    internal::MatMulAccumulateAvx512(m, n, k, a, lda, b, ldb, c, ldc);
  } else {
    internal::MatMulAccumulatePortable(m, n, k, a, lda, b, ldb, c, ldc);
  }
}

const char* MatMulKernelName() { return internal::CpuHasAvx512() ? "avx512" : "portable"; }

RingTensor MatMul(const RingTensor& a, const RingTensor& b) {
  const int64_t m = a.shape().dim(0), k = a.shape().dim(1), n = b.shape().dim(1);
  RingTensor c = RingTensor::Zeros(Shape{m, n});
  MatMulAccumulate(m, n, k, a.data(), k, b.data(), n, c.data(), n);
  return c;
}

}  // namespace arca::mpc::ring
