// One patient of the reference workload NP-PBPK-16 (bench/np_pbpk_16_scenario.yaml:
// 16 states, 4 one-hour infusions every 672 h, 449 outputs, rtol 1e-6, atol 1e-9) solved with
// the model's symbolic Jacobian and with CVODES' finite-difference Jacobian, and with SUNDIALS'
// own kernels instead of the compiled ones (docs/solver.md), in the same run. Prints the
// ratios, and the share of the solve spent in the right-hand side program.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>

#include "smartnano/model/model_workspace.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/subject_simulator.h"

namespace {

using namespace smartnano;

const scenario::Scenario& reference() {
  static const scenario::Scenario s =
      scenario::load_scenario_file(SMARTNANO_SOURCE_DIR "/bench/np_pbpk_16_scenario.yaml");
  return s;
}

void solve(benchmark::State& state, solver::JacobianMode mode, bool compiled_kernels = true) {
  auto options = reference().options;
  options.integrator.jacobian = mode;
  options.integrator.compiled_kernels = compiled_kernels;
  simulation::SubjectSimulator simulator(reference().model, options);
  long rhs = 0, steps = 0;
  for (auto _ : state) {
    const auto result = simulator.simulate(reference().subjects.front());
    rhs = result.stats.rhs_evaluations;
    steps = result.stats.steps;
    benchmark::DoNotOptimize(result.outputs.data());
  }
  state.counters["rhs_evals"] = static_cast<double>(rhs);
  state.counters["steps"] = static_cast<double>(steps);
}

void BM_SolvePatientSymbolicJacobian(benchmark::State& s) {
  solve(s, solver::JacobianMode::kAnalytic);
}
void BM_SolvePatientFiniteDifference(benchmark::State& s) {
  solve(s, solver::JacobianMode::kFiniteDifference);
}
// The same solve with SUNDIALS' own vector, matrix and LU kernels (same results bit for bit).
void BM_SolvePatientSundialsKernels(benchmark::State& s) {
  solve(s, solver::JacobianMode::kAnalytic, false);
}

void BM_RightHandSide(benchmark::State& state) {
  model::ModelWorkspace ws(reference().model);
  std::vector<double> y(ws.size(), 1.0), dy(ws.size());
  for (auto _ : state) {
    ws.rhs(10.0, y.data(), dy.data());
    benchmark::DoNotOptimize(dy.data());
  }
}

BENCHMARK(BM_SolvePatientSymbolicJacobian)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SolvePatientFiniteDifference)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SolvePatientSundialsKernels)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RightHandSide)->Unit(benchmark::kNanosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  struct Collect : benchmark::ConsoleReporter {
    double symbolic = 0, fd = 0, sundials_kernels = 0, rhs_ns = 0, rhs_evals = 0;
    void ReportRuns(const std::vector<Run>& runs) override {
      ConsoleReporter::ReportRuns(runs);
      for (const auto& r : runs) {
        const double t = r.GetAdjustedCPUTime();
        const std::string name = r.benchmark_name();
        if (name.find("Symbolic") != std::string::npos) {
          symbolic = t;
          rhs_evals = r.counters.at("rhs_evals");
        }
        if (name.find("FiniteDifference") != std::string::npos) fd = t;
        if (name.find("SundialsKernels") != std::string::npos) sundials_kernels = t;
        if (name.find("RightHandSide") != std::string::npos) rhs_ns = t;
      }
    }
  } reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (reporter.symbolic > 0 && reporter.fd > 0) {
    std::printf("finite-difference / symbolic Jacobian time: %.2f\n",
                reporter.fd / reporter.symbolic);
  }
  if (reporter.symbolic > 0 && reporter.sundials_kernels > 0) {
    std::printf("SUNDIALS' own kernels / compiled kernels time: %.2f\n",
                reporter.sundials_kernels / reporter.symbolic);
  }
  if (reporter.symbolic > 0 && reporter.rhs_ns > 0) {
    std::printf("share of a symbolic-Jacobian solve in the RHS program: %.1f %%\n",
                100.0 * reporter.rhs_evals * reporter.rhs_ns * 1e-6 / reporter.symbolic);
  }
  return 0;
}
