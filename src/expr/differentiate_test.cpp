// Tests of differentiate(): exact forms for simple expressions, and agreement with central
// finite differences for a battery of expressions at random points.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "smartnano/expr/expression.h"
#include "smartnano/expr/program.h"

namespace smartnano::expr {
namespace {

std::string d(std::string_view text, std::string_view variable = "x") {
  return to_string(differentiate(parse(text), variable));
}

TEST(DifferentiateTest, ExactFormsOfSimpleExpressions) {
  EXPECT_EQ(d("x"), "1");
  EXPECT_EQ(d("y"), "0");
  EXPECT_EQ(d("7"), "0");
  EXPECT_EQ(d("3 * x"), "3");
  EXPECT_EQ(d("x * y"), "y");
  EXPECT_EQ(d("x * y", "y"), "x");
  EXPECT_EQ(d("x + y + 1"), "1");
  EXPECT_EQ(d("y - x"), "-1");
  EXPECT_EQ(d("x^2"), "2 * x");
  EXPECT_EQ(d("x^3"), "3 * x^2");
  EXPECT_EQ(d("pow(x, 0.5)"), "0.5 * x^-0.5");
  EXPECT_EQ(d("x^n"), "n * x^(n - 1)");
  EXPECT_EQ(d("2^x"), "2^x * 0.6931471805599453");  // log(2) folded
  EXPECT_EQ(d("x^x"), "x^x * (log(x) + x / x)");
  EXPECT_EQ(d("x / y"), "1 / y");
  EXPECT_EQ(d("1 / x"), "-(1 / x^2)");
  EXPECT_EQ(d("-x"), "-1");
  EXPECT_EQ(d("exp(x)"), "exp(x)");
  EXPECT_EQ(d("exp(2 * x)"), "exp(2 * x) * 2");
  EXPECT_EQ(d("log(x)"), "1 / x");
  EXPECT_EQ(d("log10(x)"), "1 / (x * 2.302585092994046)");
  EXPECT_EQ(d("sqrt(x)"), "1 / (2 * sqrt(x))");
  EXPECT_EQ(d("sin(x)"), "cos(x)");
  EXPECT_EQ(d("cos(x)"), "-sin(x)");
  EXPECT_EQ(d("tan(x)"), "1 + tan(x)^2");
  EXPECT_EQ(d("tanh(x)"), "1 - tanh(x)^2");
  EXPECT_EQ(d("abs(x)"), "if(x >= 0, 1, -1)");
  EXPECT_EQ(d("min(x, y)"), "if(x <= y, 1, 0)");
  EXPECT_EQ(d("max(x, 2 * x)"), "if(x >= 2 * x, 1, 2)");
  EXPECT_EQ(d("if(y > 0, x^2, 3 * x)"), "if(y > 0, 2 * x, 3)");
  EXPECT_EQ(d("if(x > 0, 1, 2)"), "0");
  EXPECT_EQ(d("(x < 1) + (x && y) + !x"), "0");
  EXPECT_EQ(d("k * exp(-k * t)", "x"), "0");
}

// f(x + h) - f(x - h) over 2h.
double central_difference(const NodePtr& f, std::unordered_map<std::string, double> at,
                          const std::string& variable, double h) {
  const double x = at[variable];
  at[variable] = x + h;
  const double plus = evaluate(f, at);
  at[variable] = x - h;
  const double minus = evaluate(f, at);
  return (plus - minus) / (2 * h);
}

TEST(DifferentiateTest, AgreesWithFiniteDifferences) {
  // x, y in [0.5, 2], z in [-2, -0.5]: away from the domain edges of log, sqrt and 1/x. The
  // piecewise expressions have their kinks at points of probability ~0 within h of the sample.
  const std::vector<std::string> battery = {
      "x^3 - 2 * x * y + y^2",
      "exp(-x * y) * sin(3 * x)",
      "log(x * y + 1) / sqrt(x + y)",
      "x^y",
      "y^x",
      "(x + y)^(x * y)",
      "pow(x, -2.5) + x^0.5",
      "log10(x^2 + y)",
      "tan(x / 2) + tanh(x - y)",
      "cos(x * y)^2 + sin(x)^2",
      "abs(x - y) + abs(z)",
      "min(x, y) * max(x^2, y) + min(x, y, z)",
      "if(x > y, x^2 * y, sqrt(x) / y)",
      "if(x < 1 && y > 1, exp(x), log(y))",
      "x / (1 + (x / y)^20)^(1 / 20)",
      "-x^2 + 1 / (x * y * z)",
      "0.6 * x / (20 + x)",
      "z * exp(x) / (y - z)^2",
  };
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> positive(0.5, 2.0);
  std::uniform_real_distribution<double> negative(-2.0, -0.5);
  for (const auto& text : battery) {
    const NodePtr f = parse(text);
    for (const std::string variable : {"x", "y", "z"}) {
      const NodePtr df = differentiate(f, variable);
      for (int trial = 0; trial < 20; ++trial) {
        const std::unordered_map<std::string, double> at = {
            {"x", positive(rng)}, {"y", positive(rng)}, {"z", negative(rng)}};
        const double exact = evaluate(df, at);
        // h = 1e-5 balances the O(h^2 f''') truncation error (~1e-10 * |f'''|) against
        // rounding, ~1e-16 |f| / h = 1e-11 |f|; with |f|, |f'''| below ~1e3 on these domains
        // the difference is within ~1e-7, so 1e-6 (relative above 1) is a safe margin that
        // still catches any wrong rule (those are off by O(1)).
        const double numeric = central_difference(f, at, variable, 1e-5);
        EXPECT_NEAR(exact, numeric, 1e-6 * std::max(1.0, std::fabs(numeric)))
            << "d/d" << variable << " " << text << " = " << to_string(df) << " at x=" << at.at("x")
            << " y=" << at.at("y") << " z=" << at.at("z");
      }
    }
  }
}

TEST(DifferentiateTest, MinMaxWithManyArgumentsBuiltDirectly) {
  const NodePtr f = call(Function::kMax, {variable("x"), constant(1.0), variable("y")});
  const NodePtr df = differentiate(f, "x");
  EXPECT_EQ(evaluate(df, {{"x", 3.0}, {"y", 2.0}}), 1.0);
  EXPECT_EQ(evaluate(df, {{"x", 0.0}, {"y", 2.0}}), 0.0);
}

TEST(DifferentiateTest, SharedSubtreesKeepTheCostLinear) {
  // f_{k+1} = sin(f_k) * f_k, 40 times: 2^40 paths, but a small DAG; the derivative must be a
  // small DAG too (checked by compiling it) and still be right.
  NodePtr f = variable("x");
  for (int i = 0; i < 40; ++i) f = binary(Op::kMul, call(Function::kSin, {f}), f);
  const NodePtr df = differentiate(f, "x");
  const std::unordered_map<std::string, int> slots = {{"x", 0}, {"f", 1}, {"df", 2}};
  const Program program = Program::compile({{1, f}, {2, df}}, slots, 3);
  EXPECT_LT(program.instruction_count(), 400u);
  std::vector<double> memory(program.memory_size());
  auto at = [&](double x) {
    memory[0] = x;
    program.run(memory.data());
    return std::pair(memory[1], memory[2]);
  };
  const double x = 0.7, h = 1e-6;
  const double numeric = (at(x + h).first - at(x - h).first) / (2 * h);
  EXPECT_NEAR(at(x).second, numeric, 1e-6 * std::max(1.0, std::fabs(numeric)));
}

}  // namespace
}  // namespace smartnano::expr
