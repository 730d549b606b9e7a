#include "smartnano/solver/ode_integrator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <cvodes/cvodes.h>
#include <fmt/format.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "solver/small_system_kernels.h"

namespace smartnano::solver {

// RAII owner of every SUNDIALS object; members are destroyed in reverse order of creation.
struct OdeIntegrator::Sundials {
  SUNContext context = nullptr;
  N_Vector y = nullptr;
  SUNMatrix matrix = nullptr;
  SUNLinearSolver linear_solver = nullptr;
  void* cvode = nullptr;
  N_Vector past_root = nullptr;  // work vector of state_past_root()

  ~Sundials() {
    if (past_root != nullptr) N_VDestroy(past_root);
    if (cvode != nullptr) CVodeFree(&cvode);
    if (linear_solver != nullptr) SUNLinSolFree(linear_solver);
    if (matrix != nullptr) SUNMatDestroy(matrix);
    if (y != nullptr) N_VDestroy(y);
    if (context != nullptr) SUNContext_Free(&context);
  }
};

// C callbacks. They never let an exception escape into CVODES: a throw becomes an
// unrecoverable failure (-1) with the message kept; a NaN becomes a recoverable one (1), so
// CVODES retries with a smaller step.
struct Trampolines {
  static int rhs(realtype t, N_Vector y, N_Vector ydot, void* user_data) {
    auto* self = static_cast<OdeIntegrator*>(user_data);
    try {
      double* out = N_VGetArrayPointer(ydot);
      self->system_.rhs(t, N_VGetArrayPointer(y), out);
      const int n = self->system_.size();
      for (int i = 0; i < n; ++i) {
        if (!std::isfinite(out[i])) return 1;
      }
      return 0;
    } catch (const std::exception& e) {
      self->last_error_ = fmt::format("right-hand side failed at t = {}: {}", t, e.what());
      return -1;
    }
  }

  static int jacobian(realtype t, N_Vector y, N_Vector /*fy*/, SUNMatrix jac, void* user_data,
                      N_Vector /*tmp1*/, N_Vector /*tmp2*/, N_Vector /*tmp3*/) {
    auto* self = static_cast<OdeIntegrator*>(user_data);
    try {
      // SUNDIALS' dense matrix is column-major with leading dimension n: the layout promised
      // by OdeSystem::jacobian.
      SUNMatZero(jac);
      self->system_.jacobian(t, N_VGetArrayPointer(y), SUNDenseMatrix_Data(jac));
      return 0;
    } catch (const std::exception& e) {
      self->last_error_ = fmt::format("Jacobian failed at t = {}: {}", t, e.what());
      return -1;
    }
  }

  static int roots(realtype t, N_Vector y, realtype* g, void* user_data) {
    auto* self = static_cast<OdeIntegrator*>(user_data);
    try {
      self->system_.roots(t, N_VGetArrayPointer(y), g);
      return 0;
    } catch (const std::exception& e) {
      self->last_error_ = fmt::format("event root functions failed at t = {}: {}", t, e.what());
      return -1;
    }
  }

  static void error_handler(int /*code*/, const char* module, const char* function, char* msg,
                            void* user_data) {
    auto* self = static_cast<OdeIntegrator*>(user_data);
    if (self->last_error_.empty())
      self->last_error_ = fmt::format("{}::{}: {}", module, function, msg);
  }
};

namespace {
void check(int flag, const char* call) {
  if (flag < 0)
    throw std::runtime_error(fmt::format("SUNDIALS call {} failed (flag {})", call, flag));
}

// Counters of the current segment (since the last CVodeReInit). CVodeReInit resets the
// integrator's counters but the linear solver's (Jacobian and difference-quotient RHS
// evaluations) only at the first CVode call after it; a segment in which CVode never ran
// (no RHS evaluation yet) has done no work, so its stale linear-solver counters must not count.
IntegratorStats segment_stats(void* mem) {
  IntegratorStats now;
  long v = 0;
  CVodeGetNumRhsEvals(mem, &v), now.rhs_evaluations = v;
  if (now.rhs_evaluations == 0) return IntegratorStats{};
  CVodeGetNumSteps(mem, &v), now.steps = v;
  CVodeGetNumLinRhsEvals(mem, &v), now.rhs_evaluations += v;
  CVodeGetNumJacEvals(mem, &v), now.jacobian_evaluations = v;
  CVodeGetNumLinSolvSetups(mem, &v), now.linear_solver_setups = v;
  CVodeGetNumErrTestFails(mem, &v), now.error_test_failures = v;
  CVodeGetNumNonlinSolvConvFails(mem, &v), now.nonlinear_convergence_failures = v;
  return now;
}
}  // namespace

std::vector<std::string> IntegratorOptions::validate() const {
  std::vector<std::string> problems;
  if (!(relative_tolerance > 0 && relative_tolerance < 1)) {
    problems.push_back(fmt::format("relative tolerance {} is not in (0, 1)", relative_tolerance));
  }
  if (!(absolute_tolerance > 0)) {
    problems.push_back(fmt::format("absolute tolerance {} is not > 0", absolute_tolerance));
  }
  if (max_steps < 1) problems.push_back(fmt::format("max_steps {} is not >= 1", max_steps));
  if (max_order < 1 || max_order > 5) {
    problems.push_back(fmt::format("max_order {} is not in 1..5 (BDF)", max_order));
  }
  if (!(max_step >= 0)) problems.push_back(fmt::format("max_step {} is negative", max_step));
  return problems;
}

IntegratorStats& IntegratorStats::operator+=(const IntegratorStats& o) {
  steps += o.steps;
  rhs_evaluations += o.rhs_evaluations;
  jacobian_evaluations += o.jacobian_evaluations;
  linear_solver_setups += o.linear_solver_setups;
  error_test_failures += o.error_test_failures;
  nonlinear_convergence_failures += o.nonlinear_convergence_failures;
  segments += o.segments;
  return *this;
}

std::string IntegratorStats::brief_report() const {
  return fmt::format("{} steps, {} RHS and {} Jacobian evaluations, {} segments", steps,
                     rhs_evaluations, jacobian_evaluations, segments);
}

OdeIntegrator::OdeIntegrator(OdeSystem& system, const IntegratorOptions& options)
    : system_(system), options_(options), sundials_(std::make_unique<Sundials>()) {
  const auto problems = options.validate();
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    throw std::invalid_argument("invalid solver options: " + all);
  }
  analytic_jacobian_ = options.jacobian != JacobianMode::kFiniteDifference && system.has_jacobian();
  if (options.jacobian == JacobianMode::kAnalytic && !system.has_jacobian()) {
    throw std::invalid_argument("an analytic Jacobian was asked for, but the model has none");
  }
  const sunindextype n = system.size();
  auto& s = *sundials_;
  check(SUNContext_Create(nullptr, &s.context), "SUNContext_Create");
  s.y = N_VNew_Serial(n, s.context);
  s.matrix = SUNDenseMatrix(n, n, s.context);
  if (s.y == nullptr || s.matrix == nullptr) {
    throw std::runtime_error("could not allocate the SUNDIALS integrator");
  }
  if (options.compiled_kernels) {
    // Before CVodeInit and CVodeSetLinearSolver: CVODES' work vectors and saved Jacobian are
    // clones of these two and inherit their kernels.
    use_compiled_vector_kernels(s.y);
    use_compiled_matrix_kernels(s.matrix);
    s.linear_solver = make_small_dense_linear_solver(static_cast<int>(n), s.context);
  } else {
    s.linear_solver = SUNLinSol_Dense(s.y, s.matrix, s.context);
  }
  s.cvode = CVodeCreate(CV_BDF, s.context);
  if (s.linear_solver == nullptr || s.cvode == nullptr) {
    throw std::runtime_error("could not allocate the SUNDIALS integrator");
  }
  N_VConst(0.0, s.y);
  check(CVodeInit(s.cvode, Trampolines::rhs, 0.0, s.y), "CVodeInit");
  check(CVodeSetUserData(s.cvode, this), "CVodeSetUserData");
  check(CVodeSetErrHandlerFn(s.cvode, Trampolines::error_handler, this), "CVodeSetErrHandlerFn");
  check(CVodeSStolerances(s.cvode, options.relative_tolerance, options.absolute_tolerance),
        "CVodeSStolerances");
  check(CVodeSetLinearSolver(s.cvode, s.linear_solver, s.matrix), "CVodeSetLinearSolver");
  if (analytic_jacobian_) check(CVodeSetJacFn(s.cvode, Trampolines::jacobian), "CVodeSetJacFn");
  check(CVodeSetMaxNumSteps(s.cvode, options.max_steps), "CVodeSetMaxNumSteps");
  check(CVodeSetMaxOrd(s.cvode, options.max_order), "CVodeSetMaxOrd");
  if (options.max_step > 0) check(CVodeSetMaxStep(s.cvode, options.max_step), "CVodeSetMaxStep");
  if (system.root_count() > 0) {
    check(CVodeRootInit(s.cvode, system.root_count(), Trampolines::roots), "CVodeRootInit");
  }
}

OdeIntegrator::~OdeIntegrator() = default;

void OdeIntegrator::collect_stats() {
  if (started_ && count_current_segment_) finished_ += segment_stats(sundials_->cvode);
}

void OdeIntegrator::reinit(double t0, const double* y0) {
  collect_stats();
  auto& s = *sundials_;
  std::memcpy(N_VGetArrayPointer(s.y), y0, sizeof(double) * system_.size());
  check(CVodeReInit(s.cvode, t0, s.y), "CVodeReInit");
  t_ = t0;
  started_ = true;
  count_current_segment_ = true;
  finished_.segments += 1;
}

IntegratorStatus OdeIntegrator::advance(double t_out, double t_stop, double* y) {
  auto& s = *sundials_;
  const int n = system_.size();
  if (!started_) throw std::logic_error("OdeIntegrator::advance before reinit");
  if (t_out <= t_) {
    // CVODES cannot step backwards or by zero. s.y holds the state at t_, the last time
    // reached (set by reinit() or by the last CVode call); CVodeGetDky is not usable here,
    // since right after a reinit the step size is 0 and it interpolates to NaN.
    if (t_out < t_) {
      last_error_ = fmt::format("cannot integrate back from t = {} to {}", t_, t_out);
      return IntegratorStatus::kOther;
    }
    std::memcpy(y, N_VGetArrayPointer(s.y), sizeof(double) * n);
    return IntegratorStatus::kSuccess;
  }
  // A gap of a few rounding errors - two event times reached along different sums, such as
  // 2 h + 46 h and 48 h - is refused by CVODES ("tout too close to t0"); nothing changes
  // measurably over it, so the state is kept and the time moves on.
  const double scale = std::max({1.0, std::abs(t_), std::abs(t_out)});
  if (t_out - t_ <= 64 * std::numeric_limits<double>::epsilon() * scale) {
    std::memcpy(y, N_VGetArrayPointer(s.y), sizeof(double) * n);
    t_ = t_out;
    return IntegratorStatus::kSuccess;
  }
  last_error_.clear();
  check(CVodeSetStopTime(s.cvode, std::max(t_stop, t_out)), "CVodeSetStopTime");
  double t_reached = t_;
  const int flag = CVode(s.cvode, t_out, s.y, &t_reached, CV_NORMAL);
  t_ = t_reached;
  std::memcpy(y, N_VGetArrayPointer(s.y), sizeof(double) * n);
  switch (flag) {
    case CV_SUCCESS:
    case CV_TSTOP_RETURN:
      t_ = t_out;
      return IntegratorStatus::kSuccess;
    case CV_ROOT_RETURN:
      return IntegratorStatus::kRootFound;
    case CV_TOO_MUCH_WORK:
      return IntegratorStatus::kTooMuchWork;
    case CV_TOO_MUCH_ACC:
      return IntegratorStatus::kTooMuchAccuracy;
    case CV_ERR_FAILURE:
      return IntegratorStatus::kErrorTestFailure;
    case CV_CONV_FAILURE:
    case CV_LSETUP_FAIL:
    case CV_LSOLVE_FAIL:
      return IntegratorStatus::kConvergenceFailure;
    case CV_RHSFUNC_FAIL:
    case CV_REPTD_RHSFUNC_ERR:
    case CV_UNREC_RHSFUNC_ERR:
    case CV_FIRST_RHSFUNC_ERR:
      return IntegratorStatus::kSystemFailure;
    default:
      return IntegratorStatus::kOther;
  }
}

bool OdeIntegrator::state_past_root(double* y, double& t) {
  auto& s = *sundials_;
  if (s.past_root == nullptr) s.past_root = N_VClone(s.y);
  double t_step = t_, h = 0.0;
  CVodeGetCurrentTime(s.cvode, &t_step);
  CVodeGetLastStep(s.cvode, &h);
  const double tolerance =
      (std::abs(t_step) + std::abs(h)) * std::numeric_limits<double>::epsilon() * 100;
  t = std::min(t_ + 2 * tolerance, t_step);
  if (!(t > t_)) return false;
  if (CVodeGetDky(s.cvode, t, 0, s.past_root) != CV_SUCCESS) return false;
  std::memcpy(y, N_VGetArrayPointer(s.past_root), sizeof(double) * system_.size());
  return true;
}

IntegratorStats OdeIntegrator::stats() const {
  IntegratorStats total = finished_;
  if (started_ && count_current_segment_) total += segment_stats(sundials_->cvode);
  return total;
}

void OdeIntegrator::reset_stats() {
  finished_ = IntegratorStats{};
  count_current_segment_ = false;
}

std::string to_string(IntegratorStatus status) {
  switch (status) {
    case IntegratorStatus::kSuccess:
      return "success";
    case IntegratorStatus::kRootFound:
      return "stopped at a root";
    case IntegratorStatus::kTooMuchWork:
      return "too much work (max_steps reached)";
    case IntegratorStatus::kTooMuchAccuracy:
      return "tolerances too tight";
    case IntegratorStatus::kErrorTestFailure:
      return "repeated error-test failures";
    case IntegratorStatus::kConvergenceFailure:
      return "repeated convergence failures";
    case IntegratorStatus::kSystemFailure:
      return "model right-hand side failed";
    case IntegratorStatus::kOther:
      return "integration failed";
  }
  return "unknown";
}

}  // namespace smartnano::solver
