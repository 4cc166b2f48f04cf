#include "arca/frame/distinct.h"

#include <fmt/format.h>

#include <utility>

#include "arca/frame/sort.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// The product of the rows of `bits` ([r, len], 0/1): pairs of rows multiply level by level,
// an odd one waits.
Result<Shared> AllOnes(mpc::Protocol& p, Shared bits) {
  while (bits.shape().dim(0) > 1) {
    const int64_t r = bits.shape().dim(0), half = r / 2;
    ARCA_ASSIGN_OR_RETURN(Shared a, p.SliceRows(bits, 0, half));
    ARCA_ASSIGN_OR_RETURN(Shared b, p.SliceRows(bits, half, 2 * half));
    ARCA_ASSIGN_OR_RETURN(Shared product, p.Mul(a, b));
    if (r % 2 == 1) {
      ARCA_ASSIGN_OR_RETURN(Shared odd, p.SliceRows(bits, r - 1, r));
      ARCA_ASSIGN_OR_RETURN(product, p.ConcatRows({product, odd}));
    }
    bits = std::move(product);
  }
  return bits;
}

}  // namespace

Result<Shared> RunStarts(mpc::Protocol& p, const std::vector<Shared>& keys) {
  if (keys.empty()) return InvalidArgumentError("run starts: no key columns given");
  const int64_t n = keys[0].numel();
  if (n <= 1) return p.Public(RingTensor::Filled(Shape{n}, 1));
  std::vector<Shared> differences;
  differences.reserve(keys.size());
  for (const Shared& key : keys) {
    ARCA_ASSIGN_OR_RETURN(Shared current, p.SliceRows(key, 1, n));
    ARCA_ASSIGN_OR_RETURN(Shared previous, p.SliceRows(key, 0, n - 1));
    ARCA_ASSIGN_OR_RETURN(Shared difference, p.Sub(current, previous));
    ARCA_ASSIGN_OR_RETURN(difference, p.Reshape(std::move(difference), Shape{1, n - 1}));
    differences.push_back(std::move(difference));
  }
  ARCA_ASSIGN_OR_RETURN(Shared stacked, p.ConcatRows(differences));
  ARCA_ASSIGN_OR_RETURN(Shared equal,
                        p.EqualPublic(stacked, RingTensor::FromValues(Shape{1}, {0})));
  ARCA_ASSIGN_OR_RETURN(equal, p.Reshape(std::move(equal), stacked.shape()));
  ARCA_ASSIGN_OR_RETURN(Shared same, AllOnes(p, std::move(equal)));
  ARCA_ASSIGN_OR_RETURN(same, p.Reshape(std::move(same), Shape{n - 1}));
  ARCA_ASSIGN_OR_RETURN(Shared differs, p.AddPublic(p.Neg(same), RingTensor::Scalar(1)));
  return p.ConcatRows({p.Public(RingTensor::Filled(Shape{1}, 1)), differs});
}

Result<Table> DropDuplicates(fxp::FixedPoint& fp, const Table& table,
                             const std::vector<std::string>& subset) {
  mpc::Protocol& p = fp.protocol();
  const std::vector<std::string> names = subset.empty() ? table.ColumnNames() : subset;
  std::vector<SortKey> keys;
  for (const std::string& name : names) {
    ARCA_ASSIGN_OR_RETURN(const Column* column, table.Get(name));
    if (column->has_nulls) {
      return InvalidArgumentError(
          fmt::format("drop_duplicates: column '{}' has nulls; fill nulls first", name));
    }
    keys.push_back({name, true});
  }
  if (keys.empty()) return InvalidArgumentError("drop_duplicates: the table has no columns");
  ARCA_ASSIGN_OR_RETURN(Table sorted, SortRows(fp, table, keys));
  if (sorted.rows <= 1) return sorted;
  std::vector<Shared> values;
  values.reserve(names.size());
  for (const std::string& name : names) values.push_back(sorted.Find(name)->values);
  ARCA_ASSIGN_OR_RETURN(Shared first, RunStarts(p, values));
  ARCA_ASSIGN_OR_RETURN(sorted.valid, Narrow(p, sorted, first));
  sorted.all_valid = false;
  sorted.valid_first = false;
  return sorted;
}

Result<Shared> CountDistinct(fxp::FixedPoint& fp, const Table& table,
                             const std::vector<std::string>& columns) {
  ARCA_ASSIGN_OR_RETURN(Table distinct, DropDuplicates(fp, table, columns));
  return fp.protocol().Sum(distinct.valid, -1);
}

}  // namespace arca::frame
