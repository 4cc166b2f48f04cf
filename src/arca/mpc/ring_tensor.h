// RingTensor: a dense tensor over Z_2^64, the public values and shares of the engine.
//
// Elements are uint64_t with wraparound arithmetic; a signed integer v is stored as its two's
// complement. Storage is a Buffer, so a tensor becomes a message (and back) without a copy.
#ifndef ARCA_MPC_RING_TENSOR_H_
#define ARCA_MPC_RING_TENSOR_H_

#include <cstdint>
#include <span>
#include <vector>

#include "arca/base/buffer.h"
#include "arca/base/status.h"
#include "arca/mpc/shape.h"

namespace arca::mpc {

class RingTensor {
 public:
  // An empty tensor of shape [0].
  RingTensor() : shape_({0}) {}
  // Uninitialised elements: callers overwrite them.
  explicit RingTensor(Shape shape);

  static RingTensor Zeros(Shape shape);
  static RingTensor Filled(Shape shape, uint64_t value);
  static RingTensor FromValues(Shape shape, const std::vector<uint64_t>& values);
  static RingTensor FromSigned(Shape shape, const std::vector<int64_t>& values);
  // A rank-0 tensor holding `value`.
  static RingTensor Scalar(uint64_t value);
  // Takes `buffer` as the storage of a tensor of `shape`; the sizes must agree.
  static Result<RingTensor> FromBuffer(Shape shape, Buffer buffer);

  const Shape& shape() const { return shape_; }
  int64_t numel() const { return shape_.numel(); }

  std::span<uint64_t> values() { return storage_.As<uint64_t>(); }
  std::span<const uint64_t> values() const { return storage_.As<uint64_t>(); }
  uint64_t* data() { return values().data(); }
  const uint64_t* data() const { return values().data(); }
  uint64_t operator[](int64_t i) const { return data()[i]; }

  // Element i as a signed integer.
  int64_t signed_at(int64_t i) const { return static_cast<int64_t>(data()[i]); }

  // The same elements under another shape with the same element count.
  Result<RingTensor> Reshaped(Shape shape) &&;

  // Gives up the storage (to send it).
  Buffer TakeBuffer() && { return std::move(storage_); }

  friend bool operator==(const RingTensor& a, const RingTensor& b);

 private:
  Shape shape_;
  Buffer storage_;
};

}  // namespace arca::mpc

#endif  // ARCA_MPC_RING_TENSOR_H_
