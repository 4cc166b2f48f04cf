#include "arca/mpc/truncation.h"

#include <algorithm>

#include "arca/mpc/oblivious.h"
#include "arca/mpc/ring_ops.h"

namespace arca::mpc {
namespace {

constexpr uint64_t kLow63 = ~uint64_t{0} >> 1;
constexpr uint64_t kOffset = uint64_t{1} << 62;  // moves |x| < 2^62 into [0, 2^63)

}  // namespace

Result<RingTensor> TruncateShares(Assisted& ctx, const RingTensor* share, const Shape& shape,
                                  int bits) {
  const int64_t n = shape.numel();
  const int64_t chunk = ChunkElements();
  // Draw order per chunk: A draws r_A, then its shares of r_low >> f and of r63; B draws r_B.

  if (ctx.is_helper()) {
    for (int64_t begin = 0; begin < n; begin += chunk) {
      const int64_t len = std::min(chunk, n - begin);
      const Shape s{len};
      RingTensor r = Assisted::Draw(ctx.HelperWith(Role::kA), s);
      const RingTensor mid_a = Assisted::Draw(ctx.HelperWith(Role::kA), s);
      const RingTensor top_a = Assisted::Draw(ctx.HelperWith(Role::kA), s);
      ring::AddInPlace(r, Assisted::Draw(ctx.HelperWith(Role::kB), s));
      // B's shares of (r_low >> f) and of r63, in one message.
      RingTensor to_b(Shape{2 * len});
      const uint64_t *pr = r.data(), *pm = mid_a.data(), *pt = top_a.data();
      uint64_t* out = to_b.data();
      ring::ParallelRange(len, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
          out[i] = ((pr[i] & kLow63) >> bits) - pm[i];
          out[len + i] = (pr[i] >> 63) - pt[i];
        }
      });
      ARCA_RETURN_IF_ERROR(ctx.SendFromHelper(Role::kB, std::move(to_b).TakeBuffer()));
    }
    return RingTensor();
  }

  const bool is_a = ctx.is_a();
  RingTensor y(shape);
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const int64_t len = std::min(chunk, n - begin);
    const Shape s{len};
    const RingTensor r = Assisted::Draw(ctx.WithHelper(), s);
    RingTensor mid, top;
    if (is_a) {
      mid = Assisted::Draw(ctx.WithHelper(), s);
      top = Assisted::Draw(ctx.WithHelper(), s);
    }
    RingTensor mine(s);
    const uint64_t *px = share->data() + begin, *pr = r.data();
    uint64_t* pm = mine.data();
    const uint64_t offset = is_a ? kOffset : 0;
    ring::ParallelRange(len, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) pm[i] = px[i] + offset + pr[i];
    });
    RingTensor c = mine;
    ARCA_RETURN_IF_ERROR(ctx.SendToPeer(std::move(mine).TakeBuffer()));
    ARCA_ASSIGN_OR_RETURN(Buffer theirs, ctx.RecvFromPeer(static_cast<size_t>(len) * 8));
    ring::AddInPlace(c, *RingTensor::FromBuffer(s, std::move(theirs)));
    // Opened by design: c = x + 2^62 + r for a uniform r hides x.
    MarkPublic(c);
    if (!is_a) {
      ARCA_ASSIGN_OR_RETURN(Buffer from_h, ctx.RecvFromHelper(static_cast<size_t>(len) * 16));
      const RingTensor both = *RingTensor::FromBuffer(Shape{2 * len}, std::move(from_h));
      mid = ring::SliceRows(both, 0, len);
      top = ring::SliceRows(both, len, 2 * len);
    }
    // y = [A]·(c_low >> f) - mid + 2^(63-f)·([A]·c63 + (1 - 2·c63)·top) - [A]·2^(62-f).
    const uint64_t a = is_a ? 1 : 0;
    const uint64_t high = uint64_t{1} << (63 - bits);
    const uint64_t undo_offset = a << (62 - bits);
    const uint64_t *pc = c.data(), *pmid = mid.data(), *ptop = top.data();
    uint64_t* py = y.data() + begin;
    ring::ParallelRange(len, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const uint64_t c63 = pc[i] >> 63;
        py[i] = a * ((pc[i] & kLow63) >> bits) - pmid[i] +
                high * (a * c63 + (1 - 2 * c63) * ptop[i]) - undo_offset;
      }
    });
  }
  return y;
}

AssistedCost TruncateCost(int64_t n) {
  const int64_t rounds = n > 0 ? 1 : 0;
  return {{rounds, 8 * n, 0}, {rounds, 8 * n, 0}, {0, 0, 16 * n}};
}

}  // namespace arca::mpc
