#include "arca/plan/canonical_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <string>

namespace arca::plan {
namespace {

using ::testing::HasSubstr;

std::string Canonical(std::string_view text) {
  Result<std::string> out = CanonicalizeJsonText(text);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : "";
}

std::string Refusal(std::string_view text) {
  Result<std::string> out = CanonicalizeJsonText(text);
  EXPECT_FALSE(out.ok()) << "accepted: " << text;
  return out.ok() ? "" : out.status().message();
}

// RFC 8785 Appendix B, "Number Serialization Samples": IEEE-754 bit patterns and their
// canonical text (cross-checked against Node.js String(x)).
TEST(EcmaNumberStringTest, Rfc8785AppendixB) {
  const struct {
    uint64_t bits;
    const char* text;
  } kSamples[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},  // minus zero
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},  // round to even
  };
  for (const auto& sample : kSamples) {
    EXPECT_EQ(EcmaNumberString(std::bit_cast<double>(sample.bits)), sample.text)
        << std::hex << sample.bits;
  }
}

TEST(EcmaNumberStringTest, NotationBoundaries) {
  EXPECT_EQ(EcmaNumberString(1e20), "100000000000000000000");
  EXPECT_EQ(EcmaNumberString(1e21), "1e+21");
  EXPECT_EQ(EcmaNumberString(1.5e21), "1.5e+21");
  EXPECT_EQ(EcmaNumberString(1e-6), "0.000001");
  EXPECT_EQ(EcmaNumberString(1e-7), "1e-7");
  EXPECT_EQ(EcmaNumberString(-1.25e-7), "-1.25e-7");
  EXPECT_EQ(EcmaNumberString(123.456), "123.456");
  EXPECT_EQ(EcmaNumberString(0.1), "0.1");
  EXPECT_EQ(EcmaNumberString(100), "100");
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(EcmaNumberString(inf), "Infinity");
  EXPECT_EQ(EcmaNumberString(-inf), "-Infinity");
  EXPECT_EQ(EcmaNumberString(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

// The JCS test suite of the RFC's author: github.com/cyberphone/json-canonicalization,
// testdata/input/*.json and testdata/output/*.json.
TEST(CanonicalJsonTest, CyberphoneTestData) {
  EXPECT_EQ(Canonical(R"json([
  56,
  {
    "d": true,
    "10": null,
    "1": [ ]
  }
])json"),
            R"([56,{"1":[],"10":null,"d":true}])");
  // French collation would sort "péché" after "pêche"; JCS ignores locale.
  EXPECT_EQ(Canonical("{\n  \"peach\": \"This sorting order\",\n  \"p\u00e9ch\u00e9\": \"is wrong "
                      "according to French\",\n  \"p\u00eache\": \"but canonicalization "
                      "MUST\",\n  \"sin\":   \"ignore locale\"\n}"),
            "{\"peach\":\"This sorting order\",\"p\u00e9ch\u00e9\":\"is wrong according to "
            "French\",\"p\u00eache\":\"but canonicalization MUST\",\"sin\":\"ignore locale\"}");
  EXPECT_EQ(
      Canonical(R"json({
  "1": {"f": {"f": "hi","F": 5} ,"\n": 56.0},
  "10": { },
  "": "empty",
  "a": { },
  "111": [ {"e": "yes","E": "no" } ],
  "A": { }
})json"),
      R"({"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}})");
  // No Unicode normalisation: A + combining ring stays two code points.
  EXPECT_EQ(Canonical(R"({"Unnormalized Unicode":"A\u030a"})"),
            "{\"Unnormalized Unicode\":\"A\u030a\"}");
  EXPECT_EQ(Canonical(R"json({
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
})json"),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
  // Sorting by UTF-16 code units puts U+1F602 (D83D DE02) before U+FB33, unlike UTF-8 order.
  EXPECT_EQ(Canonical(R"json({
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\u000a": "Newline",
  "1": "One",
  "\u0080": "Control\u007f",
  "\ud83d\ude02": "Smiley",
  "\u00f6": "Latin Small Letter O With Diaeresis",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "</script>": "Browser Challenge"
})json"),
            "{\"\\n\":\"Newline\",\"\\r\":\"Carriage Return\",\"1\":\"One\",\"</script>\":"
            "\"Browser Challenge\",\"\u0080\":\"Control\x7f\",\"\u00f6\":\"Latin Small Letter O "
            "With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\U0001F602\":\"Smiley\",\"\ufb33\":"
            "\"Hebrew Letter Dalet With Dagesh\"}");
}

TEST(CanonicalJsonTest, SpellingsOfOneValueAgree) {
  const std::string expected = R"({"a":[100,100,100,0.1,-0.5],"b":1,"c":0})";
  EXPECT_EQ(Canonical(R"({"b": 1.0, "a": [1e2, 100, 100.000, 0.10, -5E-1], "c": -0})"), expected);
  EXPECT_EQ(Canonical("\t{ \"c\" : 0.0 ,\n\"a\":[100,1E+2,10e1,1e-1,-0.5],\"b\":1e0}\r\n"),
            expected);
  EXPECT_EQ(Canonical(expected), expected);
  EXPECT_EQ(Canonical(R"("\u00e9")"), "\"\u00e9\"");  // the escape and the character agree
  EXPECT_EQ(Canonical("\"\u00e9\""), "\"\u00e9\"");
}

TEST(CanonicalJsonTest, ControlCharactersUseTheShortestEscape) {
  EXPECT_EQ(Canonical(R"("\u0000\u0008\u0009\u000a\u000c\u000d\u001f\u007f\/")"),
            "\"\\u0000\\b\\t\\n\\f\\r\\u001f\x7f/\"");
}

TEST(CanonicalJsonTest, IntegerLiteralsNeverChangeSilently) {
  // Within ±2^53 every integer is exact.
  EXPECT_EQ(Canonical("[9007199254740992, -9007199254740992, 123]"),
            "[9007199254740992,-9007199254740992,123]");
  // Beyond, a literal is kept only if canonicalisation writes it back as it is.
  EXPECT_EQ(Canonical("[9007199254740994, 333333321880492300, 100000000000000000000]"),
            "[9007199254740994,333333321880492300,100000000000000000000]");
  EXPECT_EQ(Refusal("9007199254740993"),
            "the integer 9007199254740993 would change to 9007199254740992 as a JSON number (a "
            "double); write it as a string");
  EXPECT_THAT(Refusal("-9007199254740993"), HasSubstr("would change to -9007199254740992"));
  EXPECT_THAT(Refusal("[18446744073709551616]"), HasSubstr("would change to 18446744073709552000"));
  EXPECT_THAT(Refusal("123456789012345678901234567890"), HasSubstr("write it as a string"));
  EXPECT_THAT(Refusal("1000000000000000000000"), HasSubstr("would change to 1e+21"));
  // With a fraction or exponent the literal is a double by its spelling, rounded like any.
  EXPECT_EQ(Canonical("9007199254740993.0"), "9007199254740992");
  EXPECT_EQ(Canonical("1e30"), "1e+30");
  // Found by plan_fuzz: a large double is written without exponent, and that text must read
  // back (canonical text is a fixed point).
  const std::string large = Canonical("333333321880492333.7333333218804925");
  EXPECT_EQ(large, "333333321880492350");
  EXPECT_EQ(Canonical(large), large);
}

TEST(CanonicalJsonTest, RefusesWhatHasNoCanonicalForm) {
  EXPECT_THAT(Refusal(R"({"a": 1, "a": 2})"), HasSubstr("duplicate member name \"a\""));
  // Equal after unescaping is equal.
  EXPECT_THAT(Refusal(R"({"a": 1, "b": {"x": 1, "\u0078": 1}})"), HasSubstr("duplicate"));
  EXPECT_THAT(Refusal("[1e400]"), HasSubstr("number overflow"));
  EXPECT_THAT(Refusal("-1e400"), HasSubstr("number overflow"));
  EXPECT_THAT(Refusal("NaN"), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal("[Infinity]"), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal(R"("\ud800")"), HasSubstr("not valid JSON"));   // lone surrogate
  EXPECT_THAT(Refusal("\"\xc3\x28\""), HasSubstr("not valid JSON"));  // invalid UTF-8
  EXPECT_THAT(Refusal("\"\xc0\xaf\""), HasSubstr("not valid JSON"));  // overlong "/"
  EXPECT_THAT(Refusal(""), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal("{} {}"), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal("[1,]"), HasSubstr("line 1, column 4"));
  EXPECT_THAT(Refusal("// comment\n{}"), HasSubstr("not valid JSON"));
}

TEST(CanonicalJsonTest, NestingIsBounded) {
  const auto nested = [](int depth) {
    return std::string(static_cast<size_t>(depth), '[') +
           std::string(static_cast<size_t>(depth), ']');
  };
  EXPECT_EQ(Canonical(nested(kMaxJsonDepth)), nested(kMaxJsonDepth));
  EXPECT_THAT(Refusal(nested(kMaxJsonDepth + 1)), HasSubstr("nesting is deeper than 64"));
  EXPECT_THAT(Refusal(nested(100000)), HasSubstr("nesting"));
}

TEST(CanonicalJsonTest, ValuesBuiltInCodeAreCheckedToo) {
  using nlohmann::json;
  EXPECT_EQ(*CanonicalJson(json{{"z", 1.5}, {"a", json::array({true, nullptr, "x"})}}),
            R"({"a":[true,null,"x"],"z":1.5})");
  EXPECT_FALSE(CanonicalJson(json(std::numeric_limits<double>::quiet_NaN())).ok());
  EXPECT_FALSE(CanonicalJson(json(std::numeric_limits<double>::infinity())).ok());
  EXPECT_FALSE(CanonicalJson(json(int64_t{1} << 60)).ok());   // 1152921504606847000
  EXPECT_FALSE(CanonicalJson(json(uint64_t{1} << 63)).ok());  // 9223372036854776000
  EXPECT_EQ(*CanonicalJson(json(uint64_t{1} << 54)), "18014398509481984");
  EXPECT_FALSE(CanonicalJson(json("\xff")).ok());
  EXPECT_FALSE(CanonicalJson(json{{"\xed\xa0\x80", 1}}).ok());  // an encoded surrogate
  EXPECT_FALSE(CanonicalJson(json::binary({1, 2})).ok());
  json deep = json::array();
  for (int i = 0; i < kMaxJsonDepth; ++i) deep = json::array({deep});
  EXPECT_FALSE(CanonicalJson(deep).ok());
}

}  // namespace
}  // namespace arca::plan
