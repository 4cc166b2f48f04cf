// Matrix product over Z_2^64.
//
// The hot loop of secure matrix products. On CPUs with AVX-512DQ it runs a register-blocked
// kernel on 64-bit vector multiplies (vpmullq), which on this project's machines comes within
// 2-3x of float64 BLAS; elsewhere (and under valgrind, which hides AVX-512) a portable loop
// that the compiler vectorises. Both are exact modulo 2^64.
#ifndef ARCA_MPC_RING_MATMUL_H_
#define ARCA_MPC_RING_MATMUL_H_

#include <cstdint>

#include "arca/mpc/ring_tensor.h"

namespace arca::mpc::ring {

// C = A·B for A of shape [m, k] and B of shape [k, n].
RingTensor MatMul(const RingTensor& a, const RingTensor& b);

// C += A·B on row-major storage with row strides lda, ldb, ldc.
void MatMulAccumulate(int64_t m, int64_t n, int64_t k, const uint64_t* a, int64_t lda,
                      const uint64_t* b, int64_t ldb, uint64_t* c, int64_t ldc);

// The kernel MatMulAccumulate uses on this CPU: "avx512" or "portable".
const char* MatMulKernelName();

namespace internal {
// The two kernels, callable directly so that tests cover both on any CPU that has them.
bool CpuHasAvx512();
void MatMulAccumulateAvx512(int64_t m, int64_t n, int64_t k, const uint64_t* a, int64_t lda,
                            const uint64_t* b, int64_t ldb, uint64_t* c, int64_t ldc);
void MatMulAccumulatePortable(int64_t m, int64_t n, int64_t k, const uint64_t* a, int64_t lda,
                              const uint64_t* b, int64_t ldb, uint64_t* c, int64_t ldc);
// For a few rows of A and many columns of B (selecting public tables by a wide one-hot).
void MatMulAccumulateWide(int64_t m, int64_t n, int64_t k, const uint64_t* a, int64_t lda,
                          const uint64_t* b, int64_t ldb, uint64_t* c, int64_t ldc);
}  // namespace internal

}  // namespace arca::mpc::ring

#endif  // ARCA_MPC_RING_MATMUL_H_
