#include "arca/plan/expression_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

// An expression is a tree, read and written recursively; its depth is bounded by the strict
// JSON parser's nesting limit and its size by frame::kMaxExpressionForms.
// NOLINTBEGIN(misc-no-recursion)

namespace arca::plan {
namespace {

using frame::Expression;
using frame::ExprOp;
using frame::Literal;
using nlohmann::json;

constexpr size_t kMaxCategoryBytes = 128;

constexpr std::array kComparisons = {ExprOp::kEqual,     ExprOp::kNotEqual, ExprOp::kLess,
                                     ExprOp::kLessEqual, ExprOp::kGreater,  ExprOp::kGreaterEqual};
constexpr std::array kBinary = {ExprOp::kAdd, ExprOp::kSub, ExprOp::kMul, ExprOp::kDiv};
constexpr std::array kUnary = {ExprOp::kNeg,  ExprOp::kAbs,     ExprOp::kExp, ExprOp::kLog,
                               ExprOp::kSqrt, ExprOp::kSigmoid, ExprOp::kNot, ExprOp::kIsNull};

std::string Index(std::string_view path, size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

class Reader {
 public:
  explicit Reader(const Where& where) : where_(where) {}

  Result<Expression> Read(const json& object, const std::string& path) {
    if (!object.is_object()) {
      return where_.Error(path,
                          "must be an expression: an object such as {\"column\": ...}, "
                          "{\"value\": ...}, {\"and\": [...]} or {\"add\": [...]}");
    }
    if (++forms_ > frame::kMaxExpressionForms) {
      return where_.Error(
          path, fmt::format("an expression may hold at most {} forms", frame::kMaxExpressionForms));
    }
    for (const ExprOp op : {ExprOp::kAnd, ExprOp::kOr}) {
      const std::string_view key = frame::ExprOpName(op);
      if (object.contains(key)) return List(object, path, op, 2, SIZE_MAX);
    }
    for (const ExprOp op : kBinary) {
      if (object.contains(frame::ExprOpName(op))) return List(object, path, op, 2, 2);
    }
    for (const ExprOp op : kUnary) {
      const std::string_view key = frame::ExprOpName(op);
      if (!object.contains(key)) continue;
      ARCA_RETURN_IF_ERROR(CheckObject(object, where_.Inside(path), {key}));
      ARCA_ASSIGN_OR_RETURN(Expression operand, Read(object.at(key), Field(path, key)));
      return Expression::Apply(op, {std::move(operand)});
    }
    if (object.contains("cmp")) return Comparison(object, path);
    if (object.contains("isin")) return IsIn(object, path);
    if (object.contains("if")) return If(object, path);
    if (object.contains("fill_null")) return FillNull(object, path);
    if (object.contains("column")) {
      const Where inside = where_.Inside(path);
      ARCA_RETURN_IF_ERROR(CheckObject(object, inside, {"column"}));
      ARCA_ASSIGN_OR_RETURN(std::string column, ColumnField(object, inside, "column"));
      return Expression::Column(std::move(column));
    }
    if (object.contains("value")) {
      ARCA_RETURN_IF_ERROR(CheckObject(object, where_.Inside(path), {"value"}));
      ARCA_ASSIGN_OR_RETURN(Literal value, ReadLiteral(object.at("value"), Field(path, "value")));
      return Expression::Constant(std::move(value));
    }
    return where_.Error(path, "is not an expression form (see docs/PLANS.md, \"Expressions\")");
  }

 private:
  static std::string Field(const std::string& path, std::string_view key) {
    return path + "." + std::string(key);
  }

  Result<Expression> List(const json& object, const std::string& path, ExprOp op, size_t min,
                          size_t max) {
    const std::string_view key = frame::ExprOpName(op);
    ARCA_RETURN_IF_ERROR(CheckObject(object, where_.Inside(path), {key}));
    const json& operands = object.at(key);
    const std::string field = Field(path, key);
    if (!operands.is_array() || operands.size() < min || operands.size() > max) {
      return where_.Error(field, min == max ? "must be a list of two expressions"
                                            : "must be a list of two or more expressions");
    }
    std::vector<Expression> read;
    for (size_t i = 0; i < operands.size(); ++i) {
      ARCA_ASSIGN_OR_RETURN(Expression operand, Read(operands[i], Index(field, i)));
      read.push_back(std::move(operand));
    }
    return Expression::Apply(op, std::move(read));
  }

  Result<Literal> ReadLiteral(const json& value, const std::string& path) const {
    if (value.is_number()) return Literal(value.get<double>());
    if (value.is_boolean()) return Literal(value.get<bool>());
    if (value.is_string()) {
      const auto& text = value.get_ref<const std::string&>();
      if (text.empty() || text.size() > kMaxCategoryBytes ||
          std::any_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        return where_.Error(path,
                            "a category must be 1 to 128 bytes without control "
                            "characters");
      }
      return Literal(text);
    }
    return where_.Error(path, "must be a number, a boolean or a category (a string)");
  }

  Result<ExprOp> ReadComparison(const json& object, const std::string& path) const {
    const json& cmp = object.at("cmp");
    for (const ExprOp op : kComparisons) {
      if (cmp.is_string() && cmp.get_ref<const std::string&>() == frame::ExprOpName(op)) return op;
    }
    return where_.Error(Field(path, "cmp"), "must be one of ==, !=, <, <=, >, >=");
  }

  Result<Expression> Comparison(const json& object, const std::string& path) {
    ARCA_ASSIGN_OR_RETURN(const ExprOp op, ReadComparison(object, path));
    const Where inside = where_.Inside(path);
    if (object.contains("left") || object.contains("right")) {
      ARCA_RETURN_IF_ERROR(CheckObject(object, inside, {"cmp", "left", "right"}));
      if (!object.contains("left")) return inside.Error("left", "is required");
      if (!object.contains("right")) return inside.Error("right", "is required");
      ARCA_ASSIGN_OR_RETURN(Expression left, Read(object.at("left"), Field(path, "left")));
      ARCA_ASSIGN_OR_RETURN(Expression right, Read(object.at("right"), Field(path, "right")));
      return Expression::Apply(op, {std::move(left), std::move(right)});
    }
    ARCA_RETURN_IF_ERROR(CheckObject(object, inside, {"column", "cmp", "value"}));
    ARCA_ASSIGN_OR_RETURN(std::string column, ColumnField(object, inside, "column"));
    if (!object.contains("value")) return inside.Error("value", "is required");
    ARCA_ASSIGN_OR_RETURN(Literal value, ReadLiteral(object.at("value"), Field(path, "value")));
    const bool ordering = op != ExprOp::kEqual && op != ExprOp::kNotEqual;
    if (ordering && !std::holds_alternative<double>(value)) {
      return inside.Error("cmp", fmt::format("'{}' needs a number; booleans and categories "
                                             "compare with == and != only",
                                             frame::ExprOpName(op)));
    }
    ++forms_;  // the column and the constant
    return Expression::Apply(
        op, {Expression::Column(std::move(column)), Expression::Constant(std::move(value))});
  }

  Result<Expression> IsIn(const json& object, const std::string& path) {
    const Where inside = where_.Inside(path);
    ARCA_RETURN_IF_ERROR(CheckObject(object, inside, {"isin", "values"}));
    ARCA_ASSIGN_OR_RETURN(Expression operand, Read(object.at("isin"), Field(path, "isin")));
    const auto values = object.find("values");
    if (values == object.end() || !values->is_array() || values->empty() ||
        values->size() > static_cast<size_t>(frame::kMaxExpressionForms)) {
      return inside.Error(
          "values", fmt::format("must be a list of 1 to {} constants", frame::kMaxExpressionForms));
    }
    Expression out = Expression::Apply(ExprOp::kIsIn, {std::move(operand)});
    for (size_t i = 0; i < values->size(); ++i) {
      ARCA_ASSIGN_OR_RETURN(Literal value,
                            ReadLiteral((*values)[i], Index(Field(path, "values"), i)));
      if (std::find(out.values.begin(), out.values.end(), value) != out.values.end()) {
        return where_.Error(Index(Field(path, "values"), i), "is listed twice");
      }
      out.values.push_back(std::move(value));
    }
    return out;
  }

  Result<Expression> If(const json& object, const std::string& path) {
    const Where inside = where_.Inside(path);
    ARCA_RETURN_IF_ERROR(CheckObject(object, inside, {"if", "then", "else"}));
    std::vector<Expression> parts;
    for (const std::string_view key : {"if", "then", "else"}) {
      if (!object.contains(key)) return inside.Error(key, "is required");
      ARCA_ASSIGN_OR_RETURN(Expression part, Read(object.at(key), Field(path, key)));
      parts.push_back(std::move(part));
    }
    return Expression::Apply(ExprOp::kIf, std::move(parts));
  }

  Result<Expression> FillNull(const json& object, const std::string& path) {
    const Where inside = where_.Inside(path);
    ARCA_RETURN_IF_ERROR(CheckObject(object, inside, {"fill_null", "value"}));
    ARCA_ASSIGN_OR_RETURN(Expression operand,
                          Read(object.at("fill_null"), Field(path, "fill_null")));
    ARCA_ASSIGN_OR_RETURN(double fill, NumberField(object, inside, "value", Range{}));
    Expression out = Expression::Apply(ExprOp::kFillNull, {std::move(operand)});
    out.values.emplace_back(fill);
    return out;
  }

  const Where& where_;
  int forms_ = 0;
};

json LiteralToJson(const Literal& value) {
  json out;
  std::visit([&](const auto& v) { out = v; }, value);
  return out;
}

}  // namespace

Result<Expression> ParseExpression(const json& source, const Where& where,
                                   const std::string& field) {
  return Reader(where).Read(source, field);
}

json ExpressionToJson(const Expression& e) {
  const std::string key(frame::ExprOpName(e.op));
  switch (e.op) {
    case ExprOp::kColumn:
      return {{"column", e.column}};
    case ExprOp::kConstant:
      return {{"value", LiteralToJson(e.values.at(0))}};
    case ExprOp::kIsIn: {
      json values = json::array();
      for (const Literal& value : e.values) values.push_back(LiteralToJson(value));
      return {{"isin", ExpressionToJson(e.operands.at(0))}, {"values", std::move(values)}};
    }
    case ExprOp::kIf:
      return {{"if", ExpressionToJson(e.operands.at(0))},
              {"then", ExpressionToJson(e.operands.at(1))},
              {"else", ExpressionToJson(e.operands.at(2))}};
    case ExprOp::kFillNull:
      return {{"fill_null", ExpressionToJson(e.operands.at(0))},
              {"value", LiteralToJson(e.values.at(0))}};
    default:
      break;
  }
  if (frame::IsComparison(e.op)) {
    const Expression& left = e.operands.at(0);
    const Expression& right = e.operands.at(1);
    if (left.op == ExprOp::kColumn && right.op == ExprOp::kConstant) {
      return {{"column", left.column}, {"cmp", key}, {"value", LiteralToJson(right.values.at(0))}};
    }
    return {{"cmp", key}, {"left", ExpressionToJson(left)}, {"right", ExpressionToJson(right)}};
  }
  if (std::find(kUnary.begin(), kUnary.end(), e.op) != kUnary.end()) {
    return {{key, ExpressionToJson(e.operands.at(0))}};
  }
  json list = json::array();
  for (const Expression& operand : e.operands) list.push_back(ExpressionToJson(operand));
  return {{key, std::move(list)}};
}

}  // namespace arca::plan

// NOLINTEND(misc-no-recursion)
