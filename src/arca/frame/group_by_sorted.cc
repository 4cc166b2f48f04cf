// GroupBySorted (group_by.h): sort, group boundaries on shares, aggregates by segmented scans.
//
// Algorithm for n rows, key columns k_1..k_s:
//  1. Rows whose key is null are dropped (pandas groupby(dropna=True)): valid &= present.
//  2. SortRows by the keys ascending (sort.h): invalid rows last, groups contiguous.
//  3. Group starts: RunStarts over (keys, valid) (distinct.h), so the valid rows of a key and
//     the invalid rows that follow them with the same key are different groups; ends are the
//     starts shifted by one row. A group's result row is its last row: valid = end·valid.
//  4. One sum scan (segmented_scan.h) of: the validity (size), each null column's weight
//     w = valid·present (count), and w·x for sums; one max scan of w·(x + B) - B (max) and
//     w·(B - x) - B (negated min), B = 2^62 - 1 standing in for rows that do not count.
//  5. One comparison batch of what is asked: [count < 1] (nullable means, min, max; var, std),
//     [count < 2] (var, std) and [size < min_group_size]; none for sums, counts and sizes. Means
//     (for mean, var, std only): sum / max(count, 1) (divide_by_count.h). var, std: the group's
//     mean is carried back to every row of the group (a first-value scan on the reversed rows), d =
//     w·(x - mean), var = sum(d²) / max(count - 1, 1) (two passes, so no cancellation), std =
//     sqrt(var + 2^-f).
//  6. min_group_size K > 1: valid &= [size >= K]; the Notice "groups suppressed (fewer than K
//     rows)" counts the valid groups that were dropped.
// Results at each group's last row; other rows hold running values and are invalid.
//
// Accuracy (f fractional bits): count, size, sum exact (as encoded); min, max exact; mean
// within 2^-15 relative + 4 ulp (divide_by_count.h); var within 2^-15 relative + (count + 6)
// ulp (each squared deviation truncates by one ulp); std within 2^-15 relative + 2 ulp of
// sqrt(var + 2^-f), i.e. + 2^-(f/2) (0.002 at f = 18) for a constant group.
// Ranges: |x| < 2^(62 - f); |group sum| < 2^(61 - f) for the division; |x - mean| < 2^((62 - 2f)/2)
// (8192 at f = 18) for var and std.
//
// Cost: SortRows's; RunStarts's (one EqualPublic of s + 1 components, ceil(log2(s + 1))
// products); sum scans (ceil(log2 n) product levels) for sums and, with var/std, for squared
// deviations and the mean carried back; a max scan (ceil(log2 n) levels of one LessThan and
// two products) when min or max is asked; one LessThanPublic for the flags of step 5, if any; per
// division batch one DivideByCount; a handful of single products. Batched over all aggregate
// columns, so rounds do not grow with the number of aggregates (scans of more rows than
// kScanElements / (columns + 1) go in batches, segmented_scan.h). Nothing is revealed beyond
// the sort's opened outcomes (nothing about the data, shuffle_sort.h).
#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <utility>

#include "arca/frame/distinct.h"
#include "arca/frame/divide_by_count.h"
#include "arca/frame/group_by.h"
#include "arca/frame/group_statistics.h"
#include "arca/frame/segmented_scan.h"
#include "arca/frame/sort.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

bool Needs(Aggregation how, std::initializer_list<Aggregation> any) {
  return std::find(any.begin(), any.end(), how) != any.end();
}

// x / max(c, 1) for every pair, in one DivideByCount call.
Result<std::vector<Shared>> DivideEach(fxp::FixedPoint& fp, const std::vector<Shared>& x,
                                       const std::vector<Shared>& c, int64_t n) {
  if (x.empty()) return std::vector<Shared>{};
  mpc::Protocol& p = fp.protocol();
  ARCA_ASSIGN_OR_RETURN(Shared numerators, p.ConcatRows(x));
  ARCA_ASSIGN_OR_RETURN(Shared counts, p.ConcatRows(c));
  ARCA_ASSIGN_OR_RETURN(Shared quotients, DivideByCount(fp, numerators, counts, CountBits(n)));
  std::vector<Shared> out;
  for (size_t i = 0; i < x.size(); ++i) {
    const auto at = static_cast<int64_t>(i) * n;
    ARCA_ASSIGN_OR_RETURN(Shared q, p.SliceRows(quotients, at, at + n));
    out.push_back(std::move(q));
  }
  return out;
}

Result<Shared> OneMinus(mpc::Protocol& p, const Shared& bits) {
  return p.AddPublic(p.Neg(bits), RingTensor::Scalar(1));
}

// Per input column of the aggregates: what it needs and what was computed.
struct ColumnWork {
  const Column* column = nullptr;
  bool sum = false, var = false, std = false, min = false, max = false;
  bool averaged = false;  // mean, var or std: the group's mean is needed
  bool weighted = false;  // rows weigh by valid·present (or valid) rather than 1
  // A mean, min or max of a column with nulls: null in a group without values.
  bool null_when_empty = false;
  Shared weight, count_value, sum_value, mean, var_value, std_value, min_value, max_value;
  // [count < 1] (with null_when_empty or var) and [count < 2] (with var), else empty.
  Shared no_values, fewer_than_two;
};

Status CheckAggregate(const Table& table, const Aggregate& a) {
  ARCA_RETURN_IF_ERROR(CheckPerGroup(a));
  ARCA_ASSIGN_OR_RETURN(const Column* column, table.Get(a.column));
  if (a.how != Aggregation::kCount && a.how != Aggregation::kSize && !IsNumeric(column->type)) {
    return InvalidArgumentError(
        fmt::format("group_by: aggregation '{}' needs a numeric column; '{}' is categorical",
                    AggregationName(a.how), a.column));
  }
  return OkStatus();
}

// What the sort needs of `table`: its key and aggregated columns only (the sort carries, and
// shuffles, every column it is given), with rows of null keys made invalid and the keys' null
// masks dropped.
Result<Table> SortInput(mpc::Protocol& p, const Table& table, const std::vector<std::string>& keys,
                        const std::vector<Aggregate>& aggregates) {
  std::set<std::string> needed(keys.begin(), keys.end());
  for (const Aggregate& a : aggregates) {
    if (a.how != Aggregation::kSize) needed.insert(a.column);
  }
  Table view;
  view.rows = table.rows;
  view.valid = table.valid;
  view.all_valid = table.all_valid;
  view.valid_first = table.valid_first;
  for (const Column& column : table.columns) {
    if (needed.contains(column.name)) view.columns.push_back(column);
  }
  for (const std::string& key : keys) {
    auto column = std::find_if(view.columns.begin(), view.columns.end(),
                               [&](const Column& c) { return c.name == key; });
    if (column == view.columns.end()) return table.Get(key).status();
    if (!column->has_nulls) continue;
    ARCA_ASSIGN_OR_RETURN(view.valid, Narrow(p, view, column->present));
    view.all_valid = false;
    view.valid_first = false;
    column->has_nulls = false;
    column->present = Shared();
  }
  return view;
}

// SortInput sorted by the keys (ascending).
Result<Table> SortedInput(fxp::FixedPoint& fp, const Table& table,
                          const std::vector<std::string>& keys,
                          const std::vector<Aggregate>& aggregates) {
  ARCA_ASSIGN_OR_RETURN(Table view, SortInput(fp.protocol(), table, keys, aggregates));
  std::vector<SortKey> sort_keys;
  sort_keys.reserve(keys.size());
  for (const std::string& key : keys) sort_keys.push_back({key, true});
  return SortRows(fp, std::move(view), sort_keys);
}

// The groups of a sorted table and the work on each aggregated column.
struct Groups {
  mpc::Protocol& p;
  const Table& sorted;
  int64_t n;
  Shared starts, ends, size;
  std::vector<ColumnWork> work;

  ColumnWork& Of(const std::string& name) {
    for (ColumnWork& w : work) {
      if (w.column->name == name) return w;
    }
    ColumnWork added;
    added.column = sorted.Find(name);
    work.push_back(std::move(added));
    return work.back();
  }
};

// Starts by (keys, valid); ends are the starts one row later.
Status FindBoundaries(Groups& g, const std::vector<std::string>& keys) {
  mpc::Protocol& p = g.p;
  std::vector<Shared> boundary_keys;
  boundary_keys.reserve(keys.size() + 1);
  for (const std::string& key : keys) boundary_keys.push_back(g.sorted.Find(key)->values);
  boundary_keys.push_back(g.sorted.valid);
  ARCA_ASSIGN_OR_RETURN(g.starts, RunStarts(p, boundary_keys));
  g.ends = p.Public(RingTensor::Filled(Shape{g.n}, 1));
  if (g.n > 1) {
    ARCA_ASSIGN_OR_RETURN(Shared next_starts, p.SliceRows(g.starts, 1, g.n));
    ARCA_ASSIGN_OR_RETURN(g.ends,
                          p.ConcatRows({next_starts, p.Public(RingTensor::Filled(Shape{1}, 1))}));
  }
  return OkStatus();
}

void PlanWork(Groups& g, const std::vector<Aggregate>& aggregates) {
  for (const Aggregate& a : aggregates) {
    if (a.how == Aggregation::kSize) continue;
    ColumnWork& w = g.Of(a.column);
    w.sum |=
        Needs(a.how, {Aggregation::kSum, Aggregation::kMean, Aggregation::kVar, Aggregation::kStd});
    w.averaged |= Needs(a.how, {Aggregation::kMean, Aggregation::kVar, Aggregation::kStd});
    w.var |= Needs(a.how, {Aggregation::kVar, Aggregation::kStd});
    w.std |= a.how == Aggregation::kStd;
    w.min |= a.how == Aggregation::kMin;
    w.max |= a.how == Aggregation::kMax;
    w.null_when_empty |= w.column->has_nulls &&
                         Needs(a.how, {Aggregation::kMean, Aggregation::kMin, Aggregation::kMax});
  }
}

// Weights: valid·present for columns with nulls (one product), the validity otherwise.
Status ComputeWeights(Groups& g) {
  std::vector<Shared> presents, valids;
  for (ColumnWork& w : g.work) {
    w.weighted = !g.sorted.all_valid || w.column->has_nulls;
    w.weight = g.sorted.valid;
    if (w.column->has_nulls) {
      presents.push_back(w.column->present);
      valids.push_back(g.sorted.valid);
    }
  }
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> weights, MulEach(g.p, valids, presents));
  size_t at = 0;
  for (ColumnWork& w : g.work) {
    if (w.column->has_nulls) w.weight = weights[at++];
  }
  return OkStatus();
}

// The inputs of the max scan of column w: x (max) and -x (negated min), or where rows weigh,
// w·(±x + B) - B, whose products `weighted` holds from `at` on.
Status ExtremeInputs(Groups& g, const ColumnWork& w, const std::vector<Shared>& weighted,
                     size_t& at, std::vector<Shared>& inputs) {
  for (const bool negate : {false, true}) {
    if (negate ? !w.min : !w.max) continue;
    if (w.weighted) {
      ARCA_ASSIGN_OR_RETURN(Shared y,
                            g.p.AddPublic(weighted[at++], RingTensor::Scalar(0 - kBeyond)));
      inputs.push_back(std::move(y));
    } else {
      inputs.push_back(negate ? g.p.Neg(w.column->values) : w.column->values);
    }
  }
  return OkStatus();
}

// Sizes, counts and sums in one sum scan; maxima and negated minima in one max scan.
Status ScanSumsAndExtremes(Groups& g) {
  mpc::Protocol& p = g.p;
  std::vector<Shared> factors, factor_weights;
  for (ColumnWork& w : g.work) {
    if (!w.weighted) continue;
    if (w.sum) {
      factors.push_back(w.column->values);
      factor_weights.push_back(w.weight);
    }
    for (const bool negate : {false, true}) {
      if (negate ? !w.min : !w.max) continue;
      ARCA_ASSIGN_OR_RETURN(Shared shifted,
                            p.AddPublic(negate ? p.Neg(w.column->values) : w.column->values,
                                        RingTensor::Scalar(kBeyond)));
      factors.push_back(std::move(shifted));
      factor_weights.push_back(w.weight);
    }
  }
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> weighted, MulEach(p, factor_weights, factors));
  std::vector<Shared> sum_inputs = {g.sorted.valid}, max_inputs;
  size_t at = 0;
  for (ColumnWork& w : g.work) {
    if (w.column->has_nulls) sum_inputs.push_back(w.weight);
    if (w.sum) sum_inputs.push_back(w.weighted ? weighted[at++] : w.column->values);
    ARCA_RETURN_IF_ERROR(ExtremeInputs(g, w, weighted, at, max_inputs));
  }
  ARCA_ASSIGN_OR_RETURN(Shared sum_matrix, StackColumns(p, std::move(sum_inputs)));
  ARCA_ASSIGN_OR_RETURN(Shared sums, SegmentedScan(p, g.starts, sum_matrix, ScanOp::kSum));
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> sum_columns, SplitColumns(p, std::move(sums)));
  g.size = sum_columns[0];
  std::vector<Shared> max_columns;
  if (!max_inputs.empty()) {
    ARCA_ASSIGN_OR_RETURN(Shared max_matrix, StackColumns(p, std::move(max_inputs)));
    ARCA_ASSIGN_OR_RETURN(Shared maxima, SegmentedScan(p, g.starts, max_matrix, ScanOp::kMax));
    ARCA_ASSIGN_OR_RETURN(max_columns, SplitColumns(p, std::move(maxima)));
  }
  size_t at_sum = 1, at_max = 0;
  for (ColumnWork& w : g.work) {
    w.count_value = w.column->has_nulls ? sum_columns[at_sum++] : g.size;
    if (w.sum) w.sum_value = sum_columns[at_sum++];
    if (w.max) w.max_value = max_columns[at_max++];
    if (w.min) w.min_value = p.Neg(max_columns[at_max++]);
  }
  return OkStatus();
}

// In one comparison, what the results need: [count < 1] of the columns whose mean, min or max
// may be null or whose var is asked, [count < 2] of the latter, and [size < K] (returned; empty
// when K <= 1). Sums, counts and sizes need none.
Result<Shared> CompareCounts(Groups& g, int64_t min_group_size) {
  mpc::Protocol& p = g.p;
  std::vector<Shared> tested;
  std::vector<Shared*> outcomes;
  const auto test = [&](const Shared& x, uint64_t bound, Shared* outcome) -> Status {
    ARCA_ASSIGN_OR_RETURN(Shared shifted, p.AddPublic(x, RingTensor::Scalar(0 - bound)));
    tested.push_back(std::move(shifted));
    outcomes.push_back(outcome);
    return OkStatus();
  };
  for (ColumnWork& w : g.work) {
    if (w.var || w.null_when_empty) ARCA_RETURN_IF_ERROR(test(w.count_value, 1, &w.no_values));
    if (w.var) ARCA_RETURN_IF_ERROR(test(w.count_value, 2, &w.fewer_than_two));
  }
  Shared small;
  if (min_group_size > 1) {
    ARCA_RETURN_IF_ERROR(test(g.size, static_cast<uint64_t>(min_group_size), &small));
  }
  if (tested.empty()) return small;
  ARCA_ASSIGN_OR_RETURN(Shared all, p.ConcatRows(tested));
  tested.clear();
  ARCA_ASSIGN_OR_RETURN(Shared below, p.LessThanPublic(all, RingTensor::FromValues(Shape{1}, {0})));
  ARCA_ASSIGN_OR_RETURN(below, p.Reshape(std::move(below), all.shape()));
  for (size_t at = 0; at < outcomes.size(); ++at) {
    const auto begin = static_cast<int64_t>(at) * g.n;
    ARCA_ASSIGN_OR_RETURN(*outcomes[at], p.SliceRows(below, begin, begin + g.n));
  }
  return small;
}

Status ComputeMeans(fxp::FixedPoint& fp, Groups& g) {
  std::vector<Shared> sums, counts;
  for (const ColumnWork& w : g.work) {
    if (!w.averaged) continue;
    sums.push_back(w.sum_value);
    counts.push_back(w.count_value);
  }
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> means, DivideEach(fp, sums, counts, g.n));
  size_t at = 0;
  for (ColumnWork& w : g.work) {
    if (w.averaged) w.mean = means[at++];
  }
  return OkStatus();
}

// Each group's mean (at its last row) carried back to all its rows: a first-value scan of the
// reversed rows.
Result<std::vector<Shared>> CarryMeansBack(Groups& g, const std::vector<Shared>& means) {
  mpc::Protocol& p = g.p;
  std::vector<int64_t> reversed(static_cast<size_t>(g.n));
  std::iota(reversed.rbegin(), reversed.rend(), int64_t{0});
  ARCA_ASSIGN_OR_RETURN(Shared matrix, StackColumns(p, means));
  ARCA_ASSIGN_OR_RETURN(matrix, p.GatherRows(matrix, reversed));
  ARCA_ASSIGN_OR_RETURN(Shared reversed_ends, p.GatherRows(g.ends, reversed));
  ARCA_ASSIGN_OR_RETURN(matrix, SegmentedScan(p, reversed_ends, matrix, ScanOp::kFirst));
  ARCA_ASSIGN_OR_RETURN(matrix, p.GatherRows(matrix, reversed));
  return SplitColumns(p, std::move(matrix));
}

// var = sum(w·(x - mean))² / max(count - 1, 1) (two passes), then std = sqrt(var + 2^-f).
Status ComputeSpreads(fxp::FixedPoint& fp, Groups& g) {
  mpc::Protocol& p = g.p;
  std::vector<Shared> means;
  for (const ColumnWork& w : g.work) {
    if (w.var) means.push_back(w.mean);
  }
  if (means.empty()) return OkStatus();
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> carried, CarryMeansBack(g, means));
  std::vector<Shared> deviations, weights, dofs;
  bool weighted = false;
  size_t at = 0;
  for (const ColumnWork& w : g.work) {
    if (!w.var) continue;
    ARCA_ASSIGN_OR_RETURN(Shared d, p.Sub(w.column->values, carried[at++]));
    deviations.push_back(std::move(d));
    weights.push_back(w.weighted ? w.weight : p.Public(RingTensor::Filled(Shape{g.n}, 1)));
    weighted |= w.weighted;
    // count - 1, or 0 for a count of 0 (divided by 1).
    ARCA_ASSIGN_OR_RETURN(Shared dof, p.AddPublic(w.count_value, RingTensor::Scalar(0 - 1ULL)));
    ARCA_ASSIGN_OR_RETURN(dof, p.Add(dof, w.no_values));
    dofs.push_back(std::move(dof));
  }
  ARCA_ASSIGN_OR_RETURN(Shared d_matrix, StackColumns(p, std::move(deviations)));
  if (weighted) {
    ARCA_ASSIGN_OR_RETURN(Shared w_matrix, StackColumns(p, std::move(weights)));
    ARCA_ASSIGN_OR_RETURN(d_matrix, p.Mul(d_matrix, w_matrix));
  }
  ARCA_ASSIGN_OR_RETURN(Shared squares, fp.Mul(d_matrix, d_matrix));
  ARCA_ASSIGN_OR_RETURN(Shared square_sums, SegmentedScan(p, g.starts, squares, ScanOp::kSum));
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> totals, SplitColumns(p, std::move(square_sums)));
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> variances, DivideEach(fp, totals, dofs, g.n));
  std::vector<Shared> std_inputs;
  at = 0;
  for (ColumnWork& w : g.work) {
    if (!w.var) continue;
    w.var_value = variances[at++];
    if (w.std) std_inputs.push_back(w.var_value);
  }
  if (std_inputs.empty()) return OkStatus();
  ARCA_ASSIGN_OR_RETURN(Shared all, p.ConcatRows(std_inputs));
  ARCA_ASSIGN_OR_RETURN(all, fp.AddConstant(all, std::ldexp(1.0, -fp.frac_bits())));
  ARCA_ASSIGN_OR_RETURN(all, fp.Sqrt(all));
  int64_t row = 0;
  for (ColumnWork& w : g.work) {
    if (!w.std) continue;
    ARCA_ASSIGN_OR_RETURN(w.std_value, p.SliceRows(all, row, row + g.n));
    row += g.n;
  }
  return OkStatus();
}

// The result column of aggregate `a`.
Result<Column> ResultColumn(Groups& g, const Aggregate& a, int frac_bits) {
  const ColumnWork* w = a.how == Aggregation::kSize ? nullptr : &g.Of(a.column);
  const Shared* no_values = w != nullptr && w->column->has_nulls ? &w->no_values : nullptr;
  Shared values;
  const Shared* absent = nullptr;  // [no value to report]
  switch (a.how) {
    case Aggregation::kSize:
    case Aggregation::kNunique:  // refused by CheckAggregate
      values = g.size;
      break;
    case Aggregation::kCount:
      values = w->count_value;
      break;
    case Aggregation::kSum:
      values = w->sum_value;
      break;
    case Aggregation::kMean:
      values = w->mean;
      absent = no_values;
      break;
    case Aggregation::kMin:
      values = w->min_value;
      absent = no_values;
      break;
    case Aggregation::kMax:
      values = w->max_value;
      absent = no_values;
      break;
    case Aggregation::kVar:
      values = w->var_value;
      absent = &w->fewer_than_two;
      break;
    case Aggregation::kStd:
      values = w->std_value;
      absent = &w->fewer_than_two;
      break;
  }
  const bool integer = a.how == Aggregation::kSize || a.how == Aggregation::kCount;
  const ColumnType source = w != nullptr ? w->column->type : ColumnType::kInteger;
  Column column{a.name, AggregateType(a.how, source), {}, values, {}, false};
  if (integer) {
    ARCA_ASSIGN_OR_RETURN(column.values,
                          g.p.MulPublic(values, RingTensor::Scalar(uint64_t{1} << frac_bits)));
  }
  if (absent != nullptr) {
    column.has_nulls = true;
    ARCA_ASSIGN_OR_RETURN(column.present, OneMinus(g.p, *absent));
  }
  return column;
}

// valid &= [size >= K], and the Notice of how many valid groups that dropped.
Status Suppress(Groups& g, const Shared& small, int64_t min_group_size, Table& out) {
  mpc::Protocol& p = g.p;
  ARCA_ASSIGN_OR_RETURN(Shared kept, OneMinus(p, small));
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> narrowed,
                        MulEach(p, {out.valid, out.valid}, {kept, small}));
  out.valid = narrowed[0];
  ARCA_ASSIGN_OR_RETURN(Shared count, p.Sum(narrowed[1], -1));
  out.notices.push_back(
      Notice{fmt::format("groups suppressed (fewer than {} rows)", min_group_size), count});
  return OkStatus();
}

}  // namespace

Result<Table> GroupBySorted(fxp::FixedPoint& fp, const Table& table,
                            const std::vector<std::string>& keys,
                            const std::vector<Aggregate>& aggregates,
                            const GroupByOptions& options) {
  mpc::Protocol& p = fp.protocol();
  if (keys.empty()) return InvalidArgumentError("group_by: no key columns given");
  if (options.min_group_size < 0) {
    return InvalidArgumentError(
        fmt::format("group_by: min_group_size must be at least 0; got {}", options.min_group_size));
  }
  for (const Aggregate& a : aggregates) ARCA_RETURN_IF_ERROR(CheckAggregate(table, a));
  ARCA_ASSIGN_OR_RETURN(const Table sorted, SortedInput(fp, table, keys, aggregates));

  Groups g{p, sorted, sorted.rows, {}, {}, {}, {}};
  ARCA_RETURN_IF_ERROR(FindBoundaries(g, keys));
  PlanWork(g, aggregates);
  ARCA_RETURN_IF_ERROR(ComputeWeights(g));
  ARCA_RETURN_IF_ERROR(ScanSumsAndExtremes(g));
  ARCA_ASSIGN_OR_RETURN(const Shared small, CompareCounts(g, options.min_group_size));
  ARCA_RETURN_IF_ERROR(ComputeMeans(fp, g));
  ARCA_RETURN_IF_ERROR(ComputeSpreads(fp, g));

  Table out;
  out.rows = g.n;
  out.notices = table.notices;
  ARCA_ASSIGN_OR_RETURN(out.valid, Narrow(p, sorted, g.ends));
  if (options.min_group_size > 1) {
    ARCA_RETURN_IF_ERROR(Suppress(g, small, options.min_group_size, out));
  }
  for (const std::string& key : keys) out.columns.push_back(*sorted.Find(key));
  for (const Aggregate& a : aggregates) {
    ARCA_ASSIGN_OR_RETURN(Column column, ResultColumn(g, a, fp.frac_bits()));
    out.columns.push_back(std::move(column));
  }
  return out;
}

}  // namespace arca::frame
