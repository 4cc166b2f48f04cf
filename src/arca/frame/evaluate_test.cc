#include "arca/frame/evaluate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "arca/frame/test_util.h"

namespace arca::frame {
namespace {

using E = Expression;
using testing::RandomColumn;
using testing::RunFrame;

// Fixed point at f = 18: an ulp is 3.8e-6.
constexpr double kUlp = 1.0 / (1 << 18);

PlainTable People(int64_t rows) {
  return testing::RandomTable(
      21, rows,
      {RandomColumn{{"age", ColumnType::kInteger, {}}, 0, 99},
       RandomColumn{{"income", ColumnType::kDecimal, {}}, -2000, 9000},
       RandomColumn{{"smoker", ColumnType::kBoolean, {}}},
       RandomColumn{{"site", ColumnType::kCategorical, {"north", "south", "east", "west"}}},
       RandomColumn{{"debt", ColumnType::kInteger, {}}, -3, 3}});
}

E Col(const char* name) { return E::Column(name); }
E Num(double v) { return E::Constant(v); }
E Op(ExprOp op, std::vector<E> operands) { return E::Apply(op, std::move(operands)); }

class EvaluateTest : public ::testing::TestWithParam<mpc::ProtocolKind> {
 protected:
  // The rows of `in` that are valid after filtering by `condition`.
  std::vector<bool> Kept(const PlainTable& in, const E& condition) {
    Result<testing::FrameRun> run =
        RunFrame(GetParam(), {in}, [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) {
          return Filter(fp, inputs[0], condition);
        });
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? run->result.valid : std::vector<bool>{};
  }

  // [condition] on each row of `in`, evaluated in batches of `batch_rows`.
  std::vector<bool> Holds(const PlainTable& in, const E& condition, int64_t batch_rows) {
    Result<testing::FrameRun> run = RunFrame(
        GetParam(), {in},
        [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
          Table out = inputs[0];
          ARCA_ASSIGN_OR_RETURN(out.valid, EvaluateCondition(fp, out, condition, batch_rows));
          out.all_valid = false;
          return out;
        });
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? run->result.valid : std::vector<bool>{};
  }

  // The column `expression` computes on `in`.
  PlainColumn Computed(const PlainTable& in, const E& expression,
                       int64_t batch_rows = kEvaluationBatchRows) {
    Result<testing::FrameRun> run =
        RunFrame(GetParam(), {in},
                 [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) -> Result<Table> {
                   ARCA_ASSIGN_OR_RETURN(Column column,
                                         Evaluate(fp, inputs[0], expression, "out", batch_rows));
                   return WithColumn(inputs[0], std::move(column));
                 });
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    if (!run.ok()) return {};
    return *run->result.Find("out");
  }
};

TEST_P(EvaluateTest, FiltersWithComparisonsLogicAndIsinMatchTheReference) {
  const PlainTable in = People(300);
  // (age >= 40 and income < 1500.5) or (site in {north, east} and not smoker) or debt == -2
  const E condition = Op(
      ExprOp::kOr, {Op(ExprOp::kAnd, {Op(ExprOp::kGreaterEqual, {Col("age"), Num(40)}),
                                      Op(ExprOp::kLess, {Col("income"), Num(1500.5)})}),
                    Op(ExprOp::kAnd, {[] {
                                        E isin = Op(ExprOp::kIsIn, {Col("site")});
                                        isin.values = {std::string("north"), std::string("east")};
                                        return isin;
                                      }(),
                                      Op(ExprOp::kNot, {Col("smoker")})}),
                    Op(ExprOp::kEqual, {Col("debt"), Num(-2)})});
  const std::vector<bool> kept = Kept(in, condition);
  ASSERT_EQ(kept.size(), 300U);
  int count = 0;
  for (size_t r = 0; r < 300; ++r) {
    const double age = in.columns[0].values[r], income = in.columns[1].values[r];
    const bool smoker = in.columns[2].values[r] == 1;
    const int site = static_cast<int>(in.columns[3].values[r]);
    const double debt = in.columns[4].values[r];
    const bool want =
        (age >= 40 && income < 1500.5) || ((site == 0 || site == 2) && !smoker) || debt == -2;
    EXPECT_EQ(kept[r], want) << "row " << r;
    count += want ? 1 : 0;
  }
  EXPECT_GT(count, 50);  // the condition keeps some rows and drops others
  EXPECT_LT(count, 250);
}

TEST_P(EvaluateTest, ComparisonsOfTwoColumnsAndTheirBoundaries) {
  PlainTable in = People(200);
  in.columns[1].values[0] = in.columns[0].values[0];  // income == age on some rows
  in.columns[1].values[1] = in.columns[0].values[1];
  for (const ExprOp op : {ExprOp::kLess, ExprOp::kLessEqual, ExprOp::kGreater,
                          ExprOp::kGreaterEqual, ExprOp::kEqual, ExprOp::kNotEqual}) {
    const std::vector<bool> kept = Kept(in, Op(op, {Col("income"), Col("age")}));
    ASSERT_EQ(kept.size(), 200U);
    for (size_t r = 0; r < 200; ++r) {
      const double a = in.columns[1].values[r], b = in.columns[0].values[r];
      const bool want = op == ExprOp::kLess           ? a < b
                        : op == ExprOp::kLessEqual    ? a <= b
                        : op == ExprOp::kGreater      ? a > b
                        : op == ExprOp::kGreaterEqual ? a >= b
                        : op == ExprOp::kEqual        ? a == b
                                                      : a != b;
      EXPECT_EQ(kept[r], want) << ExprOpName(op) << " row " << r;
    }
  }
}

TEST_P(EvaluateTest, ArithmeticAndFunctionsMatchDoublePrecision) {
  const PlainTable in = People(120);
  struct Case {
    E expression;
    std::function<double(double age, double income, double debt)> want;
    double tolerance;  // absolute, beyond the relative part below
  };
  const std::vector<Case> cases = {
      {Op(ExprOp::kAdd, {Op(ExprOp::kMul, {Col("age"), Num(3)}), Col("income")}),
       [](double a, double i, double) { return 3 * a + i; }, 0},
      {Op(ExprOp::kMul, {Col("income"), Op(ExprOp::kSub, {Num(1), Num(0.25)})}),
       [](double, double i, double) { return i * 0.75; }, 3 * kUlp},
      {Op(ExprOp::kMul, {Col("age"), Col("debt")}),
       [](double a, double, double d) { return a * d; }, 2 * kUlp},
      {Op(ExprOp::kDiv, {Col("income"), Col("debt")}),  // debt may be 0 or negative
       [](double, double i, double d) { return d == 0 ? NAN : i / d; }, 4 * kUlp},
      {Op(ExprOp::kAbs, {Op(ExprOp::kNeg, {Col("income")})}),
       [](double, double i, double) { return std::fabs(i); }, 0},
      {Op(ExprOp::kIf, {Op(ExprOp::kGreater, {Col("age"), Num(50)}), Col("income"), Num(-1)}),
       [](double a, double i, double) { return a > 50 ? i : -1; }, 0},
      {Op(ExprOp::kSqrt, {Op(ExprOp::kAdd, {Col("age"), Num(1)})}),
       [](double a, double, double) { return std::sqrt(a + 1); }, 4 * kUlp},
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    const PlainColumn out = Computed(in, cases[c].expression);
    ASSERT_EQ(out.values.size(), 120U) << "case " << c;
    for (size_t r = 0; r < 120; ++r) {
      const double want =
          cases[c].want(in.columns[0].values[r], in.columns[1].values[r], in.columns[4].values[r]);
      if (std::isnan(want)) {
        ASSERT_EQ(out.present.size(), 120U) << "case " << c;
        EXPECT_FALSE(out.present[r]) << "case " << c << " row " << r;
        continue;
      }
      if (!out.present.empty()) {
        EXPECT_TRUE(out.present[r]) << "case " << c << " row " << r;
      }
      // Reciprocals and roots carry f significant bits: 2^-(f-1) relative.
      const double bound = cases[c].tolerance + std::fabs(want) * 8 * kUlp;
      EXPECT_NEAR(out.values[r], want, bound) << "case " << c << " row " << r;
    }
  }
}

// A table of more rows than a batch is evaluated batch by batch (the last one shorter), with
// the results of one batch: nulls where they were, comparisons exact, numbers within the
// products' truncation.
TEST_P(EvaluateTest, BatchesOfRowsComputeWhatOneBatchComputes) {
  const PlainTable in = People(100);
  const E ratio = Op(ExprOp::kDiv, {Col("income"), Col("debt")});  // null where debt is 0
  const PlainColumn whole = Computed(in, ratio), batched = Computed(in, ratio, 7);
  ASSERT_EQ(batched.values.size(), 100U);
  ASSERT_EQ(batched.present, whole.present);
  ASSERT_NE(std::count(whole.present.begin(), whole.present.end(), false), 0);
  for (size_t r = 0; r < 100; ++r) {
    if (!whole.present[r]) continue;
    EXPECT_NEAR(batched.values[r], whole.values[r],
                8 * kUlp + std::fabs(whole.values[r]) * 16 * kUlp)
        << "row " << r;
  }
  const E condition = Op(ExprOp::kAnd, {Op(ExprOp::kGreaterEqual, {Col("age"), Num(40)}),
                                        Op(ExprOp::kLess, {Col("income"), Num(1500.5)})});
  const std::vector<bool> reference = Kept(in, condition);
  ASSERT_EQ(reference.size(), 100U);
  EXPECT_EQ(Holds(in, condition, 7), reference);
  EXPECT_EQ(Holds(in, condition, 100), reference);
}

TEST_P(EvaluateTest, ABooleanExpressionBecomesABooleanColumn) {
  const PlainTable in = People(50);
  const PlainColumn out = Computed(in, Op(ExprOp::kLess, {Col("age"), Num(30)}));
  EXPECT_EQ(out.spec.type, ColumnType::kBoolean);
  for (size_t r = 0; r < 50; ++r) {
    EXPECT_EQ(out.values[r], in.columns[0].values[r] < 30 ? 1 : 0) << r;
  }
}

TEST_P(EvaluateTest, ACategoryTheColumnDoesNotHaveIsAnErrorNamingIt) {
  const PlainTable in = People(5);
  Result<testing::FrameRun> run =
      RunFrame(GetParam(), {in}, [](fxp::FixedPoint& fp, const std::vector<Table>& inputs) {
        return Filter(fp, inputs[0],
                      Op(ExprOp::kEqual, {Col("site"), E::Constant(std::string("nowhere"))}));
      });
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("'nowhere' is not a category of column 'site'"),
            std::string::npos)
      << run.status().ToString();
}

TEST_P(EvaluateTest, ConditionsCostOneComparisonBatchOfEachKind) {
  if (GetParam() == mpc::ProtocolKind::kPlaintext) GTEST_SKIP() << "no traffic to count";
  const PlainTable in = People(64);
  auto rounds_of = [&](const E& condition) {
    Result<testing::FrameRun> run =
        RunFrame(GetParam(), {in}, [&](fxp::FixedPoint& fp, const std::vector<Table>& inputs) {
          return Filter(fp, inputs[0], condition);
        });
    EXPECT_TRUE(run.ok());
    return run.ok() ? run->costs[0].rounds : -1;
  };
  // Three less-than comparisons, under an and of three: the same rounds as one comparison,
  // plus two levels of products for the and.
  const int64_t one = rounds_of(Op(ExprOp::kLess, {Col("age"), Num(30)}));
  const int64_t three = rounds_of(Op(ExprOp::kAnd, {Op(ExprOp::kLess, {Col("age"), Num(30)}),
                                                    Op(ExprOp::kLess, {Col("income"), Num(9)}),
                                                    Op(ExprOp::kLess, {Col("debt"), Num(1)})}));
  EXPECT_EQ(three, one + 2);
}

INSTANTIATE_TEST_SUITE_P(Protocols, EvaluateTest, ::testing::ValuesIn(testing::kEveryProtocol),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

}  // namespace
}  // namespace arca::frame
