#include "arca/frame/statistic_arithmetic.h"

#include <algorithm>
#include <utility>

#include "arca/frame/table.h"
#include "arca/mpc/ops.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

RingTensor PowerOfTwo(int bits) { return RingTensor::Scalar(uint64_t{1} << bits); }

Result<Shared> Row(mpc::Protocol& p, const Shared& rows, int64_t i) {
  return p.SliceRows(rows, i, i + 1);
}

}  // namespace

Result<Shared> SquareWide(fxp::FixedPoint& fp, const Shared& x) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  // x² = hi²·2^(2s) + 2·hi·lo·2^s + lo² at 2f bits, with 2s - f in {0, 1}.
  const int s = (f + 1) / 2;
  ARCA_ASSIGN_OR_RETURN(mpc::SplitParts split, mpc::SplitAt(p, x, s));
  ARCA_ASSIGN_OR_RETURN(Shared hi, AsRow(p, split.hi));
  ARCA_ASSIGN_OR_RETURN(Shared lo, AsRow(p, split.lo));
  ARCA_ASSIGN_OR_RETURN(Shared left, p.ConcatRows({hi, hi, lo}));
  ARCA_ASSIGN_OR_RETURN(Shared right, p.ConcatRows({hi, lo, lo}));
  ARCA_ASSIGN_OR_RETURN(Shared products, p.Mul(left, right));
  ARCA_ASSIGN_OR_RETURN(Shared hh, Row(p, products, 0));
  ARCA_ASSIGN_OR_RETURN(Shared hl, Row(p, products, 1));
  ARCA_ASSIGN_OR_RETURN(Shared ll, Row(p, products, 2));
  ARCA_ASSIGN_OR_RETURN(Shared high, p.MulPublic(hh, PowerOfTwo(2 * s - f)));
  ARCA_ASSIGN_OR_RETURN(Shared cross, p.MulPublic(hl, PowerOfTwo(s + 1)));
  ARCA_ASSIGN_OR_RETURN(Shared low, p.Add(cross, ll));
  ARCA_ASSIGN_OR_RETURN(low, p.Truncate(low, f));
  ARCA_ASSIGN_OR_RETURN(Shared square, p.Add(high, low));
  return p.Reshape(std::move(square), x.shape());
}

Result<Shared> SqrtWide(fxp::FixedPoint& fp, const Shared& x) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  const int a = (f + 1) / 2;
  ARCA_ASSIGN_OR_RETURN(Shared row, AsRow(p, x));
  ARCA_ASSIGN_OR_RETURN(Shared scaled, p.Truncate(row, 2 * a));
  ARCA_ASSIGN_OR_RETURN(
      Shared small,
      p.LessThanPublic(row, RingTensor::FromValues(Shape{1}, {uint64_t{1} << (60 - f)})));
  ARCA_ASSIGN_OR_RETURN(small, p.Reshape(std::move(small), row.shape()));
  ARCA_ASSIGN_OR_RETURN(Shared both, p.ConcatRows({row, scaled}));
  ARCA_ASSIGN_OR_RETURN(Shared roots, fp.Sqrt(both));
  ARCA_ASSIGN_OR_RETURN(Shared direct, Row(p, roots, 0));
  ARCA_ASSIGN_OR_RETURN(Shared reduced, Row(p, roots, 1));
  ARCA_ASSIGN_OR_RETURN(Shared large, p.MulPublic(reduced, PowerOfTwo(a)));
  ARCA_ASSIGN_OR_RETURN(Shared root, mpc::Select(p, small, direct, large));
  return p.Reshape(std::move(root), x.shape());
}

Result<Shared> GramWide(fxp::FixedPoint& fp, const Shared& a) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  const int64_t k = a.shape().dim(1);
  // With Z = [hi | lo], Z^T·Z = [[HH, HL], [LH, LL]] and
  // A^T·A / 2^f = HH·2^(2s-f) + ((HL + LH)·2^s + LL) / 2^f.
  const int s = (f + 1) / 2;
  ARCA_ASSIGN_OR_RETURN(mpc::SplitParts split, mpc::SplitAt(p, a, s));
  ARCA_ASSIGN_OR_RETURN(Shared hi_t, p.Transpose(split.hi));
  ARCA_ASSIGN_OR_RETURN(Shared lo_t, p.Transpose(split.lo));
  ARCA_ASSIGN_OR_RETURN(Shared z_t, p.ConcatRows({hi_t, lo_t}));
  ARCA_ASSIGN_OR_RETURN(Shared z, p.Transpose(z_t));
  ARCA_ASSIGN_OR_RETURN(Shared gram, p.MatMul(z_t, z));
  // Transposed top rows [HH; LH] and bottom rows [HL; LL].
  ARCA_ASSIGN_OR_RETURN(Shared top, p.SliceRows(gram, 0, k));
  ARCA_ASSIGN_OR_RETURN(Shared bottom, p.SliceRows(gram, k, 2 * k));
  ARCA_ASSIGN_OR_RETURN(Shared top_t, p.Transpose(top));
  ARCA_ASSIGN_OR_RETURN(Shared bottom_t, p.Transpose(bottom));
  ARCA_ASSIGN_OR_RETURN(Shared hh, p.SliceRows(top_t, 0, k));
  ARCA_ASSIGN_OR_RETURN(Shared lh, p.SliceRows(top_t, k, 2 * k));
  ARCA_ASSIGN_OR_RETURN(Shared hl, p.SliceRows(bottom_t, 0, k));
  ARCA_ASSIGN_OR_RETURN(Shared ll, p.SliceRows(bottom_t, k, 2 * k));
  ARCA_ASSIGN_OR_RETURN(Shared high, p.MulPublic(hh, PowerOfTwo(2 * s - f)));
  ARCA_ASSIGN_OR_RETURN(Shared cross, p.Add(hl, lh));
  ARCA_ASSIGN_OR_RETURN(cross, p.MulPublic(cross, PowerOfTwo(s)));
  ARCA_ASSIGN_OR_RETURN(Shared low, p.Add(cross, ll));
  ARCA_ASSIGN_OR_RETURN(low, p.Truncate(low, f));
  return p.Add(high, low);
}

}  // namespace arca::frame
