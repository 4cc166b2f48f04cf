#include "arca/mpc/comparison.h"

#include <algorithm>
#include <vector>

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

// XOR-shared bits of the comparison tree, packed 64 elements to a word. A unit is one public
// value times one word of elements; each unit has `digits` lt words and `digits` eq words.
struct Tree {
  int digits = kDigits;
  std::vector<uint64_t> lt, eq;  // [unit * digits + digit]
};

// AND gates per digit pair at a level: less-than pairs compute eq_hi AND lt_lo and
// eq_hi AND eq_lo (two gates sharing eq_hi's mask) except at the root, which needs only the
// first; equality pairs compute eq_hi AND eq_lo.
int GatesPerPair(Comparison kind, int digits) {
  return kind == Comparison::kLess && digits > 2 ? 2 : 1;
}

// The masks of one level for a range of gates: a masks the shared left input, b[g] the right
// input of gate g, and c[g] = a AND b[g].
struct Masks {
  std::vector<uint64_t> a;
  std::vector<uint64_t> b[2];
  std::vector<uint64_t> c[2];
};

std::vector<uint64_t> DrawWords(crypto::Prg& prg, int64_t count) {
  std::vector<uint64_t> words(static_cast<size_t>(count));
  Assisted::DrawInto(prg, words.data(), count);
  return words;
}

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

// Position in the T x n output of the first element of `unit`.
int64_t ElementStart(int64_t unit, int64_t words, int64_t n) {
  return (unit / words) * n + std::min(n, (unit % words) * 64);
}

Buffer WordsToBuffer(const std::vector<uint64_t>& words) {
  return Buffer::CopyOf({reinterpret_cast<const uint8_t*>(words.data()), words.size() * 8});
}

Result<std::vector<uint64_t>> ReceiveWords(Assisted& ctx, bool from_helper, int64_t count) {
  const auto bytes = static_cast<size_t>(count) * 8;
  Result<Buffer> b = from_helper ? ctx.RecvFromHelper(bytes) : ctx.RecvFromPeer(bytes);
  if (!b.ok()) return b.status();
  const std::span<const uint64_t> v = b->As<uint64_t>();
  return std::vector<uint64_t>(v.begin(), v.end());
}

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

// Over the complexity threshold: the whole protocol is kept in one function, round by round,
// so that it reads top to bottom. A candidate for splitting.
// NOLINTNEXTLINE(readability-function-cognitive-complexity)
Result<RingTensor> CompareShares(Assisted& ctx, const RingTensor* share, int64_t n,
                                 const RingTensor& values, Comparison kind) {
  const int64_t count = values.numel();
  const int64_t words = Words(n);
  const int64_t units = count * words;
  const int64_t element_chunk = std::max<int64_t>(64, ChunkElements() / 64 * 64);
  const int64_t unit_chunk = std::max<int64_t>(1, ChunkElements() / 64);
  const bool helper = ctx.is_helper();
  const bool is_a = ctx.is_a();
  if (n == 0) return RingTensor(Shape{0});

  // --- Round 0: open c = x + r; build the leaves from the one-hot tables of r's digits. ----
  // Draw order per element chunk: r (A and B), then A's share of the tables.
  Tree tree;
  std::vector<uint64_t> r63;
  std::vector<uint64_t> c;
  if (!helper) {
    tree.lt.assign(static_cast<size_t>(units * kDigits), 0);
    tree.eq.assign(static_cast<size_t>(units * kDigits), 0);
    r63.assign(static_cast<size_t>(words), 0);
    c.resize(static_cast<size_t>(n));
  }
  for (int64_t begin = 0; begin < n; begin += element_chunk) {
    const int64_t len = std::min(element_chunk, n - begin);
    const Shape s{len};
    if (helper) {
      RingTensor r = Assisted::Draw(ctx.HelperWith(Role::kA), s);
      ring::AddInPlace(r, Assisted::Draw(ctx.HelperWith(Role::kB), s));
      RingTensor tables = Assisted::Draw(ctx.HelperWith(Role::kA), Shape{kTableWords * len});
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
      ARCA_RETURN_IF_ERROR(ctx.SendFromHelper(Role::kB, std::move(tables).TakeBuffer()));
      continue;
    }
    const RingTensor r = Assisted::Draw(ctx.WithHelper(), s);
    RingTensor mine(s);
    std::copy_n(share->data() + begin, len, mine.data());
    ring::AddInPlace(mine, r);
    std::copy_n(mine.data(), len, c.data() + begin);
    ARCA_RETURN_IF_ERROR(ctx.SendToPeer(std::move(mine).TakeBuffer()));
    ARCA_ASSIGN_OR_RETURN(std::vector<uint64_t> theirs, ReceiveWords(ctx, false, len));
    for (int64_t i = 0; i < len; ++i)
      c[static_cast<size_t>(begin + i)] += theirs[static_cast<size_t>(i)];
    // Opened by design: c = x + r for a uniform r hides x. Its digits select table entries
    // (shift amounts in Leaves), which is why it must be, and may be, public.
    MarkPublic(
        std::span<const uint64_t>(c).subspan(static_cast<size_t>(begin), static_cast<size_t>(len)));
    std::vector<uint64_t> tables;
    if (is_a) {
      tables = DrawWords(ctx.WithHelper(), kTableWords * len);
    } else {
      ARCA_ASSIGN_OR_RETURN(tables, ReceiveWords(ctx, true, kTableWords * len));
    }
    const LeafInputs leaf_inputs{kind == Comparison::kLess, c.data(), tables.data(), n, &values};
    ComputeLeaves(leaf_inputs, begin / 64, Words(begin + len), tree.lt, tree.eq, r63);
  }

  // --- Rounds 1-4: combine digit pairs. ------------------------------------------------------
  for (int digits = kDigits; digits > 1; digits /= 2) {
    ctx.NextRound();
    const int pairs = digits / 2;
    const int gates = GatesPerPair(kind, digits);
    Tree next;
    next.digits = pairs;
    if (!helper) {
      next.lt.assign(static_cast<size_t>(units * pairs), 0);
      next.eq.assign(static_cast<size_t>(units * pairs), 0);
    }
    for (int64_t u0 = 0; u0 < units; u0 += unit_chunk) {
      const int64_t u1 = std::min(units, u0 + unit_chunk);
      const int64_t cnt = (u1 - u0) * pairs;
      if (helper) {
        const Masks ma = DrawMasks(ctx.HelperWith(Role::kA), cnt, gates, true);
        const Masks mb = DrawMasks(ctx.HelperWith(Role::kB), cnt, gates, false);
        std::vector<uint64_t> to_b(static_cast<size_t>(gates * cnt));
        for (int g = 0; g < gates; ++g) {
          for (int64_t i = 0; i < cnt; ++i) {
            const auto k = static_cast<size_t>(i);
            to_b[static_cast<size_t>(g * cnt + i)] =
                ((ma.a[k] ^ mb.a[k]) & (ma.b[g][k] ^ mb.b[g][k])) ^ ma.c[g][k];
          }
        }
        ARCA_RETURN_IF_ERROR(ctx.SendFromHelper(Role::kB, WordsToBuffer(to_b)));
        continue;
      }
      Masks m = DrawMasks(ctx.WithHelper(), cnt, gates, is_a);
      if (!is_a) {
        ARCA_ASSIGN_OR_RETURN(std::vector<uint64_t> products, ReceiveWords(ctx, true, gates * cnt));
        for (int g = 0; g < gates; ++g) {
          m.c[g].assign(products.begin() + g * cnt, products.begin() + (g + 1) * cnt);
        }
      }
      // Open e = eq_hi ^ a, and f[g] = (right input of gate g) ^ b[g].
      std::vector<uint64_t> open(static_cast<size_t>((1 + gates) * cnt));
      for (int64_t u = u0; u < u1; ++u) {
        for (int p = 0; p < pairs; ++p) {
          const int64_t k = (u - u0) * pairs + p;
          const auto at = static_cast<size_t>(u * digits + 2 * int64_t{p});
          const uint64_t eq_hi = tree.eq[at + 1];
          const uint64_t right0 = kind == Comparison::kLess ? tree.lt[at] : tree.eq[at];
          open[static_cast<size_t>(k)] = eq_hi ^ m.a[static_cast<size_t>(k)];
          open[static_cast<size_t>(cnt + k)] = right0 ^ m.b[0][static_cast<size_t>(k)];
          if (gates == 2) {
            open[static_cast<size_t>(2 * cnt + k)] = tree.eq[at] ^ m.b[1][static_cast<size_t>(k)];
          }
        }
      }
      ARCA_RETURN_IF_ERROR(ctx.SendToPeer(WordsToBuffer(open)));
      ARCA_ASSIGN_OR_RETURN(std::vector<uint64_t> theirs,
                            ReceiveWords(ctx, false, static_cast<int64_t>(open.size())));
      for (size_t i = 0; i < open.size(); ++i) open[i] ^= theirs[i];
      // Opened by design: e and f are the gates' inputs under fresh uniform masks.
      MarkPublic(open);
      // z_g = [A](e & f_g) ^ (e & b_g) ^ (f_g & a) ^ c_g is this party's share of the gate.
      const uint64_t own = is_a ? ~uint64_t{0} : 0;
      for (int64_t u = u0; u < u1; ++u) {
        for (int p = 0; p < pairs; ++p) {
          const int64_t k = (u - u0) * pairs + p;
          const auto ks = static_cast<size_t>(k);
          const uint64_t e = open[ks];
          uint64_t z[2] = {0, 0};
          for (int g = 0; g < gates; ++g) {
            const uint64_t f = open[static_cast<size_t>((1 + g) * cnt + k)];
            z[g] = (own & e & f) ^ (e & m.b[g][ks]) ^ (f & m.a[ks]) ^ m.c[g][ks];
          }
          const auto at = static_cast<size_t>(u * digits + 2 * int64_t{p});
          const auto out = static_cast<size_t>(u * pairs + p);
          if (kind == Comparison::kLess) {
            next.lt[out] = tree.lt[at + 1] ^ z[0];
            next.eq[out] = z[1];
          } else {
            next.eq[out] = z[0];
          }
        }
      }
    }
    tree = std::move(next);
  }

  // --- Round 5: from the XOR-shared result bits to arithmetic shares (B2A). ----------------
  // result = c'63 ^ r63 ^ lt for less-than, eq for equality. Then open result ^ rho for a
  // random bit rho whose arithmetic share H supplies: result = m + (1 - 2m)·rho.
  // Draw order per unit chunk: rho's XOR share words (A and B), then A's arithmetic shares.
  ctx.NextRound();
  RingTensor out(Shape{helper ? 0 : count * n});
  for (int64_t u0 = 0; u0 < units; u0 += unit_chunk) {
    const int64_t u1 = std::min(units, u0 + unit_chunk);
    const int64_t cnt = u1 - u0;
    const int64_t e0 = ElementStart(u0, words, n);
    const int64_t e1 = u1 == units ? count * n : ElementStart(u1, words, n);
    if (helper) {
      std::vector<uint64_t> rho = DrawWords(ctx.HelperWith(Role::kA), cnt);
      RingTensor arith = Assisted::Draw(ctx.HelperWith(Role::kA), Shape{e1 - e0});
      const std::vector<uint64_t> rho_b = DrawWords(ctx.HelperWith(Role::kB), cnt);
      for (int64_t u = u0; u < u1; ++u) {
        const uint64_t bits = rho[static_cast<size_t>(u - u0)] ^ rho_b[static_cast<size_t>(u - u0)];
        const int64_t first = ElementStart(u, words, n);
        const int64_t last = u + 1 == units ? count * n : ElementStart(u + 1, words, n);
        for (int64_t e = first; e < last; ++e) {
          uint64_t& slot = arith.data()[e - e0];
          slot = ((bits >> (e - first)) & 1) - slot;  // B's arithmetic share of rho's bit
        }
      }
      ARCA_RETURN_IF_ERROR(ctx.SendFromHelper(Role::kB, std::move(arith).TakeBuffer()));
      continue;
    }
    std::vector<uint64_t> open = DrawWords(ctx.WithHelper(), cnt);
    std::vector<uint64_t> arith;
    if (is_a) {
      arith = DrawWords(ctx.WithHelper(), e1 - e0);
    } else {
      ARCA_ASSIGN_OR_RETURN(arith, ReceiveWords(ctx, true, e1 - e0));
    }
    for (int64_t u = u0; u < u1; ++u) {
      uint64_t bit = kind == Comparison::kLess ? tree.lt[static_cast<size_t>(u)]
                                               : tree.eq[static_cast<size_t>(u)];
      if (kind == Comparison::kLess) {
        const int64_t w = u % words;
        bit ^= r63[static_cast<size_t>(w)];
        if (is_a) {
          // XOR in the public top bits of c' = c - t for the word's elements.
          const uint64_t t = values[u / words];
          for (int64_t i = w * 64; i < std::min(n, w * 64 + 64); ++i) {
            bit ^= ((c[static_cast<size_t>(i)] - t) >> 63) << (i % 64);
          }
        }
      }
      open[static_cast<size_t>(u - u0)] ^= bit;
    }
    const std::vector<uint64_t> mine = open;
    ARCA_RETURN_IF_ERROR(ctx.SendToPeer(WordsToBuffer(mine)));
    ARCA_ASSIGN_OR_RETURN(std::vector<uint64_t> opened, ReceiveWords(ctx, false, cnt));
    for (size_t i = 0; i < opened.size(); ++i) opened[i] ^= mine[i];
    // Opened by design: the result bits under a uniform random bit rho.
    MarkPublic(opened);
    const uint64_t own = is_a ? 1 : 0;
    for (int64_t u = u0; u < u1; ++u) {
      const uint64_t m = opened[static_cast<size_t>(u - u0)];
      const int64_t first = ElementStart(u, words, n);
      const int64_t last = u + 1 == units ? count * n : ElementStart(u + 1, words, n);
      for (int64_t e = first; e < last; ++e) {
        const uint64_t bit = (m >> (e - first)) & 1;
        out.data()[e] = own * bit + (1 - 2 * bit) * arith[static_cast<size_t>(e - e0)];
      }
    }
  }
  return out;
}

}  // namespace arca::mpc
