// Tests of parse(), to_string(), simplify(), substitute(), referenced_names() and evaluate().
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "smartnano/expr/expression.h"

namespace smartnano::expr {
namespace {

// Structural equality: same operations, constants (bit for bit up to NaN), units, names.
bool same(const NodePtr& a, const NodePtr& b) {
  if (a->op != b->op || a->args.size() != b->args.size()) return false;
  switch (a->op) {
    case Op::kConstant:
      if (std::isnan(a->value) != std::isnan(b->value)) return false;
      if (!std::isnan(a->value) &&
          (a->value != b->value || std::signbit(a->value) != std::signbit(b->value))) {
        return false;
      }
      if (a->unit != b->unit) return false;
      break;
    case Op::kVariable:
      if (a->name != b->name) return false;
      break;
    case Op::kCall:
      if (a->function != b->function) return false;
      break;
    default:
      break;
  }
  for (std::size_t i = 0; i < a->args.size(); ++i) {
    if (!same(a->args[i], b->args[i])) return false;
  }
  return true;
}

double eval(std::string_view text, const std::unordered_map<std::string, double>& values = {}) {
  return evaluate(parse(text), values);
}

// Parses `text`; the error's column, or 0 when it parses.
int error_column(std::string_view text, std::string* message = nullptr) {
  try {
    parse(text);
  } catch (const SyntaxError& e) {
    if (message) *message = e.what();
    return e.column();
  }
  return 0;
}

TEST(ParserTest, Precedence) {
  EXPECT_EQ(to_string(parse("1 + 2 * 3")), "1 + 2 * 3");
  EXPECT_EQ(to_string(parse("(1 + 2) * 3")), "(1 + 2) * 3");
  EXPECT_EQ(to_string(parse("a - b - c")), "a - b - c");
  EXPECT_EQ(to_string(parse("a - (b - c)")), "a - (b - c)");
  EXPECT_EQ(to_string(parse("a / b * c")), "a / b * c");
  EXPECT_EQ(to_string(parse("a || b && c < d + e * f")), "a || b && c < d + e * f");
  EXPECT_EQ(to_string(parse("(a || b) && c")), "(a || b) && c");
  EXPECT_DOUBLE_EQ(eval("2 + 3 * 4 ^ 2"), 50.0);
  EXPECT_DOUBLE_EQ(eval("1 < 2 && 3 >= 3 || 0"), 1.0);
  EXPECT_DOUBLE_EQ(eval("!0 + !5"), 1.0);
  EXPECT_DOUBLE_EQ(eval("2 != 3 == 1"), 1.0);
  EXPECT_DOUBLE_EQ(eval("10 - 4 - 3"), 3.0);
  EXPECT_DOUBLE_EQ(eval("24 / 4 / 2"), 3.0);
}

TEST(ParserTest, PowerIsRightAssociativeAndBindsTighterThanUnaryMinus) {
  const NodePtr e = parse("-x^2");
  ASSERT_EQ(e->op, Op::kNeg);
  EXPECT_EQ(e->args[0]->op, Op::kPow);
  EXPECT_DOUBLE_EQ(eval("-x^2", {{"x", 3}}), -9.0);
  EXPECT_DOUBLE_EQ(eval("-2^2"), -4.0);
  EXPECT_DOUBLE_EQ(eval("2^3^2"), 512.0);
  EXPECT_DOUBLE_EQ(eval("2^-1"), 0.5);
  EXPECT_DOUBLE_EQ(eval("2^-1^2"), 0.5);  // 2^(-(1^2))
  EXPECT_DOUBLE_EQ(eval("(-2)^2"), 4.0);
  EXPECT_DOUBLE_EQ(eval("pow(2, 10)"), 1024.0);
  EXPECT_EQ(parse("pow(a, b)")->op, Op::kPow);
}

TEST(ParserTest, NumbersAndUnits) {
  EXPECT_DOUBLE_EQ(eval("1e-3"), 1e-3);
  EXPECT_DOUBLE_EQ(eval("2.5E+2"), 250.0);
  EXPECT_DOUBLE_EQ(eval(".5"), 0.5);
  EXPECT_DOUBLE_EQ(eval("3."), 3.0);
  EXPECT_EQ(eval("1e999"), std::numeric_limits<double>::infinity());
  const NodePtr kg = parse("70[kg]");
  ASSERT_EQ(kg->op, Op::kConstant);
  EXPECT_EQ(kg->value, 70.0);
  EXPECT_EQ(kg->unit, "kg");
  const NodePtr rate = parse("0.5 [ 1/h ] * t");
  EXPECT_EQ(rate->args[0]->unit, "1/h");
  EXPECT_EQ(parse("3")->unit, "");
  const NodePtr negative = parse("-70[kg]");
  ASSERT_EQ(negative->op, Op::kConstant);
  EXPECT_EQ(negative->value, -70.0);
  EXPECT_EQ(negative->unit, "kg");
}

TEST(ParserTest, MinusBeforeALiteralMakesANegativeConstant) {
  EXPECT_EQ(parse("-2")->op, Op::kConstant);
  EXPECT_EQ(parse("-2")->value, -2.0);
  EXPECT_EQ(parse("-(2)")->op, Op::kNeg);
  EXPECT_EQ(parse("-2^2")->op, Op::kNeg);
  EXPECT_EQ(parse("--2")->op, Op::kNeg);
  EXPECT_EQ(parse("x - -2")->args[1]->value, -2.0);
}

TEST(ParserTest, FunctionsAndWhitespace) {
  EXPECT_DOUBLE_EQ(eval(" exp ( 0 ) + log(1)+log10( 100 )\t+ sqrt(4)\n"), 5.0);
  EXPECT_DOUBLE_EQ(eval("abs(-3) + sin(0) + cos(0) + tan(0) + tanh(0)"), 4.0);
  EXPECT_DOUBLE_EQ(eval("min(3, 1, 2) + max(3, 7, 5)"), 8.0);
  EXPECT_DOUBLE_EQ(eval("if(x > 1, 10, 20)", {{"x", 2}}), 10.0);
  EXPECT_DOUBLE_EQ(eval("if(x > 1, 10, 20)", {{"x", 0}}), 20.0);
  // min/max with more arguments fold into nested two-argument calls.
  const NodePtr m = parse("min(a, b, c)");
  ASSERT_EQ(m->op, Op::kCall);
  ASSERT_EQ(m->args.size(), 2u);
  EXPECT_EQ(m->args[0]->function, Function::kMin);
  EXPECT_EQ(parse("if(a, b, c)")->op, Op::kIf);
  // A function name without parentheses is a variable.
  EXPECT_EQ(parse("exp")->op, Op::kVariable);
  EXPECT_EQ(parse("x_1 * _y2")->args[1]->name, "_y2");
}

TEST(ParserTest, SyntaxErrorsReportColumn) {
  std::string message;
  EXPECT_EQ(error_column("(1 + 2", &message), 7);
  EXPECT_EQ(message, "expected ')', found end of expression");
  EXPECT_EQ(error_column("max(a b)", &message), 7);
  EXPECT_EQ(message, "expected ')', found 'b'");
  EXPECT_EQ(error_column("1 + $", &message), 5);
  EXPECT_EQ(message, "unexpected character '$'");
  EXPECT_EQ(error_column("1 +", &message), 4);
  EXPECT_EQ(message, "unexpected end of expression");
  EXPECT_EQ(error_column("", &message), 1);
  EXPECT_EQ(message, "unexpected end of expression");
  EXPECT_EQ(error_column("1 2", &message), 3);
  EXPECT_EQ(error_column("(1))", &message), 4);
  EXPECT_EQ(message, "unexpected character ')'");
  EXPECT_EQ(error_column("a = b"), 3);
  EXPECT_EQ(error_column("a & b"), 3);
  EXPECT_EQ(error_column("1 + exq(2)", &message), 5);
  EXPECT_EQ(message, "unknown function 'exq' (did you mean 'exp'?)");
  EXPECT_EQ(error_column("2 * frobnicate(2)", &message), 5);
  EXPECT_EQ(message, "unknown function 'frobnicate'");
  EXPECT_EQ(error_column("  exp(1, 2)", &message), 3);
  EXPECT_EQ(message, "function 'exp' takes 1 argument, got 2");
  EXPECT_EQ(error_column("x + max(1)", &message), 5);
  EXPECT_EQ(message, "function 'max' takes 2 or more arguments, got 1");
  EXPECT_EQ(error_column("pow(1)", &message), 1);
  EXPECT_EQ(message, "function 'pow' takes 2 arguments, got 1");
  EXPECT_EQ(error_column("if(a, b)"), 1);
  EXPECT_EQ(error_column("sin()"), 1);
  EXPECT_EQ(error_column("1e+", &message), 4);
  EXPECT_EQ(error_column("70[kg", &message), 3);
  EXPECT_EQ(error_column("70[ ]"), 3);
  EXPECT_EQ(error_column("f(1,)"), 5);
  // Deep nesting is an error, not a stack overflow; moderate nesting is fine.
  EXPECT_EQ(error_column(std::string(100, '(') + "1" + std::string(100, ')')), 0);
  EXPECT_GT(error_column(std::string(100000, '(') + "1" + std::string(100000, ')'), &message), 0);
  EXPECT_EQ(message, "expression nested too deeply");
  EXPECT_GT(error_column(std::string(100000, '-') + "1"), 0);
}

TEST(ToStringTest, RoundTripsWrittenExpressions) {
  const std::vector<std::string> sources = {
      "1 + 2 * 3",
      "-x^2",
      "(-x)^2",
      "2^3^2",
      "(2^3)^2",
      "2^-1",
      "x^-y^z",
      "-2",
      "-(2)",
      "--2",
      "-(-x)",
      "x - -2",
      "x * -2",
      "(-2)^x",
      "-2^x",
      "a - (b - c)",
      "a / (b / c)",
      "a / (b * c)",
      "!(a < b)",
      "!!a",
      "!-a",
      "-!a",
      "(a && b) || c",
      "a && (b || c)",
      "(a < b) < c",
      "a < (b < c)",
      "70[kg] * w",
      "-0.5[1/h]",
      "if(a > 0, b, -c)",
      "min(a, b, c)",
      "pow(x, 0.5)",
      "exp(-t / tau)",
      "1e-300 * x",
      "1.7976931348623157e308 - y",
      "0.1 + 0.2",
      "log10(abs(x)) + sqrt(tanh(y))",
      "x^(-1)",
      "-(x * y)",
      "(x + y)^2",
      "x^2^-3",
      "1e999",
      "-0",
  };
  for (const auto& source : sources) {
    const NodePtr tree = parse(source);
    const std::string text = to_string(tree);
    EXPECT_TRUE(same(tree, parse(text))) << source << " printed as " << text;
  }
  EXPECT_EQ(to_string(parse("(x^2)")), "x^2");
  EXPECT_EQ(to_string(parse("((a + b)) * (c)")), "(a + b) * c");
  EXPECT_EQ(to_string(binary(Op::kPow, constant(-2), constant(-1))), "(-2)^-1");
}

// Random trees built with the builders (so they contain shapes the parser never makes, such as
// -(constant) and negative constants everywhere) survive to_string -> parse.
NodePtr random_tree(std::mt19937_64& rng, int depth) {
  std::uniform_int_distribution<int> pick(0, 99);
  const int r = pick(rng);
  if (depth == 0 || r < 15) {
    if (r % 3 == 0) return variable(std::string(1, static_cast<char>('a' + r % 5)));
    const double values[] = {0.0, -0.0, 1.0, -1.0, 2.5, -3e-7, 1e300, -12345.678, 0.1};
    return constant(values[r % 9]);
  }
  auto sub = [&] { return random_tree(rng, depth - 1); };
  const Op binaries[] = {Op::kAdd,      Op::kSub,       Op::kMul,     Op::kDiv,          Op::kPow,
                         Op::kLess,     Op::kLessEqual, Op::kGreater, Op::kGreaterEqual, Op::kEqual,
                         Op::kNotEqual, Op::kAnd,       Op::kOr};
  if (r < 65) return binary(binaries[r % 13], sub(), sub());
  if (r < 75) return unary(r % 2 ? Op::kNeg : Op::kNot, sub());
  if (r < 80) return if_then_else(sub(), sub(), sub());
  if (r < 85) return call(r % 2 ? Function::kMin : Function::kMax, {sub(), sub()});
  return call(static_cast<Function>(r % 9), {sub()});
}

TEST(ToStringTest, RoundTripsRandomTrees) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    const NodePtr tree = random_tree(rng, 5);
    const std::string text = to_string(tree);
    NodePtr back;
    ASSERT_NO_THROW(back = parse(text)) << text;
    ASSERT_TRUE(same(tree, back)) << text << " reads back as " << to_string(back);
  }
}

TEST(SimplifyTest, FoldsConstantsAndIdentities) {
  auto s = [](std::string_view text) { return to_string(simplify(parse(text))); };
  EXPECT_EQ(s("2 * 3 + 1"), "7");
  EXPECT_EQ(s("exp(0) + sqrt(16) + max(1, 2, 3)"), "8");
  EXPECT_EQ(s("x + 0"), "x");
  EXPECT_EQ(s("0 + x"), "x");
  EXPECT_EQ(s("x - 0"), "x");
  EXPECT_EQ(s("0 - x"), "-x");
  EXPECT_EQ(s("0 - (x + y)"), "-(x + y)");
  EXPECT_EQ(s("x * 1"), "x");
  EXPECT_EQ(s("1 * x"), "x");
  EXPECT_EQ(s("x * 0"), "0");
  EXPECT_EQ(s("0 * exp(x)"), "0");
  EXPECT_EQ(s("x / 1"), "x");
  EXPECT_EQ(s("0 / x"), "0");
  EXPECT_EQ(s("x^0"), "1");
  EXPECT_EQ(s("x^1"), "x");
  EXPECT_EQ(s("-(-x)"), "x");
  EXPECT_EQ(s("-(3)"), "-3");
  EXPECT_EQ(s("-(-(3))"), "3");
  EXPECT_EQ(s("if(1, a, b)"), "a");
  EXPECT_EQ(s("if(2 < 1, a, b)"), "b");
  EXPECT_EQ(s("if(c, 2, 1 + 1)"), "2");
  EXPECT_EQ(s("x - -y"), "x + y");
  EXPECT_EQ(s("(x * 1 + 0) * (2 - 1)^y"), "x");
  EXPECT_EQ(s("a * b + c"), "a * b + c");
  // Non-finite results stay written out, so the domain problem stays visible.
  EXPECT_EQ(s("log(0 - 1)"), "log(-1)");
  EXPECT_EQ(s("1 / 0"), "1 / 0");
  EXPECT_EQ(s("0 / 0"), "0 / 0");
}

bool finite_everywhere(const NodePtr& node, const std::unordered_map<std::string, double>& values) {
  if (!std::isfinite(evaluate(node, values))) return false;
  for (const auto& arg : node->args) {
    if (!finite_everywhere(arg, values)) return false;
  }
  return true;
}

TEST(SimplifyTest, KeepsValuesAndIsLinearOnSharedSubtrees) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.5, 2.0);
  int compared = 0;
  for (int i = 0; i < 500; ++i) {
    const NodePtr tree = random_tree(rng, 4);
    std::unordered_map<std::string, double> values;
    for (char c = 'a'; c <= 'e'; ++c) values[std::string(1, c)] = u(rng);
    // Identities such as 0 * x -> 0 may give a value where the original has none (NaN or inf
    // somewhere inside); compare only where every subexpression is finite.
    if (!finite_everywhere(tree, values)) continue;
    ++compared;
    const double before = evaluate(tree, values);
    const double after = evaluate(simplify(tree), values);
    EXPECT_NEAR(after, before, 1e-12 * std::max(1.0, std::fabs(before))) << to_string(tree);
  }
  EXPECT_GT(compared, 150);
  // A DAG with 2^60 paths simplifies in an instant.
  NodePtr e = binary(Op::kAdd, variable("x"), constant(0));
  for (int i = 0; i < 60; ++i) e = binary(Op::kMul, binary(Op::kAdd, e, constant(0)), e);
  const NodePtr simple = simplify(e);
  EXPECT_EQ(simple->op, Op::kMul);
  EXPECT_EQ(simple->args[0], simple->args[1]);  // sharing survives
}

TEST(ExpressionTest, ReferencedNamesAndSubstitute) {
  const NodePtr e = parse("k * (x + y) - exp(k) + if(z, 1, x)");
  EXPECT_EQ(referenced_names(e), (std::set<std::string>{"k", "x", "y", "z"}));
  EXPECT_TRUE(referenced_names(parse("1 + 2")).empty());
  const NodePtr s = substitute(e, {{"x", parse("a * 2")}, {"z", constant(0)}});
  EXPECT_EQ(to_string(s), "k * (a * 2 + y) - exp(k) + if(0, 1, a * 2)");
  EXPECT_EQ(substitute(e, {{"unused", constant(1)}}), e);  // unchanged trees are shared
}

TEST(ExpressionTest, EvaluateUnknownVariableThrowsWithName) {
  try {
    evaluate(parse("1 + mass"), {{"m", 1.0}});
    FAIL() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("mass"), std::string::npos);
  }
  // An unknown name in the untaken branch is reported too.
  EXPECT_THROW(evaluate(parse("if(1, 2, nope)"), {}), std::out_of_range);
  EXPECT_EQ(evaluate(parse("if(x < 0, sqrt(x), 0)"), {{"x", 4.0}}), 0.0);
  EXPECT_EQ(evaluate(parse("if(x > 0, sqrt(x), 0 * log(x))"), {{"x", 4.0}}), 2.0);
}

TEST(ExpressionTest, LogicTreatsNonZeroAsTrue) {
  EXPECT_EQ(eval("2 && -1"), 1.0);
  EXPECT_EQ(eval("0 || 0"), 0.0);
  EXPECT_EQ(eval("!0.5"), 0.0);
  EXPECT_EQ(eval("if(0.1, 3, 4)"), 3.0);
}

}  // namespace
}  // namespace smartnano::expr
