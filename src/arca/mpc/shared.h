// Shared: a secret-shared tensor as one party holds it.
//
// Only the protocol that made a Shared interprets its parts: one additive share (dealer2pc),
// two replicated components (rep3), the value itself (plaintext), or nothing at all (the
// dealer, which follows the program's shapes but holds no data). Everything above the
// protocol layer treats a Shared as opaque and moves it through Protocol operations.
#ifndef ARCA_MPC_SHARED_H_
#define ARCA_MPC_SHARED_H_

#include <memory>
#include <utility>
#include <vector>

#include "arca/mpc/ring_tensor.h"

namespace arca::mpc {

// A value whose masked form x - a has been opened once so that later products reuse it
// (dealer2pc). `mask` is this party's share of a; the dealer holds all of a. `opened` is
// x - a, public to the compute parties (empty at the dealer).
struct Opening {
  RingTensor mask;
  RingTensor opened;
};

class Shared {
 public:
  Shared() = default;
  Shared(Shape shape, std::vector<RingTensor> parts,
         std::shared_ptr<const Opening> opening = nullptr)
      : shape_(std::move(shape)), parts_(std::move(parts)), opening_(std::move(opening)) {}

  const Shape& shape() const { return shape_; }
  int64_t numel() const { return shape_.numel(); }

  // For protocol implementations only.
  const std::vector<RingTensor>& parts() const { return parts_; }
  const RingTensor& part(int i) const { return parts_[static_cast<size_t>(i)]; }
  const std::shared_ptr<const Opening>& opening() const { return opening_; }
  // Gives up the parts (to reuse their storage).
  std::vector<RingTensor> TakeParts() && { return std::move(parts_); }

 private:
  Shape shape_;
  std::vector<RingTensor> parts_;
  std::shared_ptr<const Opening> opening_;
};

}  // namespace arca::mpc

#endif  // ARCA_MPC_SHARED_H_
