// Expressions: one value per row of a table, built from its columns and constants
// (docs/PLANS.md, "Expressions"). This is the model; evaluate.h computes it on shares and
// TypeOf below checks it on public information.
#ifndef ARCA_FRAME_EXPRESSION_H_
#define ARCA_FRAME_EXPRESSION_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/table.h"

namespace arca::frame {

// A number, a boolean or a category (a string, compared with a categorical column).
using Literal = std::variant<double, bool, std::string>;

enum class ExprOp {
  kColumn,
  kConstant,
  // Arithmetic on numbers.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kNeg,
  kAbs,
  kExp,
  kLog,
  kSqrt,
  kSigmoid,
  // Comparisons: booleans.
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqual,
  kNotEqual,
  // Boolean logic.
  kAnd,
  kOr,
  kNot,
  kIsIn,      // operands[0] is one of `values`
  kIf,        // operands: condition, then, else
  kIsNull,    // operands[0] is null
  kFillNull,  // operands[0], or `values[0]` where it is null
};

// The name of each op in the plan language: "add", "exp", "<", "and", "isin", "if", ...
std::string_view ExprOpName(ExprOp op);

// The copy and comparison recurse over the operands; expressions are bounded by
// kMaxExpressionForms.
// NOLINTBEGIN(misc-no-recursion)
struct Expression {
  ExprOp op = ExprOp::kConstant;
  std::string column;           // kColumn
  std::vector<Literal> values;  // kConstant: one; kIsIn: one or more; kFillNull: one number
  std::vector<Expression> operands;

  static Expression Column(std::string name);
  static Expression Constant(Literal value);
  static Expression Apply(ExprOp op, std::vector<Expression> operands);

  // Calls `visit` on this form and every form below it, depth first.
  void ForEach(const std::function<void(const Expression&)>& visit) const;
  bool operator==(const Expression&) const = default;
};
// NOLINTEND(misc-no-recursion)

// Forms one expression may hold, so that an expression stays a bounded circuit.
inline constexpr int kMaxExpressionForms = 256;

bool IsComparison(ExprOp op);

// The type of an expression's values. Columns' types come from `column_type`, which returns
// nullopt for a column whose type is unknown (no schema) and an error for a column that does
// not exist; an unknown type checks what it can and yields nullopt. Errors say which form is
// wrong and why, e.g. "'site' is categorical; arithmetic needs numbers".
using ColumnTypeLookup =
    std::function<Result<std::optional<ColumnType>>(const std::string& column)>;
Result<std::optional<ColumnType>> TypeOf(const Expression& expression,
                                         const ColumnTypeLookup& column_type);

}  // namespace arca::frame

#endif  // ARCA_FRAME_EXPRESSION_H_
