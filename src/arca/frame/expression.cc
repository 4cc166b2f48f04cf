#include "arca/frame/expression.h"

#include <cmath>
#include <utility>

// Expressions are walked recursively; their size is bounded by kMaxExpressionForms and their
// depth by the JSON parser's nesting limit.
// NOLINTBEGIN(misc-no-recursion)

namespace arca::frame {
namespace {

using Type = std::optional<ColumnType>;

bool IsNumber(std::optional<ColumnType> type) {
  return type == ColumnType::kInteger || type == ColumnType::kDecimal ||
         type == ColumnType::kBoolean;
}

Status TypeError(const std::string& what) { return InvalidArgumentError(what); }

std::string Describe(const Expression& e, std::optional<ColumnType> type) {
  std::string subject = e.op == ExprOp::kColumn ? "column '" + e.column + "'" : "the operand";
  if (!type) return subject;
  return subject + " is " + std::string(ColumnTypeName(*type));
}

std::optional<ColumnType> LiteralType(const Literal& value) {
  if (const auto* number = std::get_if<double>(&value)) {
    return *number == std::floor(*number) ? ColumnType::kInteger : ColumnType::kDecimal;
  }
  if (std::holds_alternative<bool>(value)) return Type{ColumnType::kBoolean};
  return Type{ColumnType::kCategorical};
}

// The type of arithmetic on numbers: integers (and booleans) stay integers, else decimal.
std::optional<ColumnType> Arithmetic(std::optional<ColumnType> a, std::optional<ColumnType> b) {
  if (!a || !b) return std::nullopt;
  return a == ColumnType::kDecimal || b == ColumnType::kDecimal ? ColumnType::kDecimal
                                                                : ColumnType::kInteger;
}

class TypeChecker {
 public:
  explicit TypeChecker(const ColumnTypeLookup& lookup) : lookup_(lookup) {}

  Result<std::optional<ColumnType>> Check(const Expression& e) {
    std::vector<std::optional<ColumnType>> types;
    for (const Expression& operand : e.operands) {
      ARCA_ASSIGN_OR_RETURN(std::optional<ColumnType> type, Check(operand));
      types.push_back(type);
    }
    switch (e.op) {
      case ExprOp::kColumn:
        return lookup_(e.column);
      case ExprOp::kConstant:
        return LiteralType(e.values.at(0));
      case ExprOp::kAdd:
      case ExprOp::kSub:
      case ExprOp::kMul:
      case ExprOp::kDiv: {
        ARCA_RETURN_IF_ERROR(NeedNumbers(e, types));
        if (e.op == ExprOp::kDiv) return Type{ColumnType::kDecimal};
        return Arithmetic(types[0], types[1]);
      }
      case ExprOp::kNeg:
      case ExprOp::kAbs: {
        ARCA_RETURN_IF_ERROR(NeedNumbers(e, types));
        return Arithmetic(types[0], ColumnType::kInteger);
      }
      case ExprOp::kExp:
      case ExprOp::kLog:
      case ExprOp::kSqrt:
      case ExprOp::kSigmoid: {
        ARCA_RETURN_IF_ERROR(NeedNumbers(e, types));
        return Type{ColumnType::kDecimal};
      }
      case ExprOp::kLess:
      case ExprOp::kLessEqual:
      case ExprOp::kGreater:
      case ExprOp::kGreaterEqual:
      case ExprOp::kEqual:
      case ExprOp::kNotEqual: {
        ARCA_RETURN_IF_ERROR(Comparable(e, types));
        return Type{ColumnType::kBoolean};
      }
      case ExprOp::kAnd:
      case ExprOp::kOr:
      case ExprOp::kNot:
        for (size_t i = 0; i < types.size(); ++i) {
          if (types[i] && types[i] != ColumnType::kBoolean) {
            return TypeError(Describe(e.operands[i], types[i]) + "; '" +
                             std::string(ExprOpName(e.op)) + "' needs booleans");
          }
        }
        return Type{ColumnType::kBoolean};
      case ExprOp::kIsIn: {
        for (const Literal& value : e.values) {
          ARCA_RETURN_IF_ERROR(ComparableWith(e.operands[0], types[0], LiteralType(value)));
        }
        return Type{ColumnType::kBoolean};
      }
      case ExprOp::kIf: {
        if (types[0] && types[0] != ColumnType::kBoolean) {
          return TypeError(Describe(e.operands[0], types[0]) +
                           "; the condition of 'if' must be "
                           "a boolean");
        }
        for (size_t i = 1; i < 3; ++i) {
          if (types[i] == ColumnType::kCategorical) {
            return TypeError(Describe(e.operands[i], types[i]) +
                             "; 'if' chooses between numbers or booleans");
          }
        }
        if (types[1] == ColumnType::kBoolean && types[2] == ColumnType::kBoolean) {
          return Type{ColumnType::kBoolean};
        }
        return Arithmetic(types[1], types[2]);
      }
      case ExprOp::kIsNull:
        return Type{ColumnType::kBoolean};
      case ExprOp::kFillNull: {
        if (types[0] == ColumnType::kCategorical) {
          return TypeError(Describe(e.operands[0], types[0]) + "; fill_null fills numbers");
        }
        return Arithmetic(types[0], LiteralType(e.values.at(0)));
      }
    }
    return InternalError("unknown expression form");
  }

 private:
  static Status NeedNumbers(const Expression& e, const std::vector<std::optional<ColumnType>>& t) {
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] && !IsNumber(t[i])) {
        return TypeError(Describe(e.operands[i], t[i]) + "; '" + std::string(ExprOpName(e.op)) +
                         "' needs numbers");
      }
    }
    return OkStatus();
  }

  // Numbers compare with numbers; booleans with booleans and categories with categories, by
  // == and != only.
  static Status ComparableWith(const Expression& left, std::optional<ColumnType> a,
                               std::optional<ColumnType> b, bool ordered = false) {
    if (!a || !b) return OkStatus();
    const bool numbers = (a == ColumnType::kInteger || a == ColumnType::kDecimal) &&
                         (b == ColumnType::kInteger || b == ColumnType::kDecimal);
    if (numbers) return OkStatus();
    if (a != b) {
      if (a == ColumnType::kBoolean) {
        return TypeError(Describe(left, a) + "; compare it with true or false");
      }
      if (a == ColumnType::kCategorical) {
        return TypeError(Describe(left, a) + "; compare it with a category (a string)");
      }
      if (b == ColumnType::kBoolean) {
        return TypeError(Describe(left, a) + "; true and false compare with booleans only");
      }
      return TypeError(Describe(left, a) +
                       "; a category (a string) compares with categorical "
                       "columns only");
    }
    if (ordered) {
      return TypeError(Describe(left, a) +
                       "; booleans and categories compare with == and != "
                       "only");
    }
    return OkStatus();
  }

  static Status Comparable(const Expression& e, const std::vector<std::optional<ColumnType>>& t) {
    const bool ordered = e.op != ExprOp::kEqual && e.op != ExprOp::kNotEqual;
    if (t[0] == ColumnType::kCategorical && t[1] == ColumnType::kCategorical &&
        e.operands[0].op != ExprOp::kConstant && e.operands[1].op != ExprOp::kConstant) {
      return TypeError("two categorical columns do not compare; compare each with a category");
    }
    return ComparableWith(e.operands[0], t[0], t[1], ordered);
  }

  const ColumnTypeLookup& lookup_;
};

}  // namespace

std::string_view ExprOpName(ExprOp op) {
  switch (op) {
    case ExprOp::kColumn:
      return "column";
    case ExprOp::kConstant:
      return "value";
    case ExprOp::kAdd:
      return "add";
    case ExprOp::kSub:
      return "sub";
    case ExprOp::kMul:
      return "mul";
    case ExprOp::kDiv:
      return "div";
    case ExprOp::kNeg:
      return "neg";
    case ExprOp::kAbs:
      return "abs";
    case ExprOp::kExp:
      return "exp";
    case ExprOp::kLog:
      return "log";
    case ExprOp::kSqrt:
      return "sqrt";
    case ExprOp::kSigmoid:
      return "sigmoid";
    case ExprOp::kLess:
      return "<";
    case ExprOp::kLessEqual:
      return "<=";
    case ExprOp::kGreater:
      return ">";
    case ExprOp::kGreaterEqual:
      return ">=";
    case ExprOp::kEqual:
      return "==";
    case ExprOp::kNotEqual:
      return "!=";
    case ExprOp::kAnd:
      return "and";
    case ExprOp::kOr:
      return "or";
    case ExprOp::kNot:
      return "not";
    case ExprOp::kIsIn:
      return "isin";
    case ExprOp::kIf:
      return "if";
    case ExprOp::kIsNull:
      return "is_null";
    case ExprOp::kFillNull:
      return "fill_null";
  }
  return "?";
}

bool IsComparison(ExprOp op) {
  return op == ExprOp::kLess || op == ExprOp::kLessEqual || op == ExprOp::kGreater ||
         op == ExprOp::kGreaterEqual || op == ExprOp::kEqual || op == ExprOp::kNotEqual;
}

Expression Expression::Column(std::string name) {
  Expression e;
  e.op = ExprOp::kColumn;
  e.column = std::move(name);
  return e;
}

Expression Expression::Constant(Literal value) {
  Expression e;
  e.op = ExprOp::kConstant;
  e.values.push_back(std::move(value));
  return e;
}

Expression Expression::Apply(ExprOp op, std::vector<Expression> operands) {
  Expression e;
  e.op = op;
  e.operands = std::move(operands);
  return e;
}

void Expression::ForEach(const std::function<void(const Expression&)>& visit) const {
  visit(*this);
  for (const Expression& operand : operands) operand.ForEach(visit);
}

Result<std::optional<ColumnType>> TypeOf(const Expression& expression,
                                         const ColumnTypeLookup& column_type) {
  return TypeChecker(column_type).Check(expression);
}

}  // namespace arca::frame

// NOLINTEND(misc-no-recursion)
