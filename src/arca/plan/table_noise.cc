#include "arca/plan/table_noise.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "arca/frame/released_table.h"
#include "arca/ml/dp_noise.h"

namespace arca::plan {
namespace {

using frame::Column;
using frame::ColumnType;
using frame::Table;
using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// Every non-label cell that may be null becomes 0 where it is, and the column loses its mask.
Status ZeroNullCells(mpc::Protocol& p, Table& table, const std::set<std::string>& labels) {
  std::vector<Shared> values, masks;
  std::vector<Column*> masked;
  for (Column& column : table.columns) {
    if (!column.has_nulls || labels.contains(column.name)) continue;
    values.push_back(column.values);
    masks.push_back(column.present);
    masked.push_back(&column);
  }
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> zeroed, frame::MulEach(p, values, masks));
  for (size_t j = 0; j < masked.size(); ++j) {
    masked[j]->values = std::move(zeroed[j]);
    masked[j]->has_nulls = false;
    masked[j]->present = {};
  }
  return OkStatus();
}

// Adds one sample to every non-label cell and notice count; whole samples to integers.
Status AddSamples(fxp::FixedPoint& fp, Table& table, const TableNoise& noise) {
  mpc::Protocol& p = fp.protocol();
  const int64_t n = table.rows;
  std::vector<Column*> noised;
  for (Column& column : table.columns) {
    if (noise.labels.contains(column.name)) continue;
    if (column.type == ColumnType::kCategorical) {
      return InternalError(fmt::format(
          "column '{}' is categorical and not a label: it cannot carry noise", column.name));
    }
    noised.push_back(&column);
  }
  const auto cells = static_cast<int64_t>(noised.size()) * n;
  const auto count = cells + static_cast<int64_t>(table.notices.size());
  if (count == 0) return OkStatus();
  ARCA_ASSIGN_OR_RETURN(Shared samples, noise.mechanism == Mechanism::kLaplace
                                            ? ml::LaplaceNoise(fp, count, noise.scale)
                                            : ml::GaussianNoise(fp, count, noise.scale));
  // Whole samples, as ring integers: rounded to the nearest (half an ulp of 2^f added before
  // the truncation; its error may move a sample by one more).
  const int f = fp.frac_bits();
  ARCA_ASSIGN_OR_RETURN(Shared half_up,
                        p.AddPublic(samples, RingTensor::Scalar(uint64_t{1} << (f - 1))));
  ARCA_ASSIGN_OR_RETURN(Shared whole, p.Truncate(half_up, f));
  const RingTensor unit = RingTensor::Scalar(uint64_t{1} << f);
  for (size_t j = 0; j < noised.size(); ++j) {
    Column& column = *noised[j];
    const auto at = static_cast<int64_t>(j) * n;
    Shared sample;
    if (column.type == ColumnType::kDecimal) {
      ARCA_ASSIGN_OR_RETURN(sample, p.SliceRows(samples, at, at + n));
    } else {
      ARCA_ASSIGN_OR_RETURN(sample, p.SliceRows(whole, at, at + n));
      ARCA_ASSIGN_OR_RETURN(sample, p.MulPublic(sample, unit));
    }
    ARCA_ASSIGN_OR_RETURN(column.values, p.Add(column.values, sample));
  }
  for (size_t k = 0; k < table.notices.size(); ++k) {
    const int64_t at = cells + static_cast<int64_t>(k);
    ARCA_ASSIGN_OR_RETURN(Shared sample, p.SliceRows(whole, at, at + 1));
    ARCA_ASSIGN_OR_RETURN(sample, p.Reshape(std::move(sample), Shape{}));
    ARCA_ASSIGN_OR_RETURN(table.notices[k].count, p.Add(table.notices[k].count, sample));
  }
  return OkStatus();
}

}  // namespace

std::set<std::string> LabelColumns(const Node& node) {
  if (const auto* args = std::get_if<GroupByArgs>(&node.args)) {
    return {args->keys.begin(), args->keys.end()};
  }
  if (const auto* args = std::get_if<ValueCountsArgs>(&node.args)) return {args->column};
  if (const auto* args = std::get_if<CrosstabArgs>(&node.args)) return {args->index};
  switch (node.op) {
    case Op::kDescribe:
      return {"statistic"};
    case Op::kQuantile:
      return {"quantile"};
    case Op::kHistogram:
      return {"lower", "upper"};
    case Op::kCov:
    case Op::kCorr:
      return {"column"};
    default:
      return {};
  }
}

std::string CountColumn(const Node& node) {
  const auto* args = std::get_if<GroupByArgs>(&node.args);
  if (args == nullptr) return "";
  for (const frame::Aggregation how : {frame::Aggregation::kSize, frame::Aggregation::kCount}) {
    for (const frame::Aggregate& a : args->aggregates) {
      if (a.how == how) return a.name;
    }
  }
  return "";
}

Result<Table> AddTableNoise(fxp::FixedPoint& fp, const Table& table, const TableNoise& noise) {
  mpc::Protocol& p = fp.protocol();
  if (!(noise.scale > 0)) return InvalidArgumentError("noise needs a scale > 0");
  ARCA_ASSIGN_OR_RETURN(Table out, frame::ZeroInvalidRows(p, table));
  for (size_t j = 0; j < out.columns.size(); ++j) {
    // Labels are public and every row is released: they stay as they were.
    if (noise.labels.contains(out.columns[j].name)) out.columns[j] = table.columns[j];
  }
  ARCA_RETURN_IF_ERROR(ZeroNullCells(p, out, noise.labels));
  out.valid = p.Public(RingTensor::Filled(Shape{out.rows}, 1));
  out.all_valid = true;
  out.valid_first = true;
  ARCA_RETURN_IF_ERROR(AddSamples(fp, out, noise));
  if (noise.min_count <= 0) return out;
  // The executor refuses a minimum without a count column before any protocol step.
  ARCA_ASSIGN_OR_RETURN(const Column* count, out.Get(noise.count_column));
  const RingTensor threshold =
      RingTensor::FromValues(Shape{1}, {static_cast<uint64_t>(noise.min_count) << fp.frac_bits()});
  ARCA_ASSIGN_OR_RETURN(Shared below, p.LessThanPublic(count->values, threshold));
  ARCA_ASSIGN_OR_RETURN(below, p.Reshape(std::move(below), Shape{out.rows}));
  ARCA_ASSIGN_OR_RETURN(out.valid, p.AddPublic(p.Neg(below), RingTensor::Scalar(1)));
  ARCA_ASSIGN_OR_RETURN(Shared suppressed, p.Sum(below, -1));
  out.notices.push_back(frame::Notice{
      fmt::format("groups suppressed (noisy count below {})", noise.min_count), suppressed});
  out.all_valid = false;
  out.valid_first = false;
  return frame::ZeroInvalidRows(p, out);
}

}  // namespace arca::plan
