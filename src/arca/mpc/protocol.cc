#include "arca/mpc/protocol.h"

#include <fmt/format.h>

#include <cstring>

#include "arca/mpc/ring_matmul.h"
#include "arca/mpc/ring_ops.h"

namespace arca::mpc {
namespace {

Status SameShape(std::string_view op, const Shared& a, const Shared& b) {
  if (a.shape() != b.shape() || a.parts().size() != b.parts().size()) {
    return InvalidArgumentError(fmt::format("{}: operand shapes differ: {} and {}", op,
                                            a.shape().ToString(), b.shape().ToString()));
  }
  return OkStatus();
}

Status BroadcastableConstant(std::string_view op, const Shared& a, const RingTensor& c) {
  if (c.numel() != 1 && c.shape() != a.shape()) {
    return InvalidArgumentError(fmt::format(
        "{}: a public constant must be one element or of the operand's shape {}; got {}", op,
        a.shape().ToString(), c.shape().ToString()));
  }
  return OkStatus();
}

// A constant for each row of a rank-2 operand: shape [rows, 1].
bool IsRowConstant(const Shared& a, const RingTensor& c) {
  return a.shape().rank() == 2 && c.shape() == Shape{a.shape().dim(0), 1};
}

// Applies a layout change to every part and to the opening, so a reusable operand stays one.
template <typename Fn>
Shared MapLayout(const Shared& a, const Shape& shape, Fn fn) {
  std::vector<RingTensor> parts;
  for (const RingTensor& p : a.parts()) parts.push_back(fn(p));
  std::shared_ptr<const Opening> opening;
  if (a.opening()) {
    opening = std::make_shared<Opening>(
        Opening{fn(a.opening()->mask),
                a.opening()->opened.numel() == 0 ? RingTensor() : fn(a.opening()->opened)});
  }
  return Shared(shape, std::move(parts), std::move(opening));
}

}  // namespace

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kInput:
      return "input";
    case Op::kReveal:
      return "reveal";
    case Op::kRevealTo:
      return "reveal_to";
    case Op::kMul:
      return "mul";
    case Op::kMatMul:
      return "matmul";
    case Op::kTruncate:
      return "truncate";
    case Op::kLessThan:
      return "less_than";
    case Op::kEqual:
      return "equal";
    case Op::kShuffle:
      return "shuffle";
    case Op::kReusable:
      return "reusable";
  }
  return "unknown";
}

Shared Protocol::Public(const RingTensor& value) {
  std::vector<RingTensor> parts;
  parts.reserve(static_cast<size_t>(ShareParts()));
  for (int i = 0; i < ShareParts(); ++i) parts.push_back(RingTensor::Zeros(value.shape()));
  if (const std::optional<int> i = PublicPart(); i && !parts.empty()) {
    parts[static_cast<size_t>(*i)] = value;
  }
  return Shared(value.shape(), std::move(parts));
}

Result<Shared> Protocol::Add(const Shared& a, const Shared& b) {
  ARCA_RETURN_IF_ERROR(SameShape("add", a, b));
  std::vector<RingTensor> parts;
  for (size_t i = 0; i < a.parts().size(); ++i)
    parts.push_back(ring::Add(a.parts()[i], b.parts()[i]));
  return Shared(a.shape(), std::move(parts));
}

Result<Shared> Protocol::Sub(const Shared& a, const Shared& b) {
  ARCA_RETURN_IF_ERROR(SameShape("sub", a, b));
  std::vector<RingTensor> parts;
  for (size_t i = 0; i < a.parts().size(); ++i)
    parts.push_back(ring::Sub(a.parts()[i], b.parts()[i]));
  return Shared(a.shape(), std::move(parts));
}

Shared Protocol::Neg(const Shared& a) {
  std::vector<RingTensor> parts;
  for (const RingTensor& p : a.parts()) parts.push_back(ring::Neg(p));
  return Shared(a.shape(), std::move(parts));
}

Result<Shared> Protocol::AddPublic(const Shared& a, const RingTensor& c) {
  const bool per_row = IsRowConstant(a, c);
  if (!per_row) ARCA_RETURN_IF_ERROR(BroadcastableConstant("add_public", a, c));
  std::vector<RingTensor> parts = a.parts();
  if (const std::optional<int> i = PublicPart(); i && !parts.empty()) {
    RingTensor& part = parts[static_cast<size_t>(*i)];
    if (per_row) {
      ring::AddToRowsInPlace(part, c);
    } else {
      ring::AddInPlace(part, c);
    }
  }
  return Shared(a.shape(), std::move(parts));
}

Result<Shared> Protocol::MulPublic(const Shared& a, const RingTensor& c) {
  ARCA_RETURN_IF_ERROR(BroadcastableConstant("mul_public", a, c));
  std::vector<RingTensor> parts;
  for (const RingTensor& p : a.parts()) parts.push_back(ring::Mul(p, c));
  return Shared(a.shape(), std::move(parts));
}

Result<Shared> Protocol::MatMulPublic(const RingTensor& a, const Shared& x) {
  if (a.shape().rank() != 2 || x.shape().rank() != 2 || a.shape().dim(1) != x.shape().dim(0)) {
    return InvalidArgumentError(
        fmt::format("matmul_public: shapes {} and {} do not multiply (need [m, k] and [k, n])",
                    a.shape().ToString(), x.shape().ToString()));
  }
  std::vector<RingTensor> parts;
  for (const RingTensor& p : x.parts()) parts.push_back(ring::MatMul(a, p));
  return Shared(Shape{a.shape().dim(0), x.shape().dim(1)}, std::move(parts));
}

Result<Shared> Protocol::Sum(const Shared& a, int axis) {
  const int rank = a.shape().rank();
  if (axis < -1 || axis >= std::max(rank, 1) || rank > 2) {
    return InvalidArgumentError(fmt::format(
        "sum: axis {} is not valid for shape {} (use -1, or 0/1 on rank-1 or rank-2 tensors)", axis,
        a.shape().ToString()));
  }
  Shape shape;
  if (axis >= 0 && rank == 2) shape = Shape{a.shape().dim(axis == 0 ? 1 : 0)};
  std::vector<RingTensor> parts;
  for (const RingTensor& p : a.parts()) {
    ARCA_ASSIGN_OR_RETURN(RingTensor s, RingTensor(ring::Sum(p, axis)).Reshaped(shape));
    parts.push_back(std::move(s));
  }
  return Shared(shape, std::move(parts));
}

Result<Shared> Protocol::Transpose(const Shared& a) {
  if (a.shape().rank() != 2) {
    return InvalidArgumentError(
        fmt::format("transpose needs a rank-2 tensor; got shape {}", a.shape().ToString()));
  }
  return MapLayout(a, Shape{a.shape().dim(1), a.shape().dim(0)},
                   [](const RingTensor& t) { return ring::Transpose(t); });
}

Result<Shared> Protocol::Reshape(Shared a, const Shape& shape) {
  if (shape.numel() != a.numel()) {
    return InvalidArgumentError(fmt::format("cannot reshape {} to {}: element counts differ",
                                            a.shape().ToString(), shape.ToString()));
  }
  if (a.opening()) {
    return MapLayout(a, shape, [&](const RingTensor& t) { return *RingTensor(t).Reshaped(shape); });
  }
  std::vector<RingTensor> parts = std::move(a).TakeParts();
  for (RingTensor& part : parts) part = *std::move(part).Reshaped(shape);
  return Shared(shape, std::move(parts));
}

Result<Shared> Protocol::SliceRows(const Shared& a, int64_t begin, int64_t end) {
  if (a.shape().rank() < 1 || begin < 0 || end < begin || end > a.shape().dim(0)) {
    return InvalidArgumentError(
        fmt::format("rows [{}, {}) are not within shape {}", begin, end, a.shape().ToString()));
  }
  std::vector<int64_t> dims = a.shape().dims();
  dims[0] = end - begin;
  return MapLayout(a, Shape(dims),
                   [&](const RingTensor& t) { return ring::SliceRows(t, begin, end); });
}

Result<Shared> Protocol::GatherRows(const Shared& x, std::span<const int64_t> rows) {
  if (x.shape().rank() < 1) return InvalidArgumentError("gather_rows: a scalar has no rows");
  const int64_t n = x.shape().dim(0);
  for (const int64_t r : rows) {
    if (r < 0 || r >= n) {
      return InvalidArgumentError(
          fmt::format("gather_rows: row {} is not within shape {}", r, x.shape().ToString()));
    }
  }
  std::vector<int64_t> dims = x.shape().dims();
  dims[0] = static_cast<int64_t>(rows.size());
  const Shape shape(dims);
  const int64_t width = n == 0 ? 0 : x.numel() / n;
  std::vector<RingTensor> parts;
  parts.reserve(x.parts().size());
  for (const RingTensor& part : x.parts()) {
    RingTensor out(shape);
    for (size_t i = 0; i < rows.size(); ++i) {
      std::memcpy(out.data() + static_cast<int64_t>(i) * width, part.data() + rows[i] * width,
                  static_cast<size_t>(width) * sizeof(uint64_t));
    }
    parts.push_back(std::move(out));
  }
  return Shared(shape, std::move(parts));
}

Result<Shared> Protocol::ConcatRows(const std::vector<Shared>& parts) {
  if (parts.empty()) return InvalidArgumentError("concat_rows: no tensors to concatenate");
  std::vector<int64_t> dims = parts[0].shape().dims();
  if (dims.empty()) return InvalidArgumentError("concat_rows: scalars have no rows");
  dims[0] = 0;
  for (const Shared& p : parts) {
    std::vector<int64_t> d = p.shape().dims();
    if (d.size() != dims.size() || !std::equal(d.begin() + 1, d.end(), dims.begin() + 1) ||
        p.parts().size() != parts[0].parts().size()) {
      return InvalidArgumentError(
          fmt::format("concat_rows: shapes {} and {} differ beyond the first dimension",
                      parts[0].shape().ToString(), p.shape().ToString()));
    }
    dims[0] += d[0];
  }
  std::vector<RingTensor> out;
  out.reserve(parts[0].parts().size());
  for (size_t i = 0; i < parts[0].parts().size(); ++i) {
    std::vector<const RingTensor*> column;
    column.reserve(parts.size());
    for (const Shared& p : parts) column.push_back(&p.parts()[i]);
    out.push_back(ring::ConcatRows(column));
  }
  return Shared(Shape(dims), std::move(out));
}

}  // namespace arca::mpc
