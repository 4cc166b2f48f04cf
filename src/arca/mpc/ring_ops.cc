#include "arca/mpc/ring_ops.h"

#include <algorithm>
#include <cstring>

#include "arca/base/thread_pool.h"

namespace arca::mpc::ring {
namespace {

constexpr int64_t kStreamingChunk = int64_t{1} << 15;

// out[i] = op(a[i or 0], b[i or 0]), broadcasting a single-element operand.
template <typename Op>
RingTensor Binary(const RingTensor& a, const RingTensor& b, Op op) {
  const bool a_one = a.numel() == 1 && b.numel() != 1;
  const bool b_one = b.numel() == 1 && a.numel() != 1;
  RingTensor out(a_one ? b.shape() : a.shape());
  const uint64_t* pa = a.data();
  const uint64_t* pb = b.data();
  uint64_t* po = out.data();
  ParallelRange(out.numel(), [&](int64_t begin, int64_t end) {
    if (a_one) {
      for (int64_t i = begin; i < end; ++i) po[i] = op(pa[0], pb[i]);
    } else if (b_one) {
      for (int64_t i = begin; i < end; ++i) po[i] = op(pa[i], pb[0]);
    } else {
      for (int64_t i = begin; i < end; ++i) po[i] = op(pa[i], pb[i]);
    }
  });
  return out;
}

}  // namespace

void ParallelRange(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
  ThreadPool::Default().ParallelFor(n, kStreamingChunk, fn);
}

RingTensor Add(const RingTensor& a, const RingTensor& b) {
  return Binary(a, b, [](uint64_t x, uint64_t y) { return x + y; });
}
RingTensor Sub(const RingTensor& a, const RingTensor& b) {
  return Binary(a, b, [](uint64_t x, uint64_t y) { return x - y; });
}
RingTensor Mul(const RingTensor& a, const RingTensor& b) {
  return Binary(a, b, [](uint64_t x, uint64_t y) { return x * y; });
}
RingTensor Neg(const RingTensor& a) {
  RingTensor out(a.shape());
  const uint64_t* pa = a.data();
  uint64_t* po = out.data();
  ParallelRange(a.numel(), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) po[i] = 0 - pa[i];
  });
  return out;
}

void AddInPlace(RingTensor& a, const RingTensor& b) {
  uint64_t* pa = a.data();
  const uint64_t* pb = b.data();
  const bool one = b.numel() == 1;
  ParallelRange(a.numel(), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) pa[i] += pb[one ? 0 : i];
  });
}

void SubInPlace(RingTensor& a, const RingTensor& b) {
  uint64_t* pa = a.data();
  const uint64_t* pb = b.data();
  const bool one = b.numel() == 1;
  ParallelRange(a.numel(), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) pa[i] -= pb[one ? 0 : i];
  });
}

void AddToRowsInPlace(RingTensor& a, const RingTensor& column) {
  const int64_t cols = a.shape().dim(1);
  uint64_t* pa = a.data();
  const uint64_t* pc = column.data();
  ThreadPool::Default().ParallelFor(a.shape().dim(0), 1, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      for (int64_t c = 0; c < cols; ++c) pa[r * cols + c] += pc[r];
    }
  });
}

RingTensor ShiftRightArithmetic(const RingTensor& a, int bits) {
  RingTensor out(a.shape());
  const uint64_t* pa = a.data();
  uint64_t* po = out.data();
  ParallelRange(a.numel(), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      po[i] = static_cast<uint64_t>(static_cast<int64_t>(pa[i]) >> bits);
    }
  });
  return out;
}

RingTensor Sum(const RingTensor& a, int axis) {
  const int64_t rows = a.shape().rank() >= 1 ? a.shape().dim(0) : 1;
  const int64_t cols = a.shape().rank() == 2 ? a.shape().dim(1) : 1;
  const uint64_t* p = a.data();
  if (axis < 0 || a.shape().rank() <= 1) {
    uint64_t total = 0;
    for (int64_t i = 0; i < a.numel(); ++i) total += p[i];
    return RingTensor::Scalar(total);
  }
  if (axis == 0) {
    RingTensor out = RingTensor::Zeros(Shape{cols});
    uint64_t* po = out.data();
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < cols; ++c) po[c] += p[r * cols + c];
    }
    return out;
  }
  RingTensor out(Shape{rows});
  uint64_t* po = out.data();
  ParallelRange(rows, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      uint64_t s = 0;
      for (int64_t c = 0; c < cols; ++c) s += p[r * cols + c];
      po[r] = s;
    }
  });
  return out;
}

RingTensor Transpose(const RingTensor& a) {
  const int64_t rows = a.shape().dim(0);
  const int64_t cols = a.shape().rank() == 2 ? a.shape().dim(1) : 1;
  RingTensor out(Shape{cols, rows});
  const uint64_t* p = a.data();
  uint64_t* po = out.data();
  constexpr int64_t kTile = 32;
  ThreadPool::Default().ParallelFor((rows + kTile - 1) / kTile, 4, [&](int64_t tb, int64_t te) {
    for (int64_t r0 = tb * kTile; r0 < std::min(rows, te * kTile); r0 += kTile) {
      for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
        for (int64_t r = r0; r < std::min(rows, r0 + kTile); ++r) {
          for (int64_t c = c0; c < std::min(cols, c0 + kTile); ++c) {
            po[c * rows + r] = p[r * cols + c];
          }
        }
      }
    }
  });
  return out;
}

RingTensor SliceRows(const RingTensor& a, int64_t begin, int64_t end) {
  std::vector<int64_t> dims = a.shape().dims();
  const int64_t row = dims[0] == 0 ? 0 : a.numel() / dims[0];
  dims[0] = end - begin;
  RingTensor out{Shape(dims)};
  if (out.numel() > 0) std::memcpy(out.data(), a.data() + begin * row, out.numel() * 8);
  return out;
}

RingTensor ConcatRows(const std::vector<const RingTensor*>& parts) {
  std::vector<int64_t> dims = parts.front()->shape().dims();
  dims[0] = 0;
  for (const RingTensor* p : parts) dims[0] += p->shape().dim(0);
  RingTensor out{Shape(dims)};
  uint64_t* dst = out.data();
  for (const RingTensor* p : parts) {
    if (p->numel() > 0) std::memcpy(dst, p->data(), p->numel() * 8);
    dst += p->numel();
  }
  return out;
}

}  // namespace arca::mpc::ring
