#include "arca/frame/join.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "arca/frame/distinct.h"
#include "arca/frame/segmented_scan.h"

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

constexpr std::pair<JoinCardinality, std::string_view> kCardinalityAliases[] = {
    {JoinCardinality::kOneToOne, "1:1"},
    {JoinCardinality::kOneToMany, "1:m"},
    {JoinCardinality::kManyToOne, "m:1"}};

bool SameKind(ColumnType a, ColumnType b) {
  const auto number = [](ColumnType t) {
    return t == ColumnType::kInteger || t == ColumnType::kDecimal;
  };
  return a == b || (number(a) && number(b));
}

Result<const Column*> KeyColumn(const Table& table, std::string_view side,
                                const std::string& name) {
  const Column* column = table.Find(name);
  if (column == nullptr) {
    return InvalidArgumentError(fmt::format("join: the {} table has no column '{}' (it has: {})",
                                            side, name, fmt::join(table.ColumnNames(), ", ")));
  }
  if (column->has_nulls) {
    return InvalidArgumentError(
        fmt::format("join key '{}' may be null; fill or filter nulls first", name));
  }
  return column;
}

Status CheckKeys(const Table& left, const Table& right, const JoinSpec& spec) {
  if (spec.left_on.empty() || spec.left_on.size() != spec.right_on.size()) {
    return InvalidArgumentError(fmt::format(
        "join: left_on has {} columns and right_on {}; they must pair up, at least one each",
        spec.left_on.size(), spec.right_on.size()));
  }
  for (size_t j = 0; j < spec.left_on.size(); ++j) {
    ARCA_ASSIGN_OR_RETURN(const Column* l, KeyColumn(left, "left", spec.left_on[j]));
    ARCA_ASSIGN_OR_RETURN(const Column* r, KeyColumn(right, "right", spec.right_on[j]));
    if (!SameKind(l->type, r->type)) {
      return InvalidArgumentError(fmt::format("join: keys '{}' ({}) and '{}' ({}) differ in type",
                                              l->name, ColumnTypeName(l->type), r->name,
                                              ColumnTypeName(r->type)));
    }
    if (l->categories != r->categories) {
      return InvalidArgumentError(fmt::format(
          "join: categorical keys '{}' and '{}' have different category lists", l->name, r->name));
    }
  }
  return OkStatus();
}

// The pair a key column is part of, or -1.
int KeyIndex(const std::vector<std::string>& keys, const std::string& name) {
  const auto at = std::find(keys.begin(), keys.end(), name);
  return at == keys.end() ? -1 : static_cast<int>(at - keys.begin());
}

// One column of the result: the input column it shows and its name there.
struct OutputColumn {
  std::string name;
  const Column* input = nullptr;
  bool left = true;
  int key = -1;  // the key pair whose merged key column it shows, or -1
};

// The result's columns, each with the input column it shows.
Result<std::vector<OutputColumn>> PlanColumns(const Table& left, const Table& right,
                                              const JoinSpec& spec) {
  ARCA_ASSIGN_OR_RETURN(std::vector<JoinedColumn> joined,
                        JoinedColumns(left.ColumnNames(), right.ColumnNames(), spec));
  std::vector<OutputColumn> out;
  for (const JoinedColumn& c : joined) {
    const Table& side = c.left ? left : right;
    out.push_back({c.name, side.Find(c.source), c.left,
                   KeyIndex(c.left ? spec.left_on : spec.right_on, c.source)});
  }
  return out;
}

// A side of the join: U (declared unique) or M. Its cells are taken as they are stacked; the
// columns stay, for their names and types.
struct Side {
  Table* table = nullptr;
  bool left = false;
  const std::vector<std::string>* keys = nullptr;
  std::vector<Column*> payload;  // its columns that are not keys, in order
};

Side MakeSide(Table& table, bool left, const std::vector<std::string>& keys) {
  Side side{&table, left, &keys, {}};
  for (Column& column : table.columns) {
    if (KeyIndex(keys, column.name) < 0) side.payload.push_back(&column);
  }
  return side;
}

// The stacked columns, [N] each (U rows first, then M rows), and where each part is: U's
// payload (each column's values, then its mask if it has nulls) and validity, M's payload and
// validity, the merged keys, the order component. Sorted, then taken apart by Match.
struct Stack {
  int64_t rows = 0;
  std::map<const Column*, int64_t> values_at, present_at;
  int64_t unique_valid_at = 0, many_valid_at = 0, keys_at = 0;
  std::vector<Shared> columns;
};

// `part` ([its side's rows]) on its side's rows of the stack, zeros on the other's: [N].
Result<Shared> OnSideRows(mpc::Protocol& p, const Shared& part, bool unique, int64_t unique_rows,
                          int64_t many_rows) {
  const Shared zeros = p.Public(RingTensor::Zeros(Shape{unique ? many_rows : unique_rows}));
  return unique ? p.ConcatRows({part, zeros}) : p.ConcatRows({zeros, part});
}

// The order component: (1 - valid)·N + index on U rows, 2N + valid·N + index on M rows.
Result<Shared> OrderComponent(mpc::Protocol& p, const Side& unique, const Side& many, int64_t n) {
  std::vector<Shared> parts;
  int64_t index = 0;
  for (const Side* side : {&unique, &many}) {
    const int64_t rows = side->table->rows;
    const bool is_unique = side == &unique;
    RingTensor offsets(Shape{rows});
    for (int64_t r = 0; r < rows; ++r) {
      offsets.data()[r] = static_cast<uint64_t>((is_unique ? n : 2 * n) + index++);
    }
    ARCA_ASSIGN_OR_RETURN(
        Shared scaled,
        p.MulPublic(side->table->valid, RingTensor::Scalar(is_unique ? 0 - static_cast<uint64_t>(n)
                                                                     : static_cast<uint64_t>(n))));
    ARCA_ASSIGN_OR_RETURN(Shared component, p.AddPublic(scaled, offsets));
    parts.push_back(std::move(component));
  }
  return p.ConcatRows(parts);
}

// Stacks both sides, taking their cells (each input cell is dropped once stacked, so the
// inputs and the stack are held about once together), and sorts the stack by (keys...,
// component).
Result<Stack> SortedStack(mpc::Protocol& p, const Side& unique, const Side& many,
                          SortTranscript* transcript) {
  Stack s;
  const int64_t nu = unique.table->rows, nm = many.table->rows;
  s.rows = nu + nm;
  ARCA_ASSIGN_OR_RETURN(Shared component, OrderComponent(p, unique, many, s.rows));
  std::vector<Shared> keys;
  for (size_t j = 0; j < unique.keys->size(); ++j) {
    const Shared& u = unique.table->Find((*unique.keys)[j])->values;
    const Shared& m = many.table->Find((*many.keys)[j])->values;
    ARCA_ASSIGN_OR_RETURN(Shared merged, p.ConcatRows({u, m}));
    keys.push_back(std::move(merged));
  }
  // Dropped only once all are merged: a column may be named by two key pairs.
  for (const Side* side : {&unique, &many}) {
    for (Column& column : side->table->columns) {
      if (KeyIndex(*side->keys, column.name) >= 0) column.values = Shared();
    }
  }
  const auto take = [&](Shared& part, bool on_unique) -> Status {
    ARCA_ASSIGN_OR_RETURN(Shared column, OnSideRows(p, part, on_unique, nu, nm));
    part = Shared();
    s.columns.push_back(std::move(column));
    return OkStatus();
  };
  for (const Side* side : {&unique, &many}) {
    const bool on_unique = side == &unique;
    for (Column* column : side->payload) {
      s.values_at[column] = static_cast<int64_t>(s.columns.size());
      ARCA_RETURN_IF_ERROR(take(column->values, on_unique));
      if (column->has_nulls) {
        s.present_at[column] = static_cast<int64_t>(s.columns.size());
        ARCA_RETURN_IF_ERROR(take(column->present, on_unique));
      }
    }
    (on_unique ? s.unique_valid_at : s.many_valid_at) = static_cast<int64_t>(s.columns.size());
    ARCA_RETURN_IF_ERROR(take(side->table->valid, on_unique));
  }
  s.keys_at = static_cast<int64_t>(s.columns.size());
  for (Shared& key : keys) s.columns.push_back(std::move(key));
  s.columns.push_back(std::move(component));
  const auto components = static_cast<int64_t>(unique.keys->size()) + 1;
  ARCA_ASSIGN_OR_RETURN(s.columns,
                        ShuffleSortColumns(p, std::move(s.columns), components, transcript));
  return s;
}

// Products of pairs of [n] vectors, all in one Mul (MulEach), queued until Run.
class Products {
 public:
  // Queues *out = a·b, which Run writes.
  void Add(const Shared& a, const Shared& b, Shared* out) {
    left_.push_back(a);
    right_.push_back(b);
    outputs_.push_back(out);
  }
  Status Run(mpc::Protocol& p) {
    ARCA_ASSIGN_OR_RETURN(std::vector<Shared> products, MulEach(p, left_, right_));
    for (size_t i = 0; i < outputs_.size(); ++i) *outputs_[i] = std::move(products[i]);
    return OkStatus();
  }

 private:
  std::vector<Shared> left_, right_;
  std::vector<Shared*> outputs_;
};

Result<Shared> OneMinus(mpc::Protocol& p, const Shared& bits) {
  return p.AddPublic(p.Neg(bits), RingTensor::Scalar(1));
}

// What the result is made of, per row of the sorted stack.
struct Matched {
  std::vector<Shared> keys;
  Shared valid;
  // Where the right columns of a left join hold a value (empty for an inner join).
  Shared right_present;
  // Each payload column's values and, if it has nulls, mask, as the result shows them.
  std::map<const Column*, Shared> values, present;
  // The number of duplicate keys among the declared side's valid rows (rank 0), or empty when
  // uniqueness is public (at most one row on each declared side).
  std::optional<Shared> duplicates;
};

// Queues *cell = *cell·mask for the values and masks of `columns`.
void QueueMasked(const std::vector<Column*>& columns, const Shared& mask, Matched& m,
                 Products& products) {
  for (const Column* column : columns) {
    Shared* values = &m.values[column];
    products.Add(*values, mask, values);
    if (column->has_nulls) {
      Shared* present = &m.present[column];
      products.Add(*present, mask, present);
    }
  }
}

// Moves each payload column of `side` (and its mask) out of `columns`, laid out as the stack
// (U's columns at their stack positions), into m.
void TakePayload(const Stack& s, const Side& side, std::vector<Shared>& columns, Matched& m) {
  for (const Column* column : side.payload) {
    m.values[column] = std::move(columns[static_cast<size_t>(s.values_at.at(column))]);
    if (column->has_nulls) {
      m.present[column] = std::move(columns[static_cast<size_t>(s.present_at.at(column))]);
    }
  }
}

// After the sort: key starts, the scan of U's columns, the validity, masks and duplicates.
// Takes the sorted stack's columns.
Result<Matched> Match(mpc::Protocol& p, Stack& s, const Side& unique, const Side& many,
                      const JoinSpec& spec) {
  const int64_t n = s.rows;
  const bool left_join = spec.how == JoinHow::kLeft;
  const auto take = [&](int64_t at) { return std::move(s.columns[static_cast<size_t>(at)]); };
  Matched m;
  for (size_t j = 0; j < unique.keys->size(); ++j) {
    m.keys.push_back(take(s.keys_at + static_cast<int64_t>(j)));
  }
  ARCA_ASSIGN_OR_RETURN(const Shared starts, RunStarts(p, m.keys));
  Shared ends = starts;
  if (n > 0) {
    ARCA_ASSIGN_OR_RETURN(Shared next_starts, p.SliceRows(starts, 1, n));
    ARCA_ASSIGN_OR_RETURN(ends,
                          p.ConcatRows({next_starts, p.Public(RingTensor::Filled(Shape{1}, 1))}));
  }
  const Shared unique_valid = take(s.unique_valid_at);
  const Shared many_valid = take(s.many_valid_at);
  TakePayload(s, many, s.columns, m);

  // A left join on a unique left: e = end·(1 - mvalid); M's columns masked by mvalid.
  Shared unmatched_end;
  if (left_join && unique.left) {
    Products pre;
    ARCA_ASSIGN_OR_RETURN(const Shared not_many, OneMinus(p, many_valid));
    pre.Add(ends, not_many, &unmatched_end);
    if (!many.table->all_valid) {
      QueueMasked(many.payload, many_valid, m, pre);
    }
    ARCA_RETURN_IF_ERROR(pre.Run(p));
  }

  // U's payload and validity carried from each key's first row: `matched` is 1 where the key
  // has a valid U row.
  std::vector<Shared> unique_columns;
  for (int64_t at = 0; at < s.unique_valid_at; ++at) unique_columns.push_back(take(at));
  unique_columns.push_back(unique_valid);
  ARCA_ASSIGN_OR_RETURN(Shared scan_input, StackColumns(p, std::move(unique_columns)));
  ARCA_ASSIGN_OR_RETURN(Shared scanned, SegmentedScan(p, starts, scan_input, ScanOp::kFirst));
  scan_input = Shared();
  ARCA_ASSIGN_OR_RETURN(std::vector<Shared> carried, SplitColumns(p, std::move(scanned)));
  const Shared matched = std::move(carried.back());
  TakePayload(s, unique, carried, m);

  Products post;
  if (!left_join) {
    post.Add(many_valid, matched, &m.valid);
  } else if (!unique.left) {
    m.valid = many_valid;
    m.right_present = matched;
    if (!unique.table->all_valid) {
      QueueMasked(unique.payload, matched, m, post);
    }
  } else {
    ARCA_ASSIGN_OR_RETURN(const Shared output_rows, p.Add(many_valid, unmatched_end));
    post.Add(output_rows, matched, &m.valid);
    m.right_present = many_valid;
  }
  // Duplicates: valid rows minus distinct keys, the first (U) or last (M) row of each key.
  const bool check_unique = unique.table->rows > 1;
  const bool check_many = spec.cardinality == JoinCardinality::kOneToOne && many.table->rows > 1;
  Shared firsts, lasts;
  if (check_unique) post.Add(starts, unique_valid, &firsts);
  if (check_many) post.Add(ends, many_valid, &lasts);
  ARCA_RETURN_IF_ERROR(post.Run(p));
  std::vector<std::pair<const Shared*, const Shared*>> counted;
  if (check_unique) counted.emplace_back(&unique_valid, &firsts);
  if (check_many) counted.emplace_back(&many_valid, &lasts);
  for (const auto& [valid, distinct] : counted) {
    ARCA_ASSIGN_OR_RETURN(Shared rows, p.Sum(*valid, -1));
    ARCA_ASSIGN_OR_RETURN(Shared keys, p.Sum(*distinct, -1));
    ARCA_ASSIGN_OR_RETURN(Shared extra, p.Sub(rows, keys));
    if (m.duplicates.has_value()) {
      ARCA_ASSIGN_OR_RETURN(extra, p.Add(*m.duplicates, extra));
    }
    m.duplicates = std::move(extra);
  }
  return m;
}

// Opens the one bit [duplicates == 0]; an error naming the declared side if it is 0.
Status CheckUnique(mpc::Protocol& p, const Shared& duplicates, JoinCardinality cardinality) {
  ARCA_ASSIGN_OR_RETURN(Shared count, p.Reshape(duplicates, Shape{1}));
  ARCA_ASSIGN_OR_RETURN(Shared none, p.EqualPublic(count, RingTensor::FromValues(Shape{1}, {0})));
  ARCA_ASSIGN_OR_RETURN(const RingTensor unique, p.Reveal(none));
  if (unique[0] == 1) return OkStatus();
  const std::string_view side = cardinality == JoinCardinality::kOneToOne    ? "left or right"
                                : cardinality == JoinCardinality::kOneToMany ? "left"
                                                                             : "right";
  return InvalidArgumentError(fmt::format("join: {} keys are not unique (validate='{}')", side,
                                          JoinCardinalityName(cardinality)));
}

// The result's column `c`; a payload column's values and mask move out of `m` (each is read
// once), the keys and the right side's mask are copied (several columns may show them).
Column OutputOf(const OutputColumn& c, Matched& m, bool left_join) {
  Column out{c.name, c.input->type, c.input->categories, {}, {}, false};
  const bool nullable = left_join && !c.left;
  if (c.key >= 0) {
    // The merged key: a kept right key shows the row's key, as its left partner does.
    out.values = m.keys[static_cast<size_t>(c.key)];
  } else {
    out.values = std::move(m.values.at(c.input));
    if (c.input->has_nulls) {
      out.has_nulls = true;
      out.present = std::move(m.present.at(c.input));
      return out;
    }
  }
  if (nullable) {
    out.has_nulls = true;
    out.present = m.right_present;
  }
  return out;
}

}  // namespace

std::string_view JoinHowName(JoinHow how) { return how == JoinHow::kInner ? "inner" : "left"; }

std::string_view JoinCardinalityName(JoinCardinality cardinality) {
  switch (cardinality) {
    case JoinCardinality::kOneToOne:
      return "one_to_one";
    case JoinCardinality::kOneToMany:
      return "one_to_many";
    case JoinCardinality::kManyToOne:
      return "many_to_one";
  }
  return "?";
}

Result<JoinHow> ParseJoinHow(std::string_view name) {
  for (const JoinHow how : {JoinHow::kInner, JoinHow::kLeft}) {
    if (name == JoinHowName(how)) return how;
  }
  return InvalidArgumentError(
      fmt::format("join: how='{}' is not supported (supported: inner, left)", name.substr(0, 40)));
}

Result<JoinCardinality> ParseJoinCardinality(std::string_view name) {
  for (const auto& [cardinality, alias] : kCardinalityAliases) {
    if (name == JoinCardinalityName(cardinality) || name == alias) return cardinality;
  }
  return InvalidArgumentError(fmt::format(
      "join: validate='{}' is not supported (supported: one_to_one, one_to_many, many_to_one; "
      "declare which side's keys are unique)",
      name.substr(0, 40)));
}

Result<std::vector<JoinedColumn>> JoinedColumns(const std::vector<std::string>& left,
                                                const std::vector<std::string>& right,
                                                const JoinSpec& spec) {
  std::vector<JoinedColumn> out;
  out.reserve(left.size() + right.size());
  for (const std::string& name : left) out.push_back({name, true, name});
  for (const std::string& name : right) {
    bool dropped = false;
    for (size_t j = 0; j < spec.right_on.size() && j < spec.left_on.size(); ++j) {
      dropped = dropped || (spec.right_on[j] == name && spec.left_on[j] == name);
    }
    if (!dropped) out.push_back({name, false, name});
  }
  std::set<std::string> left_names, right_names;
  for (const JoinedColumn& c : out) (c.left ? left_names : right_names).insert(c.name);
  const auto& [left_suffix, right_suffix] = spec.suffixes;
  for (JoinedColumn& c : out) {
    if (!(c.left ? right_names : left_names).contains(c.name)) continue;
    if (left_suffix.empty() && right_suffix.empty()) {
      return InvalidArgumentError(
          fmt::format("join: column '{}' is on both sides and both suffixes are empty", c.name));
    }
    c.name += c.left ? left_suffix : right_suffix;
  }
  std::set<std::string> names;
  for (const JoinedColumn& c : out) {
    if (!names.insert(c.name).second) {
      return InvalidArgumentError(
          fmt::format("join: column '{}' appears twice after suffixing", c.name));
    }
  }
  return out;
}

Result<Table> Join(mpc::Protocol& p, Table left, Table right, const JoinSpec& spec,
                   SortTranscript* transcript) {
  ARCA_RETURN_IF_ERROR(CheckKeys(left, right, spec));
  ARCA_ASSIGN_OR_RETURN(const std::vector<OutputColumn> columns, PlanColumns(left, right, spec));
  const bool unique_is_left = spec.cardinality == JoinCardinality::kOneToMany;
  const Side unique =
      unique_is_left ? MakeSide(left, true, spec.left_on) : MakeSide(right, false, spec.right_on);
  const Side many =
      unique_is_left ? MakeSide(right, false, spec.right_on) : MakeSide(left, true, spec.left_on);
  // Match takes the sorted stack apart: the result is made of its columns.
  ARCA_ASSIGN_OR_RETURN(Matched matched, [&]() -> Result<Matched> {
    ARCA_ASSIGN_OR_RETURN(Stack stack, SortedStack(p, unique, many, transcript));
    return Match(p, stack, unique, many, spec);
  }());
  if (matched.duplicates.has_value()) {
    ARCA_RETURN_IF_ERROR(CheckUnique(p, *matched.duplicates, spec.cardinality));
  }
  Table out;
  out.rows = left.rows + right.rows;
  out.valid = matched.valid;
  for (const OutputColumn& c : columns) {
    out.columns.push_back(OutputOf(c, matched, spec.how == JoinHow::kLeft));
  }
  out.notices = left.notices;
  out.notices.insert(out.notices.end(), right.notices.begin(), right.notices.end());
  return out;
}

}  // namespace arca::frame
