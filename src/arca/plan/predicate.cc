#include "arca/plan/predicate.h"

#include <fmt/format.h>

#include <array>
#include <utility>

// A predicate is a tree, read, written and walked recursively; its depth is bounded by the
// strict JSON parser's nesting limit (kMaxJsonDepth) and its size by kMaxComparisons.
// NOLINTBEGIN(misc-no-recursion)

namespace arca::plan {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<CompareOp, std::string_view>, 6> kCompareOps = {{
    {CompareOp::kEq, "=="},
    {CompareOp::kNe, "!="},
    {CompareOp::kLt, "<"},
    {CompareOp::kLe, "<="},
    {CompareOp::kGt, ">"},
    {CompareOp::kGe, ">="},
}};

constexpr size_t kMaxCategoryBytes = 128;

std::string Index(std::string_view path, size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

Result<Predicate> Parse(const json& object, const Where& where, const std::string& path,
                        int* comparisons);

Result<Predicate> ParseLogical(const json& object, const Where& where, const std::string& path,
                               std::string_view key, int* comparisons) {
  if (object.size() != 1) {
    return where.Error(path, fmt::format("a predicate with '{}' has no other fields", key));
  }
  Predicate predicate;
  const json& operands = object.at(key);
  const std::string field = path + "." + std::string(key);
  if (key == "not") {
    predicate.kind = Predicate::Kind::kNot;
    ARCA_ASSIGN_OR_RETURN(Predicate operand, Parse(operands, where, field, comparisons));
    predicate.operands.push_back(std::move(operand));
    return predicate;
  }
  predicate.kind = key == "and" ? Predicate::Kind::kAnd : Predicate::Kind::kOr;
  if (!operands.is_array() || operands.size() < 2) {
    return where.Error(field, "must be a list of two or more predicates");
  }
  for (size_t i = 0; i < operands.size(); ++i) {
    ARCA_ASSIGN_OR_RETURN(Predicate operand,
                          Parse(operands[i], where, Index(field, i), comparisons));
    predicate.operands.push_back(std::move(operand));
  }
  return predicate;
}

Result<Predicate> ParseComparison(const json& object, const Where& where, const std::string& path) {
  const Where inside = where.Inside(path);
  ARCA_RETURN_IF_ERROR(CheckObject(object, inside, {"column", "cmp", "value"}));
  Predicate predicate;
  ARCA_ASSIGN_OR_RETURN(predicate.column, ColumnField(object, inside, "column"));
  const auto cmp = object.find("cmp");
  if (cmp == object.end()) return inside.Error("cmp", "is required");
  bool known = false;
  for (const auto& [op, name] : kCompareOps) {
    if (cmp->is_string() && cmp->get_ref<const std::string&>() == name) {
      predicate.cmp = op;
      known = true;
    }
  }
  if (!known) return inside.Error("cmp", "must be one of ==, !=, <, <=, >, >=");
  const auto value = object.find("value");
  if (value == object.end()) return inside.Error("value", "is required");
  if (value->is_number()) {
    predicate.value = value->get<double>();
  } else if (value->is_boolean()) {
    predicate.value = value->get<bool>();
  } else if (value->is_string()) {
    ARCA_ASSIGN_OR_RETURN(predicate.value, TextField(object, inside, "value", kMaxCategoryBytes));
  } else {
    return inside.Error("value", "must be a number, a boolean or a category (a string)");
  }
  const bool ordering = predicate.cmp != CompareOp::kEq && predicate.cmp != CompareOp::kNe;
  if (ordering && !std::holds_alternative<double>(predicate.value)) {
    return inside.Error("cmp", fmt::format("'{}' needs a number; booleans and categories compare "
                                           "with == and != only",
                                           CompareOpName(predicate.cmp)));
  }
  return predicate;
}

Result<Predicate> Parse(const json& object, const Where& where, const std::string& path,
                        int* comparisons) {
  if (!object.is_object()) {
    return where.Error(path,
                       "must be a predicate: {\"column\", \"cmp\", \"value\"}, {\"and\": [...]}, "
                       "{\"or\": [...]} or {\"not\": ...}");
  }
  for (const std::string_view key : {"and", "or", "not"}) {
    if (object.contains(key)) return ParseLogical(object, where, path, key, comparisons);
  }
  if (++*comparisons > kMaxComparisons) {
    return where.Error(
        path, "a predicate may hold at most " + std::to_string(kMaxComparisons) + " comparisons");
  }
  return ParseComparison(object, where, path);
}

}  // namespace

std::string_view CompareOpName(CompareOp op) {
  for (const auto& [known, name] : kCompareOps) {
    if (known == op) return name;
  }
  return "?";
}

Result<Predicate> Predicate::FromJson(const json& source, const Where& where,
                                      const std::string& field) {
  int comparisons = 0;
  return Parse(source, where, field, &comparisons);
}

json Predicate::ToJson() const {
  switch (kind) {
    case Kind::kCompare: {
      json out = {{"column", column}, {"cmp", CompareOpName(cmp)}};
      std::visit([&](const auto& constant) { out["value"] = constant; }, value);
      return out;
    }
    case Kind::kNot:
      return {{"not", operands.at(0).ToJson()}};
    case Kind::kAnd:
    case Kind::kOr: {
      json list = json::array();
      for (const Predicate& operand : operands) list.push_back(operand.ToJson());
      return {{kind == Kind::kAnd ? "and" : "or", std::move(list)}};
    }
  }
  return nullptr;
}

void Predicate::ForEachComparison(
    const std::string& path,
    const std::function<void(const Predicate&, const std::string&)>& visit) const {
  switch (kind) {
    case Kind::kCompare:
      visit(*this, path);
      return;
    case Kind::kNot:
      operands.at(0).ForEachComparison(path + ".not", visit);
      return;
    case Kind::kAnd:
    case Kind::kOr: {
      const std::string field = path + (kind == Kind::kAnd ? ".and" : ".or");
      for (size_t i = 0; i < operands.size(); ++i) {
        operands[i].ForEachComparison(Index(field, i), visit);
      }
      return;
    }
  }
}

}  // namespace arca::plan

// NOLINTEND(misc-no-recursion)
