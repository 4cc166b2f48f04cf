#include "arca/fxp/polynomial.h"

#include <algorithm>

#include "arca/fxp/encoding.h"

namespace arca::fxp {

Result<mpc::Shared> StackRows(mpc::Protocol& p, const std::vector<mpc::Shared>& rows) {
  std::vector<mpc::Shared> flat;
  for (const mpc::Shared& r : rows) {
    ARCA_ASSIGN_OR_RETURN(mpc::Shared row, p.Reshape(r, mpc::Shape{1, r.numel()}));
    flat.push_back(std::move(row));
  }
  return p.ConcatRows(flat);
}

Result<std::vector<mpc::Shared>> UnstackRows(mpc::Protocol& p, const mpc::Shared& stacked,
                                             const mpc::Shape& row_shape) {
  std::vector<mpc::Shared> rows;
  for (int64_t r = 0; r < stacked.shape().dim(0); ++r) {
    ARCA_ASSIGN_OR_RETURN(mpc::Shared row, p.SliceRows(stacked, r, r + 1));
    ARCA_ASSIGN_OR_RETURN(row, p.Reshape(std::move(row), row_shape));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<mpc::Shared>> Powers(mpc::Protocol& p, const mpc::Shared& u, int degree) {
  std::vector<mpc::Shared> powers = {u};  // powers[k - 1] = u^k
  while (static_cast<int>(powers.size()) < degree) {
    // u^(h + j) = u^h · u^j for j = 1..min(h, degree - h), in one product.
    const int h = static_cast<int>(powers.size());
    const int count = std::min(h, degree - h);
    std::vector<mpc::Shared> left(static_cast<size_t>(count), powers.back());
    std::vector<mpc::Shared> right(powers.begin(), powers.begin() + count);
    ARCA_ASSIGN_OR_RETURN(mpc::Shared l, StackRows(p, left));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared r, StackRows(p, right));
    ARCA_ASSIGN_OR_RETURN(mpc::Shared product, p.Mul(l, r));
    ARCA_ASSIGN_OR_RETURN(product, p.Truncate(product, kWorkBits));
    ARCA_ASSIGN_OR_RETURN(std::vector<mpc::Shared> next, UnstackRows(p, product, u.shape()));
    for (mpc::Shared& s : next) powers.push_back(std::move(s));
  }
  return powers;
}

Result<mpc::Shared> CombinePublic(mpc::Protocol& p, const std::vector<double>& coefficients,
                                  const std::vector<mpc::Shared>& powers) {
  const int64_t degree = static_cast<int64_t>(coefficients.size()) - 1;
  mpc::RingTensor row(mpc::Shape{1, degree});
  for (int64_t k = 1; k <= degree; ++k)
    row.data()[k - 1] = Constant(coefficients[static_cast<size_t>(k)], kWorkBits);
  ARCA_ASSIGN_OR_RETURN(
      mpc::Shared stacked,
      StackRows(p, std::vector<mpc::Shared>(powers.begin(), powers.begin() + degree)));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared sum, p.MatMulPublic(row, stacked));
  ARCA_ASSIGN_OR_RETURN(
      sum, p.AddPublic(sum, mpc::RingTensor::Scalar(Constant(coefficients[0], 2 * kWorkBits))));
  return p.Reshape(std::move(sum), powers.front().shape());
}

Result<mpc::Shared> CombineShared(mpc::Protocol& p, const mpc::Shared& coefficients,
                                  const std::vector<mpc::Shared>& powers) {
  const int64_t degree = coefficients.shape().dim(0) - 1;
  const mpc::Shape& shape = powers.front().shape();
  ARCA_ASSIGN_OR_RETURN(mpc::Shared higher, p.SliceRows(coefficients, 1, degree + 1));
  ARCA_ASSIGN_OR_RETURN(
      mpc::Shared stacked,
      StackRows(p, std::vector<mpc::Shared>(powers.begin(), powers.begin() + degree)));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared terms, p.Mul(higher, stacked));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared sum, p.Sum(terms, 0));
  // c_0 joins the products' scale of 2·kWorkBits.
  ARCA_ASSIGN_OR_RETURN(mpc::Shared c0, p.SliceRows(coefficients, 0, 1));
  ARCA_ASSIGN_OR_RETURN(c0, p.Reshape(std::move(c0), sum.shape()));
  ARCA_ASSIGN_OR_RETURN(c0, p.MulPublic(c0, mpc::RingTensor::Scalar(uint64_t{1} << kWorkBits)));
  ARCA_ASSIGN_OR_RETURN(sum, p.Add(sum, c0));
  return p.Reshape(std::move(sum), shape);
}

}  // namespace arca::fxp
