#include "arca/frame/group_statistics.h"

#include <algorithm>
#include <set>
#include <utility>

#include "arca/frame/divide_by_count.h"
#include "arca/frame/statistic_arithmetic.h"
#include "arca/mpc/ops.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// Row i of a rank-2 tensor as a rank-1 tensor.
Result<Shared> RowOf(mpc::Protocol& p, const Shared& rows, int64_t i) {
  ARCA_ASSIGN_OR_RETURN(Shared row, p.SliceRows(rows, i, i + 1));
  return p.Reshape(std::move(row), Shape{rows.shape().dim(1)});
}

// Rank-1 tensors of one length as the rows of [rows.size(), length].
Result<Shared> Stack(mpc::Protocol& p, const std::vector<Shared>& rows) {
  std::vector<Shared> as_rows;
  as_rows.reserve(rows.size());
  for (const Shared& row : rows) {
    ARCA_ASSIGN_OR_RETURN(Shared r, AsRow(p, row));
    as_rows.push_back(std::move(r));
  }
  return p.ConcatRows(as_rows);
}

using mpc::ColumnMax;

// H·x over the batch's rows ([B, k] -> [G, k]); all rows of the single group without H.
Result<Shared> GroupSums(mpc::Protocol& p, const std::optional<Shared>& h, const Shared& x) {
  if (h) return p.MatMul(*h, x);
  ARCA_ASSIGN_OR_RETURN(Shared sums, p.Sum(x, 0));
  return p.Reshape(std::move(sums), Shape{1, x.shape().dim(1)});
}

Result<Shared> Accumulate(mpc::Protocol& p, std::optional<Shared> total, Shared part) {
  if (!total) return part;
  return p.Add(*total, part);
}

// Where each request's row inputs stand in a batch's matrices. Pass 1 reads [B, m] sums: 1,
// then x·present of each summed column, then present of each column with nulls; and [B, 2e]
// extremes: (x + B)·present of each column with extremes, then (B - x)·present. Pass 2 reads
// [B, v] x of each column with var and, when one has nulls, [B, v] present (1 without nulls).
// The matrices are built batch by batch, so that no copy of all rows is ever held.
struct Layout {
  int64_t sum_columns = 1;
  int64_t extreme_columns = 0;  // e
  int64_t variance_columns = 0;
  bool variance_nulls = false;
  // Per request: its column in the sums (-1 if none), its present column in the sums (-1
  // without nulls), its index among extremes and among var columns (-1 if none).
  std::vector<int64_t> sum_at, count_at, extreme_at, variance_at;
};

// Whether pass 1 reads x·present of the request's column.
bool ReadsPresentValues(const ColumnRequest& r) {
  return r.column->has_nulls && (r.sum || r.mean || r.variance || r.extremes);
}

Layout LayOut(const std::vector<ColumnRequest>& requests) {
  Layout at;
  int64_t counts = 0;
  for (const ColumnRequest& r : requests) {
    at.sum_at.push_back(r.sum || r.mean || r.variance ? at.sum_columns++ : -1);
    at.count_at.push_back(r.column->has_nulls ? counts++ : -1);
    at.extreme_at.push_back(r.extremes ? at.extreme_columns++ : -1);
    at.variance_at.push_back(r.variance ? at.variance_columns++ : -1);
    at.variance_nulls = at.variance_nulls || (r.variance && r.column->has_nulls);
  }
  for (int64_t& count_at : at.count_at) {
    if (count_at >= 0) count_at += at.sum_columns;
  }
  at.sum_columns += counts;
  return at;
}

// Pass 1's inputs for rows [begin, end): the sums and, with extremes, the extremes.
struct FirstPassRows {
  Shared sums;
  std::optional<Shared> extremes;
};

Result<FirstPassRows> FirstPassInputs(mpc::Protocol& p, const std::vector<ColumnRequest>& requests,
                                      const Layout& layout, int64_t begin, int64_t end) {
  const Shape rows{end - begin};
  // Each column's rows, and x·present for every column with nulls in one product.
  std::vector<Column> columns;
  std::vector<Shared> null_values, null_present;
  for (const ColumnRequest& r : requests) {
    ARCA_ASSIGN_OR_RETURN(Column c, ColumnRows(p, *r.column, begin, end));
    if (ReadsPresentValues(r)) {
      null_values.push_back(c.values);
      null_present.push_back(c.present);
    }
    columns.push_back(std::move(c));
  }
  if (!null_values.empty()) {
    ARCA_ASSIGN_OR_RETURN(std::vector<Shared> products, MulEach(p, null_values, null_present));
    size_t next = 0;
    for (size_t i = 0; i < requests.size(); ++i) {
      if (ReadsPresentValues(requests[i])) columns[i].values = std::move(products[next++]);
    }
  }

  // Each matrix column where the layout puts it.
  const auto e = static_cast<size_t>(layout.extreme_columns);
  std::vector<Shared> sums(static_cast<size_t>(layout.sum_columns)), extremes(2 * e);
  sums[0] = p.Public(RingTensor::Filled(rows, 1));
  for (size_t i = 0; i < requests.size(); ++i) {
    const Column& c = columns[i];
    if (layout.sum_at[i] >= 0) sums[static_cast<size_t>(layout.sum_at[i])] = c.values;
    if (layout.count_at[i] >= 0) sums[static_cast<size_t>(layout.count_at[i])] = c.present;
    if (layout.extreme_at[i] < 0) continue;
    Shared beyond = p.Public(RingTensor::Filled(rows, kBeyond));  // B·present
    if (c.has_nulls) {
      ARCA_ASSIGN_OR_RETURN(beyond, p.MulPublic(c.present, RingTensor::Scalar(kBeyond)));
    }
    const auto at = static_cast<size_t>(layout.extreme_at[i]);
    ARCA_ASSIGN_OR_RETURN(extremes[at], p.Add(c.values, beyond));
    ARCA_ASSIGN_OR_RETURN(extremes[e + at], p.Sub(beyond, c.values));
  }
  FirstPassRows out;
  ARCA_ASSIGN_OR_RETURN(out.sums, StackColumns(p, std::move(sums)));
  if (!extremes.empty()) {
    ARCA_ASSIGN_OR_RETURN(out.extremes, StackColumns(p, std::move(extremes)));
  }
  return out;
}

// Pass 2's inputs for rows [begin, end): x, and present when a var column has nulls.
struct SecondPassRows {
  Shared x;
  std::optional<Shared> present;
};

Result<SecondPassRows> SecondPassInputs(mpc::Protocol& p,
                                        const std::vector<ColumnRequest>& requests,
                                        const Layout& layout, int64_t begin, int64_t end) {
  const auto v = static_cast<size_t>(layout.variance_columns);
  std::vector<Shared> x(v), present(layout.variance_nulls ? v : 0);
  for (size_t i = 0; i < requests.size(); ++i) {
    if (layout.variance_at[i] < 0) continue;
    const auto at = static_cast<size_t>(layout.variance_at[i]);
    ARCA_ASSIGN_OR_RETURN(Column c, ColumnRows(p, *requests[i].column, begin, end));
    x[at] = std::move(c.values);
    if (!layout.variance_nulls) continue;
    present[at] =
        c.has_nulls ? std::move(c.present) : p.Public(RingTensor::Filled(Shape{end - begin}, 1));
  }
  SecondPassRows out;
  ARCA_ASSIGN_OR_RETURN(out.x, StackColumns(p, std::move(x)));
  if (layout.variance_nulls) {
    ARCA_ASSIGN_OR_RETURN(out.present, StackColumns(p, std::move(present)));
  }
  return out;
}

// The tournament of one batch: [1, 2e·G], the largest of each group's (x + B)·present - B
// and of (B - x)·present - B.
Result<Shared> BatchExtremes(mpc::Protocol& p, const std::optional<Shared>& h, int64_t groups,
                             const Shared& extremes) {
  const RingTensor minus_beyond = RingTensor::Scalar(uint64_t{0} - kBeyond);
  Shared candidates;
  if (h) {
    const int64_t columns = extremes.shape().dim(1), rows = extremes.shape().dim(0);
    ARCA_ASSIGN_OR_RETURN(Shared by_column, p.Transpose(extremes));
    const RingTensor spread = RingTensor::Filled(Shape{groups, 1}, 1);
    std::vector<Shared> broadcast, memberships;
    for (int64_t j = 0; j < columns; ++j) {
      ARCA_ASSIGN_OR_RETURN(Shared row, p.SliceRows(by_column, j, j + 1));
      ARCA_ASSIGN_OR_RETURN(Shared tiled, p.MatMulPublic(spread, row));
      broadcast.push_back(std::move(tiled));
      memberships.push_back(*h);
    }
    ARCA_ASSIGN_OR_RETURN(Shared values, p.ConcatRows(broadcast));
    ARCA_ASSIGN_OR_RETURN(Shared member, p.ConcatRows(memberships));
    ARCA_ASSIGN_OR_RETURN(Shared kept, p.Mul(member, values));
    ARCA_ASSIGN_OR_RETURN(kept, p.AddPublic(kept, minus_beyond));
    ARCA_ASSIGN_OR_RETURN(candidates, p.Transpose(kept));
    ARCA_ASSIGN_OR_RETURN(candidates,
                          p.Reshape(std::move(candidates), Shape{rows, columns * groups}));
  } else {
    ARCA_ASSIGN_OR_RETURN(candidates, p.AddPublic(extremes, minus_beyond));
  }
  return ColumnMax(p, std::move(candidates));
}

// Thresholds of the group comparisons: 1 and 2, and the minimum group size.
std::vector<int64_t> Thresholds(int64_t min_group_size) {
  std::set<int64_t> t = {1, 2};
  if (min_group_size > 2) t.insert(min_group_size);
  return {t.begin(), t.end()};
}

// Pass 1 over the batches: H·[1, x·present..., present...] and the tournaments.
struct FirstPass {
  Shared sum_rows;               // [m, G]
  Shared winners;                // [2e, G]
  std::optional<Shared> kept_h;  // H, when there is one batch
};

Result<FirstPass> RunFirstPass(mpc::Protocol& p, int64_t n, const Grouping& grouping,
                               const std::vector<ColumnRequest>& requests, const Layout& layout) {
  const int64_t g = grouping.groups, e2 = 2 * layout.extreme_columns;
  std::optional<Shared> sums, best;
  FirstPass out;
  for (int64_t begin = 0; begin < n; begin += grouping.batch_rows) {
    const int64_t end = std::min(n, begin + grouping.batch_rows);
    ARCA_ASSIGN_OR_RETURN(std::optional<Shared> h, grouping.membership(begin, end));
    ARCA_ASSIGN_OR_RETURN(FirstPassRows rows, FirstPassInputs(p, requests, layout, begin, end));
    ARCA_ASSIGN_OR_RETURN(Shared part, GroupSums(p, h, rows.sums));
    ARCA_ASSIGN_OR_RETURN(sums, Accumulate(p, sums, std::move(part)));
    if (rows.extremes) {
      ARCA_ASSIGN_OR_RETURN(Shared winners, BatchExtremes(p, h, g, *rows.extremes));
      if (best) {
        ARCA_ASSIGN_OR_RETURN(winners, mpc::Max(p, *best, winners));
      }
      best = std::move(winners);
    }
    if (n <= grouping.batch_rows) out.kept_h = std::move(h);
  }
  if (!sums) sums = p.Public(RingTensor::Zeros(Shape{g, layout.sum_columns}));
  if (!best) best = p.Public(RingTensor::Filled(Shape{1, e2 * g}, uint64_t{0} - kBeyond));
  ARCA_ASSIGN_OR_RETURN(out.sum_rows, p.Transpose(*sums));
  ARCA_ASSIGN_OR_RETURN(out.winners, p.Reshape(*best, Shape{e2, g}));
  return out;
}

// Sizes, counts, sums, min and max from pass 1.
Status TakeFirstPass(mpc::Protocol& p, const Layout& in, const FirstPass& pass,
                     GroupStatistics& out) {
  ARCA_ASSIGN_OR_RETURN(out.size, RowOf(p, pass.sum_rows, 0));
  const int64_t half = pass.winners.shape().dim(0) / 2;
  for (size_t i = 0; i < out.columns.size(); ++i) {
    ColumnStatistics& c = out.columns[i];
    c.count = out.size;
    if (in.count_at[i] >= 0) {
      ARCA_ASSIGN_OR_RETURN(c.count, RowOf(p, pass.sum_rows, in.count_at[i]));
    }
    if (in.sum_at[i] >= 0) {
      ARCA_ASSIGN_OR_RETURN(c.sum, RowOf(p, pass.sum_rows, in.sum_at[i]));
    }
    if (in.extreme_at[i] >= 0) {
      ARCA_ASSIGN_OR_RETURN(c.max, RowOf(p, pass.winners, in.extreme_at[i]));
      ARCA_ASSIGN_OR_RETURN(Shared negated_min, RowOf(p, pass.winners, half + in.extreme_at[i]));
      c.min = p.Neg(negated_min);
    }
  }
  return OkStatus();
}

// One batch of comparisons: the sizes against 1 and the minimum group size, the counts of
// columns with nulls against 1 and 2.
Status CompareCounts(mpc::Protocol& p, const Layout& in, int64_t g, int64_t min_group_size,
                     GroupStatistics& out) {
  std::vector<Shared> compared = {out.size};
  std::vector<int64_t> compared_at(out.columns.size(), 0);
  for (size_t i = 0; i < out.columns.size(); ++i) {
    if (in.count_at[i] < 0) continue;
    compared_at[i] = static_cast<int64_t>(compared.size());
    compared.push_back(out.columns[i].count);
  }
  const std::vector<int64_t> thresholds = Thresholds(min_group_size);
  const auto t = static_cast<int64_t>(thresholds.size());
  const auto k = static_cast<int64_t>(compared.size());
  ARCA_ASSIGN_OR_RETURN(Shared flat, Stack(p, compared));
  ARCA_ASSIGN_OR_RETURN(flat, p.Reshape(std::move(flat), Shape{k * g}));
  ARCA_ASSIGN_OR_RETURN(Shared below,
                        p.LessThanPublic(flat, RingTensor::FromSigned(Shape{t}, thresholds)));
  ARCA_ASSIGN_OR_RETURN(below, p.Reshape(std::move(below), Shape{t * k, g}));
  const auto below_of = [&](int64_t value, int64_t j) {
    const auto index = std::find(thresholds.begin(), thresholds.end(), value) - thresholds.begin();
    return RowOf(p, below, index * k + j);
  };
  const Shared ones = p.Public(RingTensor::Filled(Shape{g}, 1));
  ARCA_ASSIGN_OR_RETURN(Shared too_small, below_of(std::max<int64_t>(1, min_group_size), 0));
  ARCA_ASSIGN_OR_RETURN(out.exists, p.Sub(ones, too_small));
  ARCA_ASSIGN_OR_RETURN(Shared empty, below_of(1, 0));
  ARCA_ASSIGN_OR_RETURN(Shared suppressed, p.Sub(too_small, empty));
  ARCA_ASSIGN_OR_RETURN(out.suppressed, p.Sum(suppressed, -1));
  for (size_t i = 0; i < out.columns.size(); ++i) {
    ColumnStatistics& c = out.columns[i];
    ARCA_ASSIGN_OR_RETURN(Shared one, below_of(1, compared_at[i]));
    ARCA_ASSIGN_OR_RETURN(Shared two, below_of(2, compared_at[i]));
    ARCA_ASSIGN_OR_RETURN(c.has_value, p.Sub(ones, one));
    ARCA_ASSIGN_OR_RETURN(c.has_two, p.Sub(ones, two));
  }
  return OkStatus();
}

// sum / max(count, 1) of every column with a mean or var, in one division.
Status ComputeMeans(fxp::FixedPoint& fp, const std::vector<ColumnRequest>& requests, int64_t n,
                    GroupStatistics& out) {
  mpc::Protocol& p = fp.protocol();
  std::vector<Shared> sums, counts;
  std::vector<size_t> which;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!requests[i].mean && !requests[i].variance) continue;
    sums.push_back(out.columns[i].sum);
    counts.push_back(out.columns[i].count);
    which.push_back(i);
  }
  if (which.empty()) return OkStatus();
  ARCA_ASSIGN_OR_RETURN(Shared s, Stack(p, sums));
  ARCA_ASSIGN_OR_RETURN(Shared c, Stack(p, counts));
  ARCA_ASSIGN_OR_RETURN(Shared means, DivideByCount(fp, s, c, CountBits(n)));
  for (size_t j = 0; j < which.size(); ++j) {
    ARCA_ASSIGN_OR_RETURN(out.columns[which[j]].mean, RowOf(p, means, static_cast<int64_t>(j)));
  }
  return OkStatus();
}

// Pass 2: H·(x - the row's group mean)² over present values, [G, v].
Result<Shared> SquaredDeviations(fxp::FixedPoint& fp, int64_t n, const Grouping& grouping,
                                 const std::vector<ColumnRequest>& requests, const Layout& layout,
                                 const std::optional<Shared>& kept_h, const Shared& means) {
  mpc::Protocol& p = fp.protocol();
  std::optional<Shared> squares;
  for (int64_t begin = 0; begin < n; begin += grouping.batch_rows) {
    const int64_t end = std::min(n, begin + grouping.batch_rows);
    std::optional<Shared> h = kept_h;
    if (n > grouping.batch_rows) {
      ARCA_ASSIGN_OR_RETURN(h, grouping.membership(begin, end));
    }
    ARCA_ASSIGN_OR_RETURN(SecondPassRows rows, SecondPassInputs(p, requests, layout, begin, end));
    Shared row_means;
    if (h) {
      ARCA_ASSIGN_OR_RETURN(Shared h_t, p.Transpose(*h));
      ARCA_ASSIGN_OR_RETURN(row_means, p.MatMul(h_t, means));
    } else {
      ARCA_ASSIGN_OR_RETURN(row_means,
                            p.MatMulPublic(RingTensor::Filled(Shape{end - begin, 1}, 1), means));
    }
    ARCA_ASSIGN_OR_RETURN(Shared deviations, p.Sub(rows.x, row_means));
    if (rows.present) {
      ARCA_ASSIGN_OR_RETURN(deviations, p.Mul(deviations, *rows.present));
    }
    ARCA_ASSIGN_OR_RETURN(Shared squared, SquareWide(fp, deviations));
    ARCA_ASSIGN_OR_RETURN(Shared part, GroupSums(p, h, squared));
    ARCA_ASSIGN_OR_RETURN(squares, Accumulate(p, squares, std::move(part)));
  }
  if (!squares) squares = p.Public(RingTensor::Zeros(Shape{grouping.groups, means.shape().dim(1)}));
  return *squares;
}

// var (and std) of every column that asks: pass 2, then one division and one root.
Status ComputeSpread(fxp::FixedPoint& fp, int64_t n, const Grouping& grouping,
                     const std::vector<ColumnRequest>& requests, const Layout& in,
                     const std::optional<Shared>& kept_h, GroupStatistics& out) {
  mpc::Protocol& p = fp.protocol();
  std::vector<Shared> means, counts;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (in.variance_at[i] < 0) continue;
    means.push_back(out.columns[i].mean);
    // count - [count >= 1] = max(count - 1, 0), which the division takes as max(count - 1, 1).
    ARCA_ASSIGN_OR_RETURN(Shared divisor, p.Sub(out.columns[i].count, out.columns[i].has_value));
    counts.push_back(std::move(divisor));
  }
  if (means.empty()) return OkStatus();
  ARCA_ASSIGN_OR_RETURN(Shared mean_columns, StackColumns(p, std::move(means)));  // [G, v]
  ARCA_ASSIGN_OR_RETURN(Shared squares,
                        SquaredDeviations(fp, n, grouping, requests, in, kept_h, mean_columns));
  ARCA_ASSIGN_OR_RETURN(Shared square_rows, p.Transpose(squares));
  ARCA_ASSIGN_OR_RETURN(Shared divisors, Stack(p, counts));
  ARCA_ASSIGN_OR_RETURN(Shared variances, DivideByCount(fp, square_rows, divisors, CountBits(n)));
  std::vector<Shared> to_root;
  std::vector<size_t> which;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (in.variance_at[i] < 0) continue;
    ARCA_ASSIGN_OR_RETURN(out.columns[i].var, RowOf(p, variances, in.variance_at[i]));
    if (!requests[i].deviation) continue;
    to_root.push_back(out.columns[i].var);
    which.push_back(i);
  }
  if (which.empty()) return OkStatus();
  ARCA_ASSIGN_OR_RETURN(Shared stacked, Stack(p, to_root));
  ARCA_ASSIGN_OR_RETURN(Shared roots, SqrtWide(fp, stacked));
  for (size_t j = 0; j < which.size(); ++j) {
    ARCA_ASSIGN_OR_RETURN(out.columns[which[j]].std, RowOf(p, roots, static_cast<int64_t>(j)));
  }
  return OkStatus();
}

}  // namespace

int64_t BatchRows(int64_t groups, int64_t extremes_columns, int64_t budget) {
  return std::max<int64_t>(1, budget / (groups * (1 + 2 * extremes_columns)));
}

Result<GroupStatistics> ComputeGroupStatistics(fxp::FixedPoint& fp, const Table& table,
                                               const Grouping& grouping,
                                               const std::vector<ColumnRequest>& requests) {
  mpc::Protocol& p = fp.protocol();
  const int64_t n = table.rows;
  const Layout in = LayOut(requests);
  ARCA_ASSIGN_OR_RETURN(FirstPass pass, RunFirstPass(p, n, grouping, requests, in));
  GroupStatistics out;
  out.columns.resize(requests.size());
  ARCA_RETURN_IF_ERROR(TakeFirstPass(p, in, pass, out));
  ARCA_RETURN_IF_ERROR(CompareCounts(p, in, grouping.groups, grouping.min_group_size, out));
  ARCA_RETURN_IF_ERROR(ComputeMeans(fp, requests, n, out));
  ARCA_RETURN_IF_ERROR(ComputeSpread(fp, n, grouping, requests, in, pass.kept_h, out));
  return out;
}

}  // namespace arca::frame
