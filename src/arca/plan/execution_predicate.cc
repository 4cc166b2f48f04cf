#include "arca/plan/execution_predicate.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "arca/fxp/encoding.h"
#include "arca/plan/fields.h"

// The predicate tree is walked recursively; its depth is bounded by the strict JSON parser's
// nesting limit and its size by kMaxComparisons (predicate.h).
// NOLINTBEGIN(misc-no-recursion)

namespace arca::plan {
namespace {

using mpc::Shared;

// One comparison as a test of x - c against zero: [x - c < 0] or [x - c == 0], maybe negated.
struct Leaf {
  bool equality = false;
  bool negate = false;
  Shared difference;  // x - c, [rows]
  Shared result;      // filled by the batched test
};

Shared One(mpc::Protocol& p, const Shared& like) {
  return p.Public(mpc::RingTensor::Filled(like.shape(), 1));
}

Result<Shared> Not(mpc::Protocol& p, const Shared& bit) { return p.Sub(One(p, bit), bit); }

class Evaluator {
 public:
  Evaluator(mpc::Protocol& p, const Table& table, int frac_bits)
      : p_(p), table_(table), f_(frac_bits) {}

  // Every comparison as a leaf, in the order Combine consumes them (depth first).
  Status Collect(const Predicate& predicate, const std::string& field) {
    Status status;
    predicate.ForEachComparison(field, [&](const Predicate& comparison, const std::string& path) {
      if (status.ok()) status = AddLeaf(comparison, path);
    });
    return status;
  }

  // Runs the batched tests: one less-than call and one equality call.
  Status Test() {
    ARCA_RETURN_IF_ERROR(TestBatch(false));
    return TestBatch(true);
  }

  Result<Shared> Combine(const Predicate& predicate) {
    switch (predicate.kind) {
      case Predicate::Kind::kCompare:
        return leaves_.at(next_++).result;
      case Predicate::Kind::kNot: {
        ARCA_ASSIGN_OR_RETURN(Shared operand, Combine(predicate.operands.at(0)));
        return Not(p_, operand);
      }
      case Predicate::Kind::kAnd:
      case Predicate::Kind::kOr: {
        std::vector<Shared> bits;
        for (const Predicate& operand : predicate.operands) {
          ARCA_ASSIGN_OR_RETURN(Shared bit, Combine(operand));
          bits.push_back(std::move(bit));
        }
        return Reduce(std::move(bits), predicate.kind == Predicate::Kind::kAnd);
      }
    }
    return InternalError("unknown predicate kind");
  }

 private:
  Status AddLeaf(const Predicate& comparison, const std::string& path) {
    const Where where{"", ""};
    const auto it = table_.columns.find(comparison.column);
    if (it == table_.columns.end()) {
      return where.Error(path + ".column",
                         fmt::format("the input has no column '{}'", comparison.column));
    }
    const TableColumn& column = it->second;
    uint64_t c = 0;
    if (const double* number = std::get_if<double>(&comparison.value)) {
      if (column.type == ColumnType::kCategorical || column.type == ColumnType::kBoolean) {
        return where.Error(path + ".value",
                           fmt::format("column '{}' is {}; a number does not compare with it",
                                       comparison.column, ColumnTypeName(column.type)));
      }
      ARCA_ASSIGN_OR_RETURN(c, fxp::EncodeValue(*number, f_));
    } else if (const bool* truth = std::get_if<bool>(&comparison.value)) {
      if (column.type != ColumnType::kBoolean) {
        return where.Error(path + ".value",
                           fmt::format("column '{}' is {}; true and false compare with boolean "
                                       "columns only",
                                       comparison.column, ColumnTypeName(column.type)));
      }
      c = *truth ? uint64_t{1} << f_ : 0;
    } else {
      const auto& category = std::get<std::string>(comparison.value);
      if (column.type != ColumnType::kCategorical) {
        return where.Error(path + ".value",
                           fmt::format("column '{}' is {}; a category compares with categorical "
                                       "columns only",
                                       comparison.column, ColumnTypeName(column.type)));
      }
      const auto at = std::find(column.categories.begin(), column.categories.end(), category);
      if (at == column.categories.end()) {
        return where.Error(path + ".value", fmt::format("'{}' is not a category of column '{}'",
                                                        category, comparison.column));
      }
      c = static_cast<uint64_t>(at - column.categories.begin());
    }
    Leaf leaf;
    switch (comparison.cmp) {
      case CompareOp::kEq:
        leaf.equality = true;
        break;
      case CompareOp::kNe:
        leaf.equality = true;
        leaf.negate = true;
        break;
      case CompareOp::kLt:
        break;
      case CompareOp::kLe:
        c += 1;
        break;
      case CompareOp::kGt:
        c += 1;
        leaf.negate = true;
        break;
      case CompareOp::kGe:
        leaf.negate = true;
        break;
    }
    ARCA_ASSIGN_OR_RETURN(leaf.difference,
                          p_.AddPublic(column.values, mpc::RingTensor::Scalar(uint64_t{0} - c)));
    leaves_.push_back(std::move(leaf));
    return OkStatus();
  }

  Status TestBatch(bool equality) {
    std::vector<Shared> differences;
    for (const Leaf& leaf : leaves_) {
      if (leaf.equality == equality) differences.push_back(leaf.difference);
    }
    if (differences.empty()) return OkStatus();
    ARCA_ASSIGN_OR_RETURN(Shared all, p_.ConcatRows(differences));
    const mpc::RingTensor zero = mpc::RingTensor::FromValues(mpc::Shape{1}, {0});
    ARCA_ASSIGN_OR_RETURN(Shared bits,
                          equality ? p_.EqualPublic(all, zero) : p_.LessThanPublic(all, zero));
    ARCA_ASSIGN_OR_RETURN(bits, p_.Reshape(std::move(bits), all.shape()));
    int64_t row = 0;
    for (Leaf& leaf : leaves_) {
      if (leaf.equality != equality) continue;
      ARCA_ASSIGN_OR_RETURN(leaf.result, p_.SliceRows(bits, row, row + table_.rows));
      row += table_.rows;
      if (leaf.negate) {
        ARCA_ASSIGN_OR_RETURN(leaf.result, Not(p_, leaf.result));
      }
    }
    return OkStatus();
  }

  // The and (or the or) of `bits`, pairing them level by level: one product per level.
  Result<Shared> Reduce(std::vector<Shared> bits, bool conjunction) {
    while (bits.size() > 1) {
      const size_t pairs = bits.size() / 2;
      ARCA_ASSIGN_OR_RETURN(Shared left, p_.ConcatRows({bits.begin(), bits.begin() + pairs}));
      ARCA_ASSIGN_OR_RETURN(Shared right,
                            p_.ConcatRows({bits.begin() + pairs, bits.begin() + 2 * pairs}));
      ARCA_ASSIGN_OR_RETURN(Shared both, p_.Mul(left, right));
      Shared merged = both;
      if (!conjunction) {  // a or b = a + b - a·b
        ARCA_ASSIGN_OR_RETURN(merged, p_.Add(left, right));
        ARCA_ASSIGN_OR_RETURN(merged, p_.Sub(merged, both));
      }
      std::vector<Shared> next;
      for (size_t i = 0; i < pairs; ++i) {
        const auto begin = static_cast<int64_t>(i) * table_.rows;
        ARCA_ASSIGN_OR_RETURN(Shared bit, p_.SliceRows(merged, begin, begin + table_.rows));
        next.push_back(std::move(bit));
      }
      if (bits.size() % 2 == 1) next.push_back(std::move(bits.back()));
      bits = std::move(next);
    }
    return bits.front();
  }

  mpc::Protocol& p_;
  const Table& table_;
  int f_;
  std::vector<Leaf> leaves_;
  size_t next_ = 0;
};

}  // namespace

Result<mpc::Shared> EvaluatePredicate(mpc::Protocol& p, const Predicate& predicate,
                                      const Table& table, int frac_bits, const std::string& field) {
  Evaluator evaluator(p, table, frac_bits);
  ARCA_RETURN_IF_ERROR(evaluator.Collect(predicate, field));
  ARCA_RETURN_IF_ERROR(evaluator.Test());
  return evaluator.Combine(predicate);
}

}  // namespace arca::plan

// NOLINTEND(misc-no-recursion)
