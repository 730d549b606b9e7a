#include "smartnano/simulation/subject_simulator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

#include <fmt/format.h>

#include "smartnano/core/error.h"
#include "smartnano/model/model_workspace.h"

namespace smartnano::simulation {
namespace {

constexpr double kForever = std::numeric_limits<double>::infinity();

// The model plus zero-order inputs from running infusions (constant between events).
class DosedSystem : public solver::OdeSystem {
 public:
  DosedSystem(model::ModelWorkspace& workspace, const std::vector<double>* input)
      : workspace_(workspace), input_(input) {}
  void use_input(const std::vector<double>* input) { input_ = input; }
  int size() const override { return workspace_.size(); }
  void rhs(double t, const double* y, double* ydot) override {
    workspace_.rhs(t, y, ydot);
    for (int i = 0; i < size(); ++i) ydot[i] += (*input_)[i];
  }
  bool has_jacobian() const override { return workspace_.has_jacobian(); }
  void jacobian(double t, const double* y, double* jac) override { workspace_.jacobian(t, y, jac); }
  int root_count() const override { return workspace_.root_count(); }
  void roots(double t, const double* y, double* g) override { workspace_.roots(t, y, g); }

 private:
  model::ModelWorkspace& workspace_;
  const std::vector<double>* input_;
};

// A dose as it will act: amount already multiplied by F, infusion rate and duration resolved.
struct ResolvedDose {
  int state = 0;
  double amount = 0.0;    // F * AMT
  double rate = 0.0;      // 0: bolus
  double duration = 0.0;  // infusion duration (kForever for a constant infusion)
  double lag = 0.0;
  double interval = 0.0;  // II
};

struct Scheduled {
  double time;
  long sequence;  // creation order breaks ties
  enum Kind { kDoseStart, kInfusionEnd } kind;
  int state;
  double amount;  // bolus amount, or infusion rate for starts / ends
  double duration;
  bool operator>(const Scheduled& o) const {
    return time != o.time ? time > o.time : sequence > o.sequence;
  }
};

// Failure of the integration inside a subject; becomes a status, not an exception.
struct SolveFailed {
  SubjectStatus status;
  std::string message;
};

}  // namespace

std::vector<std::string> SimulationOptions::validate() const {
  auto problems = integrator.validate();
  if (!(steady_state_relative_tolerance > 0)) {
    problems.push_back("steady-state relative tolerance must be > 0");
  }
  if (!(steady_state_absolute_tolerance > 0)) {
    problems.push_back("steady-state absolute tolerance must be > 0");
  }
  if (steady_state_max_intervals < 1) problems.push_back("steady-state max intervals must be >= 1");
  return problems;
}

// What one simulator keeps from subject to subject: the model's workspace and one CVODES
// integrator, built once (nothing of the solver is allocated per subject) and restarted with
// CVodeReInit at every discontinuity, which forgets everything of the previous segment.
struct SubjectSimulator::Engine {
  explicit Engine(const model::ModelPtr& model, const solver::IntegratorOptions& options)
      : workspace(model),
        input(model->states().size(), 0.0),
        system(workspace, &input),
        integrator(system, options) {}
  model::ModelWorkspace workspace;
  std::vector<double> input;  // zero-order input per state from running infusions
  DosedSystem system;
  solver::OdeIntegrator integrator;
};

// The state of one subject's simulation.
class SubjectSimulator::Run {
 public:
  Run(const model::Model& model, const SimulationOptions& options, Engine& engine,
      const SubjectInput& subject)
      : model_(model),
        options_(options),
        ws_(engine.workspace),
        subject_(subject),
        n_(static_cast<int>(model.states().size())),
        y_(n_, 0.0),
        input_(engine.input),
        infusions_running_(n_, 0),
        system_(engine.system),
        integrator_(engine.integrator) {
    std::fill(input_.begin(), input_.end(), 0.0);
    system_.use_input(&input_);
    integrator_.reset_stats();
  }

  SubjectResult run() {
    SubjectResult result;
    result.id = subject_.id;
    const auto& records = subject_.records;
    const std::size_t n_cov = model_.covariates().size();
    const std::size_t n_out = model_.outputs().size();
    // The workspace is reused from subject to subject: every parameter is set, to the
    // subject's value or the model's default.
    const auto& defaults = model_.parameters();
    for (std::size_t i = 0; i < defaults.size(); ++i) {
      ws_.set_parameter(static_cast<int>(i),
                        subject_.parameters.empty() ? defaults[i].value : subject_.parameters[i]);
    }
    std::vector<double> out(n_out);
    find_discontinuities();
    try {
      for (std::size_t r = 0; r < records.size(); ++r) {
        const events::Record& record = records[r];
        const double* cov = n_cov > 0 ? subject_.covariates.data() + r * n_cov : nullptr;
        if (r == 0) {
          set_covariates(cov);
          t_ = record.time;
          ws_.initial_state(y_.data());
          reinit_needed_ = true;
          if (has_events_) {
            start_events();
            fire_events();
          }
        } else if (set_covariates(cov)) {
          reinit_needed_ = true;  // parameters change from the previous record on
        }
        advance_to(record.time, next_discontinuity_[r]);
        apply(record);
        ws_.outputs(t_, y_.data(), out.data());
        result.times.push_back(t_);
        result.evids.push_back(events::kind_to_evid(record.kind));
        result.outputs.insert(result.outputs.end(), out.begin(), out.end());
        if (options_.record_states) result.states.insert(result.states.end(), y_.begin(), y_.end());
      }
    } catch (const SolveFailed& failure) {
      result.status = failure.status;
      result.message = failure.message;
    }
    result.stats = integrator_.stats();
    result.steady_state_intervals = ss_intervals_;
    return result;
  }

 private:
  // --- covariates and time ------------------------------------------------------------
  bool set_covariates(const double* values) {
    const std::size_t n_cov = model_.covariates().size();
    bool changed = !covariates_set_;
    if (!covariates_set_) current_cov_.assign(n_cov, 0.0);
    covariates_set_ = true;
    for (std::size_t c = 0; c < n_cov; ++c) {
      if (current_cov_[c] != values[c]) changed = true;
      current_cov_[c] = values[c];
      ws_.set_covariate(static_cast<int>(c), values[c]);
    }
    if (changed) ws_.update();
    return changed;
  }

  // For every record r, the time of the first record at or after r that makes the right-hand
  // side jump (a dose or reset, or the last record before covariates change), so the
  // integrator never steps over it. Computed once, backwards.
  void find_discontinuities() {
    const auto& records = subject_.records;
    const std::size_t n_cov = model_.covariates().size();
    next_discontinuity_.assign(records.size(), kForever);
    double next = kForever;
    for (std::size_t k = records.size(); k-- > 0;) {
      const auto kind = records[k].kind;
      if (kind != events::RecordKind::kObservation && kind != events::RecordKind::kOther) {
        next = records[k].time;
      }
      if (k + 1 < records.size() && n_cov > 0 &&
          !std::equal(subject_.covariates.begin() + k * n_cov,
                      subject_.covariates.begin() + (k + 1) * n_cov,
                      subject_.covariates.begin() + (k + 1) * n_cov)) {
        next = std::min(next, records[k].time);
      }
      next_discontinuity_[k] = next;
    }
  }

  void integrate_to(double t_target, double t_stop) {
    if (t_target <= t_) return;
    if (reinit_needed_) {
      // A dose, a reset or an event may have made a trigger true.
      if (has_events_) fire_events();
      integrator_.reinit(t_, y_.data());
      reinit_needed_ = false;
    }
    const double stop = std::min(t_stop, queue_.empty() ? kForever : queue_.top().time);
    auto status = integrator_.advance(t_target, std::max(stop, t_target), y_.data());
    while (status == solver::IntegratorStatus::kRootFound) {
      // A comparison of a trigger changed sign: events whose trigger became true act now, and
      // the integration restarts from the new state. It restarts also when none fired: a
      // comparison that stays exactly zero (a state held at a trigger's threshold) would make
      // CVODES stop with "root found at and very near t"; a restart sets it aside until it
      // moves (CVODES' own rule at an initial time).
      t_ = integrator_.current_time();
      fire_events(/*at_root=*/true);
      integrator_.reinit(t_, y_.data());
      reinit_needed_ = false;
      if (t_ >= t_target) {
        t_ = t_target;
        return;
      }
      status = integrator_.advance(t_target, std::max(stop, t_target), y_.data());
    }
    if (status != solver::IntegratorStatus::kSuccess) {
      throw SolveFailed{
          SubjectStatus::kSolverFailure,
          fmt::format("integration failed between t = {} and {}: {}{}{}", t_, t_target,
                      solver::to_string(status), integrator_.last_error().empty() ? "" : ": ",
                      integrator_.last_error())};
    }
    t_ = t_target;
  }

  void advance_to(double t_target, double t_stop) {
    while (!queue_.empty() && queue_.top().time <= t_target) {
      const Scheduled event = queue_.top();
      queue_.pop();
      integrate_to(event.time, t_stop);
      act(event);
    }
    integrate_to(t_target, t_stop);
  }

  // --- state-triggered events (model `events:`) ---------------------------------------
  // Triggers as they were before the start: true unless the event may fire at the start.
  void start_events() {
    const auto& events = model_.events();
    trigger_before_.assign(events.size(), 1.0);
    for (std::size_t k = 0; k < events.size(); ++k) {
      if (events[k].fire_at_start) trigger_before_[k] = 0.0;
    }
  }

  // Fires every event whose trigger went from false to true: all their assignments are computed
  // from the current state, then made (in model order). Assignments may make further triggers
  // true; those fire in turn. Returns whether any event fired.
  // At a root of CVODES the triggers are read just past it (the comparison that crossed may be
  // exactly zero at the root itself), with every assignment made there too; the assigned values
  // are those at the root.
  bool fire_events(bool at_root = false) {
    const auto& events = model_.events();
    bool any = false;
    double t_past = t_;
    bool past = false;
    if (at_root) {
      past_root_.resize(n_);
      past = integrator_.state_past_root(past_root_.data(), t_past);
    }
    std::vector<double> unused;
    for (int round = 0;; ++round) {
      ws_.events(t_, y_.data(), triggers_, assigned_);
      if (past) ws_.events(t_past, past_root_.data(), triggers_, unused);
      std::vector<std::size_t> firing;
      for (std::size_t k = 0; k < events.size(); ++k) {
        if (trigger_before_[k] == 0.0 && triggers_[k] != 0.0) firing.push_back(k);
      }
      trigger_before_ = triggers_;
      if (firing.empty()) return any;
      if (round >= kMaxEventRounds) {
        throw SolveFailed{SubjectStatus::kSolverFailure,
                          fmt::format("events keep triggering each other at t = {} ('{}' after "
                                      "{} rounds)",
                                      t_, events[firing.front()].name, kMaxEventRounds)};
      }
      std::size_t offset = 0;
      std::vector<std::size_t> first(events.size());
      for (std::size_t k = 0; k < events.size(); ++k) {
        first[k] = offset;
        offset += events[k].assignments.size();
      }
      for (std::size_t k : firing) {
        for (std::size_t a = 0; a < events[k].assignments.size(); ++a) {
          y_[events[k].assignments[a].first] = assigned_[first[k] + a];
          if (past) past_root_[events[k].assignments[a].first] = assigned_[first[k] + a];
        }
      }
      any = true;
      reinit_needed_ = true;
    }
  }

  // --- events -------------------------------------------------------------------------
  void schedule(double time, Scheduled::Kind kind, int state, double amount, double duration) {
    queue_.push(Scheduled{time, sequence_++, kind, state, amount, duration});
  }

  void start_infusion(int state, double rate, double duration) {
    input_[state] += rate;
    infusions_running_[state] += 1;
    if (duration < kForever) schedule(t_ + duration, Scheduled::kInfusionEnd, state, rate, 0.0);
    reinit_needed_ = true;
  }

  void act(const Scheduled& e) {
    switch (e.kind) {
      case Scheduled::kDoseStart:
        if (e.duration > 0) {
          start_infusion(e.state, e.amount, e.duration);
        } else {
          y_[e.state] += e.amount;
          reinit_needed_ = true;
        }
        break;
      case Scheduled::kInfusionEnd:
        // Exactly zero once the last infusion ends, so rounding never leaves a trickle.
        input_[e.state] = --infusions_running_[e.state] == 0 ? 0.0 : input_[e.state] - e.amount;
        reinit_needed_ = true;
        break;
    }
  }

  void reset() {
    ws_.initial_state(y_.data());
    if (has_events_) start_events();
    std::fill(input_.begin(), input_.end(), 0.0);
    std::fill(infusions_running_.begin(), infusions_running_.end(), 0);
    queue_ = decltype(queue_)();  // pending additional and lagged doses are cancelled too
    reinit_needed_ = true;
  }

  [[noreturn]] void bad_record(const events::Record& r, const char* field,
                               const std::string& message) const {
    throw InputError({subject_.source, r.line, 0, field}, message);
  }

  ResolvedDose resolve(const events::Record& r) {
    ResolvedDose d;
    const int cmt = r.compartment == 0 ? model_.default_dose_state() + 1 : r.compartment;
    if (cmt < 1 || cmt > n_) {
      bad_record(r, "CMT",
                 fmt::format("compartment {} does not exist: model '{}' has {} ({})", cmt,
                             model_.name(), n_, state_list()));
    }
    d.state = cmt - 1;
    const auto a = ws_.dose_attributes(d.state, t_, y_.data());
    const std::string& name = model_.states()[d.state].name;
    if (!(a.bioavailability >= 0) || !std::isfinite(a.bioavailability)) {
      bad_record(
          r, "AMT",
          fmt::format("bioavailability of {} is {}, not a number >= 0", name, a.bioavailability));
    }
    if (!(a.lag >= 0) || !std::isfinite(a.lag)) {
      bad_record(r, "TIME", fmt::format("lag time of {} is {}, not a number >= 0", name, a.lag));
    }
    d.lag = a.lag;
    d.interval = r.interval;
    d.amount = a.bioavailability * r.amount;
    switch (r.rate_mode) {
      case events::RateMode::kBolus:
        break;
      case events::RateMode::kFixedRate:
        d.rate = r.rate;
        // NONMEM: F changes the duration of a fixed-rate infusion, not its rate.
        d.duration = r.amount == 0 ? kForever : d.amount / d.rate;
        break;
      case events::RateMode::kModelledRate:
        if (!a.has_rate) {
          bad_record(r, "RATE",
                     fmt::format("RATE = -1 asks for a modelled rate, but model '{}' "
                                 "gives none for {}",
                                 model_.name(), name));
        }
        if (!(a.rate > 0))
          bad_record(r, "RATE", fmt::format("modelled rate of {} is {}, not > 0", name, a.rate));
        d.rate = a.rate;
        d.duration = d.amount / d.rate;
        break;
      case events::RateMode::kModelledDuration:
        if (!a.has_duration) {
          bad_record(r, "RATE",
                     fmt::format("RATE = -2 asks for a modelled duration, but model "
                                 "'{}' gives none for {}",
                                 model_.name(), name));
        }
        if (!(a.duration > 0)) {
          bad_record(r, "RATE",
                     fmt::format("modelled duration of {} is {}, not > 0", name, a.duration));
        }
        d.duration = a.duration;
        d.rate = d.amount / d.duration;
        break;
    }
    return d;
  }

  std::string state_list() const {
    std::string s;
    for (int i = 0; i < n_; ++i)
      s += fmt::format("{}{} = {}", i ? ", " : "", i + 1, model_.states()[i].name);
    return s;
  }

  // Gives a dose now or schedules it at `time` (> t_).
  void give(const ResolvedDose& d, double time) {
    if (d.amount == 0 && d.duration < kForever) return;
    if (time > t_) {
      schedule(time, Scheduled::kDoseStart, d.state, d.rate > 0 ? d.rate : d.amount,
               d.rate > 0 ? d.duration : 0.0);
    } else if (d.rate > 0) {
      start_infusion(d.state, d.rate, d.duration);
    } else {
      y_[d.state] += d.amount;
      reinit_needed_ = true;
    }
  }

  void apply(const events::Record& r) {
    using events::RecordKind;
    if (r.kind == RecordKind::kReset || r.kind == RecordKind::kResetAndDose) reset();
    if (!events::is_dose(r.kind)) return;
    const ResolvedDose d = resolve(r);
    if (r.ss != events::SteadyState::kNone) {
      steady_state(r, d);
    } else {
      give(d, t_ + d.lag);
    }
    for (int k = 1; k <= r.additional; ++k) give(d, t_ + k * d.interval + d.lag);
  }

  // --- steady state -------------------------------------------------------------------
  void steady_state(const events::Record& r, const ResolvedDose& d);
  std::vector<double> periodic_state(const ResolvedDose& d, const std::vector<double>& y0,
                                     const std::vector<std::pair<double, double>>& window_input,
                                     double bolus_offset);
  std::vector<double> equilibrium_state(const ResolvedDose& d, const std::vector<double>& y0);
  bool converged(const std::vector<double>& previous, const std::vector<double>& next,
                 double& last_error) const;

  const model::Model& model_;
  const SimulationOptions& options_;
  model::ModelWorkspace& ws_;
  const SubjectInput& subject_;
  const int n_;
  std::vector<double> y_;
  std::vector<double>& input_;          // zero-order input per state from running infusions
  std::vector<int> infusions_running_;  // per state
  std::vector<double> current_cov_;
  bool covariates_set_ = false;
  DosedSystem& system_;
  solver::OdeIntegrator& integrator_;
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> queue_;
  long sequence_ = 0;
  double t_ = 0.0;
  bool reinit_needed_ = true;
  long ss_intervals_ = 0;
  std::vector<double> next_discontinuity_;
  static constexpr int kMaxEventRounds = 1000;
  const bool has_events_ = !model_.events().empty();
  std::vector<double> trigger_before_, triggers_, assigned_, past_root_;
};

// --- steady state ---------------------------------------------------------------------------
// The state at the SS record's time t is the periodic solution of the regimen "this dose every
// II, forever": doses at t + lag - k * II for k >= 1 have been given (lagged ones still to come
// after t are scheduled), infusions from earlier doses still running at t keep running.
// The periodic solution is the fixed point of the map "one dosing interval [t - II, t)",
// iterated from the reset state until it stops changing (to a tolerance).

void SubjectSimulator::Run::steady_state(const events::Record& r, const ResolvedDose& d) {
  if (r.ss == events::SteadyState::kReset) reset();
  std::vector<double> y_init(n_);
  ws_.initial_state(y_init.data());
  std::vector<double> y_ss;
  std::vector<double> still_running;  // remaining durations of earlier infusions at t
  if (d.duration == kForever && d.interval > 0) {
    bad_record(r, "II", "a steady-state infusion with AMT = 0 runs forever: it needs II = 0");
  }
  if (d.interval == 0) {
    // SS with II = 0: constant infusion (AMT = 0, RATE > 0) at equilibrium, running on.
    y_ss = equilibrium_state(d, y_init);
  } else {
    const double ii = d.interval;
    const double phase = std::fmod(d.lag, ii);        // where the dose falls inside [t - II, t)
    std::vector<std::pair<double, double>> infusing;  // sub-intervals of [0, II), one per dose
    if (d.rate > 0) {
      for (int j = 0;; ++j) {
        const double start = phase - j * ii;
        if (start + d.duration <= 0) break;
        const double a = std::max(start, 0.0), b = std::min(start + d.duration, ii);
        if (b > a) infusing.emplace_back(a, b);
      }
    }
    y_ss = periodic_state(d, y_init, infusing, d.rate > 0 ? -1.0 : phase);
    // Infusions of earlier doses still running at t.
    if (d.rate > 0) {
      for (int j = 0;; ++j) {
        const double start = t_ - ii + phase - j * ii;
        if (start + d.duration <= t_) break;
        still_running.push_back(start + d.duration - t_);
      }
    }
  }
  if (r.ss == events::SteadyState::kReset) {
    y_ = y_ss;
  } else {
    for (int i = 0; i < n_; ++i) y_[i] += y_ss[i] - y_init[i];
  }
  reinit_needed_ = true;
  if (d.interval == 0) {
    start_infusion(d.state, d.rate, kForever);
    return;
  }
  for (double remaining : still_running) start_infusion(d.state, d.rate, remaining);
  // Lagged doses of the series that fall at or after t (lag >= II), then this record's dose.
  for (int k = 1; d.lag - k * d.interval >= 0; ++k) give(d, t_ + d.lag - k * d.interval);
  give(d, t_ + d.lag);
}

bool SubjectSimulator::Run::converged(const std::vector<double>& previous,
                                      const std::vector<double>& next, double& last_error) const {
  double e = 0.0;
  for (int i = 0; i < n_; ++i) {
    const double scale = options_.steady_state_relative_tolerance * std::abs(next[i]) +
                         options_.steady_state_absolute_tolerance;
    e = std::max(e, std::abs(next[i] - previous[i]) / scale);
  }
  const double q = e / last_error;  // observed contraction per interval
  last_error = e;
  if (e == 0.0) return true;
  // The distance left to the fixed point is about e * q / (1 - q) for a contraction q.
  return e <= 1.0 && q < 1.0 && e * q / (1.0 - q) <= 1.0;
}

std::vector<double> SubjectSimulator::Run::periodic_state(
    const ResolvedDose& d, const std::vector<double>& y0,
    const std::vector<std::pair<double, double>>& infusing, double bolus_offset) {
  const double ii = d.interval;
  std::vector<double> cuts = {0.0, ii};
  for (const auto& [a, b] : infusing) cuts.insert(cuts.end(), {a, b});
  if (bolus_offset >= 0) cuts.push_back(bolus_offset);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

  std::vector<double> ss_input(n_, 0.0);
  system_.use_input(&ss_input);
  std::vector<double> y = y0, before(n_);
  double last_error = kForever;
  const double window_start = t_ - ii;
  bool done = false;
  for (int cycle = 0; cycle < options_.steady_state_max_intervals && !done; ++cycle) {
    before = y;
    for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
      const double a = cuts[c], b = cuts[c + 1];
      if (a == bolus_offset) y[d.state] += d.amount;
      int running = 0;
      for (const auto& [s, e] : infusing) running += (s <= a && a < e) ? 1 : 0;
      ss_input[d.state] = running * d.rate;
      integrator_.reinit(window_start + a, y.data());
      const auto status = integrator_.advance(window_start + b, window_start + b, y.data());
      if (status != solver::IntegratorStatus::kSuccess) {
        system_.use_input(&input_);
        throw SolveFailed{SubjectStatus::kSolverFailure,
                          fmt::format("integration failed while computing a steady state at t = "
                                      "{}: {} {}",
                                      t_, solver::to_string(status), integrator_.last_error())};
      }
    }
    ++ss_intervals_;
    done = converged(before, y, last_error);
  }
  system_.use_input(&input_);
  reinit_needed_ = true;
  if (!done) {
    throw SolveFailed{SubjectStatus::kSteadyStateNotReached,
                      fmt::format("steady state at t = {} not reached in {} dosing intervals", t_,
                                  options_.steady_state_max_intervals)};
  }
  return y;
}

std::vector<double> SubjectSimulator::Run::equilibrium_state(const ResolvedDose& d,
                                                             const std::vector<double>& y0) {
  std::vector<double> ss_input(n_, 0.0);
  ss_input[d.state] = d.rate;
  system_.use_input(&ss_input);
  std::vector<double> y = y0, before(n_);
  double window = 1.0, last_error = kForever;
  int calm = 0;  // consecutive windows without change beyond tolerance
  for (int i = 0; i < 200 && calm < 2; ++i, window *= 2) {
    before = y;
    integrator_.reinit(t_, y.data());
    const auto status = integrator_.advance(t_ + window, t_ + window, y.data());
    if (status != solver::IntegratorStatus::kSuccess) {
      system_.use_input(&input_);
      throw SolveFailed{SubjectStatus::kSolverFailure,
                        fmt::format("integration failed while computing a steady-state infusion "
                                    "at t = {}: {}",
                                    t_, solver::to_string(status))};
    }
    ++ss_intervals_;
    converged(before, y, last_error);
    calm = last_error <= 1.0 ? calm + 1 : 0;
  }
  system_.use_input(&input_);
  reinit_needed_ = true;
  if (calm < 2) {
    throw SolveFailed{SubjectStatus::kSteadyStateNotReached,
                      fmt::format("steady-state infusion at t = {} did not settle", t_)};
  }
  return y;
}

SubjectSimulator::SubjectSimulator(model::ModelPtr model, SimulationOptions options)
    : model_(std::move(model)), options_(std::move(options)) {
  const auto problems = options_.validate();
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    throw std::invalid_argument("invalid simulation options: " + all);
  }
}

SubjectSimulator::~SubjectSimulator() = default;

SubjectResult SubjectSimulator::simulate(const SubjectInput& subject) {
  const std::size_t n_cov = model_->covariates().size();
  if (subject.covariates.size() != subject.records.size() * n_cov) {
    throw std::invalid_argument("SubjectInput: covariates must have one row per record");
  }
  if (!subject.parameters.empty() && subject.parameters.size() != model_->parameters().size()) {
    throw std::invalid_argument(
        "SubjectInput: parameters must be empty or one per model parameter");
  }
  if (!engine_) engine_ = std::make_unique<Engine>(model_, options_.integrator);
  Run run(*model_, options_, *engine_, subject);
  return run.run();
}

std::string to_string(SubjectStatus status) {
  switch (status) {
    case SubjectStatus::kSuccess:
      return "success";
    case SubjectStatus::kSolverFailure:
      return "solver failure";
    case SubjectStatus::kSteadyStateNotReached:
      return "steady state not reached";
  }
  return "unknown";
}

}  // namespace smartnano::simulation
