// The rows of several tables one after another: the horizontal union of datasets from several
// owners (pandas.concat of frames with the same columns).
#ifndef ARCA_FRAME_UNION_H_
#define ARCA_FRAME_UNION_H_

#include <vector>

#include "arca/base/status.h"
#include "arca/frame/table.h"

namespace arca::frame {

// `tables` have the same columns (names and types, in any order; the result takes the
// first's order). A categorical column whose category lists differ is re-indexed into the
// first table's list extended by the others' new categories: one batch of equality tests per
// re-indexed part; otherwise the union is local. Validity, null masks and notices carry over.
Result<Table> Union(mpc::Protocol& p, const std::vector<const Table*>& tables);

}  // namespace arca::frame

#endif  // ARCA_FRAME_UNION_H_
