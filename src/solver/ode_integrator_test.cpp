#include "smartnano/solver/ode_integrator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace smartnano::solver {
namespace {

// y0' = -k1 y0, y1' = k1 y0 - k2 y1: a depot emptying into a compartment (a decay chain).
class DecayChain : public OdeSystem {
 public:
  DecayChain(double k1, double k2, bool with_jacobian)
      : k1_(k1), k2_(k2), with_jacobian_(with_jacobian) {}

  int size() const override { return 2; }
  void rhs(double /*t*/, const double* y, double* ydot) override {
    ++rhs_calls;
    ydot[0] = -k1_ * y[0];
    ydot[1] = k1_ * y[0] - k2_ * y[1];
  }
  bool has_jacobian() const override { return with_jacobian_; }
  void jacobian(double /*t*/, const double* /*y*/, double* jac) override {
    ++jacobian_calls;
    jac[0 + 0 * 2] = -k1_;
    jac[1 + 0 * 2] = k1_;
    jac[1 + 1 * 2] = -k2_;
  }

  // The exact solution from y(0) = (a0, b0).
  std::array<double, 2> exact(double t, double a0, double b0) const {
    const double a = a0 * std::exp(-k1_ * t);
    const double b = b0 * std::exp(-k2_ * t) +
                     a0 * k1_ / (k2_ - k1_) * (std::exp(-k1_ * t) - std::exp(-k2_ * t));
    return {a, b};
  }

  long rhs_calls = 0;
  long jacobian_calls = 0;

 private:
  double k1_, k2_;
  bool with_jacobian_;
};

// Robertson's chemical kinetics: the classic stiff test problem (CVODES cvRoberts_dns).
class Robertson : public OdeSystem {
 public:
  explicit Robertson(bool with_jacobian) : with_jacobian_(with_jacobian) {}
  int size() const override { return 3; }
  void rhs(double /*t*/, const double* y, double* ydot) override {
    ydot[0] = -0.04 * y[0] + 1.0e4 * y[1] * y[2];
    ydot[2] = 3.0e7 * y[1] * y[1];
    ydot[1] = -ydot[0] - ydot[2];
  }
  bool has_jacobian() const override { return with_jacobian_; }
  void jacobian(double /*t*/, const double* y, double* jac) override {
    ++jacobian_calls;
    auto J = [jac](int i, int j) -> double& { return jac[i + j * 3]; };
    J(0, 0) = -0.04;
    J(0, 1) = 1.0e4 * y[2];
    J(0, 2) = 1.0e4 * y[1];
    J(1, 0) = 0.04;
    J(1, 1) = -1.0e4 * y[2] - 6.0e7 * y[1];
    J(1, 2) = -1.0e4 * y[1];
    J(2, 1) = 6.0e7 * y[1];
  }
  long jacobian_calls = 0;

 private:
  bool with_jacobian_;
};

IntegratorOptions options_with(double rtol, double atol, JacobianMode mode = JacobianMode::kAuto) {
  IntegratorOptions o;
  o.relative_tolerance = rtol;
  o.absolute_tolerance = atol;
  o.jacobian = mode;
  return o;
}

// Largest error of the decay chain against its exact solution over t in (0, 48], relative to
// the dose (100).
double chain_error(double rtol) {
  DecayChain chain(1.5, 0.055, true);
  OdeIntegrator integrator(chain, options_with(rtol, 1e-3 * rtol));
  const double y0[2] = {100.0, 0.0};
  integrator.reinit(0.0, y0);
  double worst = 0.0;
  for (double t = 0.25; t <= 48.0; t += 0.25) {
    double y[2];
    EXPECT_EQ(integrator.advance(t, t, y), IntegratorStatus::kSuccess) << integrator.last_error();
    const auto exact = chain.exact(t, 100.0, 0.0);
    for (int i = 0; i < 2; ++i) worst = std::max(worst, std::abs(y[i] - exact[i]) / 100.0);
  }
  return worst;
}

TEST(OdeIntegrator, AGapOfRoundingErrorsIsNotAnError) {
  // 2 + 46 and 48 differ by one rounding error when reached along different paths; CVODES
  // alone refuses to integrate over such a gap. Reinitialise just before 48 and advance to it.
  DecayChain chain(1.5, 0.055, true);
  OdeIntegrator integrator(chain, options_with(1e-8, 1e-10));
  const double y0[2] = {100.0, 0.0};
  const double t0 = std::nextafter(48.0, 0.0);
  integrator.reinit(t0, y0);
  double y[2];
  ASSERT_EQ(integrator.advance(48.0, 48.0, y), IntegratorStatus::kSuccess)
      << integrator.last_error();
  EXPECT_EQ(y[0], 100.0);
  // And it goes on normally from there.
  ASSERT_EQ(integrator.advance(49.0, 49.0, y), IntegratorStatus::kSuccess)
      << integrator.last_error();
  EXPECT_NEAR(y[0], 100.0 * std::exp(-1.5 * 1.0), 1e-5);
}

// ---------------------------------------------------------------------------------------------
// Accuracy

TEST(OdeIntegrator, DecayChainMatchesTheExactSolution) {
  for (double rtol : {1e-6, 1e-8, 1e-10}) {
    const double error = chain_error(rtol);
    // The global error of a well-conditioned decay stays within a small multiple of rtol.
    EXPECT_LT(error, 50 * rtol) << "rtol " << rtol;
  }
}

TEST(OdeIntegrator, TighterToleranceGivesASmallerError) {
  const double loose = chain_error(1e-4);
  const double tight = chain_error(1e-10);
  EXPECT_LT(tight, loose / 1000) << "loose " << loose << ", tight " << tight;
  EXPECT_GT(loose, 1e-9) << "a loose tolerance should show some error";
}

TEST(OdeIntegrator, StiffRobertsonMatchesTheReferenceSolution) {
  Robertson system(true);
  OdeIntegrator integrator(system, options_with(1e-8, 1e-14));
  const double y0[3] = {1.0, 0.0, 0.0};
  integrator.reinit(0.0, y0);
  double y[3];
  ASSERT_EQ(integrator.advance(40.0, 40.0, y), IntegratorStatus::kSuccess)
      << integrator.last_error();
  EXPECT_DOUBLE_EQ(integrator.current_time(), 40.0);
  // Reference values (e.g. Hairer & Wanner; CVODES' cvRoberts_dns output at t = 40).
  EXPECT_NEAR(y[0], 0.7158270687, 1e-6);
  EXPECT_NEAR(y[1], 9.185534764e-6, 1e-10);
  EXPECT_NEAR(y[2], 0.2841637457, 1e-6);
  EXPECT_NEAR(y[0] + y[1] + y[2], 1.0, 1e-7) << "the reactions conserve mass";
  // A stiff problem over 40 time units needs far fewer steps than an explicit method would.
  const IntegratorStats stats = integrator.stats();
  EXPECT_GT(stats.steps, 10);
  EXPECT_LT(stats.steps, 2000);
  EXPECT_GT(stats.jacobian_evaluations, 0);
}

// ---------------------------------------------------------------------------------------------
// Jacobian modes

struct RobertsonRun {
  std::array<double, 3> y{};
  IntegratorStats stats;
  long jacobian_calls = 0;
  bool analytic = false;
};

RobertsonRun run_robertson(bool has_jacobian, JacobianMode mode) {
  Robertson system(has_jacobian);
  OdeIntegrator integrator(system, options_with(1e-8, 1e-14, mode));
  const double y0[3] = {1.0, 0.0, 0.0};
  integrator.reinit(0.0, y0);
  RobertsonRun run;
  for (double t : {0.4, 4.0, 40.0, 400.0}) {
    EXPECT_EQ(integrator.advance(t, t, run.y.data()), IntegratorStatus::kSuccess)
        << integrator.last_error();
  }
  run.stats = integrator.stats();
  run.jacobian_calls = system.jacobian_calls;
  run.analytic = integrator.uses_analytic_jacobian();
  return run;
}

TEST(OdeIntegrator, AnalyticAndFiniteDifferenceJacobiansAgree) {
  const RobertsonRun analytic = run_robertson(true, JacobianMode::kAnalytic);
  const RobertsonRun finite = run_robertson(true, JacobianMode::kFiniteDifference);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(analytic.y[i], finite.y[i], 1e-6 * std::abs(finite.y[i]) + 1e-12) << "state " << i;
  }
  EXPECT_TRUE(analytic.analytic);
  EXPECT_FALSE(finite.analytic);
  EXPECT_GT(analytic.stats.jacobian_evaluations, 0);
  EXPECT_EQ(analytic.jacobian_calls, analytic.stats.jacobian_evaluations);
  EXPECT_EQ(finite.jacobian_calls, 0) << "kFiniteDifference must not call the system's Jacobian";
  // Difference quotients cost one RHS evaluation per state per Jacobian.
  EXPECT_LT(analytic.stats.rhs_evaluations, finite.stats.rhs_evaluations)
      << "analytic: " << analytic.stats.brief_report()
      << "; finite differences: " << finite.stats.brief_report();
}

// The compiled kernels (small_system_kernels.h) must give SUNDIALS' own results bit for bit:
// stiff Robertson with both Jacobians, and a chain restarted after a bolus.
TEST(OdeIntegrator, CompiledKernelsGiveSundialsResultsBitForBit) {
  for (JacobianMode mode : {JacobianMode::kAnalytic, JacobianMode::kFiniteDifference}) {
    std::vector<double> trajectory[2];
    IntegratorStats stats[2];
    for (int compiled = 0; compiled < 2; ++compiled) {
      Robertson system(true);
      IntegratorOptions options = options_with(1e-8, 1e-14, mode);
      options.compiled_kernels = compiled == 1;
      OdeIntegrator integrator(system, options);
      const double y0[3] = {1.0, 0.0, 0.0};
      integrator.reinit(0.0, y0);
      double y[3];
      for (double t = 0.4; t <= 4.0e5; t *= 10) {
        ASSERT_EQ(integrator.advance(t, t, y), IntegratorStatus::kSuccess);
        trajectory[compiled].insert(trajectory[compiled].end(), y, y + 3);
      }
      stats[compiled] = integrator.stats();
    }
    EXPECT_EQ(trajectory[0], trajectory[1]);
    EXPECT_EQ(stats[0].steps, stats[1].steps);
    EXPECT_EQ(stats[0].rhs_evaluations, stats[1].rhs_evaluations);
    EXPECT_EQ(stats[0].jacobian_evaluations, stats[1].jacobian_evaluations);
  }
  std::vector<double> chain[2];
  for (int compiled = 0; compiled < 2; ++compiled) {
    DecayChain system(1.5, 0.055, true);
    IntegratorOptions options = options_with(1e-6, 1e-9);
    options.compiled_kernels = compiled == 1;
    OdeIntegrator integrator(system, options);
    double y[2] = {100.0, 0.0};
    integrator.reinit(0.0, y);
    for (double t = 0.5; t <= 24.0; t += 0.5) {
      ASSERT_EQ(integrator.advance(t, 12.0, y), IntegratorStatus::kSuccess);
      chain[compiled].insert(chain[compiled].end(), y, y + 2);
      if (t == 12.0) {
        y[0] += 100.0;
        integrator.reinit(t, y);
      }
    }
  }
  EXPECT_EQ(chain[0], chain[1]);
}

TEST(OdeIntegrator, AutoModeUsesTheJacobianWhenThereIsOne) {
  const RobertsonRun with = run_robertson(true, JacobianMode::kAuto);
  EXPECT_TRUE(with.analytic);
  EXPECT_GT(with.jacobian_calls, 0);
  const RobertsonRun without = run_robertson(false, JacobianMode::kAuto);
  EXPECT_FALSE(without.analytic);
  EXPECT_EQ(without.jacobian_calls, 0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(with.y[i], without.y[i], 1e-6 * std::abs(with.y[i]) + 1e-12) << "state " << i;
  }
}

TEST(OdeIntegrator, AnalyticModeWithoutAJacobianThrows) {
  Robertson system(false);
  EXPECT_THROW(OdeIntegrator(system, options_with(1e-8, 1e-12, JacobianMode::kAnalytic)),
               std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Segments

TEST(OdeIntegrator, ReinitRestartsAfterABolus) {
  const double k = 0.3;
  DecayChain chain(k, 0.1, true);
  OdeIntegrator integrator(chain, options_with(1e-10, 1e-12));
  double y[2] = {1.0, 0.0};
  integrator.reinit(0.0, y);
  ASSERT_EQ(integrator.advance(1.0, 1.0, y), IntegratorStatus::kSuccess);
  EXPECT_NEAR(y[0], std::exp(-k), 1e-8);
  const IntegratorStats first = integrator.stats();
  EXPECT_EQ(first.segments, 1);

  y[0] += 2.0;  // a bolus of 2 into the depot at t = 1
  integrator.reinit(1.0, y);
  EXPECT_DOUBLE_EQ(integrator.current_time(), 1.0);
  ASSERT_EQ(integrator.advance(3.0, 3.0, y), IntegratorStatus::kSuccess);
  EXPECT_NEAR(y[0], std::exp(-3 * k) + 2.0 * std::exp(-2 * k), 1e-8);
  // The second state is the superposition of the two doses' chains.
  const double expected1 = chain.exact(3.0, 1.0, 0.0)[1] + chain.exact(2.0, 2.0, 0.0)[1];
  EXPECT_NEAR(y[1], expected1, 1e-8);

  const IntegratorStats total = integrator.stats();
  EXPECT_EQ(total.segments, 2);
  EXPECT_GT(total.steps, first.steps) << "counters accumulate over segments";
  EXPECT_GT(total.rhs_evaluations, first.rhs_evaluations);
}

TEST(OdeIntegrator, StatsDoNotCountASegmentTwice) {
  DecayChain chain(1.5, 0.1, true);
  OdeIntegrator integrator(chain, options_with(1e-8, 1e-12));
  double y[2] = {1.0, 0.0};
  integrator.reinit(0.0, y);
  ASSERT_EQ(integrator.advance(10.0, 10.0, y), IntegratorStatus::kSuccess);
  const IntegratorStats before = integrator.stats();
  ASSERT_GT(before.jacobian_evaluations, 0);

  // Two restarts at the same time (two doses at once) before the next advance.
  integrator.reinit(10.0, y);
  integrator.reinit(10.0, y);
  const IntegratorStats after = integrator.stats();
  EXPECT_EQ(after.segments, before.segments + 2);
  EXPECT_EQ(after.steps, before.steps);
  EXPECT_EQ(after.rhs_evaluations, before.rhs_evaluations);
  EXPECT_EQ(after.jacobian_evaluations, before.jacobian_evaluations);
  EXPECT_EQ(after.linear_solver_setups, before.linear_solver_setups);

  // And the counters of the next segment add to them, once.
  ASSERT_EQ(integrator.advance(20.0, 20.0, y), IntegratorStatus::kSuccess);
  const IntegratorStats end = integrator.stats();
  EXPECT_GT(end.steps, before.steps);
  EXPECT_EQ(end.rhs_evaluations, chain.rhs_calls);
  EXPECT_EQ(end.jacobian_evaluations, chain.jacobian_calls);
}

// An input that switches off at t = 1: the solver must not step past the stop time.
class SwitchedInfusion : public OdeSystem {
 public:
  int size() const override { return 1; }
  void rhs(double t, const double* /*y*/, double* ydot) override {
    latest_t = std::max(latest_t, t);
    ydot[0] = t <= 1.0 ? 1.0 : 0.0;
  }
  double latest_t = 0.0;
};

TEST(OdeIntegrator, DoesNotStepPastTheStopTime) {
  SwitchedInfusion system;
  OdeIntegrator integrator(system, options_with(1e-8, 1e-10));
  double y[1] = {0.0};
  integrator.reinit(0.0, y);
  // Output at 0.5, next discontinuity at 1.
  ASSERT_EQ(integrator.advance(0.5, 1.0, y), IntegratorStatus::kSuccess);
  EXPECT_NEAR(y[0], 0.5, 1e-8);
  ASSERT_EQ(integrator.advance(1.0, 1.0, y), IntegratorStatus::kSuccess);
  EXPECT_NEAR(y[0], 1.0, 1e-8);
  EXPECT_LE(system.latest_t, 1.0) << "the right-hand side was evaluated past t_stop";
  integrator.reinit(1.0, y);
  ASSERT_EQ(integrator.advance(5.0, 5.0, y), IntegratorStatus::kSuccess);
  EXPECT_NEAR(y[0], 1.0, 1e-8);
}

TEST(OdeIntegrator, AdvanceToTheCurrentTimeReturnsTheState) {
  DecayChain chain(1.0, 0.5, true);
  OdeIntegrator integrator(chain, IntegratorOptions{});
  const double y0[2] = {3.0, 4.0};
  integrator.reinit(2.0, y0);
  double y[2] = {0.0, 0.0};
  EXPECT_EQ(integrator.advance(2.0, 2.0, y), IntegratorStatus::kSuccess);
  EXPECT_EQ(y[0], 3.0);
  EXPECT_EQ(y[1], 4.0);
}

TEST(OdeIntegrator, AdvanceBackwardsFailsWithAReason) {
  DecayChain chain(1.0, 0.5, true);
  OdeIntegrator integrator(chain, IntegratorOptions{});
  const double y0[2] = {1.0, 0.0};
  integrator.reinit(2.0, y0);
  double y[2];
  EXPECT_EQ(integrator.advance(1.0, 1.0, y), IntegratorStatus::kOther);
  EXPECT_NE(integrator.last_error().find("back"), std::string::npos) << integrator.last_error();
}

TEST(OdeIntegrator, AdvanceBeforeReinitIsALogicError) {
  DecayChain chain(1.0, 0.5, true);
  OdeIntegrator integrator(chain, IntegratorOptions{});
  double y[2];
  EXPECT_THROW(integrator.advance(1.0, 1.0, y), std::logic_error);
}

// ---------------------------------------------------------------------------------------------
// Options and failures

TEST(IntegratorOptions, DefaultsAreValid) { EXPECT_TRUE(IntegratorOptions{}.validate().empty()); }

TEST(IntegratorOptions, ValidateListsEveryProblem) {
  IntegratorOptions o;
  o.relative_tolerance = 0.0;
  o.absolute_tolerance = -1.0;
  o.max_steps = 0;
  o.max_order = 6;
  o.max_step = -1.0;
  const std::vector<std::string> problems = o.validate();
  ASSERT_EQ(problems.size(), 5u);
  EXPECT_NE(problems[0].find("relative tolerance"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("absolute tolerance -1"), std::string::npos) << problems[1];
  EXPECT_NE(problems[2].find("max_steps 0"), std::string::npos) << problems[2];
  EXPECT_NE(problems[3].find("max_order 6"), std::string::npos) << problems[3];
  EXPECT_NE(problems[4].find("max_step -1"), std::string::npos) << problems[4];

  IntegratorOptions nan_tolerance;
  nan_tolerance.relative_tolerance = std::nan("");
  EXPECT_EQ(nan_tolerance.validate().size(), 1u);
  IntegratorOptions too_loose;
  too_loose.relative_tolerance = 1.0;
  EXPECT_EQ(too_loose.validate().size(), 1u);
}

TEST(IntegratorOptions, ConstructorRejectsInvalidOptions) {
  DecayChain chain(1.0, 0.5, true);
  IntegratorOptions o;
  o.max_order = 0;
  try {
    OdeIntegrator integrator(chain, o);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("max_order 0"), std::string::npos) << e.what();
  }
}

// A right-hand side that throws once t passes a threshold.
class ThrowingSystem : public OdeSystem {
 public:
  int size() const override { return 1; }
  void rhs(double t, const double* y, double* ydot) override {
    if (armed && t > 0.5) throw std::runtime_error("concentration out of range");
    ydot[0] = -y[0];
  }
  bool armed = true;
};

TEST(OdeIntegrator, ThrowingRightHandSideIsASystemFailure) {
  ThrowingSystem system;
  OdeIntegrator integrator(system, options_with(1e-8, 1e-10));
  double y[1] = {1.0};
  integrator.reinit(0.0, y);
  EXPECT_EQ(integrator.advance(2.0, 2.0, y), IntegratorStatus::kSystemFailure);
  EXPECT_NE(integrator.last_error().find("concentration out of range"), std::string::npos)
      << integrator.last_error();
  EXPECT_NE(integrator.last_error().find("right-hand side"), std::string::npos)
      << integrator.last_error();
  EXPECT_LT(integrator.current_time(), 2.0);
  EXPECT_TRUE(std::isfinite(y[0]));

  // The same integrator is usable again once the system behaves.
  system.armed = false;
  y[0] = 1.0;
  integrator.reinit(0.0, y);
  ASSERT_EQ(integrator.advance(2.0, 2.0, y), IntegratorStatus::kSuccess) << integrator.last_error();
  EXPECT_NEAR(y[0], std::exp(-2.0), 1e-6);
  EXPECT_TRUE(integrator.last_error().empty()) << integrator.last_error();
}

// A right-hand side that is NaN everywhere after the start: CVODES retries with smaller steps,
// then gives up.
class NanSystem : public OdeSystem {
 public:
  int size() const override { return 1; }
  void rhs(double t, const double* y, double* ydot) override {
    ydot[0] = t > 0.0 ? std::nan("") : -y[0];
  }
};

TEST(OdeIntegrator, PersistentNanIsASystemFailure) {
  NanSystem system;
  OdeIntegrator integrator(system, options_with(1e-8, 1e-10));
  double y[1] = {1.0};
  integrator.reinit(0.0, y);
  EXPECT_EQ(integrator.advance(2.0, 2.0, y), IntegratorStatus::kSystemFailure)
      << integrator.last_error();
  EXPECT_FALSE(integrator.last_error().empty());
  EXPECT_EQ(integrator.current_time(), 0.0);
  EXPECT_NEAR(y[0], 1.0, 1e-6) << "y is (close to) the state at the time reached";
}

TEST(OdeIntegrator, TooFewStepsIsTooMuchWork) {
  Robertson system(true);
  IntegratorOptions o = options_with(1e-8, 1e-14);
  o.max_steps = 5;
  OdeIntegrator integrator(system, o);
  const double y0[3] = {1.0, 0.0, 0.0};
  integrator.reinit(0.0, y0);
  double y[3];
  EXPECT_EQ(integrator.advance(40.0, 40.0, y), IntegratorStatus::kTooMuchWork);
  EXPECT_FALSE(integrator.last_error().empty());
  EXPECT_GT(integrator.current_time(), 0.0);
  EXPECT_LT(integrator.current_time(), 40.0);
  EXPECT_NEAR(y[0] + y[1] + y[2], 1.0, 1e-6) << "y is the state at the time reached";
  EXPECT_EQ(integrator.stats().steps, 5);
  EXPECT_EQ(to_string(IntegratorStatus::kTooMuchWork), "too much work (max_steps reached)");
}

TEST(OdeIntegrator, MaxStepLimitsTheStepSize) {
  DecayChain chain(0.01, 0.005, true);
  IntegratorOptions o = options_with(1e-6, 1e-10);
  o.max_step = 0.5;
  OdeIntegrator integrator(chain, o);
  double y[2] = {1.0, 0.0};
  integrator.reinit(0.0, y);
  ASSERT_EQ(integrator.advance(20.0, 20.0, y), IntegratorStatus::kSuccess);
  EXPECT_GE(integrator.stats().steps, 40);
}

TEST(IntegratorStats, BriefReportAndSum) {
  IntegratorStats a;
  a.steps = 10;
  a.rhs_evaluations = 20;
  a.jacobian_evaluations = 3;
  a.segments = 1;
  IntegratorStats b = a;
  b += a;
  EXPECT_EQ(b.steps, 20);
  EXPECT_EQ(b.rhs_evaluations, 40);
  EXPECT_EQ(b.jacobian_evaluations, 6);
  EXPECT_EQ(b.segments, 2);
  EXPECT_EQ(a.brief_report(), "10 steps, 20 RHS and 3 Jacobian evaluations, 1 segments");
}

}  // namespace
}  // namespace smartnano::solver
