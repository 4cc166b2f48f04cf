#include "arca/frame/group_by_domain.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "arca/frame/group_statistics.h"
#include "arca/fxp/encoding.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// One key: its column, its domain (ring values in domain order) and its place in the
// mixed-radix combination number.
struct Key {
  const Column* column = nullptr;
  std::vector<uint64_t> domain;
  int64_t stride = 1;
};

Result<std::vector<uint64_t>> IntegerDomain(const std::string& name, const KeyDomains& domains,
                                            int frac_bits) {
  const auto it = domains.find(name);
  if (it == domains.end()) {
    return InvalidArgumentError(
        fmt::format("integer key '{}' has no declared domain: declare its values (KeyDomains) "
                    "or use the sorted group-by",
                    name));
  }
  std::vector<double> values = it->second;
  std::sort(values.begin(), values.end());
  std::vector<uint64_t> domain;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] != std::floor(values[i])) {
      return InvalidArgumentError(
          fmt::format("the declared domain of key '{}' holds a value that is not whole", name));
    }
    if (i > 0 && values[i] == values[i - 1]) {
      return InvalidArgumentError(
          fmt::format("the declared domain of key '{}' repeats a value", name));
    }
    ARCA_ASSIGN_OR_RETURN(uint64_t encoded, fxp::EncodeValue(values[i], frac_bits));
    domain.push_back(encoded);
  }
  return domain;
}

Result<std::vector<Key>> ResolveKeys(const Table& table, const std::vector<std::string>& names,
                                     const KeyDomains& domains, int frac_bits, int64_t* groups) {
  std::vector<Key> keys;
  std::set<std::string> seen;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) {
      return InvalidArgumentError(fmt::format("key '{}' is named twice", name));
    }
    ARCA_ASSIGN_OR_RETURN(const Column* column, table.Get(name));
    Key key{column, {}, 1};
    switch (column->type) {
      case ColumnType::kCategorical:
        for (size_t i = 0; i < column->categories.size(); ++i) key.domain.push_back(i);
        break;
      case ColumnType::kBoolean:
        key.domain = {0, uint64_t{1} << frac_bits};
        break;
      case ColumnType::kInteger: {
        ARCA_ASSIGN_OR_RETURN(key.domain, IntegerDomain(name, domains, frac_bits));
        break;
      }
      case ColumnType::kDecimal:
        return InvalidArgumentError(fmt::format(
            "key '{}' is decimal: keys of a domain group-by are categorical, boolean or integer",
            name));
    }
    if (key.domain.empty()) {
      return InvalidArgumentError(fmt::format("key '{}' has an empty domain", name));
    }
    keys.push_back(std::move(key));
  }
  int64_t g = 1;
  for (size_t j = keys.size(); j-- > 0;) {
    keys[j].stride = g;
    g *= static_cast<int64_t>(keys[j].domain.size());
    if (g > kMaxGroups) {
      return InvalidArgumentError(
          fmt::format("keys {} have more than {} combinations: use the sorted group-by",
                      fmt::join(names, ", "), kMaxGroups));
    }
  }
  *groups = g;
  return keys;
}

// One request per aggregated column; `at` maps each aggregate to its request.
struct Requests {
  std::vector<ColumnRequest> columns;
  std::vector<int64_t> at;  // per aggregate; -1 for size
};

Result<Requests> ResolveAggregates(const Table& table, const std::vector<std::string>& keys,
                                   const std::vector<Aggregate>& aggregates) {
  Requests out;
  std::set<std::string> names(keys.begin(), keys.end());
  std::map<std::string, int64_t> index;
  for (const Aggregate& a : aggregates) {
    if (!names.insert(a.name).second) {
      return InvalidArgumentError(
          fmt::format("aggregate '{}': its name is already a column of the result", a.name));
    }
    ARCA_RETURN_IF_ERROR(CheckPerGroup(a));
    if (a.how == Aggregation::kSize && a.column.empty()) {
      out.at.push_back(-1);
      continue;
    }
    ARCA_ASSIGN_OR_RETURN(const Column* column, table.Get(a.column));
    if (a.how == Aggregation::kSize) {
      out.at.push_back(-1);
      continue;
    }
    if (a.how != Aggregation::kCount && !IsNumeric(column->type)) {
      return InvalidArgumentError(fmt::format("aggregate '{}': {} of column '{}' needs a number",
                                              a.name, AggregationName(a.how), a.column));
    }
    auto [it, inserted] = index.try_emplace(a.column, static_cast<int64_t>(out.columns.size()));
    if (inserted) out.columns.push_back(ColumnRequest{column});
    ColumnRequest& r = out.columns[static_cast<size_t>(it->second)];
    r.sum = r.sum || a.how == Aggregation::kSum;
    r.mean = r.mean || a.how == Aggregation::kMean;
    r.variance = r.variance || a.how == Aggregation::kVar || a.how == Aggregation::kStd;
    r.deviation = r.deviation || a.how == Aggregation::kStd;
    r.extremes = r.extremes || a.how == Aggregation::kMin || a.how == Aggregation::kMax;
    out.at.push_back(it->second);
  }
  return out;
}

// (1 - bits)·offset: `offset` where a 0/1 share is 0.
Result<Shared> WhereZero(mpc::Protocol& p, const Shared& bits, uint64_t offset) {
  ARCA_ASSIGN_OR_RETURN(Shared scaled, p.MulPublic(bits, RingTensor::Scalar(uint64_t{0} - offset)));
  return p.AddPublic(scaled, RingTensor::Scalar(offset));
}

// H [G, end - begin] of rows [begin, end): one equality of each row's combination number.
Result<Shared> KeyOneHot(fxp::FixedPoint& fp, const Table& table, const std::vector<Key>& keys,
                         int64_t groups, int64_t begin, int64_t end) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  const uint64_t unit = uint64_t{1} << f;
  // Added for a row in no group: at least G, so the number matches no combination.
  const uint64_t outside = static_cast<uint64_t>(groups) * unit;
  Shared number = p.Public(RingTensor::Zeros(Shape{end - begin}));
  for (const Key& key : keys) {
    const Column& c = *key.column;
    const auto stride = static_cast<uint64_t>(key.stride);
    ARCA_ASSIGN_OR_RETURN(Shared x, p.SliceRows(c.values, begin, end));
    Shared digit;
    if (c.type == ColumnType::kCategorical) {
      ARCA_ASSIGN_OR_RETURN(digit, p.MulPublic(x, RingTensor::Scalar(stride * unit)));
    } else if (c.type == ColumnType::kBoolean) {
      ARCA_ASSIGN_OR_RETURN(digit, p.MulPublic(x, RingTensor::Scalar(stride)));
    } else {
      // digit = G + sum_t (t - G)·[x == d_t], times stride·2^f.
      const auto t = static_cast<int64_t>(key.domain.size());
      ARCA_ASSIGN_OR_RETURN(Shared equal,
                            p.EqualPublic(x, RingTensor::FromValues(Shape{t}, key.domain)));
      ARCA_ASSIGN_OR_RETURN(equal, p.Reshape(std::move(equal), Shape{t, end - begin}));
      RingTensor weights(Shape{1, t});
      for (int64_t i = 0; i < t; ++i) {
        weights.data()[i] =
            (static_cast<uint64_t>(i) - static_cast<uint64_t>(groups)) * stride * unit;
      }
      ARCA_ASSIGN_OR_RETURN(digit, p.MatMulPublic(weights, equal));
      ARCA_ASSIGN_OR_RETURN(digit, p.Reshape(std::move(digit), Shape{end - begin}));
      ARCA_ASSIGN_OR_RETURN(digit, p.AddPublic(digit, RingTensor::Scalar(outside * stride)));
    }
    ARCA_ASSIGN_OR_RETURN(number, p.Add(number, digit));
    if (c.has_nulls) {
      ARCA_ASSIGN_OR_RETURN(Shared present, p.SliceRows(c.present, begin, end));
      ARCA_ASSIGN_OR_RETURN(Shared missing, WhereZero(p, present, outside));
      ARCA_ASSIGN_OR_RETURN(number, p.Add(number, missing));
    }
  }
  if (!table.all_valid) {
    ARCA_ASSIGN_OR_RETURN(Shared valid, p.SliceRows(table.valid, begin, end));
    ARCA_ASSIGN_OR_RETURN(Shared invalid, WhereZero(p, valid, outside));
    ARCA_ASSIGN_OR_RETURN(number, p.Add(number, invalid));
  }
  RingTensor combinations(Shape{groups});
  for (int64_t g = 0; g < groups; ++g) combinations.data()[g] = static_cast<uint64_t>(g) * unit;
  ARCA_ASSIGN_OR_RETURN(Shared h, p.EqualPublic(number, combinations));
  return p.Reshape(std::move(h), Shape{groups, end - begin});
}

// The key columns of the result: each combination's values, public.
std::vector<Column> KeyColumns(mpc::Protocol& p, const std::vector<Key>& keys, int64_t groups) {
  std::vector<Column> columns;
  for (const Key& key : keys) {
    const auto t = static_cast<int64_t>(key.domain.size());
    RingTensor values(Shape{groups});
    for (int64_t g = 0; g < groups; ++g) {
      values.data()[g] = key.domain[static_cast<size_t>((g / key.stride) % t)];
    }
    columns.push_back(Column{
        key.column->name, key.column->type, key.column->categories, p.Public(values), {}, false});
  }
  return columns;
}

}  // namespace

Result<Table> GroupByDomainInBatches(fxp::FixedPoint& fp, const Table& table,
                                     const std::vector<std::string>& keys,
                                     const std::vector<Aggregate>& aggregates,
                                     const KeyDomains& domains, const GroupByOptions& options,
                                     int64_t one_hot_budget) {
  mpc::Protocol& p = fp.protocol();
  const int f = fp.frac_bits();
  if (options.min_group_size < 0) {
    return InvalidArgumentError("min_group_size must not be negative");
  }
  int64_t groups = 0;
  ARCA_ASSIGN_OR_RETURN(std::vector<Key> resolved, ResolveKeys(table, keys, domains, f, &groups));
  ARCA_ASSIGN_OR_RETURN(Requests requests, ResolveAggregates(table, keys, aggregates));
  int64_t extremes = 0;
  for (const ColumnRequest& r : requests.columns) extremes += r.extremes ? 1 : 0;

  Grouping grouping;
  grouping.groups = groups;
  grouping.batch_rows = BatchRows(groups, extremes, one_hot_budget);
  grouping.min_group_size = options.min_group_size;
  grouping.membership = [&](int64_t begin, int64_t end) -> Result<std::optional<Shared>> {
    if (resolved.empty()) {
      // No keys: one group of the valid rows, no equality needed.
      if (table.all_valid) return std::optional<Shared>();
      ARCA_ASSIGN_OR_RETURN(Shared valid, p.SliceRows(table.valid, begin, end));
      ARCA_ASSIGN_OR_RETURN(Shared h, AsRow(p, valid));
      return std::optional<Shared>(std::move(h));
    }
    ARCA_ASSIGN_OR_RETURN(Shared h, KeyOneHot(fp, table, resolved, groups, begin, end));
    return std::optional<Shared>(std::move(h));
  };
  ARCA_ASSIGN_OR_RETURN(GroupStatistics stats,
                        ComputeGroupStatistics(fp, table, grouping, requests.columns));

  Table out;
  out.rows = groups;
  out.columns = KeyColumns(p, resolved, groups);
  out.valid = stats.exists;
  out.notices = table.notices;
  const RingTensor unit = RingTensor::Scalar(uint64_t{1} << f);
  for (size_t i = 0; i < aggregates.size(); ++i) {
    const Aggregate& a = aggregates[i];
    const int64_t at = requests.at[i];
    Column column{a.name, ColumnType::kDecimal, {}, {}, {}, false};
    if (at < 0) {
      column.type = ColumnType::kInteger;
      ARCA_ASSIGN_OR_RETURN(column.values, p.MulPublic(stats.size, unit));
      out.columns.push_back(std::move(column));
      continue;
    }
    const ColumnStatistics& s = stats.columns[static_cast<size_t>(at)];
    const Column& source = *requests.columns[static_cast<size_t>(at)].column;
    const bool nulls = source.has_nulls;
    column.type = AggregateType(a.how, source.type);
    switch (a.how) {
      case Aggregation::kCount: {
        column.type = ColumnType::kInteger;
        ARCA_ASSIGN_OR_RETURN(column.values, p.MulPublic(s.count, unit));
        break;
      }
      case Aggregation::kSize:     // resolved above
      case Aggregation::kNunique:  // refused by ResolveAggregates
      case Aggregation::kSum:
        column.values = s.sum;
        break;
      case Aggregation::kMean:
      case Aggregation::kMin:
      case Aggregation::kMax:
        column.values = a.how == Aggregation::kMean  ? s.mean
                        : a.how == Aggregation::kMin ? s.min
                                                     : s.max;
        column.has_nulls = nulls;
        if (nulls) column.present = s.has_value;
        break;
      case Aggregation::kVar:
      case Aggregation::kStd:
        column.values = a.how == Aggregation::kVar ? s.var : s.std;
        column.has_nulls = true;
        column.present = s.has_two;
        break;
    }
    out.columns.push_back(std::move(column));
  }

  if (options.min_group_size > 1) {
    // Nothing of a suppressed group is released: its aggregates and masks become 0.
    std::vector<Shared> rows, masks;
    const size_t first = resolved.size();
    for (size_t j = first; j < out.columns.size(); ++j) {
      const Column& c = out.columns[j];
      ARCA_ASSIGN_OR_RETURN(Shared v, p.Reshape(c.values, Shape{1, groups}));
      rows.push_back(std::move(v));
      if (c.has_nulls) {
        ARCA_ASSIGN_OR_RETURN(Shared m, p.Reshape(c.present, Shape{1, groups}));
        rows.push_back(std::move(m));
      }
    }
    ARCA_ASSIGN_OR_RETURN(Shared exists, p.Reshape(stats.exists, Shape{1, groups}));
    masks.assign(rows.size(), exists);
    if (!rows.empty()) {
      ARCA_ASSIGN_OR_RETURN(Shared stacked, p.ConcatRows(rows));
      ARCA_ASSIGN_OR_RETURN(Shared mask, p.ConcatRows(masks));
      ARCA_ASSIGN_OR_RETURN(Shared kept, p.Mul(stacked, mask));
      int64_t next = 0;
      const auto take = [&]() -> Result<Shared> {
        ARCA_ASSIGN_OR_RETURN(Shared row, p.SliceRows(kept, next, next + 1));
        ++next;
        return p.Reshape(std::move(row), Shape{groups});
      };
      for (size_t j = first; j < out.columns.size(); ++j) {
        Column& c = out.columns[j];
        ARCA_ASSIGN_OR_RETURN(c.values, take());
        if (c.has_nulls) {
          ARCA_ASSIGN_OR_RETURN(c.present, take());
        }
      }
    }
    out.notices.push_back(
        Notice{fmt::format("groups suppressed (fewer than {} rows)", options.min_group_size),
               stats.suppressed});
  }

  bool may_drop = false;
  for (const Key& key : resolved) {
    may_drop = may_drop || key.column->has_nulls || key.column->type == ColumnType::kInteger;
  }
  if (may_drop) {
    // Valid rows minus the rows of every group.
    ARCA_ASSIGN_OR_RETURN(Shared valid_rows, p.Sum(table.valid, -1));
    ARCA_ASSIGN_OR_RETURN(Shared grouped, p.Sum(stats.size, -1));
    ARCA_ASSIGN_OR_RETURN(Shared dropped, p.Sub(valid_rows, grouped));
    out.notices.push_back(
        Notice{"rows in no group (a key null or outside its declared domain)", dropped});
  }
  return out;
}

Result<Table> GroupByDomain(fxp::FixedPoint& fp, const Table& table,
                            const std::vector<std::string>& keys,
                            const std::vector<Aggregate>& aggregates, const KeyDomains& domains,
                            const GroupByOptions& options) {
  return GroupByDomainInBatches(fp, table, keys, aggregates, domains, options, kOneHotBudget);
}

}  // namespace arca::frame
