#include "arca/mpc/checks.h"

#include <fmt/format.h>

namespace arca::mpc {

Status CheckInput(int owner, int owners, bool holds, const Shape& shape, const RingTensor* value) {
  if (owner < 0 || owner >= owners) {
    return InvalidArgumentError(
        fmt::format("input owner {} does not exist: input owners are 0..{}", owner, owners - 1));
  }
  for (int64_t d : shape.dims()) {
    if (d < 0) return InvalidArgumentError("input shape " + shape.ToString() + " is negative");
  }
  if (holds && value == nullptr) {
    return InvalidArgumentError(
        fmt::format("input: this party holds owner {}'s input but passed no value", owner));
  }
  if (!holds && value != nullptr) {
    return InvalidArgumentError(fmt::format(
        "input: this party passed a value for owner {}, which it does not hold", owner));
  }
  if (value != nullptr && value->shape() != shape) {
    return InvalidArgumentError(fmt::format("input: the value has shape {} but {} was declared",
                                            value->shape().ToString(), shape.ToString()));
  }
  return OkStatus();
}

Status CheckMul(const Shared& a, const Shared& b) {
  if (a.shape() != b.shape()) {
    return InvalidArgumentError(fmt::format("mul: operand shapes differ: {} and {}",
                                            a.shape().ToString(), b.shape().ToString()));
  }
  return OkStatus();
}

Status CheckMatMul(const Shared& a, const Shared& b) {
  if (a.shape().rank() != 2 || b.shape().rank() != 2 || a.shape().dim(1) != b.shape().dim(0)) {
    return InvalidArgumentError(
        fmt::format("matmul: shapes {} and {} do not multiply (need [m, k] and [k, n])",
                    a.shape().ToString(), b.shape().ToString()));
  }
  return OkStatus();
}

Status CheckTruncate(int bits) {
  if (bits < 1 || bits > 62) {
    return InvalidArgumentError(fmt::format("truncate: {} bits is outside 1..62", bits));
  }
  return OkStatus();
}

Status CheckThresholds(const char* op, const RingTensor& t) {
  if (t.shape().rank() != 1 || t.numel() == 0) {
    return InvalidArgumentError(
        fmt::format("{}: public values must be a non-empty rank-1 tensor; got shape {}", op,
                    t.shape().ToString()));
  }
  return OkStatus();
}

Status CheckShuffle(const Shared& x) {
  if (x.shape().rank() < 1) return InvalidArgumentError("shuffle: a scalar has no rows");
  return OkStatus();
}

Status CheckRecipient(int to, int recipients) {
  if (to < 0 || to >= recipients) {
    return InvalidArgumentError(
        fmt::format("reveal_to: party {} cannot receive results; recipients are parties 0..{}", to,
                    recipients - 1));
  }
  return OkStatus();
}

Shape ComparisonShape(const Shared& x, int64_t count) {
  std::vector<int64_t> dims = {count};
  for (int64_t d : x.shape().dims()) dims.push_back(d);
  return Shape(dims);
}

}  // namespace arca::mpc
