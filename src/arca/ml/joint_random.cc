#include "arca/ml/joint_random.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "arca/crypto/os_random.h"
#include "arca/crypto/prg.h"
#include "arca/mpc/oblivious.h"
#include "arca/mpc/upload_shares.h"

namespace arca::ml {

std::vector<int> ContributingParties(mpc::ProtocolKind kind) {
  std::vector<int> parties;
  for (int q = 0; q < mpc::PartiesOf(kind); ++q) {
    if (mpc::PartsHeldBy(kind, q) > 0) parties.push_back(q);
  }
  return parties;
}

Result<mpc::Shared> JointUniform(mpc::Protocol& p, const mpc::Shape& shape, int bits,
                                 const mpc::RingTensor* own) {
  if (bits < 1 || bits > 60) {
    return InvalidArgumentError(fmt::format("joint randomness: {} bits is outside 1..60", bits));
  }
  if (own != nullptr && own->shape() != shape) {
    return InvalidArgumentError(fmt::format("joint randomness: a contribution of shape {} for {}",
                                            own->shape().ToString(), shape.ToString()));
  }
  ARCA_ASSIGN_OR_RETURN(mpc::ProtocolKind kind, mpc::ParseProtocolKind(p.name()));
  const std::vector<int> parties = ContributingParties(kind);
  const uint64_t unit = uint64_t{1} << bits;

  std::optional<mpc::RingTensor> mine;
  if (std::find(parties.begin(), parties.end(), p.party()) != parties.end()) {
    if (own != nullptr) {
      mine = *own;
    } else {
      mine = mpc::RingTensor(shape);
      crypto::Prg(crypto::RandomSeed(), /*stream_id=*/0).Fill(mine->values());
    }
    for (uint64_t& v : mine->values()) v &= unit - 1;
    // Secret, for the obliviousness check (oblivious.h), as uploaded shares are; the plaintext
    // protocol has no secrets and never marks its results public again.
    if (kind != mpc::ProtocolKind::kPlaintext) mpc::MarkSecret(*mine);
  }

  // S = sum of the contributions, in [0, k·2^bits).
  mpc::Shared sum;
  for (size_t i = 0; i < parties.size(); ++i) {
    const int owner = parties[i];
    ARCA_ASSIGN_OR_RETURN(mpc::Shared part,
                          p.Input(owner, shape, p.Holds(owner) ? &*mine : nullptr));
    if (i == 0) {
      sum = std::move(part);
    } else {
      ARCA_ASSIGN_OR_RETURN(sum, p.Add(sum, part));
    }
  }
  const auto k = static_cast<int64_t>(parties.size());
  if (k == 1) return sum;

  // S mod 2^bits = S - 2^bits·floor(S / 2^bits), and floor(S / 2^bits) = (k - 1) - the number
  // of thresholds j·2^bits (j = 1..k-1) that S is below.
  mpc::RingTensor thresholds(mpc::Shape{k - 1});
  for (int64_t j = 1; j < k; ++j) thresholds.data()[j - 1] = static_cast<uint64_t>(j) * unit;
  ARCA_ASSIGN_OR_RETURN(mpc::Shared below, p.LessThanPublic(sum, thresholds));
  ARCA_ASSIGN_OR_RETURN(below, p.Reshape(std::move(below), mpc::Shape{k - 1, sum.numel()}));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared count, p.Sum(below, 0));
  ARCA_ASSIGN_OR_RETURN(count, p.Reshape(std::move(count), shape));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared lifted, p.MulPublic(count, mpc::RingTensor::Scalar(unit)));
  ARCA_ASSIGN_OR_RETURN(sum, p.Add(sum, lifted));
  return p.AddPublic(sum,
                     mpc::RingTensor::Scalar(uint64_t{0} - static_cast<uint64_t>(k - 1) * unit));
}

}  // namespace arca::ml
