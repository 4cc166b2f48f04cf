#include "arca/frame/segmented_scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "arca/mpc/ops.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// x ([m]) repeated in k columns: [m, k].
Result<Shared> Broadcast(mpc::Protocol& p, const Shared& x, int64_t k) {
  ARCA_ASSIGN_OR_RETURN(Shared row, p.Reshape(x, Shape{1, x.numel()}));
  ARCA_ASSIGN_OR_RETURN(Shared rows, p.MatMulPublic(RingTensor::Filled(Shape{k, 1}, 1), row));
  return p.Transpose(rows);
}

// Rows [0, d) of `kept` followed by `updated`.
Result<Shared> Join(mpc::Protocol& p, const Shared& kept, int64_t d, const Shared& updated) {
  ARCA_ASSIGN_OR_RETURN(Shared head, p.SliceRows(kept, 0, d));
  return p.ConcatRows({head, updated});
}

// The scan of one batch of rows: Hillis-Steele over all of them.
Result<Shared> ScanRows(mpc::Protocol& p, const Shared& starts, const Shared& values, ScanOp op) {
  const int64_t n = values.shape().dim(0), k = values.shape().dim(1);
  Shared x = values;
  ARCA_ASSIGN_OR_RETURN(Shared g, p.AddPublic(p.Neg(starts), RingTensor::Scalar(1)));
  ARCA_ASSIGN_OR_RETURN(g, p.Reshape(std::move(g), Shape{n, 1}));
  for (int64_t d = 1; d < n; d *= 2) {
    const bool last = 2 * d >= n;
    ARCA_ASSIGN_OR_RETURN(Shared x_hi, p.SliceRows(x, d, n));
    ARCA_ASSIGN_OR_RETURN(Shared x_lo, p.SliceRows(x, 0, n - d));
    ARCA_ASSIGN_OR_RETURN(Shared g_hi, p.SliceRows(g, d, n));
    ARCA_ASSIGN_OR_RETURN(Shared g_lo, p.SliceRows(g, 0, n - d));
    ARCA_ASSIGN_OR_RETURN(Shared g_hi_row, p.Reshape(g_hi, Shape{n - d}));
    // What row i takes from row i - d where g_i = 1: the step to add to x_i, or for min and
    // max first the condition of taking x_{i-d}.
    Shared operand = x_lo;
    if (op == ScanOp::kFirst) {
      ARCA_ASSIGN_OR_RETURN(operand, p.Sub(x_lo, x_hi));
    } else if (op == ScanOp::kMin || op == ScanOp::kMax) {
      ARCA_ASSIGN_OR_RETURN(operand, op == ScanOp::kMax ? mpc::LessThan(p, x_hi, x_lo)
                                                        : mpc::LessThan(p, x_lo, x_hi));
    }
    ARCA_ASSIGN_OR_RETURN(Shared left, Broadcast(p, g_hi_row, last ? k : k + 1));
    Shared right = operand;
    if (!last) {
      ARCA_ASSIGN_OR_RETURN(Shared both, p.Transpose(operand));
      ARCA_ASSIGN_OR_RETURN(Shared g_lo_row, p.Reshape(g_lo, Shape{1, n - d}));
      ARCA_ASSIGN_OR_RETURN(both, p.ConcatRows({both, g_lo_row}));
      ARCA_ASSIGN_OR_RETURN(right, p.Transpose(both));
    }
    ARCA_ASSIGN_OR_RETURN(Shared products, p.Mul(left, right));
    ARCA_ASSIGN_OR_RETURN(Shared columns, p.Transpose(products));  // [k (+1), n - d]
    ARCA_ASSIGN_OR_RETURN(Shared taken_rows, p.SliceRows(columns, 0, k));
    ARCA_ASSIGN_OR_RETURN(Shared taken, p.Transpose(taken_rows));
    if (op == ScanOp::kMin || op == ScanOp::kMax) {
      ARCA_ASSIGN_OR_RETURN(Shared step, p.Sub(x_lo, x_hi));
      ARCA_ASSIGN_OR_RETURN(taken, p.Mul(taken, step));
    }
    ARCA_ASSIGN_OR_RETURN(Shared x_new, p.Add(x_hi, taken));
    ARCA_ASSIGN_OR_RETURN(x, Join(p, x, d, x_new));
    if (!last) {
      ARCA_ASSIGN_OR_RETURN(Shared g_new, p.SliceRows(columns, k, k + 1));
      ARCA_ASSIGN_OR_RETURN(g_new, p.Reshape(std::move(g_new), Shape{n - d, 1}));
      ARCA_ASSIGN_OR_RETURN(g, Join(p, g, d, g_new));
    }
  }
  return x;
}

}  // namespace

Result<Shared> SegmentedScan(mpc::Protocol& p, const Shared& starts, const Shared& values,
                             ScanOp op, int64_t batch_rows) {
  if (values.shape().rank() != 2 || starts.shape() != Shape{values.shape().dim(0)}) {
    return InvalidArgumentError(
        fmt::format("segmented scan: values of shape {} and starts of shape {} do not fit (need "
                    "[n, k] and [n])",
                    values.shape().ToString(), starts.shape().ToString()));
  }
  const int64_t n = values.shape().dim(0), k = values.shape().dim(1);
  if (batch_rows == 0) batch_rows = std::max<int64_t>(2, kScanElements / (k + 1));
  if (batch_rows < 2) return InvalidArgumentError("segmented scan: batch_rows must be at least 2");
  if (n <= batch_rows) return ScanRows(p, starts, values, op);
  // Each later batch starts with the previous batch's last result row, which carries the
  // scan of the group that runs across the boundary (its flag is irrelevant: row 0 starts).
  std::vector<Shared> parts;
  std::optional<Shared> carry;
  for (int64_t begin = 0; begin < n;) {
    const int64_t end = std::min(n, begin + (carry ? batch_rows - 1 : batch_rows));
    ARCA_ASSIGN_OR_RETURN(Shared x, p.SliceRows(values, begin, end));
    ARCA_ASSIGN_OR_RETURN(Shared f, p.SliceRows(starts, begin, end));
    if (carry) {
      ARCA_ASSIGN_OR_RETURN(x, p.ConcatRows({*carry, x}));
      ARCA_ASSIGN_OR_RETURN(f, p.ConcatRows({p.Public(RingTensor::Zeros(Shape{1})), f}));
    }
    ARCA_ASSIGN_OR_RETURN(Shared scanned, ScanRows(p, f, x, op));
    if (carry) {
      ARCA_ASSIGN_OR_RETURN(scanned, p.SliceRows(scanned, 1, scanned.shape().dim(0)));
    }
    const int64_t rows = scanned.shape().dim(0);
    ARCA_ASSIGN_OR_RETURN(carry, p.SliceRows(scanned, rows - 1, rows));
    parts.push_back(std::move(scanned));
    begin = end;
  }
  return p.ConcatRows(parts);
}

}  // namespace arca::frame
