#include "arca/frame/evaluate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "arca/fxp/encoding.h"
#include "arca/mpc/ops.h"

// Expressions are walked recursively; their size is bounded by kMaxExpressionForms.
// NOLINTBEGIN(misc-no-recursion)

namespace arca::frame {
namespace {

using mpc::RingTensor;
using mpc::Shape;
using mpc::Shared;

// An operand on the way: a shared column of numbers (or category indices), or a constant.
struct Operand {
  std::optional<Literal> constant;
  Shared values;  // fixed point, or category indices
  ColumnType type = ColumnType::kDecimal;
  std::vector<std::string> categories;
  Shared present;  // has_nulls only: ring bits
  bool has_nulls = false;
};

Shared Ones(mpc::Protocol& p, int64_t rows) { return p.Public(RingTensor::Filled(Shape{rows}, 1)); }

Result<Shared> Not(mpc::Protocol& p, const Shared& bits) {
  return p.Sub(Ones(p, bits.numel()), bits);
}

RingTensor Scalar(int64_t value) { return RingTensor::Scalar(static_cast<uint64_t>(value)); }

// Which rows of both operands are present: the product of their masks, or either one's.
Result<Operand> WithPresence(mpc::Protocol& p, Operand out, const Operand& a, const Operand& b) {
  if (a.has_nulls && b.has_nulls) {
    ARCA_ASSIGN_OR_RETURN(out.present, p.Mul(a.present, b.present));
    out.has_nulls = true;
  } else if (a.has_nulls || b.has_nulls) {
    out.present = a.has_nulls ? a.present : b.present;
    out.has_nulls = true;
  }
  return out;
}

// A comparison, reduced to tests of differences against zero; see Condition below.
struct Leaf {
  bool equality = false;
  bool negate = false;
  std::vector<Shared> differences;  // the leaf holds where any of them tests true (isin)
  Shared present;                   // has_nulls only
  bool has_nulls = false;
  Shared bits;  // the outcome, filled by the batched tests
};

class Evaluator {
 public:
  Evaluator(fxp::FixedPoint& fp, const Table& table) : fp_(fp), p_(fp.protocol()), table_(table) {}

  // A numeric (or boolean, as fixed point 0/1) operand.
  Result<Operand> Number(const Expression& e) {
    switch (e.op) {
      case ExprOp::kColumn: {
        ARCA_ASSIGN_OR_RETURN(const Column* column, table_.Get(e.column));
        return Operand{std::nullopt,       column->values,  column->type,
                       column->categories, column->present, column->has_nulls};
      }
      case ExprOp::kConstant: {
        Operand out;
        out.constant = e.values.at(0);
        return out;
      }
      case ExprOp::kAdd:
      case ExprOp::kSub:
      case ExprOp::kMul:
      case ExprOp::kDiv:
        return Binary(e);
      case ExprOp::kNeg:
      case ExprOp::kAbs:
      case ExprOp::kExp:
      case ExprOp::kLog:
      case ExprOp::kSqrt:
      case ExprOp::kSigmoid:
        return Unary(e);
      case ExprOp::kIf:
        return If(e);
      case ExprOp::kFillNull:
        return FillNull(e);
      default: {  // a condition used as a number: its bits times 2^f
        ARCA_ASSIGN_OR_RETURN(Shared bits, Condition(e));
        ARCA_ASSIGN_OR_RETURN(Shared values,
                              p_.MulPublic(bits, Scalar(int64_t{1} << fp_.frac_bits())));
        return Operand{std::nullopt, std::move(values), ColumnType::kBoolean, {}, {}, false};
      }
    }
  }

  // The operand as a shared column of fixed-point values.
  Result<Shared> Materialize(const Operand& operand) {
    if (!operand.constant) return operand.values;
    ARCA_ASSIGN_OR_RETURN(uint64_t encoded, EncodeConstant(*operand.constant));
    return p_.Public(RingTensor::Filled(Shape{table_.rows}, encoded));
  }

  // [e holds] as ring bits; nulls read as false. Every comparison below the and/or/not
  // skeleton is one leaf; all leaves are tested in one less-than and one equality batch.
  Result<Shared> Condition(const Expression& e) {
    std::vector<Leaf> leaves;
    ARCA_RETURN_IF_ERROR(Collect(e, leaves));
    ARCA_RETURN_IF_ERROR(Test(leaves, /*equality=*/false));
    ARCA_RETURN_IF_ERROR(Test(leaves, /*equality=*/true));
    size_t next = 0;
    return Combine(e, leaves, next);
  }

 private:
  Result<uint64_t> EncodeConstant(const Literal& value) const {
    if (const auto* number = std::get_if<double>(&value)) {
      return fxp::EncodeValue(*number, fp_.frac_bits());
    }
    if (const auto* truth = std::get_if<bool>(&value)) {
      return *truth ? uint64_t{1} << fp_.frac_bits() : 0;
    }
    return InvalidArgumentError("a category (a string) compares with categorical columns only");
  }

  Result<Operand> Binary(const Expression& e) {
    ARCA_ASSIGN_OR_RETURN(Operand a, Number(e.operands[0]));
    ARCA_ASSIGN_OR_RETURN(Operand b, Number(e.operands[1]));
    Operand out;
    out.type =
        e.op == ExprOp::kDiv || a.type == ColumnType::kDecimal || b.type == ColumnType::kDecimal
            ? ColumnType::kDecimal
            : ColumnType::kInteger;
    if (a.constant && b.constant) {  // folded in double precision, as written
      const double x = NumberOf(*a.constant);
      const double y = NumberOf(*b.constant);
      if (e.op == ExprOp::kDiv && y == 0) {
        return InvalidArgumentError("division by the constant 0");
      }
      const double v = e.op == ExprOp::kAdd   ? x + y
                       : e.op == ExprOp::kSub ? x - y
                       : e.op == ExprOp::kMul ? x * y
                                              : x / y;
      out.constant = v;
      return out;
    }
    switch (e.op) {
      case ExprOp::kAdd:
      case ExprOp::kSub: {
        if (b.constant) {
          const double c = NumberOf(*b.constant);
          ARCA_ASSIGN_OR_RETURN(out.values,
                                fp_.AddConstant(a.values, e.op == ExprOp::kAdd ? c : -c));
        } else if (a.constant) {
          Shared negated = e.op == ExprOp::kSub ? p_.Neg(b.values) : b.values;
          ARCA_ASSIGN_OR_RETURN(out.values, fp_.AddConstant(negated, NumberOf(*a.constant)));
        } else {
          ARCA_ASSIGN_OR_RETURN(out.values, e.op == ExprOp::kAdd ? p_.Add(a.values, b.values)
                                                                 : p_.Sub(a.values, b.values));
        }
        break;
      }
      case ExprOp::kMul: {
        if (a.constant || b.constant) {
          const Operand& shared = a.constant ? b : a;
          ARCA_ASSIGN_OR_RETURN(
              out.values, MulConstant(shared.values, NumberOf(*(a.constant ? a : b).constant)));
        } else {
          ARCA_ASSIGN_OR_RETURN(out.values, fp_.Mul(a.values, b.values));
        }
        break;
      }
      case ExprOp::kDiv: {
        if (b.constant) {
          const double c = NumberOf(*b.constant);
          if (c == 0) return InvalidArgumentError("division by the constant 0");
          ARCA_ASSIGN_OR_RETURN(out.values, fp_.MulConstant(a.values, 1 / c));
          break;
        }
        ARCA_ASSIGN_OR_RETURN(Shared numerator, Materialize(a));
        return Divide(numerator, a, b, std::move(out));
      }
      default:
        return InternalError("not a binary operation");
    }
    return WithPresence(p_, std::move(out), a, b);
  }

  // x·c: exact and local for a whole c, else fxp's MulConstant (one truncation).
  Result<Shared> MulConstant(const Shared& x, double c) {
    if (c == std::floor(c) && std::fabs(c) < 0x1p40) {
      return p_.MulPublic(x, Scalar(static_cast<int64_t>(c)));
    }
    return fp_.MulConstant(x, c);
  }

  // a / b = a · (1/|b|) · sign(b), null where b == 0.
  Result<Operand> Divide(const Shared& a, const Operand& a_operand, const Operand& b, Operand out) {
    const RingTensor zero = RingTensor::FromValues(Shape{1}, {0});
    ARCA_ASSIGN_OR_RETURN(Shared negative, p_.LessThanPublic(b.values, zero));
    ARCA_ASSIGN_OR_RETURN(negative, p_.Reshape(std::move(negative), b.values.shape()));
    ARCA_ASSIGN_OR_RETURN(Shared is_zero, p_.EqualPublic(b.values, zero));
    ARCA_ASSIGN_OR_RETURN(is_zero, p_.Reshape(std::move(is_zero), b.values.shape()));
    // sign = 1 - 2·negative; |b| = sign·b, and 1 ulp where b == 0 keeps the reciprocal in range.
    ARCA_ASSIGN_OR_RETURN(Shared twice, p_.MulPublic(negative, Scalar(2)));
    ARCA_ASSIGN_OR_RETURN(Shared sign, p_.Sub(Ones(p_, table_.rows), twice));
    ARCA_ASSIGN_OR_RETURN(Shared magnitude, p_.Mul(sign, b.values));
    ARCA_ASSIGN_OR_RETURN(magnitude, p_.Add(magnitude, is_zero));
    ARCA_ASSIGN_OR_RETURN(Shared reciprocal, fp_.Reciprocal(magnitude));
    ARCA_ASSIGN_OR_RETURN(Shared quotient, fp_.Mul(a, reciprocal));
    ARCA_ASSIGN_OR_RETURN(out.values, p_.Mul(sign, quotient));
    ARCA_ASSIGN_OR_RETURN(Shared nonzero, Not(p_, is_zero));
    Operand divisor_present = b;
    if (b.has_nulls) {
      ARCA_ASSIGN_OR_RETURN(divisor_present.present, p_.Mul(b.present, nonzero));
    } else {
      divisor_present.present = std::move(nonzero);
      divisor_present.has_nulls = true;
    }
    return WithPresence(p_, std::move(out), a_operand, divisor_present);
  }

  Result<Operand> Unary(const Expression& e) {
    ARCA_ASSIGN_OR_RETURN(Operand a, Number(e.operands[0]));
    Operand out = a;
    out.type = e.op == ExprOp::kNeg || e.op == ExprOp::kAbs
                   ? (a.type == ColumnType::kDecimal ? ColumnType::kDecimal : ColumnType::kInteger)
                   : ColumnType::kDecimal;
    if (a.constant) {
      const double x = NumberOf(*a.constant);
      switch (e.op) {
        case ExprOp::kNeg:
          out.constant = -x;
          return out;
        case ExprOp::kAbs:
          out.constant = std::fabs(x);
          return out;
        default:
          break;  // functions of constants are computed like any other value
      }
      ARCA_ASSIGN_OR_RETURN(a.values, Materialize(a));
    }
    out.constant.reset();
    switch (e.op) {
      case ExprOp::kNeg:
        out.values = p_.Neg(a.values);
        break;
      case ExprOp::kAbs: {
        ARCA_ASSIGN_OR_RETURN(out.values, mpc::Abs(p_, a.values));
        break;
      }
      case ExprOp::kExp: {
        ARCA_ASSIGN_OR_RETURN(out.values, fp_.Exp(a.values));
        break;
      }
      case ExprOp::kLog: {
        ARCA_ASSIGN_OR_RETURN(out.values, fp_.Log(a.values));
        break;
      }
      case ExprOp::kSqrt: {
        ARCA_ASSIGN_OR_RETURN(out.values, fp_.Sqrt(a.values));
        break;
      }
      case ExprOp::kSigmoid: {
        ARCA_ASSIGN_OR_RETURN(out.values, fp_.Sigmoid(a.values));
        break;
      }
      default:
        return InternalError("not a function");
    }
    return out;
  }

  // c ? a : b = b + c·(a - b): bits times fixed point, exact.
  Result<Operand> If(const Expression& e) {
    ARCA_ASSIGN_OR_RETURN(Shared condition, Condition(e.operands[0]));
    ARCA_ASSIGN_OR_RETURN(Operand a, Number(e.operands[1]));
    ARCA_ASSIGN_OR_RETURN(Operand b, Number(e.operands[2]));
    ARCA_ASSIGN_OR_RETURN(Shared then_values, Materialize(a));
    ARCA_ASSIGN_OR_RETURN(Shared else_values, Materialize(b));
    Operand out;
    out.type =
        a.type == ColumnType::kBoolean && b.type == ColumnType::kBoolean   ? ColumnType::kBoolean
        : a.type == ColumnType::kDecimal || b.type == ColumnType::kDecimal ? ColumnType::kDecimal
                                                                           : ColumnType::kInteger;
    if (a.constant && std::holds_alternative<bool>(*a.constant) && b.constant &&
        std::holds_alternative<bool>(*b.constant)) {
      out.type = ColumnType::kBoolean;
    }
    ARCA_ASSIGN_OR_RETURN(out.values, mpc::Select(p_, condition, then_values, else_values));
    if (a.has_nulls || b.has_nulls) {
      ARCA_ASSIGN_OR_RETURN(Shared then_present, PresentOf(a));
      ARCA_ASSIGN_OR_RETURN(Shared else_present, PresentOf(b));
      ARCA_ASSIGN_OR_RETURN(out.present, mpc::Select(p_, condition, then_present, else_present));
      out.has_nulls = true;
    }
    return out;
  }

  Result<Shared> PresentOf(const Operand& operand) {
    if (operand.has_nulls) return operand.present;
    return Ones(p_, table_.rows);
  }

  // v + present·(a - v).
  Result<Operand> FillNull(const Expression& e) {
    ARCA_ASSIGN_OR_RETURN(Operand a, Number(e.operands[0]));
    if (!a.has_nulls) return a;
    const double fill = NumberOf(e.values.at(0));
    ARCA_ASSIGN_OR_RETURN(Shared shifted, fp_.AddConstant(a.values, -fill));
    ARCA_ASSIGN_OR_RETURN(Shared kept, p_.Mul(a.present, shifted));
    Operand out;
    out.type =
        a.type == ColumnType::kDecimal || fill != std::floor(fill) ? ColumnType::kDecimal : a.type;
    ARCA_ASSIGN_OR_RETURN(out.values, fp_.AddConstant(kept, fill));
    return out;
  }

  static double NumberOf(const Literal& value) {
    if (const auto* truth = std::get_if<bool>(&value)) return *truth ? 1 : 0;
    return std::get<double>(value);
  }

  // --- Conditions -------------------------------------------------------------------------

  static bool IsSkeleton(ExprOp op) {
    return op == ExprOp::kAnd || op == ExprOp::kOr || op == ExprOp::kNot;
  }

  Status Collect(const Expression& e, std::vector<Leaf>& leaves) {
    if (IsSkeleton(e.op)) {
      for (const Expression& operand : e.operands) ARCA_RETURN_IF_ERROR(Collect(operand, leaves));
      return OkStatus();
    }
    ARCA_ASSIGN_OR_RETURN(Leaf leaf, MakeLeaf(e));
    leaves.push_back(std::move(leaf));
    return OkStatus();
  }

  // The index of `category` in `operand`'s list (a categorical column), as a ring integer.
  static Result<uint64_t> CategoryIndex(const Operand& column, const std::string& name,
                                        const Literal& value) {
    const auto* category = std::get_if<std::string>(&value);
    if (category == nullptr) {
      return InvalidArgumentError(
          fmt::format("column '{}' is categorical; compare it with a category (a string)", name));
    }
    const auto at = std::find(column.categories.begin(), column.categories.end(), *category);
    if (at == column.categories.end()) {
      return InvalidArgumentError(
          fmt::format("'{}' is not a category of column '{}'", *category, name));
    }
    return static_cast<uint64_t>(at - column.categories.begin());
  }

  Result<Leaf> MakeLeaf(const Expression& e) {
    Leaf leaf;
    if (e.op == ExprOp::kIsIn || IsComparison(e.op)) {
      const Expression& left_expression = e.operands[0];
      ARCA_ASSIGN_OR_RETURN(Operand left, Number(left_expression));
      std::vector<Literal> constants = e.values;
      Operand right;
      if (IsComparison(e.op)) {
        ARCA_ASSIGN_OR_RETURN(right, Number(e.operands[1]));
        if (left.constant && !right.constant) {  // c < x is x > c
          return InvalidArgumentError(
              "a comparison puts the column first: write the constant on the right");
        }
        if (right.constant) constants = {*right.constant};
      }
      leaf.has_nulls = left.has_nulls || right.has_nulls;
      if (leaf.has_nulls) {
        ARCA_ASSIGN_OR_RETURN(Operand both, WithPresence(p_, Operand{}, left, right));
        leaf.present = both.present;
      }
      const bool categorical = left.type == ColumnType::kCategorical && !left.constant;
      if (e.op == ExprOp::kIsIn || right.constant) {
        if (left.constant) return InvalidArgumentError("a comparison needs a column");
        for (const Literal& c : constants) {
          uint64_t encoded = 0;
          if (categorical) {
            ARCA_ASSIGN_OR_RETURN(encoded, CategoryIndex(left, left_expression.column, c));
          } else {
            ARCA_ASSIGN_OR_RETURN(encoded, EncodeConstant(c));
          }
          ARCA_ASSIGN_OR_RETURN(Shared difference,
                                p_.AddPublic(left.values, RingTensor::Scalar(0 - encoded)));
          leaf.differences.push_back(std::move(difference));
        }
      } else {
        ARCA_ASSIGN_OR_RETURN(Shared difference, p_.Sub(left.values, right.values));
        leaf.differences.push_back(std::move(difference));
      }
      ARCA_RETURN_IF_ERROR(Orient(e.op, leaf));
      return leaf;
    }
    if (e.op == ExprOp::kIsNull) {
      ARCA_ASSIGN_OR_RETURN(Operand operand, Number(e.operands[0]));
      if (operand.has_nulls) {
        ARCA_ASSIGN_OR_RETURN(leaf.bits, Not(p_, operand.present));
      } else {
        leaf.bits = p_.Public(RingTensor::Zeros(Shape{table_.rows}));
      }
      return leaf;
    }
    if (e.op == ExprOp::kConstant) {
      const auto* truth = std::get_if<bool>(&e.values.at(0));
      if (truth == nullptr) return InvalidArgumentError("a condition must be a boolean");
      leaf.bits = p_.Public(RingTensor::Filled(Shape{table_.rows}, *truth ? 1 : 0));
      return leaf;
    }
    // A boolean value as fixed point 0/1 (a column, an if): [x == 1].
    ARCA_ASSIGN_OR_RETURN(Operand value, Number(e));
    if (value.type != ColumnType::kBoolean) {
      return InvalidArgumentError(
          e.op == ExprOp::kColumn ? fmt::format("column '{}' is {}; a condition must be a boolean",
                                                e.column, ColumnTypeName(value.type))
                                  : "a condition must be a boolean");
    }
    leaf.equality = true;
    leaf.has_nulls = value.has_nulls;
    leaf.present = value.present;
    ARCA_ASSIGN_OR_RETURN(
        Shared difference,
        p_.AddPublic(value.values, RingTensor::Scalar(0 - (uint64_t{1} << fp_.frac_bits()))));
    leaf.differences.push_back(std::move(difference));
    return leaf;
  }

  // `<=` is `< 1 ulp` and `>` its negation; `>=` negates `<`; `!=` negates `==`.
  Status Orient(ExprOp op, Leaf& leaf) {
    switch (op) {
      case ExprOp::kEqual:
      case ExprOp::kIsIn:
        leaf.equality = true;
        return OkStatus();
      case ExprOp::kNotEqual:
        leaf.equality = true;
        leaf.negate = true;
        return OkStatus();
      case ExprOp::kLess:
        return OkStatus();
      case ExprOp::kGreaterEqual:
        leaf.negate = true;
        return OkStatus();
      case ExprOp::kLessEqual:
      case ExprOp::kGreater: {
        leaf.negate = op == ExprOp::kGreater;
        ARCA_ASSIGN_OR_RETURN(leaf.differences[0], p_.AddPublic(leaf.differences[0], Scalar(-1)));
        return OkStatus();
      }
      default:
        return InternalError("not a comparison");
    }
  }

  // Tests every difference of the leaves of one kind in one call.
  Status Test(std::vector<Leaf>& leaves, bool equality) {
    std::vector<Shared> differences;
    for (const Leaf& leaf : leaves) {
      if (leaf.equality != equality) continue;
      differences.insert(differences.end(), leaf.differences.begin(), leaf.differences.end());
    }
    if (differences.empty()) return OkStatus();
    ARCA_ASSIGN_OR_RETURN(Shared all, p_.ConcatRows(differences));
    const RingTensor zero = RingTensor::FromValues(Shape{1}, {0});
    ARCA_ASSIGN_OR_RETURN(Shared bits,
                          equality ? p_.EqualPublic(all, zero) : p_.LessThanPublic(all, zero));
    ARCA_ASSIGN_OR_RETURN(bits, p_.Reshape(std::move(bits), all.shape()));
    int64_t row = 0;
    for (Leaf& leaf : leaves) {
      if (leaf.equality != equality || leaf.differences.empty()) continue;
      // An isin holds where any of its (distinct) values is equal: the sum of the tests.
      for (size_t i = 0; i < leaf.differences.size(); ++i) {
        ARCA_ASSIGN_OR_RETURN(Shared one, p_.SliceRows(bits, row, row + table_.rows));
        row += table_.rows;
        if (i == 0) {
          leaf.bits = std::move(one);
        } else {
          ARCA_ASSIGN_OR_RETURN(leaf.bits, p_.Add(leaf.bits, one));
        }
      }
      if (leaf.negate) {
        ARCA_ASSIGN_OR_RETURN(leaf.bits, Not(p_, leaf.bits));
      }
    }
    return OkStatus();
  }

  Result<Shared> Combine(const Expression& e, std::vector<Leaf>& leaves, size_t& next) {
    if (!IsSkeleton(e.op)) {
      Leaf& leaf = leaves.at(next++);
      if (!leaf.has_nulls) return leaf.bits;
      return p_.Mul(leaf.bits, leaf.present);
    }
    std::vector<Shared> bits;
    for (const Expression& operand : e.operands) {
      ARCA_ASSIGN_OR_RETURN(Shared bit, Combine(operand, leaves, next));
      bits.push_back(std::move(bit));
    }
    if (e.op == ExprOp::kNot) return Not(p_, bits.front());
    return Reduce(std::move(bits), e.op == ExprOp::kAnd);
  }

  // The and (or the or) of `bits`, pairing them level by level: one product per level.
  Result<Shared> Reduce(std::vector<Shared> bits, bool conjunction) {
    const int64_t n = table_.rows;
    while (bits.size() > 1) {
      const size_t pairs = bits.size() / 2;
      ARCA_ASSIGN_OR_RETURN(Shared left, p_.ConcatRows({bits.begin(), bits.begin() + pairs}));
      ARCA_ASSIGN_OR_RETURN(Shared right,
                            p_.ConcatRows({bits.begin() + pairs, bits.begin() + 2 * pairs}));
      ARCA_ASSIGN_OR_RETURN(Shared merged, p_.Mul(left, right));
      if (!conjunction) {  // a or b = a + b - a·b
        ARCA_ASSIGN_OR_RETURN(Shared sum, p_.Add(left, right));
        ARCA_ASSIGN_OR_RETURN(merged, p_.Sub(sum, merged));
      }
      std::vector<Shared> next;
      for (size_t i = 0; i < pairs; ++i) {
        const auto begin = static_cast<int64_t>(i) * n;
        ARCA_ASSIGN_OR_RETURN(Shared bit, p_.SliceRows(merged, begin, begin + n));
        next.push_back(std::move(bit));
      }
      if (bits.size() % 2 == 1) next.push_back(std::move(bits.back()));
      bits = std::move(next);
    }
    return bits.front();
  }

  fxp::FixedPoint& fp_;
  mpc::Protocol& p_;
  const Table& table_;
};

// Calls `evaluate` on the table or, when it has more than `batch_rows` rows, on each batch of
// that many rows in order (holding only the columns `expression` reads).
Status ForEachBatch(mpc::Protocol& p, const Table& table, const Expression& expression,
                    int64_t batch_rows, const std::function<Status(const Table&)>& evaluate) {
  if (batch_rows < 1) return InvalidArgumentError("batch_rows must be at least 1");
  if (table.rows <= batch_rows) return evaluate(table);
  std::set<std::string> names;
  expression.ForEach([&](const Expression& e) {
    if (e.op == ExprOp::kColumn) names.insert(e.column);
  });
  for (int64_t begin = 0; begin < table.rows; begin += batch_rows) {
    const int64_t end = std::min(table.rows, begin + batch_rows);
    Table batch;
    batch.rows = end - begin;
    for (const std::string& name : names) {
      ARCA_ASSIGN_OR_RETURN(const Column* column, table.Get(name));
      ARCA_ASSIGN_OR_RETURN(Column rows, ColumnRows(p, *column, begin, end));
      batch.columns.push_back(std::move(rows));
    }
    ARCA_RETURN_IF_ERROR(evaluate(batch));
  }
  return OkStatus();
}

// The batches' results, in order, as one column.
Result<Shared> Joined(mpc::Protocol& p, std::vector<Shared> parts) {
  if (parts.size() == 1) return std::move(parts[0]);
  return p.ConcatRows(parts);
}

}  // namespace

Result<Column> Evaluate(fxp::FixedPoint& fp, const Table& table, const Expression& expression,
                        const std::string& name, int64_t batch_rows) {
  if (expression.op == ExprOp::kColumn) {
    ARCA_ASSIGN_OR_RETURN(const Column* column, table.Get(expression.column));
    Column copy = *column;
    copy.name = name;
    return copy;
  }
  ARCA_ASSIGN_OR_RETURN(
      std::optional<ColumnType> type,
      TypeOf(expression, [&](const std::string& column) -> Result<std::optional<ColumnType>> {
        ARCA_ASSIGN_OR_RETURN(const Column* found, table.Get(column));
        return std::optional<ColumnType>(found->type);
      }));
  mpc::Protocol& p = fp.protocol();
  Column out;
  out.name = name;
  out.type = type.value_or(ColumnType::kDecimal);
  std::vector<Shared> values, present;
  ARCA_RETURN_IF_ERROR(
      ForEachBatch(p, table, expression, batch_rows, [&](const Table& rows) -> Status {
        Evaluator evaluator(fp, rows);
        ARCA_ASSIGN_OR_RETURN(Operand value, evaluator.Number(expression));
        ARCA_ASSIGN_OR_RETURN(Shared materialized, evaluator.Materialize(value));
        values.push_back(std::move(materialized));
        present.push_back(std::move(value.present));
        out.has_nulls = value.has_nulls;
        return OkStatus();
      }));
  ARCA_ASSIGN_OR_RETURN(out.values, Joined(p, std::move(values)));
  if (out.has_nulls) {
    ARCA_ASSIGN_OR_RETURN(out.present, Joined(p, std::move(present)));
  }
  return out;
}

Result<mpc::Shared> EvaluateCondition(fxp::FixedPoint& fp, const Table& table,
                                      const Expression& expression, int64_t batch_rows) {
  mpc::Protocol& p = fp.protocol();
  std::vector<Shared> bits;
  ARCA_RETURN_IF_ERROR(
      ForEachBatch(p, table, expression, batch_rows, [&](const Table& rows) -> Status {
        ARCA_ASSIGN_OR_RETURN(Shared part, Evaluator(fp, rows).Condition(expression));
        bits.push_back(std::move(part));
        return OkStatus();
      }));
  return Joined(p, std::move(bits));
}

Result<Table> Filter(fxp::FixedPoint& fp, Table table, const Expression& condition) {
  ARCA_ASSIGN_OR_RETURN(mpc::Shared kept, EvaluateCondition(fp, table, condition));
  ARCA_ASSIGN_OR_RETURN(table.valid, Narrow(fp.protocol(), table, kept));
  table.all_valid = false;
  table.valid_first = false;
  return table;
}

Table WithColumn(Table table, Column column) {
  for (Column& existing : table.columns) {
    if (existing.name == column.name) {
      existing = std::move(column);
      return table;
    }
  }
  table.columns.push_back(std::move(column));
  return table;
}

}  // namespace arca::frame

// NOLINTEND(misc-no-recursion)
