#include <fmt/format.h>

#include <cmath>
#include <utility>

#include "arca/frame/statistics.h"
#include "arca/fxp/encoding.h"
#include "arca/mpc/ops.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// The comparison bounds e_0 .. e_(k-1), e_k + 1 ulp (the last bin is closed), encoded.
Result<RingTensor> Bounds(const std::vector<double>& edges, int frac_bits) {
  if (edges.size() < 2) {
    return InvalidArgumentError("histogram edges: at least two are needed");
  }
  const auto k = static_cast<int64_t>(edges.size());
  RingTensor bounds(Shape{k});
  for (int64_t i = 0; i < k; ++i) {
    const double e = edges[static_cast<size_t>(i)];
    if (i > 0 && !(e > edges[static_cast<size_t>(i - 1)])) {
      return InvalidArgumentError(
          fmt::format("histogram edges must increase; edge {} is not above edge {}", i, i - 1));
    }
    ARCA_ASSIGN_OR_RETURN(bounds.data()[i], fxp::EncodeValue(e, frac_bits));
  }
  bounds.data()[k - 1] += 1;
  return bounds;
}

// The rows that count: valid and present, 0/1; nullopt when every row counts.
Result<std::optional<Shared>> Counted(mpc::Protocol& p, const Table& table, const Column& c) {
  if (!c.has_nulls) {
    if (table.all_valid) return std::optional<Shared>();
    return std::optional<Shared>(table.valid);
  }
  ARCA_ASSIGN_OR_RETURN(Shared counted, Narrow(p, table, c.present));
  return std::optional<Shared>(std::move(counted));
}

}  // namespace

Result<Table> Histogram(fxp::FixedPoint& fp, const Table& table, const std::string& column,
                        std::vector<double> edges) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  ARCA_ASSIGN_OR_RETURN(const Column* c, table.Get(column));
  if (!IsNumeric(c->type)) {
    return InvalidArgumentError(fmt::format("histogram of column '{}': not a number", column));
  }
  ARCA_ASSIGN_OR_RETURN(RingTensor bounds, Bounds(edges, f));
  const int64_t n = table.rows, k = bounds.numel();
  ARCA_ASSIGN_OR_RETURN(mpc::Intervals intervals, mpc::CompareWithBounds(p, c->values, bounds));
  // [below_0 .. below_k; 1] per row, summed over the rows that count: [k + 1].
  ARCA_ASSIGN_OR_RETURN(
      Shared rows, p.ConcatRows({intervals.below, p.Public(RingTensor::Filled(Shape{1, n}, 1))}));
  ARCA_ASSIGN_OR_RETURN(std::optional<Shared> counted, Counted(p, table, *c));
  Shared totals;
  if (counted) {
    ARCA_ASSIGN_OR_RETURN(Shared weights, p.Reshape(*counted, Shape{n, 1}));
    ARCA_ASSIGN_OR_RETURN(totals, p.MatMul(rows, weights));
  } else {
    ARCA_ASSIGN_OR_RETURN(totals, p.Sum(rows, 1));
  }
  ARCA_ASSIGN_OR_RETURN(totals, p.Reshape(std::move(totals), Shape{k + 1}));
  // Bin i holds below_(i+1) - below_i; the values outside are the rest.
  RingTensor differences = RingTensor::Zeros(Shape{k - 1, k + 1});
  for (int64_t i = 0; i + 1 < k; ++i) {
    differences.data()[i * (k + 1) + i + 1] = 1;
    differences.data()[i * (k + 1) + i] = uint64_t{0} - 1;
  }
  ARCA_ASSIGN_OR_RETURN(Shared column_totals, p.Reshape(totals, Shape{k + 1, 1}));
  ARCA_ASSIGN_OR_RETURN(Shared counts, p.MatMulPublic(differences, column_totals));
  ARCA_ASSIGN_OR_RETURN(counts, p.Reshape(std::move(counts), Shape{k - 1}));
  ARCA_ASSIGN_OR_RETURN(Shared binned, p.Sum(counts, -1));
  ARCA_ASSIGN_OR_RETURN(Shared all, p.SliceRows(totals, k, k + 1));
  ARCA_ASSIGN_OR_RETURN(all, p.Reshape(std::move(all), Shape()));
  ARCA_ASSIGN_OR_RETURN(Shared outside, p.Sub(all, binned));

  std::vector<double> lower(edges.begin(), edges.end() - 1), upper(edges.begin() + 1, edges.end());
  ARCA_ASSIGN_OR_RETURN(RingTensor lower_values, fxp::Encode(lower, Shape{k - 1}, f));
  ARCA_ASSIGN_OR_RETURN(RingTensor upper_values, fxp::Encode(upper, Shape{k - 1}, f));
  ARCA_ASSIGN_OR_RETURN(Shared count_values,
                        p.MulPublic(counts, RingTensor::Scalar(uint64_t{1} << f)));
  Table out =
      AllValid(p, k - 1,
               {Column{"lower", ColumnType::kDecimal, {}, p.Public(lower_values), {}, false},
                Column{"upper", ColumnType::kDecimal, {}, p.Public(upper_values), {}, false},
                Column{"count", ColumnType::kInteger, {}, std::move(count_values), {}, false}});
  out.notices = table.notices;
  out.notices.push_back(Notice{"values outside the histogram's edges", std::move(outside)});
  return out;
}

}  // namespace arca::frame
