#include "arca/client/model_weights.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "arca/fxp/encoding.h"

namespace arca::client {
namespace {

using ::testing::ElementsAre;

std::string ErrorOf(std::string_view text) {
  const Result<ModelWeights> weights = ParseModelWeights(text);
  EXPECT_FALSE(weights.ok());
  return weights.status().message();
}

TEST(ParseModelWeights, ReadsFeaturesInOrderAndTheInterceptLast) {
  const ModelWeights w =
      ParseModelWeights("feature,weight\r\nradius,0.84\r\ntexture,-1.5e-2\r\nintercept,-3\r\n")
          .value();
  EXPECT_THAT(w.features, ElementsAre("radius", "texture"));
  EXPECT_THAT(w.weights, ElementsAre("0.84", "-1.5e-2", "-3"));
  EXPECT_TRUE(w.intercept);
}

TEST(ParseModelWeights, TheInterceptIsOptional) {
  const ModelWeights w = ParseModelWeights("feature,weight\nage,2").value();
  EXPECT_THAT(w.features, ElementsAre("age"));
  EXPECT_THAT(w.weights, ElementsAre("2"));
  EXPECT_FALSE(w.intercept);
}

TEST(ParseModelWeights, TheTableIsOneDecimalColumnOfTheWeightsInOrder) {
  const ModelWeights w = ParseModelWeights("feature,weight\na,1.5\nb,-0.25\nintercept,3\n").value();
  const EncodedTable table = w.Table().value();
  ASSERT_EQ(table.rows, 3);
  ASSERT_EQ(table.columns.size(), 1U);
  const int f = fxp::kDefaultFracBits;
  EXPECT_EQ(table.columns[0][0], uint64_t{3} << (f - 1));
  EXPECT_EQ(table.columns[0][1], static_cast<uint64_t>(-(int64_t{1} << (f - 2))));
  EXPECT_EQ(table.columns[0][2], uint64_t{3} << f);
  EXPECT_EQ(ModelWeights::TableSchema().CanonicalJson(),
            R"({"columns":[{"name":"weight","type":"decimal"}]})");
}

TEST(ParseModelWeights, NamesTheLineOfEveryMistake) {
  EXPECT_EQ(ErrorOf(""), "line 1: the header must be 'feature,weight'");
  EXPECT_EQ(ErrorOf("name,value\na,1\n"), "line 1: the header must be 'feature,weight'");
  EXPECT_EQ(ErrorOf("feature,weight\n"),
            "the weights name no feature: a model needs one row per feature");
  EXPECT_EQ(ErrorOf("feature,weight\na,1\nb,abc\n"), "line 3: 'abc' is not a decimal number");
  EXPECT_EQ(ErrorOf("feature,weight\na,1\nb,2\na,3\n"),
            "line 4: feature 'a' appears twice (first on line 2)");
  EXPECT_EQ(ErrorOf("feature,weight\nintercept,1\na,2\n"),
            "line 3: a row follows the intercept (line 2), which must be the last row");
  EXPECT_EQ(ErrorOf("feature,weight\na,1,2\n"),
            "line 2: a row is 'feature,weight': two cells separated by one comma");
  EXPECT_EQ(ErrorOf("feature,weight\na,1\n\n"),
            "line 3: a row is 'feature,weight': two cells separated by one comma");
  EXPECT_EQ(ErrorOf("feature,weight\n\"a\",1\n"), "line 2: quoted cells are not supported");
  EXPECT_EQ(ErrorOf("feature,weight\n,1\n"), "line 2: the feature's name is empty");
  EXPECT_EQ(ErrorOf("feature,weight\na,\n"),
            "line 2: the cell is empty (missing values are not supported yet)");
}

}  // namespace
}  // namespace arca::client
