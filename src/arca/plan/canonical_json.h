// Strict JSON parsing and the JSON Canonicalization Scheme (RFC 8785, "JCS").
//
// A plan is approved by the hash of its canonical text, so two texts that mean the same JSON
// value must canonicalise to the same bytes, and two different values never may. JCS gives
// that: object members sorted by the UTF-16 code units of their names, no whitespace, minimal
// string escapes (§3.2.2.2) and numbers written as ECMAScript's Number.prototype.toString
// writes the IEEE-754 double they denote (§3.2.2.3): 1, 1.0 and 1e0 are all "1".
//
// Beyond RFC 8785, and so that no two different documents can collide:
//   - duplicate member names are refused (RFC 8785 §3.1 requires I-JSON, which forbids them);
//   - an integer written without fraction or exponent must come out of canonicalisation as it
//     was written. Every integer within ±2^53 does; beyond, a double cannot hold every
//     integer, and 9007199254740993 would silently become 9007199254740992. Such integers
//     (identifiers, counters) belong in strings;
//   - a number that overflows a double (1e400) is refused: JSON has no Infinity;
//   - nesting deeper than kMaxJsonDepth is refused, so that hostile input cannot exhaust the
//     stack of a recursive consumer.
// Strings must be valid UTF-8 without lone surrogates (the parser checks; CanonicalJson checks
// again for values built in code).
#ifndef ARCA_PLAN_CANONICAL_JSON_H_
#define ARCA_PLAN_CANONICAL_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "arca/base/status.h"

namespace arca::plan {

inline constexpr int kMaxJsonDepth = 64;

// Parses untrusted JSON text under the rules above. Errors are invalid-argument and name the
// problem (with nlohmann's line and column for syntax errors); they never crash.
Result<nlohmann::json> ParseStrictJson(std::string_view text);

// The RFC 8785 text of a value. Fails on what has no canonical form: a non-finite number, an
// integer that a double would change, invalid UTF-8, binary values, or nesting deeper than
// kMaxJsonDepth.
Result<std::string> CanonicalJson(const nlohmann::json& value);

// ParseStrictJson, then CanonicalJson.
Result<std::string> CanonicalizeJsonText(std::string_view text);

// ECMAScript Number::toString(value) (ECMA-262, "Number::toString"): the shortest decimal that
// reads back as the same double, in plain notation for exponents -7 < e < 21 and as
// "d.ddde+X" otherwise; -0 is "0", and NaN and the infinities are "NaN", "Infinity" and
// "-Infinity" (which CanonicalJson refuses before getting here).
std::string EcmaNumberString(double value);

}  // namespace arca::plan

#endif  // ARCA_PLAN_CANONICAL_JSON_H_
