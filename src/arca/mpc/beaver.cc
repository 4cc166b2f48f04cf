#include "arca/mpc/beaver.h"

#include <algorithm>

#include "arca/mpc/oblivious.h"
#include "arca/mpc/ring_matmul.h"
#include "arca/mpc/ring_ops.h"

namespace arca::mpc {
namespace {

Result<RingTensor> Receive(Assisted& ctx, bool from_helper, Shape shape) {
  const auto bytes = static_cast<size_t>(shape.numel()) * 8;
  Result<Buffer> b = from_helper ? ctx.RecvFromHelper(bytes) : ctx.RecvFromPeer(bytes);
  if (!b.ok()) return b.status();
  return RingTensor::FromBuffer(std::move(shape), std::move(b).value());
}

// One chunk of an elementwise product at A or B, between sending and finishing.
struct MulChunk {
  int64_t begin = 0;
  int64_t len = 0;
  RingTensor mask_x, mask_y;  // this party's mask shares (fresh operands only)
  RingTensor c;               // A's share of a·b (B receives its share when finishing)
};

}  // namespace

Result<Opening> OpenMasked(Assisted& ctx, const RingTensor* share, const Shape& shape) {
  if (ctx.is_helper()) {
    RingTensor mask = Assisted::Draw(ctx.HelperWith(Role::kA), shape);
    ring::AddInPlace(mask, Assisted::Draw(ctx.HelperWith(Role::kB), shape));
    return Opening{std::move(mask), RingTensor()};
  }
  RingTensor mask = Assisted::Draw(ctx.WithHelper(), shape);
  ARCA_RETURN_IF_ERROR(ctx.SendToPeer(ring::Sub(*share, mask).TakeBuffer()));
  ARCA_ASSIGN_OR_RETURN(RingTensor opened, Receive(ctx, false, shape));
  ring::AddInPlace(opened, *share);
  ring::SubInPlace(opened, mask);
  MarkPublic(opened);
  return Opening{std::move(mask), std::move(opened)};
}

AssistedCost OpenMaskedCost(int64_t n) { return {{1, 8 * n, 0}, {1, 8 * n, 0}, {0, 0, 0}}; }

namespace {

// Draw order per chunk, on each party's stream with H: mask of x (if fresh), mask of y (if
// fresh), then (A only) A's share of c.

// H: mirrors A's and B's draws chunk by chunk and sends B its share of c = a·b.
Status BeaverMulHelper(Assisted& ctx, int64_t n, const Operand& x, const Operand& y) {
  const int64_t chunk = ChunkElements();
  const bool x_fresh = x.opening == nullptr, y_fresh = y.opening == nullptr;
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const Shape s{std::min(chunk, n - begin)};
    RingTensor ax, ay;
    if (x_fresh) ax = Assisted::Draw(ctx.HelperWith(Role::kA), s);
    if (y_fresh) ay = Assisted::Draw(ctx.HelperWith(Role::kA), s);
    RingTensor c = Assisted::Draw(ctx.HelperWith(Role::kA), s);
    if (x_fresh) ring::AddInPlace(ax, Assisted::Draw(ctx.HelperWith(Role::kB), s));
    if (y_fresh) ring::AddInPlace(ay, Assisted::Draw(ctx.HelperWith(Role::kB), s));
    const uint64_t* mx = x_fresh ? ax.data() : x.opening->mask.data() + begin;
    const uint64_t* my = y_fresh ? ay.data() : y.opening->mask.data() + begin;
    uint64_t* pc = c.data();
    ring::ParallelRange(s.numel(), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) pc[i] = mx[i] * my[i] - pc[i];  // B's share of a·b
    });
    ARCA_RETURN_IF_ERROR(ctx.SendFromHelper(Role::kB, std::move(c).TakeBuffer()));
  }
  return OkStatus();
}

// A or B: a share of x·y, chunk by chunk; chunk k+1 is drawn and sent before chunk k is
// finished, so computing overlaps the transfer.
class MulRun {
 public:
  MulRun(Assisted& ctx, const Shape& shape, const Operand& x, const Operand& y)
      : ctx_(ctx),
        x_(x),
        y_(y),
        n_(shape.numel()),
        chunk_(ChunkElements()),
        x_fresh_(x.opening == nullptr),
        y_fresh_(y.opening == nullptr),
        fresh_((x_fresh_ ? 1 : 0) + (y_fresh_ ? 1 : 0)),
        z_(shape) {}

  Result<RingTensor> Run() {
    MulChunk pending;
    bool have_pending = false;
    for (int64_t begin = 0; begin < n_; begin += chunk_) {
      ARCA_ASSIGN_OR_RETURN(MulChunk next, Start(begin));
      if (have_pending) ARCA_RETURN_IF_ERROR(Finish(pending));
      pending = std::move(next);
      have_pending = true;
    }
    if (have_pending) ARCA_RETURN_IF_ERROR(Finish(pending));
    return std::move(z_);
  }

 private:
  // Draws a chunk's masks and sends this party's masked values x - a, y - b.
  Result<MulChunk> Start(int64_t begin) {
    MulChunk ch{begin, std::min(chunk_, n_ - begin), {}, {}, {}};
    const Shape s{ch.len};
    if (x_fresh_) ch.mask_x = Assisted::Draw(ctx_.WithHelper(), s);
    if (y_fresh_) ch.mask_y = Assisted::Draw(ctx_.WithHelper(), s);
    if (ctx_.is_a()) ch.c = Assisted::Draw(ctx_.WithHelper(), s);
    if (fresh_ == 0) return ch;
    RingTensor mine(Shape{fresh_ * ch.len});
    uint64_t* out = mine.data();
    for (const auto& [fresh, share, mask] :
         {std::tuple{x_fresh_, x_.share, &ch.mask_x}, std::tuple{y_fresh_, y_.share, &ch.mask_y}}) {
      if (!fresh) continue;
      const uint64_t* ps = share->data() + begin;
      const uint64_t* pm = mask->data();
      ring::ParallelRange(ch.len, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) out[i] = ps[i] - pm[i];
      });
      out += ch.len;
    }
    ARCA_RETURN_IF_ERROR(ctx_.SendToPeer(std::move(mine).TakeBuffer()));
    return ch;
  }

  // Receives the peer's masked values (and B its share of c) and computes the chunk of
  // z = c + e·b + f·a (+ e·f at A), where e = x - a and f = y - b are recomputed from this
  // party's part plus the peer's rather than stored.
  Status Finish(MulChunk& ch) {
    const int64_t len = ch.len;
    RingTensor theirs;
    if (fresh_ > 0) {
      ARCA_ASSIGN_OR_RETURN(theirs, Receive(ctx_, false, Shape{fresh_ * len}));
    }
    if (!ctx_.is_a()) {
      ARCA_ASSIGN_OR_RETURN(ch.c, Receive(ctx_, true, Shape{len}));
    }
    const uint64_t* peer_x = x_fresh_ ? theirs.data() : nullptr;
    const uint64_t* peer_y = y_fresh_ ? theirs.data() + (x_fresh_ ? len : 0) : nullptr;
    const uint64_t* px = x_.share->data() + ch.begin;
    const uint64_t* py = y_.share->data() + ch.begin;
    const uint64_t* ax = x_fresh_ ? ch.mask_x.data() : x_.opening->mask.data() + ch.begin;
    const uint64_t* ay = y_fresh_ ? ch.mask_y.data() : y_.opening->mask.data() + ch.begin;
    const uint64_t* ox = x_fresh_ ? nullptr : x_.opening->opened.data() + ch.begin;
    const uint64_t* oy = y_fresh_ ? nullptr : y_.opening->opened.data() + ch.begin;
    const uint64_t* pc = ch.c.data();
    const uint64_t own_ef = ctx_.is_a() ? 1 : 0;
    uint64_t* pz = z_.data() + ch.begin;
    ring::ParallelRange(len, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const uint64_t ex = ox ? ox[i] : peer_x[i] + px[i] - ax[i];
        const uint64_t fy = oy ? oy[i] : peer_y[i] + py[i] - ay[i];
        pz[i] = pc[i] + ex * ay[i] + fy * ax[i] + own_ef * ex * fy;
      }
    });
    return OkStatus();
  }

  Assisted& ctx_;
  const Operand& x_;
  const Operand& y_;
  const int64_t n_, chunk_;
  const bool x_fresh_, y_fresh_;
  const int64_t fresh_;  // operands opened here (not already opened by OpenMasked)
  RingTensor z_;
};

}  // namespace

Result<RingTensor> BeaverMul(Assisted& ctx, const Shape& shape, const Operand& x,
                             const Operand& y) {
  if (!ctx.is_helper()) return MulRun(ctx, shape, x, y).Run();
  ARCA_RETURN_IF_ERROR(BeaverMulHelper(ctx, shape.numel(), x, y));
  return RingTensor();
}

AssistedCost BeaverMulCost(int64_t n, bool x_opened, bool y_opened) {
  const int64_t opened = (x_opened ? 0 : 1) + (y_opened ? 0 : 1);
  const int64_t rounds = opened > 0 && n > 0 ? 1 : 0;
  return {{rounds, 8 * opened * n, 0}, {rounds, 8 * opened * n, 0}, {0, 0, 8 * n}};
}

Result<RingTensor> BeaverMatMul(Assisted& ctx, int64_t m, int64_t k, int64_t n, const Operand& x,
                                const Operand& y) {
  const Shape sx{m, k}, sy{k, n}, sz{m, n};
  const bool x_fresh = x.opening == nullptr, y_fresh = y.opening == nullptr;

  // Draw order on each party's stream with H: mask of X (if fresh), mask of Y (if fresh),
  // then (A only) A's share of C = A_X·A_Y.
  if (ctx.is_helper()) {
    RingTensor ax, ay;
    if (x_fresh) ax = Assisted::Draw(ctx.HelperWith(Role::kA), sx);
    if (y_fresh) ay = Assisted::Draw(ctx.HelperWith(Role::kA), sy);
    RingTensor c = Assisted::Draw(ctx.HelperWith(Role::kA), sz);
    if (x_fresh) ring::AddInPlace(ax, Assisted::Draw(ctx.HelperWith(Role::kB), sx));
    if (y_fresh) ring::AddInPlace(ay, Assisted::Draw(ctx.HelperWith(Role::kB), sy));
    const RingTensor& mx = x_fresh ? ax : x.opening->mask;
    const RingTensor& my = y_fresh ? ay : y.opening->mask;
    RingTensor c_b = ring::Neg(c);
    ring::MatMulAccumulate(m, n, k, mx.data(), k, my.data(), n, c_b.data(), n);
    ARCA_RETURN_IF_ERROR(ctx.SendFromHelper(Role::kB, std::move(c_b).TakeBuffer()));
    return RingTensor();
  }

  const bool is_a = ctx.is_a();
  // Fresh operands get masks drawn now; opened ones bring theirs (used in place, not copied).
  RingTensor fresh_ax, fresh_ay, e, f;
  if (x_fresh) fresh_ax = Assisted::Draw(ctx.WithHelper(), sx);
  if (y_fresh) fresh_ay = Assisted::Draw(ctx.WithHelper(), sy);
  RingTensor z = is_a ? Assisted::Draw(ctx.WithHelper(), sz) : RingTensor();
  const RingTensor& ax = x_fresh ? fresh_ax : x.opening->mask;
  const RingTensor& ay = y_fresh ? fresh_ay : y.opening->mask;

  // Open the fresh operands in one message: X - A_X, then Y - A_Y.
  const int64_t x_len = x_fresh ? m * k : 0;
  const int64_t sent = x_len + (y_fresh ? k * n : 0);
  if (sent > 0) {
    RingTensor mine(Shape{sent});
    if (x_fresh) {
      const RingTensor d = ring::Sub(*x.share, ax);
      std::copy_n(d.data(), x_len, mine.data());
    }
    if (y_fresh) {
      const RingTensor d = ring::Sub(*y.share, ay);
      std::copy_n(d.data(), k * n, mine.data() + x_len);
    }
    RingTensor opened = mine;
    ARCA_RETURN_IF_ERROR(ctx.SendToPeer(std::move(mine).TakeBuffer()));
    ARCA_ASSIGN_OR_RETURN(RingTensor theirs, Receive(ctx, false, Shape{sent}));
    ring::AddInPlace(opened, theirs);
    MarkPublic(opened);
    if (x_fresh) e = *ring::SliceRows(opened, 0, x_len).Reshaped(sx);
    if (y_fresh) f = *ring::SliceRows(opened, x_len, sent).Reshaped(sy);
  }
  const RingTensor& ex = x_fresh ? e : x.opening->opened;
  const RingTensor& fy = y_fresh ? f : y.opening->opened;
  if (!is_a) {
    ARCA_ASSIGN_OR_RETURN(z, Receive(ctx, true, sz));
  }
  // Z = C + E·(A_Y + [A]·F) + A_X·F: two ring matrix products per party.
  const RingTensor right = is_a ? ring::Add(ay, fy) : ay;
  ring::MatMulAccumulate(m, n, k, ex.data(), k, right.data(), n, z.data(), n);
  ring::MatMulAccumulate(m, n, k, ax.data(), k, fy.data(), n, z.data(), n);
  return z;
}

AssistedCost BeaverMatMulCost(int64_t m, int64_t k, int64_t n, bool x_opened, bool y_opened) {
  const int64_t opened = (x_opened ? 0 : m * k) + (y_opened ? 0 : k * n);
  const int64_t rounds = opened > 0 ? 1 : 0;
  return {{rounds, 8 * opened, 0}, {rounds, 8 * opened, 0}, {0, 0, 8 * m * n}};
}

}  // namespace arca::mpc
