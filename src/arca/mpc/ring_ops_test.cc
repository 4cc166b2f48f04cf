#include "arca/mpc/ring_ops.h"

#include <gtest/gtest.h>

#include <random>

#include "arca/mpc/ring_matmul.h"

namespace arca::mpc::ring {
namespace {

RingTensor Random(Shape shape, std::mt19937_64& rng) {
  RingTensor t(std::move(shape));
  for (uint64_t& v : t.values()) v = rng();
  return t;
}

RingTensor NaiveMatMul(const RingTensor& a, const RingTensor& b) {
  const int64_t m = a.shape().dim(0), k = a.shape().dim(1), n = b.shape().dim(1);
  RingTensor c = RingTensor::Zeros(Shape{m, n});
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t kk = 0; kk < k; ++kk) {
      for (int64_t j = 0; j < n; ++j) c.data()[i * n + j] += a[i * k + kk] * b[kk * n + j];
    }
  }
  return c;
}

TEST(RingOpsTest, ElementwiseWrapsModulo2To64AndBroadcastsScalars) {
  const RingTensor a = RingTensor::FromValues({3}, {~uint64_t{0}, 5, 1ull << 63});
  const RingTensor b = RingTensor::FromValues({3}, {2, 7, 1ull << 63});
  EXPECT_EQ(Add(a, b), RingTensor::FromValues({3}, {1, 12, 0}));
  EXPECT_EQ(Sub(b, a), RingTensor::FromValues({3}, {3, 2, 0}));
  EXPECT_EQ(Mul(a, b), RingTensor::FromValues({3}, {~uint64_t{0} - 1, 35, 0}));
  EXPECT_EQ(Neg(b), RingTensor::FromValues({3}, {~uint64_t{0} - 1, 0 - 7ull, 1ull << 63}));
  EXPECT_EQ(Mul(a, RingTensor::Scalar(2)), RingTensor::FromValues({3}, {~uint64_t{0} - 1, 10, 0}));
}

TEST(RingOpsTest, ArithmeticShiftRoundsTowardMinusInfinity) {
  const RingTensor a = RingTensor::FromSigned({4}, {-5, 5, -1, -(int64_t{1} << 40)});
  EXPECT_EQ(ShiftRightArithmetic(a, 1),
            RingTensor::FromSigned({4}, {-3, 2, -1, -(int64_t{1} << 39)}));
}

TEST(RingOpsTest, SumsTransposesSlicesAndConcatenates) {
  const RingTensor a = RingTensor::FromValues({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(Sum(a, -1), RingTensor::Scalar(21));
  EXPECT_EQ(Sum(a, 0), RingTensor::FromValues({3}, {5, 7, 9}));
  EXPECT_EQ(Sum(a, 1), RingTensor::FromValues({2}, {6, 15}));
  EXPECT_EQ(Transpose(a), RingTensor::FromValues({3, 2}, {1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(SliceRows(a, 1, 2), RingTensor::FromValues({1, 3}, {4, 5, 6}));
  const RingTensor top = SliceRows(a, 0, 1), bottom = SliceRows(a, 1, 2);
  EXPECT_EQ(ConcatRows({&top, &bottom}), a);
}

TEST(RingOpsTest, LargeTransposeMatchesDefinition) {
  std::mt19937_64 rng(1);
  const RingTensor a = Random({333, 77}, rng);
  const RingTensor t = Transpose(a);
  for (int64_t r = 0; r < 333; ++r)
    for (int64_t c = 0; c < 77; ++c) ASSERT_EQ(t[c * 333 + r], a[r * 77 + c]);
}

// Both kernels agree with the definition on shapes that exercise every edge: rows not a
// multiple of the tile, columns not a multiple of the panel, depth across blocks.
TEST(RingMatMulTest, KernelsMatchNaiveProduct) {
  std::mt19937_64 rng(7);
  const std::vector<std::array<int64_t, 3>> shapes = {{1, 1, 1},      {7, 5, 3},    {13, 17, 300},
                                                      {100, 33, 513}, {6, 16, 256}, {97, 1, 64},
                                                      {1, 40, 9},     {7, 18, 3000}};
  for (const auto& [m, k, n] : shapes) {
    const RingTensor a = Random({m, k}, rng), b = Random({k, n}, rng);
    const RingTensor expected = NaiveMatMul(a, b);
    EXPECT_EQ(MatMul(a, b), expected) << m << "x" << k << "x" << n;
    RingTensor wide = RingTensor::Zeros({m, n});
    internal::MatMulAccumulateWide(m, n, k, a.data(), k, b.data(), n, wide.data(), n);
    EXPECT_EQ(wide, expected);
    RingTensor portable = RingTensor::Zeros({m, n});
    internal::MatMulAccumulatePortable(m, n, k, a.data(), k, b.data(), n, portable.data(), n);
    EXPECT_EQ(portable, expected);
    if (internal::CpuHasAvx512()) {
      RingTensor fast = RingTensor::Zeros({m, n});
      internal::MatMulAccumulateAvx512(m, n, k, a.data(), k, b.data(), n, fast.data(), n);
      EXPECT_EQ(fast, expected) << m << "x" << k << "x" << n;
    }
  }
}

TEST(RingMatMulTest, AccumulatesIntoExistingOutput) {
  std::mt19937_64 rng(3);
  const RingTensor a = Random({9, 20}, rng), b = Random({20, 18}, rng);
  RingTensor c = Random({9, 18}, rng);
  const RingTensor expected = Add(c, NaiveMatMul(a, b));
  MatMulAccumulate(9, 18, 20, a.data(), 20, b.data(), 18, c.data(), 18);
  EXPECT_EQ(c, expected);
}

}  // namespace
}  // namespace arca::mpc::ring
