// Expressions in plan documents (docs/PLANS.md, "Expressions"): reading them from JSON and
// writing their normal form. The model is frame::Expression.
//
// A comparison of a column with a constant is written in the short form {"column", "cmp",
// "value"} (the form of version-1 predicates, so their hashes do not change); any other
// comparison as {"cmp", "left", "right"}. An `isin`'s values keep their written order.
#ifndef ARCA_PLAN_EXPRESSION_JSON_H_
#define ARCA_PLAN_EXPRESSION_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "arca/base/status.h"
#include "arca/frame/expression.h"
#include "arca/plan/fields.h"

namespace arca::plan {

// Reads `source`, the field `field` of the object `where` describes. Errors name the path of
// the form inside it: "field 'where.and[1].cmp': must be one of ==, !=, <, <=, >, >=".
Result<frame::Expression> ParseExpression(const nlohmann::json& source, const Where& where,
                                          const std::string& field);

nlohmann::json ExpressionToJson(const frame::Expression& expression);

}  // namespace arca::plan

#endif  // ARCA_PLAN_EXPRESSION_JSON_H_
