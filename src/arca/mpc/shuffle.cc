#include "arca/mpc/shuffle.h"

#include <utility>

#include "arca/mpc/permutation.h"
#include "arca/mpc/ring_ops.h"

namespace arca::mpc {
namespace {

// Each party's stream with H yields, in this order: the party's permutation, then the mask it
// uses first, then the other. A re-masks its output by R in round 0 and masks its share by M in
// round 1, so it draws R then M; B masks by M in round 0 and re-masks by R in round 1, so it
// draws M then R. H draws the same in the same order. Each mask is drawn when it is used and
// dropped after, its input share is dropped once masked, and every step updates in place where
// it can: a party holds at most three copies of the matrix (its input share among them, until
// it is masked), which is what bounds a join's or sort's memory.

Result<RingTensor> Receive(Assisted& ctx, bool from_helper, const Shape& shape) {
  const auto bytes = static_cast<size_t>(shape.numel()) * 8;
  Result<Buffer> b = from_helper ? ctx.RecvFromHelper(bytes) : ctx.RecvFromPeer(bytes);
  if (!b.ok()) return b.status();
  return RingTensor::FromBuffer(shape, std::move(b).value());
}

// pi(m) + r, H's correction for one step: m and r are dropped as soon as they are used.
RingTensor Correction(crypto::Prg& mask_stream, const std::vector<int64_t>& perm,
                      crypto::Prg& remask_stream, const Shape& shape) {
  RingTensor out = PermuteRows(Assisted::Draw(mask_stream, shape), perm);
  ring::AddInPlace(out, Assisted::Draw(remask_stream, shape));
  return out;
}

// pi(x) - r in place of x's storage where possible, r drawn now.
RingTensor PermuteAndRemask(RingTensor x, const std::vector<int64_t>& perm, crypto::Prg& stream) {
  RingTensor out = PermuteRows(x, perm);
  x = RingTensor();
  ring::SubInPlace(out, Assisted::Draw(stream, out.shape()));
  return out;
}

}  // namespace

AssistedCost ShuffleCost(const Shape& shape) {
  const int64_t bytes = 8 * shape.numel();
  const int64_t rounds = shape.numel() > 0 ? 1 : 0;
  return {{rounds, bytes, 0}, {rounds, bytes, 0}, {0, 0, 2 * bytes}};
}

Result<RingTensor> ShuffleShares(Assisted& ctx, RingTensor share, const Shape& shape) {
  const int64_t n = shape.dim(0);
  if (ctx.is_helper()) {
    crypto::Prg& with_a = ctx.HelperWith(Role::kA);
    crypto::Prg& with_b = ctx.HelperWith(Role::kB);
    const std::vector<int64_t> perm_a = RandomPermutation(n, with_a);
    const std::vector<int64_t> perm_b = RandomPermutation(n, with_b);
    // Step 1 gives B pi_A(M_B) + R_A; step 3 gives A pi_B(M_A) + R_B.
    ARCA_RETURN_IF_ERROR(
        ctx.SendFromHelper(Role::kB, Correction(with_b, perm_a, with_a, shape).TakeBuffer()));
    ctx.NextRound();
    ARCA_RETURN_IF_ERROR(
        ctx.SendFromHelper(Role::kA, Correction(with_a, perm_b, with_b, shape).TakeBuffer()));
    return RingTensor();
  }

  const bool is_a = ctx.is_a();
  crypto::Prg& with_helper = ctx.WithHelper();
  const std::vector<int64_t> perm = RandomPermutation(n, with_helper);
  const std::vector<int64_t> shared_perm = RandomPermutation(n, ctx.WithPeer());
  RingTensor s;

  // Round 0: B masks and sends; A permutes by pi_A; B takes H's correction.
  if (is_a) {
    ARCA_ASSIGN_OR_RETURN(RingTensor from_b, Receive(ctx, false, shape));
    ring::AddInPlace(from_b, share);
    share = RingTensor();
    s = PermuteAndRemask(std::move(from_b), perm, with_helper);
  } else {
    ring::SubInPlace(share, Assisted::Draw(with_helper, shape));
    ARCA_RETURN_IF_ERROR(ctx.SendToPeer(std::move(share).TakeBuffer()));
    ARCA_ASSIGN_OR_RETURN(s, Receive(ctx, true, shape));
  }
  s = PermuteRows(s, shared_perm);

  // Round 1: the same with the roles exchanged, for pi_B.
  ctx.NextRound();
  if (is_a) {
    ring::SubInPlace(s, Assisted::Draw(with_helper, shape));
    ARCA_RETURN_IF_ERROR(ctx.SendToPeer(std::move(s).TakeBuffer()));
    return Receive(ctx, true, shape);
  }
  ARCA_ASSIGN_OR_RETURN(RingTensor from_a, Receive(ctx, false, shape));
  ring::AddInPlace(from_a, s);
  s = RingTensor();
  return PermuteAndRemask(std::move(from_a), perm, with_helper);
}

}  // namespace arca::mpc
