#include "arca/mpc/shuffle.h"

#include "arca/mpc/permutation.h"
#include "arca/mpc/ring_ops.h"

namespace arca::mpc {
namespace {

// The randomness one of A or B shares with H for its step: a permutation, the re-masking R
// of the output, and the mask M the party puts on its share before sending it.
struct StepRandomness {
  std::vector<int64_t> perm;
  RingTensor r, m;
};

// Draw order on each party's stream with H: permutation, R, M.
StepRandomness DrawStep(crypto::Prg& prg, const Shape& shape) {
  StepRandomness s;
  s.perm = RandomPermutation(shape.dim(0), prg);
  s.r = Assisted::Draw(prg, shape);
  s.m = Assisted::Draw(prg, shape);
  return s;
}

Result<RingTensor> Receive(Assisted& ctx, bool from_helper, const Shape& shape) {
  const auto bytes = static_cast<size_t>(shape.numel()) * 8;
  Result<Buffer> b = from_helper ? ctx.RecvFromHelper(bytes) : ctx.RecvFromPeer(bytes);
  if (!b.ok()) return b.status();
  return RingTensor::FromBuffer(shape, std::move(b).value());
}

}  // namespace

AssistedCost ShuffleCost(const Shape& shape) {
  const int64_t bytes = 8 * shape.numel();
  const int64_t rounds = shape.numel() > 0 ? 1 : 0;
  return {{rounds, bytes, 0}, {rounds, bytes, 0}, {0, 0, 2 * bytes}};
}

Result<RingTensor> ShuffleShares(Assisted& ctx, const RingTensor* share, const Shape& shape) {
  if (ctx.is_helper()) {
    const StepRandomness a = DrawStep(ctx.HelperWith(Role::kA), shape);
    const StepRandomness b = DrawStep(ctx.HelperWith(Role::kB), shape);
    // Step 1 gives B pi_A(M_B) + R_A; step 3 gives A pi_B(M_A) + R_B.
    ARCA_RETURN_IF_ERROR(
        ctx.SendFromHelper(Role::kB, ring::Add(PermuteRows(b.m, a.perm), a.r).TakeBuffer()));
    ctx.NextRound();
    ARCA_RETURN_IF_ERROR(
        ctx.SendFromHelper(Role::kA, ring::Add(PermuteRows(a.m, b.perm), b.r).TakeBuffer()));
    return RingTensor();
  }

  const bool is_a = ctx.is_a();
  const StepRandomness mine = DrawStep(ctx.WithHelper(), shape);
  const std::vector<int64_t> shared_perm = RandomPermutation(shape.dim(0), ctx.WithPeer());
  RingTensor s;

  // Round 0: B masks and sends; A permutes by pi_A; B takes H's correction.
  if (is_a) {
    ARCA_ASSIGN_OR_RETURN(RingTensor from_b, Receive(ctx, false, shape));
    ring::AddInPlace(from_b, *share);
    s = ring::Sub(PermuteRows(from_b, mine.perm), mine.r);
  } else {
    ARCA_RETURN_IF_ERROR(ctx.SendToPeer(ring::Sub(*share, mine.m).TakeBuffer()));
    ARCA_ASSIGN_OR_RETURN(s, Receive(ctx, true, shape));
  }
  s = PermuteRows(s, shared_perm);

  // Round 1: the same with the roles exchanged, for pi_B.
  ctx.NextRound();
  if (is_a) {
    ARCA_RETURN_IF_ERROR(ctx.SendToPeer(ring::Sub(s, mine.m).TakeBuffer()));
    return Receive(ctx, true, shape);
  }
  ARCA_ASSIGN_OR_RETURN(RingTensor from_a, Receive(ctx, false, shape));
  ring::AddInPlace(from_a, s);
  return ring::Sub(PermuteRows(from_a, mine.perm), mine.r);
}

}  // namespace arca::mpc
