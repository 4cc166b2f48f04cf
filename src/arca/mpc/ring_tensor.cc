#include "arca/mpc/ring_tensor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace arca::mpc {

std::string Shape::ToString() const { return fmt::format("[{}]", fmt::join(dims_, ", ")); }

RingTensor::RingTensor(Shape shape)
    : shape_(std::move(shape)), storage_(static_cast<size_t>(shape_.numel()) * 8) {}

RingTensor RingTensor::Zeros(Shape shape) { return Filled(std::move(shape), 0); }

RingTensor RingTensor::Filled(Shape shape, uint64_t value) {
  RingTensor t(std::move(shape));
  std::fill(t.values().begin(), t.values().end(), value);
  return t;
}

RingTensor RingTensor::FromValues(Shape shape, const std::vector<uint64_t>& values) {
  RingTensor t(std::move(shape));
  std::copy_n(values.begin(), std::min<size_t>(values.size(), t.values().size()),
              t.values().begin());
  return t;
}

RingTensor RingTensor::FromSigned(Shape shape, const std::vector<int64_t>& values) {
  RingTensor t(std::move(shape));
  for (size_t i = 0; i < t.values().size() && i < values.size(); ++i) {
    t.values()[i] = static_cast<uint64_t>(values[i]);
  }
  return t;
}

RingTensor RingTensor::Scalar(uint64_t value) { return Filled(Shape(), value); }

Result<RingTensor> RingTensor::FromBuffer(Shape shape, Buffer buffer) {
  if (buffer.size() != static_cast<size_t>(shape.numel()) * 8) {
    return InvalidArgumentError(
        fmt::format("{} bytes cannot hold a tensor of shape {}", buffer.size(), shape.ToString()));
  }
  RingTensor t;
  t.shape_ = std::move(shape);
  t.storage_ = std::move(buffer);
  return t;
}

Result<RingTensor> RingTensor::Reshaped(Shape shape) && {
  if (shape.numel() != numel()) {
    return InvalidArgumentError(fmt::format("cannot reshape {} elements of shape {} to {}", numel(),
                                            shape_.ToString(), shape.ToString()));
  }
  shape_ = std::move(shape);
  return std::move(*this);
}

bool operator==(const RingTensor& a, const RingTensor& b) {
  return a.shape_ == b.shape_ &&
         std::equal(a.values().begin(), a.values().end(), b.values().begin());
}

}  // namespace arca::mpc
