#include "arca/ml/repeat_rows.h"

#include <vector>

namespace arca::ml {

Result<mpc::Shared> RepeatRows(mpc::Protocol& p, const mpc::Shared& v, int64_t rows) {
  ARCA_ASSIGN_OR_RETURN(mpc::Shared row, p.Reshape(v, mpc::Shape{1, v.numel()}));
  return p.ConcatRows(std::vector<mpc::Shared>(static_cast<size_t>(rows), row));
}

}  // namespace arca::ml
