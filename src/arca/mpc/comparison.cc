#include "arca/mpc/comparison.h"

#include <algorithm>

#include "arca/mpc/comparison_leaves.h"
#include "arca/mpc/oblivious.h"
#include "arca/mpc/ring_ops.h"

namespace arca::mpc {
namespace {

constexpr int kLessWords = 45;   // opened words per unit: 24 + 12 + 6 + 2, + 1 for B2A
constexpr int kEqualWords = 31;  // 16 + 8 + 4 + 2, + 1
constexpr int kLessGates = 29;   // AND gates per unit: 16 + 8 + 4 + 1
constexpr int kEqualGates = 15;  // 8 + 4 + 2 + 1

int64_t Words(int64_t n) { return (n + 63) / 64; }

// Words of packed bits, 64 elements to a word. Backed by a Buffer, so they are moved into
// messages and out of them without copies, and large ones come from the buffer cache.
using WordArray = RingTensor;

WordArray NewWords(int64_t count) { return WordArray(Shape{count}); }

WordArray DrawWords(crypto::Prg& prg, int64_t count) { return Assisted::Draw(prg, Shape{count}); }

Result<WordArray> ReceiveWords(Assisted& ctx, bool from_helper, int64_t count) {
  const auto bytes = static_cast<size_t>(count) * 8;
  Result<Buffer> b = from_helper ? ctx.RecvFromHelper(bytes) : ctx.RecvFromPeer(bytes);
  if (!b.ok()) return b.status();
  return WordArray::FromBuffer(Shape{count}, std::move(b).value());
}

// AND gates per digit pair at a level: less-than pairs compute eq_hi AND lt_lo and
// eq_hi AND eq_lo (two gates sharing eq_hi's mask) except at the root, which needs only the
// first; equality pairs compute eq_hi AND eq_lo.
int GatesPerPair(Comparison kind, int digits) {
  return kind == Comparison::kLess && digits > 2 ? 2 : 1;
}

// The masks of one level for a range of gates: a masks the shared left input, b[g] the right
// input of gate g, and c[g] = a AND b[g].
struct Masks {
  WordArray a;
  WordArray b[2];
  WordArray c[2];
};

// Draw order of a level: a, then b[g] for each gate, then (A only) c[g] for each gate.
Masks DrawMasks(crypto::Prg& prg, int64_t count, int gates, bool with_products) {
  Masks m;
  m.a = DrawWords(prg, count);
  for (int g = 0; g < gates; ++g) m.b[g] = DrawWords(prg, count);
  if (with_products) {
    for (int g = 0; g < gates; ++g) m.c[g] = DrawWords(prg, count);
  }
  return m;
}

// One run of the comparison kernel (see comparison.h), stage by stage, at one of A, B or H.
// A unit is one public value times one word of 64 elements; the T x n results are laid out
// row by row, one row per public value.
class ComparisonRun {
 public:
  ComparisonRun(Assisted& ctx, int64_t n, const RingTensor& values, Comparison kind)
      : ctx_(ctx),
        n_(n),
        values_(values),
        less_(kind == Comparison::kLess),
        words_(Words(n)),
        units_(values.numel() * words_),
        element_chunk_(std::max<int64_t>(64, ChunkElements() / 64 * 64)),
        unit_chunk_(std::max<int64_t>(1, ChunkElements() / 64)) {}

  Result<RingTensor> Run(const RingTensor* share) {
    if (ctx_.is_helper()) {
      ARCA_RETURN_IF_ERROR(HelperLeaves());
      for (int digits = kDigits; digits > 1; digits /= 2) {
        ctx_.NextRound();
        ARCA_RETURN_IF_ERROR(HelperLevel(digits));
      }
      ctx_.NextRound();
      ARCA_RETURN_IF_ERROR(HelperToArithmetic());
      return RingTensor();
    }
    ARCA_RETURN_IF_ERROR(OpenAndLeaves(*share));
    for (int digits = kDigits; digits > 1; digits /= 2) {
      ctx_.NextRound();
      ARCA_RETURN_IF_ERROR(Level(digits));
    }
    ctx_.NextRound();
    return ToArithmetic();
  }

 private:
  // Position in the T x n output of the first element of `unit` (for unit == units_, the end).
  int64_t ElementStart(int64_t unit) const {
    return (unit / words_) * n_ + std::min(n_, (unit % words_) * 64);
  }

  // --- Round 0: open c = x + r; the leaves from the one-hot tables of r's digits. ---------
  // Draw order per element chunk: r (A and B), then A's share of the tables.

  Status OpenAndLeaves(const RingTensor& share) {
    lt_ = NewWords(units_ * kDigits);
    eq_ = NewWords(units_ * kDigits);
    r63_ = NewWords(words_);
    c_ = RingTensor(Shape{n_});
    for (int64_t begin = 0; begin < n_; begin += element_chunk_) {
      const int64_t len = std::min(element_chunk_, n_ - begin);
      RingTensor mine = Assisted::Draw(ctx_.WithHelper(), Shape{len});
      const uint64_t* x = share.data() + begin;
      ring::ParallelRange(len, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) mine.data()[i] += x[i];
      });
      std::copy_n(mine.data(), len, c_.data() + begin);
      ARCA_RETURN_IF_ERROR(ctx_.SendToPeer(std::move(mine).TakeBuffer()));
      ARCA_ASSIGN_OR_RETURN(WordArray theirs, ReceiveWords(ctx_, false, len));
      uint64_t* c = c_.data() + begin;
      for (int64_t i = 0; i < len; ++i) c[i] += theirs[i];
      // Opened by design: c = x + r for a uniform r hides x. Its digits select table entries
      // (shift amounts in ComputeLeaves), which is why it must be, and may be, public.
      MarkPublic(std::span<const uint64_t>(c, static_cast<size_t>(len)));
      WordArray tables;
      if (ctx_.is_a()) {
        tables = DrawWords(ctx_.WithHelper(), kTableWords * len);
      } else {
        ARCA_ASSIGN_OR_RETURN(tables, ReceiveWords(ctx_, true, kTableWords * len));
      }
      const LeafInputs in{less_, c_.data(), tables.data(), n_, &values_};
      ComputeLeaves(in, begin / 64, Words(begin + len), lt_.data(), eq_.data(), r63_.data());
    }
    return OkStatus();
  }

  Status HelperLeaves() {
    for (int64_t begin = 0; begin < n_; begin += element_chunk_) {
      const int64_t len = std::min(element_chunk_, n_ - begin);
      RingTensor r = Assisted::Draw(ctx_.HelperWith(Role::kA), Shape{len});
      ring::AddInPlace(r, Assisted::Draw(ctx_.HelperWith(Role::kB), Shape{len}));
      WordArray tables = DrawWords(ctx_.HelperWith(Role::kA), kTableWords * len);
      uint64_t* t = tables.data();
      const uint64_t* pr = r.data();
      ring::ParallelRange(len, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
          for (int d = 0; d < kDigits; ++d) {
            // B's share: the one-hot bit of r's digit d, XOR A's share.
            const uint64_t digit = (pr[i] >> (4 * d)) & 15;
            t[kTableWords * i + d / 4] ^= (uint64_t{1} << digit) << (16 * (d % 4));
          }
        }
      });
      ARCA_RETURN_IF_ERROR(ctx_.SendFromHelper(Role::kB, std::move(tables).TakeBuffer()));
    }
    return OkStatus();
  }

  // --- Rounds 1-4: combine digit pairs, 16 -> 8 -> 4 -> 2 -> 1. ------------------------------

  Status Level(int64_t digits) {
    const int64_t pairs = digits / 2;
    const int gates =
        GatesPerPair(less_ ? Comparison::kLess : Comparison::kEqual, static_cast<int>(digits));
    WordArray next_lt = NewWords(units_ * pairs), next_eq = NewWords(units_ * pairs);
    for (int64_t u0 = 0; u0 < units_; u0 += unit_chunk_) {
      const int64_t u1 = std::min(units_, u0 + unit_chunk_);
      const int64_t count = (u1 - u0) * pairs;
      Masks m = DrawMasks(ctx_.WithHelper(), count, gates, ctx_.is_a());
      if (!ctx_.is_a()) {
        ARCA_ASSIGN_OR_RETURN(WordArray products, ReceiveWords(ctx_, true, gates * count));
        for (int g = 0; g < gates; ++g)
          m.c[g] = ring::SliceRows(products, g * count, (g + 1) * count);
      }
      // Open e = eq_hi ^ a and f_g = (right input of gate g) ^ b_g.
      WordArray open = NewWords((1 + gates) * count);
      for (int64_t u = u0; u < u1; ++u) {
        for (int64_t p = 0; p < pairs; ++p) {
          const int64_t k = (u - u0) * pairs + p, lo = u * digits + 2 * p;
          open.data()[k] = eq_[lo + 1] ^ m.a[k];
          open.data()[count + k] = (less_ ? lt_[lo] : eq_[lo]) ^ m.b[0][k];
          if (gates == 2) open.data()[2 * count + k] = eq_[lo] ^ m.b[1][k];
        }
      }
      WordArray opened = open;
      ARCA_RETURN_IF_ERROR(ctx_.SendToPeer(std::move(open).TakeBuffer()));
      ARCA_ASSIGN_OR_RETURN(WordArray theirs, ReceiveWords(ctx_, false, opened.numel()));
      for (int64_t i = 0; i < opened.numel(); ++i) opened.data()[i] ^= theirs[i];
      // Opened by design: e and f are the gates' inputs under fresh uniform masks.
      MarkPublic(opened);
      // z_g = [A](e & f_g) ^ (e & b_g) ^ (f_g & a) ^ c_g is this party's share of gate g.
      const uint64_t own = ctx_.is_a() ? ~uint64_t{0} : 0;
      for (int64_t u = u0; u < u1; ++u) {
        for (int64_t p = 0; p < pairs; ++p) {
          const int64_t k = (u - u0) * pairs + p, lo = u * digits + 2 * p, out = u * pairs + p;
          const uint64_t e = opened[k];
          uint64_t z[2] = {0, 0};
          for (int g = 0; g < gates; ++g) {
            const uint64_t f = opened[(1 + g) * count + k];
            z[g] = (own & e & f) ^ (e & m.b[g][k]) ^ (f & m.a[k]) ^ m.c[g][k];
          }
          next_lt.data()[out] = less_ ? lt_[lo + 1] ^ z[0] : 0;
          next_eq.data()[out] = less_ ? z[1] : z[0];
        }
      }
    }
    lt_ = std::move(next_lt);
    eq_ = std::move(next_eq);
    return OkStatus();
  }

  Status HelperLevel(int digits) {
    const int pairs = digits / 2;
    const int gates = GatesPerPair(less_ ? Comparison::kLess : Comparison::kEqual, digits);
    for (int64_t u0 = 0; u0 < units_; u0 += unit_chunk_) {
      const int64_t count = (std::min(units_, u0 + unit_chunk_) - u0) * pairs;
      const Masks ma = DrawMasks(ctx_.HelperWith(Role::kA), count, gates, true);
      const Masks mb = DrawMasks(ctx_.HelperWith(Role::kB), count, gates, false);
      // B's shares of the products: (a_A ^ a_B) & (b_A ^ b_B), XOR A's share.
      WordArray to_b = NewWords(gates * count);
      for (int g = 0; g < gates; ++g) {
        for (int64_t i = 0; i < count; ++i) {
          to_b.data()[g * count + i] =
              ((ma.a[i] ^ mb.a[i]) & (ma.b[g][i] ^ mb.b[g][i])) ^ ma.c[g][i];
        }
      }
      ARCA_RETURN_IF_ERROR(ctx_.SendFromHelper(Role::kB, std::move(to_b).TakeBuffer()));
    }
    return OkStatus();
  }

  // --- Round 5: from the XOR-shared result bits to arithmetic shares (B2A). ----------------
  // result = c'63 ^ r63 ^ lt for less-than, eq for equality. Open result ^ rho for a random
  // bit rho whose arithmetic share H supplies: result = m + (1 - 2m)·rho.
  // Draw order per unit chunk: rho's XOR share words (A and B), then A's arithmetic shares.

  // This party's XOR share of the result bits of `unit`.
  uint64_t ResultBits(int64_t unit) const {
    if (!less_) return eq_[unit];
    uint64_t bits = lt_[unit] ^ r63_[unit % words_];
    if (ctx_.is_a()) {
      // The public top bits of c' = c - t of the unit's elements.
      const uint64_t t = values_[unit / words_];
      const int64_t first = (unit % words_) * 64;
      for (int64_t i = first; i < std::min(n_, first + 64); ++i) {
        bits ^= ((c_[i] - t) >> 63) << (i - first);
      }
    }
    return bits;
  }

  Result<RingTensor> ToArithmetic() {
    RingTensor out(Shape{values_.numel() * n_});
    for (int64_t u0 = 0; u0 < units_; u0 += unit_chunk_) {
      const int64_t u1 = std::min(units_, u0 + unit_chunk_);
      const int64_t e0 = ElementStart(u0);
      WordArray open = DrawWords(ctx_.WithHelper(), u1 - u0);
      WordArray rho;
      if (ctx_.is_a()) {
        rho = DrawWords(ctx_.WithHelper(), ElementStart(u1) - e0);
      } else {
        ARCA_ASSIGN_OR_RETURN(rho, ReceiveWords(ctx_, true, ElementStart(u1) - e0));
      }
      for (int64_t u = u0; u < u1; ++u) open.data()[u - u0] ^= ResultBits(u);
      WordArray opened = open;
      ARCA_RETURN_IF_ERROR(ctx_.SendToPeer(std::move(open).TakeBuffer()));
      ARCA_ASSIGN_OR_RETURN(WordArray theirs, ReceiveWords(ctx_, false, opened.numel()));
      for (int64_t i = 0; i < opened.numel(); ++i) opened.data()[i] ^= theirs[i];
      // Opened by design: the result bits under a uniform random bit rho.
      MarkPublic(opened);
      const uint64_t own = ctx_.is_a() ? 1 : 0;
      for (int64_t u = u0; u < u1; ++u) {
        const int64_t first = ElementStart(u);
        for (int64_t e = first; e < ElementStart(u + 1); ++e) {
          const uint64_t bit = (opened[u - u0] >> (e - first)) & 1;
          out.data()[e] = own * bit + (1 - 2 * bit) * rho[e - e0];
        }
      }
    }
    return out;
  }

  Status HelperToArithmetic() {
    for (int64_t u0 = 0; u0 < units_; u0 += unit_chunk_) {
      const int64_t u1 = std::min(units_, u0 + unit_chunk_);
      const int64_t e0 = ElementStart(u0);
      const WordArray rho_a = DrawWords(ctx_.HelperWith(Role::kA), u1 - u0);
      RingTensor arith = Assisted::Draw(ctx_.HelperWith(Role::kA), Shape{ElementStart(u1) - e0});
      const WordArray rho_b = DrawWords(ctx_.HelperWith(Role::kB), u1 - u0);
      for (int64_t u = u0; u < u1; ++u) {
        const uint64_t bits = rho_a[u - u0] ^ rho_b[u - u0];
        const int64_t first = ElementStart(u);
        for (int64_t e = first; e < ElementStart(u + 1); ++e) {
          uint64_t& slot = arith.data()[e - e0];
          slot = ((bits >> (e - first)) & 1) - slot;  // B's arithmetic share of rho's bit
        }
      }
      ARCA_RETURN_IF_ERROR(ctx_.SendFromHelper(Role::kB, std::move(arith).TakeBuffer()));
    }
    return OkStatus();
  }

  Assisted& ctx_;
  const int64_t n_;
  const RingTensor& values_;
  const bool less_;
  const int64_t words_, units_;
  const int64_t element_chunk_, unit_chunk_;
  RingTensor c_;       // opened c = x + r
  WordArray lt_, eq_;  // the tree's current level: [unit * digits + digit]
  WordArray r63_;      // XOR share of r's top bit, per word of elements
};

}  // namespace

AssistedCost CompareCost(int64_t n, int64_t values, Comparison kind) {
  if (n == 0) return {};
  const int64_t units = values * Words(n);
  const bool less = kind == Comparison::kLess;
  const int64_t online = 8 * n + 8 * units * (less ? kLessWords : kEqualWords);
  const int64_t pre =
      int64_t{8} * kTableWords * n + 8 * units * (less ? kLessGates : kEqualGates) + 8 * values * n;
  return {{6, online, 0}, {6, online, 0}, {0, 0, pre}};
}

Result<RingTensor> CompareShares(Assisted& ctx, const RingTensor* share, int64_t n,
                                 const RingTensor& values, Comparison kind) {
  if (n == 0) return RingTensor(Shape{0});
  return ComparisonRun(ctx, n, values, kind).Run(share);
}

}  // namespace arca::mpc
