// Stiff ODE integration through SUNDIALS CVODES (BDF, dense direct linear solver).
//
// The user describes the system (OdeSystem: right-hand side and, optionally, its Jacobian);
// OdeIntegrator owns every SUNDIALS object (context, vectors, matrix, linear solver, CVODE
// memory) and hands the system to CVODES through static trampolines. Exceptions never unwind
// through CVODES' C frames: they are caught in the trampoline and reported as a failed status.
// One integrator is reused for many segments and many subjects: reinit() starts a new smooth
// segment after every discontinuity (dose, infusion start or end, reset).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace smartnano::solver {

// dy/dt = f(t, y) with y of fixed size.
class OdeSystem {
 public:
  virtual ~OdeSystem() = default;
  virtual int size() const = 0;
  virtual void rhs(double t, const double* y, double* ydot) = 0;
  // True when jacobian() gives the exact Jacobian.
  virtual bool has_jacobian() const { return false; }
  // df/dy into a zeroed dense column-major n x n array (jac[i + j * n] = dfi/dyj).
  virtual void jacobian(double /*t*/, const double* /*y*/, double* /*jac*/) {}
  // Root functions g(t, y): advance() stops where one changes sign (CVODES root finding).
  virtual int root_count() const { return 0; }
  virtual void roots(double /*t*/, const double* /*y*/, double* /*g*/) {}
};

enum class JacobianMode {
  kAuto,              // analytic when the system has one, finite differences otherwise
  kAnalytic,          // require the system's Jacobian
  kFiniteDifference,  // CVODES' difference quotients
};

struct IntegratorOptions {
  double relative_tolerance = 1e-8;
  double absolute_tolerance = 1e-10;  // in the state's own units
  long max_steps = 500000;            // per advance() call
  int max_order = 5;                  // BDF order, 1..5
  double max_step = 0.0;              // 0 = no limit
  JacobianMode jacobian = JacobianMode::kAuto;
  // Vector, matrix and LU kernels compiled with the project (small_system_kernels.h) instead of
  // SUNDIALS' own: the same operations in the same order, so the same results, in less time.
  bool compiled_kernels = true;

  // Problems with these options, one message each; empty when valid.
  std::vector<std::string> validate() const;
};

// Work counters, accumulated over every segment since construction (or reset_stats()).
struct IntegratorStats {
  long steps = 0;
  long rhs_evaluations = 0;  // including those for finite-difference Jacobians
  long jacobian_evaluations = 0;
  long linear_solver_setups = 0;
  long error_test_failures = 0;
  long nonlinear_convergence_failures = 0;
  long segments = 0;  // reinit() calls

  IntegratorStats& operator+=(const IntegratorStats& o);
  std::string brief_report() const;
};

enum class IntegratorStatus {
  kSuccess,
  kRootFound,           // stopped before t_out where a root function changed sign
  kTooMuchWork,         // max_steps reached before t_out
  kTooMuchAccuracy,     // tolerances too tight for machine precision
  kErrorTestFailure,    // repeated error-test failures (often a singularity)
  kConvergenceFailure,  // repeated nonlinear / linear solver failures
  kSystemFailure,       // the right-hand side or Jacobian threw or returned NaN repeatedly
  kOther,
};

class OdeIntegrator {
 public:
  // Throws std::invalid_argument if options.validate() finds problems, or if kAnalytic is
  // asked of a system without a Jacobian.
  OdeIntegrator(OdeSystem& system, const IntegratorOptions& options);
  ~OdeIntegrator();
  OdeIntegrator(const OdeIntegrator&) = delete;
  OdeIntegrator& operator=(const OdeIntegrator&) = delete;

  // Starts a smooth segment at (t0, y0). Must precede the first advance().
  void reinit(double t0, const double* y0);

  // Integrates from the current time to t_out without stepping past t_stop (>= t_out; the next
  // discontinuity), writing y(t_out). When the system has root functions and one changes sign
  // first, stops there with kRootFound: y and current_time() are at the root, and the next
  // advance() continues from it. On failure returns the status, leaves y at the last time
  // reached and describes the problem in last_error().
  IntegratorStatus advance(double t_out, double t_stop, double* y);

  // After kRootFound: the state a little past the root (by twice CVODES' root-location
  // tolerance, within the step just taken), interpolated, and its time. Where a root function is
  // exactly zero at the root, this is the state that shows which side it crossed to. False when
  // the step ends at the root.
  bool state_past_root(double* y, double& t);

  double current_time() const { return t_; }
  const std::string& last_error() const { return last_error_; }
  IntegratorStats stats() const;
  // Starts the counters again from zero (for one integrator reused across subjects).
  void reset_stats();
  bool uses_analytic_jacobian() const { return analytic_jacobian_; }

 private:
  struct Sundials;  // SUNDIALS handles, hidden so no SUNDIALS header leaks into the API

  void collect_stats();

  OdeSystem& system_;
  IntegratorOptions options_;
  std::unique_ptr<Sundials> sundials_;
  IntegratorStats finished_;  // counters of segments already closed by reinit()
  double t_ = 0.0;
  bool analytic_jacobian_ = false;
  bool started_ = false;
  bool count_current_segment_ = true;  // false from reset_stats() to the next reinit()
  std::string last_error_;
  friend struct Trampolines;
};

std::string to_string(IntegratorStatus status);

}  // namespace smartnano::solver
