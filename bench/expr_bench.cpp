// Cost of one ODE right-hand side of the reference model NP-PBPK-16
// (bench/reference-model.md), evaluated three ways:
//   Tree    - the reference tree-walking evaluate(), variables looked up by name;
//   Program - the compiled register program (Program::run), states copied in, derivatives out;
//   Native  - the same equations hand-written in C++.
// Prints the ratios Program/Native and Tree/Program after the table.
//
// Build (not wired into CMake), from the repository root:
//   g++ -O2 -std=c++20 -I include bench/expr_bench.cpp src/expr/{parser,expression,
//       differentiate,program}.cpp src/core/error.cpp -lbenchmark -lpthread -lfmt -o expr_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "smartnano/expr/expression.h"
#include "smartnano/expr/program.h"

namespace {

using smartnano::expr::Assignment;
using smartnano::expr::NodePtr;
using smartnano::expr::Program;

// Parameters at their typical values (input = infusion rate during the first hour: 90 mg/h).
const std::vector<std::pair<std::string, double>> kParameters = {
    {"V_p", 3.0},    {"V_fp", 15.0},  {"V_r", 1000.0}, {"V_h", 0.3},   {"V_l", 1.8},
    {"V_t", 0.05},   {"Vmax_l", 0.6}, {"Km_l", 20.0},  {"CLs", 0.01},  {"PSo", 0.01},
    {"kob", 0.005},  {"PSt", 0.002},  {"ktb", 0.01},   {"krp", 0.001}, {"krl", 0.05},
    {"krs", 0.05},   {"kro", 0.01},   {"krt", 0.02},   {"CLf", 30.0},  {"Qr", 60.0},
    {"Kpr", 1.0},    {"Qh", 15.0},    {"Kph", 20.0},   {"Ql", 90.0},   {"Kpl", 30.0},
    {"Qt", 0.1},     {"Kpt", 10.0},   {"kin", 0.5},    {"kout", 0.05}, {"kkill", 0.0004},
    {"lam0", 0.004}, {"lam1", 0.02},  {"ktr", 0.02},   {"psi", 20.0},  {"input", 90.0}};

// States at a plausible mid-simulation point.
const std::vector<std::pair<std::string, double>> kStates = {
    {"Ep", 50.0}, {"El", 5.0}, {"Es", 2.0}, {"Eo", 3.0},   {"Et", 0.5},  {"Fp", 1.0},
    {"Fr", 20.0}, {"Fh", 0.1}, {"Fl", 0.5}, {"Ft", 0.02},  {"Fc", 0.05}, {"W0", 50.0},
    {"W1", 1.0},  {"W2", 0.5}, {"W3", 0.2}, {"AUCc", 10.0}};

// Derived quantities, in order (each may read the ones before).
const std::vector<std::pair<std::string, std::string>> kDerived = {
    {"Cp", "Ep / V_p"},
    {"Cfp", "Fp / V_fp"},
    {"uptake_l", "Vmax_l * Cp / (Km_l + Cp)"},
    {"E", "kkill * Fc / V_t"},
    {"Wtot", "W0 + W1 + W2 + W3"},
};

// d(state)/dt, in the order of kStates.
const std::vector<std::string> kDerivatives = {
    "-uptake_l - CLs * Cp - PSo * Cp + kob * Eo - PSt * Cp + ktb * Et - krp * Ep + input",
    "uptake_l - krl * El",
    "CLs * Cp - krs * Es",
    "PSo * Cp - kob * Eo - kro * Eo",
    "PSt * Cp - ktb * Et - krt * Et",
    "krp * Ep + kro * Eo + krs * Es - CLf * Cfp - Qr * (Cfp - Fr / (V_r * Kpr))"
    " - Qh * (Cfp - Fh / (V_h * Kph)) - Ql * (Cfp - Fl / (V_l * Kpl))"
    " - Qt * (Cfp - Ft / (V_t * Kpt))",
    "Qr * (Cfp - Fr / (V_r * Kpr))",
    "Qh * (Cfp - Fh / (V_h * Kph))",
    "Ql * (Cfp - Fl / (V_l * Kpl)) + krl * El",
    "Qt * (Cfp - Ft / (V_t * Kpt)) + krt * Et - kin * Ft + kout * Fc",
    "kin * Ft - kout * Fc",
    "lam0 * W0 / (1 + (lam0 / lam1 * Wtot)^psi)^(1 / psi) - E * W0",
    "E * W0 - ktr * W1",
    "ktr * (W1 - W2)",
    "ktr * (W2 - W3)",
    "Fc / V_t",
};

constexpr int kN = 16;

// The hand-written right-hand side; p in kParameters order.
void native_rhs(const double* p, const double* y, double* dy) {
  const double V_p = p[0], V_fp = p[1], V_r = p[2], V_h = p[3], V_l = p[4], V_t = p[5];
  const double Vmax_l = p[6], Km_l = p[7], CLs = p[8], PSo = p[9], kob = p[10], PSt = p[11];
  const double ktb = p[12], krp = p[13], krl = p[14], krs = p[15], kro = p[16], krt = p[17];
  const double CLf = p[18], Qr = p[19], Kpr = p[20], Qh = p[21], Kph = p[22], Ql = p[23];
  const double Kpl = p[24], Qt = p[25], Kpt = p[26], kin = p[27], kout = p[28], kkill = p[29];
  const double lam0 = p[30], lam1 = p[31], ktr = p[32], psi = p[33], input = p[34];
  const double Ep = y[0], El = y[1], Es = y[2], Eo = y[3], Et = y[4], Fp = y[5], Fr = y[6];
  const double Fh = y[7], Fl = y[8], Ft = y[9], Fc = y[10], W0 = y[11], W1 = y[12];
  const double W2 = y[13], W3 = y[14];
  const double Cp = Ep / V_p;
  const double Cfp = Fp / V_fp;
  const double uptake_l = Vmax_l * Cp / (Km_l + Cp);
  const double E = kkill * Fc / V_t;
  const double Wtot = W0 + W1 + W2 + W3;
  const double to_r = Qr * (Cfp - Fr / (V_r * Kpr));
  const double to_h = Qh * (Cfp - Fh / (V_h * Kph));
  const double to_l = Ql * (Cfp - Fl / (V_l * Kpl));
  const double to_t = Qt * (Cfp - Ft / (V_t * Kpt));
  dy[0] = -uptake_l - CLs * Cp - PSo * Cp + kob * Eo - PSt * Cp + ktb * Et - krp * Ep + input;
  dy[1] = uptake_l - krl * El;
  dy[2] = CLs * Cp - krs * Es;
  dy[3] = PSo * Cp - kob * Eo - kro * Eo;
  dy[4] = PSt * Cp - ktb * Et - krt * Et;
  dy[5] = krp * Ep + kro * Eo + krs * Es - CLf * Cfp - to_r - to_h - to_l - to_t;
  dy[6] = to_r;
  dy[7] = to_h;
  dy[8] = to_l + krl * El;
  dy[9] = to_t + krt * Et - kin * Ft + kout * Fc;
  dy[10] = kin * Ft - kout * Fc;
  dy[11] = lam0 * W0 / std::pow(1 + std::pow(lam0 / lam1 * Wtot, psi), 1 / psi) - E * W0;
  dy[12] = E * W0 - ktr * W1;
  dy[13] = ktr * (W1 - W2);
  dy[14] = ktr * (W2 - W3);
  dy[15] = Fc / V_t;
}

// The model as expressions, compiled, and as a name -> value map for the tree walker.
struct Model {
  std::vector<NodePtr> derived, derivatives;
  std::unordered_map<std::string, int> slots;
  Program program;
  int state_base = 0, derivative_base = 0;

  Model() {
    auto add_slot = [&](const std::string& name) {
      const int slot = static_cast<int>(slots.size());
      slots.emplace(name, slot);
      return slot;
    };
    for (const auto& [name, value] : kParameters) add_slot(name);
    state_base = static_cast<int>(slots.size());
    for (const auto& [name, value] : kStates) add_slot(name);
    std::vector<Assignment> assignments;
    for (const auto& [name, text] : kDerived) {
      derived.push_back(smartnano::expr::parse(text));
      assignments.push_back({add_slot(name), derived.back()});
    }
    derivative_base = static_cast<int>(slots.size());
    for (int i = 0; i < kN; ++i) {
      derivatives.push_back(smartnano::expr::parse(kDerivatives[i]));
      assignments.push_back({add_slot("d_" + kStates[i].first), derivatives.back()});
    }
    program = Program::compile(assignments, slots, static_cast<int>(slots.size()));
  }
};

const Model& model() {
  static const Model instance;
  return instance;
}

std::vector<double> parameter_values() {
  std::vector<double> p;
  for (const auto& [name, value] : kParameters) p.push_back(value);
  return p;
}
std::vector<double> state_values() {
  std::vector<double> y;
  for (const auto& [name, value] : kStates) y.push_back(value);
  return y;
}

// Tree walker: the map holds parameters, states and derived values; `y` slots are updated in
// place through pointers (element addresses of an unordered_map are stable).
struct TreeRhs {
  std::unordered_map<std::string, double> values;
  std::vector<double*> state, derived;
  TreeRhs() {
    for (const auto& [name, value] : kParameters) values[name] = value;
    for (const auto& [name, value] : kStates) state.push_back(&(values[name] = value));
    for (const auto& [name, text] : kDerived) derived.push_back(&(values[name] = 0.0));
  }
  void operator()(const double* y, double* dy) {
    const Model& m = model();
    for (int i = 0; i < kN; ++i) *state[i] = y[i];
    for (std::size_t i = 0; i < m.derived.size(); ++i) {
      *derived[i] = smartnano::expr::evaluate(m.derived[i], values);
    }
    for (int i = 0; i < kN; ++i) dy[i] = smartnano::expr::evaluate(m.derivatives[i], values);
  }
};

// Program: parameters stay in the block; states are copied in, derivatives out.
struct ProgramRhs {
  std::vector<double> memory;
  ProgramRhs() : memory(model().program.memory_size()) {
    const auto p = parameter_values();
    std::copy(p.begin(), p.end(), memory.begin());
  }
  void operator()(const double* y, double* dy) {
    const Model& m = model();
    std::copy(y, y + kN, memory.begin() + m.state_base);
    m.program.run(memory.data());
    std::copy(memory.begin() + m.derivative_base, memory.begin() + m.derivative_base + kN, dy);
  }
};

// A slightly different state each call, so nothing is hoisted out of the loop.
template <class Rhs>
void run_benchmark(benchmark::State& state, Rhs& rhs) {
  std::vector<double> y = state_values(), dy(kN);
  double t = 0;
  for (auto _ : state) {
    y[0] = 50.0 + t;
    t += 1e-9;
    rhs(y.data(), dy.data());
    benchmark::DoNotOptimize(dy.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Tree(benchmark::State& state) {
  TreeRhs rhs;
  run_benchmark(state, rhs);
}

void BM_Program(benchmark::State& state) {
  ProgramRhs rhs;
  run_benchmark(state, rhs);
  state.counters["instructions"] = static_cast<double>(model().program.instruction_count());
}

void BM_Native(benchmark::State& state) {
  const auto p = parameter_values();
  auto rhs = [&](const double* y, double* dy) { native_rhs(p.data(), y, dy); };
  run_benchmark(state, rhs);
}

BENCHMARK(BM_Tree)->MinTime(0.5);
BENCHMARK(BM_Program)->MinTime(0.5);
BENCHMARK(BM_Native)->MinTime(0.5);

// Console output plus the CPU time per run, for the ratios (steadier than wall time on a
// shared machine).
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(OO_None) {}  // plain text, counters as name=value
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) times_[run.benchmark_name()] = run.GetAdjustedCPUTime();
    ConsoleReporter::ReportRuns(runs);
  }
  double time(const std::string& name) const {
    const auto found = times_.find(name);
    return found == times_.end() ? NAN : found->second;
  }

 private:
  std::map<std::string, double> times_;
};

// The three evaluations agree before anything is timed.
double max_relative_difference() {
  const auto y = state_values();
  std::vector<double> tree(kN), program(kN), native(kN);
  TreeRhs tree_rhs;
  ProgramRhs program_rhs;
  tree_rhs(y.data(), tree.data());
  program_rhs(y.data(), program.data());
  native_rhs(parameter_values().data(), y.data(), native.data());
  double worst = 0;
  for (int i = 0; i < kN; ++i) {
    const double scale = std::max(std::fabs(native[i]), 1e-300);
    worst = std::max(
        {worst, std::fabs(tree[i] - native[i]) / scale, std::fabs(program[i] - native[i]) / scale});
  }
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  std::printf(
      "NP-PBPK-16 right-hand side: %zu instructions, %zu doubles of memory; "
      "max relative difference tree/program vs native: %.3g\n",
      model().program.instruction_count(), model().program.memory_size(),
      max_relative_difference());
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double tree = reporter.time("BM_Tree/min_time:0.500");
  const double program = reporter.time("BM_Program/min_time:0.500");
  const double native = reporter.time("BM_Native/min_time:0.500");
  std::printf("Program / native: %.2f\nTree / program:   %.1f\n", program / native, tree / program);
  benchmark::Shutdown();
  return 0;
}
