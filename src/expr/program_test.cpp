// Tests of Program: agreement with the reference evaluator, sharing of common subexpressions,
// reads of slots written by earlier assignments, errors, and concurrent runs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "smartnano/expr/expression.h"
#include "smartnano/expr/program.h"

namespace smartnano::expr {
namespace {

const std::unordered_map<std::string, int> kSlots = {{"a", 0},   {"b", 1},    {"c", 2}, {"d", 3},
                                                     {"out", 4}, {"out2", 5}, {"t", 6}};
constexpr int kNamedSlots = 7;

Program compile_one(std::string_view text) {
  return Program::compile({{kSlots.at("out"), parse(text)}}, kSlots, kNamedSlots);
}

bool same_bits(double x, double y) {
  return (std::isnan(x) && std::isnan(y)) || std::memcmp(&x, &y, sizeof x) == 0;
}

// Runs `program` with a..d set and returns the memory block.
std::vector<double> run_with(const Program& program, const std::vector<double>& inputs) {
  std::vector<double> memory(program.memory_size(), -999.0);
  std::copy(inputs.begin(), inputs.end(), memory.begin());
  program.run(memory.data());
  return memory;
}

// Expressions without pow exponents that compile to multiplications: every operation is the
// same IEEE operation in the same order as in evaluate(), so results are equal bit for bit.
const std::vector<std::string> kExactBattery = {
    "a + b * c - d / a",
    "(a + b) * (a + b) - exp(a + b) / (a + b)",
    "a^b + pow(c, d) + b^2.5",
    "log(a) + log10(b) + sqrt(c) + abs(d) + sin(a) + cos(b) + tan(c) + tanh(d)",
    "min(a, b, c) - max(d, a, 0.5)",
    "if(a > b, a - b, b - a) + if(c <= d && a != b, 1, 2) + if(!(a < 0) || b == c, 3, 4)",
    "if(a < b, sqrt(a - b), log(b - a))",  // NaN in the untaken branch
    "-(-a) + -(b * c) - -(3)",
    "a * 1 + 1 * b + c / 1 + d^1 + (2 * 3 - 6) * a",
    "exp(-a / b) * (1 - exp(-c)) / (1 + exp(-c))",
    "0.6 * a / (20 + a) - 0.01 * a + 0.005 * b",
    "(a < b) + (a <= b) + (a > b) + (a >= b) + (a == a) + (a != b)",
    "if(1 > 2, nothing_here_is_compiled, a)",  // checked name? see UndefinedNames test
};

// Expressions whose powers compile to multiplications, division and sqrt. x*x*x and 1/(x*x)
// round once per operation, std::pow once in total, so each such power differs from
// evaluate()'s by at most ~2 ulp = 4.4e-16 relative; the expressions below add or multiply
// such terms without cancellation (positive inputs), which keeps the total within 1e-15.
const std::vector<std::string> kPowerBattery = {
    "a^2 + b^3 + c^4",       "a^-1 + b^-2 + c^-3 + d^-4", "sqrt(a) * b^0.5 + pow(c, 0.5)",
    "(a + b)^2 * (a + b)^3", "a / (1 + (a / b)^4)^0.5",   "a^0 + b^1 + c^-0.5",
};

TEST(ProgramTest, MatchesEvaluateOnRandomInputs) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-3.0, 3.0);
  std::unordered_map<std::string, int> slots = kSlots;
  slots["nothing_here_is_compiled"] = kSlots.at("t");
  auto check = [&](const std::vector<std::string>& battery, bool exact, bool positive) {
    for (const auto& text : battery) {
      const NodePtr tree = parse(text);
      const Program program = Program::compile({{kSlots.at("out"), tree}}, slots, kNamedSlots);
      for (int trial = 0; trial < 200; ++trial) {
        std::vector<double> in(4);
        for (double& x : in) x = positive ? std::fabs(u(rng)) + 0.1 : u(rng);
        if (trial == 0) in = {1.0, 1.0, 0.0, -0.0};  // ties and signed zeros
        const double reference = evaluate(tree, {{"a", in[0]},
                                                 {"b", in[1]},
                                                 {"c", in[2]},
                                                 {"d", in[3]},
                                                 {"nothing_here_is_compiled", 0}});
        const double got = run_with(program, in)[kSlots.at("out")];
        if (exact || !std::isfinite(reference)) {
          EXPECT_TRUE(same_bits(got, reference)) << text << ": " << got << " vs " << reference;
        } else {
          EXPECT_NEAR(got, reference, 1e-15 * std::fabs(reference)) << text;
        }
      }
    }
  };
  check(kExactBattery, true, false);
  check(kPowerBattery, false, true);
}

TEST(ProgramTest, MatchesEvaluateOnDerivatives) {
  // Derivatives are larger DAGs with many shared subtrees; pow-free ones must match bit for bit.
  // (No division or tanh here: their derivatives contain squares, which compile to x * x.)
  const std::vector<std::string> battery = {"exp(-a * b) * sin(c * a) * (1 + a * a)",
                                            "log(a * a + b * b + 1) * cos(a - c)",
                                            "if(a > b, a * b * c, exp(a) * d)"};
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-2.0, 2.0);
  for (const auto& text : battery) {
    const NodePtr tree = parse(text);
    std::vector<Assignment> assignments;
    std::vector<NodePtr> derivatives;
    for (const char* v : {"a", "b", "c", "d"}) {
      derivatives.push_back(differentiate(tree, v));
    }
    // Slots 4..6 and 0 reused as outputs would clobber inputs, so use a wider block.
    std::unordered_map<std::string, int> slots = {{"a", 0}, {"b", 1}, {"c", 2}, {"d", 3}};
    for (int i = 0; i < 4; ++i) assignments.push_back({4 + i, derivatives[i]});
    const Program program = Program::compile(assignments, slots, 8);
    for (int trial = 0; trial < 100; ++trial) {
      std::vector<double> in = {u(rng), u(rng), u(rng), u(rng)};
      const auto memory = run_with(program, in);
      for (int i = 0; i < 4; ++i) {
        const double reference =
            evaluate(derivatives[i], {{"a", in[0]}, {"b", in[1]}, {"c", in[2]}, {"d", in[3]}});
        EXPECT_TRUE(same_bits(memory[4 + i], reference)) << to_string(derivatives[i]);
      }
    }
  }
}

TEST(ProgramTest, SharesCommonSubexpressions) {
  // (a + b) appears four times, (a + b) * c twice: three instructions for the shared parts.
  const Program shared = compile_one("(a + b) * c + exp((a + b) * c) + (b + a) / (a + b)");
  // add, mul, exp, add, div, add = 6 (b + a is the same value as a + b).
  EXPECT_EQ(shared.instruction_count(), 6u);
  const Program distinct = compile_one("(a + b) * c + exp((a + d) * c) + (b - a) / (a + c)");
  EXPECT_GT(distinct.instruction_count(), shared.instruction_count());
  // Sharing across assignments.
  const Program across = Program::compile(
      {{4, parse("exp(a * b) + c")}, {5, parse("exp(a * b) - c")}}, kSlots, kNamedSlots);
  EXPECT_EQ(across.instruction_count(), 4u);  // mul, exp, add, sub
  const auto memory = run_with(across, {0.5, 2.0, 1.0, 0.0});
  EXPECT_DOUBLE_EQ(memory[4], std::exp(1.0) + 1.0);
  EXPECT_DOUBLE_EQ(memory[5], std::exp(1.0) - 1.0);
}

TEST(ProgramTest, FoldsConstantsAndLowersSmallPowers) {
  EXPECT_EQ(compile_one("2 * 3 + a").instruction_count(), 1u);
  EXPECT_EQ(compile_one("exp(0) * log(1 + 1) * a").instruction_count(), 1u);
  EXPECT_EQ(compile_one("a * 1 + 0 * 0").instruction_count(), 1u);  // a + 0: one add (a copy)
  EXPECT_EQ(compile_one("if(3 > 2, a * b, a / b)").instruction_count(), 1u);
  EXPECT_EQ(compile_one("a^2").instruction_count(), 1u);    // a * a
  EXPECT_EQ(compile_one("a^4").instruction_count(), 2u);    // s = a * a; s * s
  EXPECT_EQ(compile_one("a^-2").instruction_count(), 2u);   // 1 / (a * a)
  EXPECT_EQ(compile_one("a^0.5").instruction_count(), 1u);  // sqrt
  EXPECT_EQ(compile_one("a^2 + a * a").instruction_count(), 2u);
  EXPECT_EQ(compile_one("a^2.5").instruction_count(), 1u);  // pow
  EXPECT_EQ(compile_one("7").instruction_count(), 1u);      // copy of a constant
  EXPECT_EQ(run_with(compile_one("2^10 + a^3"), {2.0})[4], 1032.0);
  EXPECT_EQ(run_with(compile_one("a^-1"), {4.0})[4], 0.25);
  EXPECT_EQ(run_with(compile_one("a^0.5"), {9.0})[4], 3.0);
}

TEST(ProgramTest, LaterAssignmentsReadEarlierTargets) {
  // t = a * b; a = t + 1; out = a * b (new a!); out2 = t * 2 with t still a * b of the old a.
  const std::vector<Assignment> assignments = {
      {6, parse("a * b")}, {0, parse("t + 1")}, {4, parse("a * b")}, {5, parse("(a * b) * 2")}};
  const Program program = Program::compile(assignments, kSlots, kNamedSlots);
  const auto memory = run_with(program, {3.0, 5.0});
  EXPECT_EQ(memory[6], 15.0);
  EXPECT_EQ(memory[0], 16.0);
  EXPECT_EQ(memory[4], 80.0);
  EXPECT_EQ(memory[5], 160.0);
}

TEST(ProgramTest, ValueLivingInAnOverwrittenSlotIsRecomputed) {
  // t = exp(a) is computed straight into slot t; after t is overwritten, exp(a) must be
  // computed again rather than read from t.
  const std::vector<Assignment> assignments = {{6, parse("exp(a)")},     {6, parse("t * 0 + 2")},
                                               {4, parse("exp(a) + t")}, {5, parse("-(-(t))")},
                                               {6, parse("-t")},         {1, parse("-t")}};
  const Program program = Program::compile(assignments, kSlots, kNamedSlots);
  const auto memory = run_with(program, {1.0, 0.0});
  EXPECT_EQ(memory[4], std::exp(1.0) + 2.0);
  EXPECT_EQ(memory[5], 2.0);
  EXPECT_EQ(memory[6], -2.0);
  EXPECT_EQ(memory[1], 2.0);  // -t of the new t, not the old -t
}

TEST(ProgramTest, NegationOfANegationWhoseOperandWasOverwritten) {
  // out2 = -t; t = 3; out = -out2 must give the old t, not read t again.
  const Program program = Program::compile({{5, parse("-t")}, {6, parse("3")}, {4, parse("-out2")}},
                                           kSlots, kNamedSlots);
  std::vector<double> memory(program.memory_size());
  memory[6] = 7.0;
  program.run(memory.data());
  EXPECT_EQ(memory[4], 7.0);
  EXPECT_EQ(memory[6], 3.0);
}

TEST(ProgramTest, SequentialSemanticsOnRandomAssignmentChains) {
  // Random chains of assignments over few slots, compared with evaluate() applied in order.
  std::mt19937_64 rng(99);
  const std::vector<std::string> names = {"a", "b", "c", "d"};
  const std::vector<std::string> shapes = {
      "{0} * {1}", "{0} + {1} * {0}", "exp({0} - {1})", "{0} * {1} + 1", "-{0}",
      "{1}",       "({0} * {1}) / 3"};
  std::uniform_int_distribution<int> pick_name(0, 3), pick_shape(0, 6);
  for (int program_index = 0; program_index < 200; ++program_index) {
    std::vector<Assignment> assignments;
    for (int i = 0; i < 8; ++i) {
      std::string text = shapes[pick_shape(rng)];
      const std::string x = names[pick_name(rng)], y = names[pick_name(rng)];
      for (std::size_t p; (p = text.find("{0}")) != std::string::npos;) text.replace(p, 3, x);
      for (std::size_t p; (p = text.find("{1}")) != std::string::npos;) text.replace(p, 3, y);
      assignments.push_back({pick_name(rng), parse(text)});
    }
    const Program program = Program::compile(assignments, kSlots, kNamedSlots);
    std::vector<double> in = {0.3, -0.7, 1.1, 0.2};
    const auto memory = run_with(program, in);
    std::unordered_map<std::string, double> values = {
        {"a", in[0]}, {"b", in[1]}, {"c", in[2]}, {"d", in[3]}};
    for (const auto& assignment : assignments) {
      values[names[assignment.target]] = evaluate(assignment.expression, values);
    }
    for (int s = 0; s < 4; ++s) EXPECT_TRUE(same_bits(memory[s], values[names[s]]));
  }
}

TEST(ProgramTest, UndefinedNamesAndBadSlotsThrow) {
  try {
    compile_one("a + mass * 2");
    FAIL() << "no exception";
  } catch (const UndefinedNameError& e) {
    EXPECT_EQ(e.name(), "mass");
    EXPECT_STREQ(e.what(), "undefined name 'mass'");
  }
  EXPECT_THROW(compile_one("if(1, a, typo)"), UndefinedNameError);  // untaken branch too
  EXPECT_THROW(Program::compile({{kNamedSlots, parse("a")}}, kSlots, kNamedSlots),
               std::invalid_argument);
  EXPECT_THROW(Program::compile({{-1, parse("a")}}, kSlots, kNamedSlots), std::invalid_argument);
  EXPECT_THROW(Program::compile({}, {{"x", 3}}, 3), std::invalid_argument);
}

TEST(ProgramTest, EmptyProgramAndSelfAssignment) {
  const Program empty = Program::compile({}, kSlots, kNamedSlots);
  EXPECT_EQ(empty.instruction_count(), 0u);
  EXPECT_EQ(empty.memory_size(), static_cast<std::size_t>(kNamedSlots));
  const Program self = Program::compile({{0, parse("a")}}, kSlots, kNamedSlots);
  EXPECT_EQ(self.instruction_count(), 0u);
  const Program copy = Program::compile({{1, parse("a")}}, kSlots, kNamedSlots);
  EXPECT_EQ(run_with(copy, {4.0, 0.0})[1], 4.0);
  Program default_constructed;
  default_constructed.run(nullptr);  // nothing to do
}

TEST(ProgramTest, RunsConcurrentlyOnSeparateMemory) {
  const Program program = Program::compile(
      {{6, parse("exp(-a) * b")}, {4, parse("t * c + sqrt(abs(d)) + t^2")}}, kSlots, kNamedSlots);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      std::vector<double> memory(program.memory_size());
      for (int i = 0; i < 20000; ++i) {
        const double a = 0.001 * i + k, b = 2.0, c = -1.0, d = k;
        memory[0] = a, memory[1] = b, memory[2] = c, memory[3] = d;
        program.run(memory.data());
        const double t = std::exp(-a) * b;
        const double expected = t * c + std::sqrt(std::fabs(d)) + t * t;
        failures[k] += memory[4] != expected;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int k = 0; k < 4; ++k) EXPECT_EQ(failures[k], 0) << "thread " << k;
}

}  // namespace
}  // namespace smartnano::expr
