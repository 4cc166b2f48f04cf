// Row predicates: comparisons of a column with a constant, combined with and / or / not.
//
// JSON (docs/PLANS.md, "Predicates"):
//   {"column": "age", "cmp": ">=", "value": 18}
//   {"and": [p, q, ...]}   {"or": [p, q, ...]}   (two or more operands)
//   {"not": p}
// A number may be compared with every operator; a string (a categorical value) or a boolean
// only with "==" and "!=".
#ifndef ARCA_PLAN_PREDICATE_H_
#define ARCA_PLAN_PREDICATE_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "arca/base/status.h"
#include "arca/plan/fields.h"

namespace arca::plan {

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

// "==", "!=", "<", "<=", ">", ">=".
std::string_view CompareOpName(CompareOp op);

// A number, a boolean or a categorical value.
using Constant = std::variant<double, bool, std::string>;

// Comparisons one predicate may hold, so that a filter stays a bounded circuit.
inline constexpr int kMaxComparisons = 64;

// Its copy and comparison recurse over the operands; see predicate.cc for the bound.
// NOLINTBEGIN(misc-no-recursion)
struct Predicate {
  enum class Kind { kCompare, kAnd, kOr, kNot };
  Kind kind = Kind::kCompare;
  // kCompare only.
  std::string column;
  CompareOp cmp = CompareOp::kEq;
  Constant value;
  // kAnd and kOr: two or more; kNot: exactly one.
  std::vector<Predicate> operands;

  bool operator==(const Predicate&) const = default;

  // Reads `source`, the field `field` of the object `where` describes.
  static Result<Predicate> FromJson(const nlohmann::json& source, const Where& where,
                                    const std::string& field);
  nlohmann::json ToJson() const;

  // Calls `visit` for each comparison with its field path, e.g. "where.and[1].not".
  void ForEachComparison(
      const std::string& path,
      const std::function<void(const Predicate&, const std::string&)>& visit) const;
};
// NOLINTEND(misc-no-recursion)

}  // namespace arca::plan

#endif  // ARCA_PLAN_PREDICATE_H_
