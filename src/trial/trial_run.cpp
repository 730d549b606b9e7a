// Running a virtual trial: screening, randomisation, cycle-by-cycle dosing decisions, endpoints
// and the replicated-trial statistics (docs/trials.md).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "smartnano/population/population.h"
#include "smartnano/simulation/simulate_all.h"
#include "smartnano/simulation/subject_simulator.h"
#include "smartnano/stratification/logistic.h"
#include "smartnano/stratification/roc.h"
#include "smartnano/trial/trial.h"

namespace smartnano::trial {

namespace {

using population::named_covariate_purpose;
using population::RandomStream;

// A patient who passed screening, with what the simulation needs.
struct Enrolled {
  int replicate = 0;
  int arm = 0;
  int patient = 0;
  std::size_t index = 0;  // in the population
  scenario::SubjectDescription description;
  double entry_days = 0.0;
  std::vector<double> biomarkers;
};

// One planned administration of an arm.
struct PlannedDose {
  double day = 0.0;
  int line = 0;
  double amount = 0.0;         // in the target state's unit, full dose
  double duration_days = 0.0;  // 0 = bolus
  double per_m2 = std::numeric_limits<double>::quiet_NaN();
};

constexpr double kEps = 1e-9;

class PatientRun {
 public:
  PatientRun(const Trial& trial, simulation::SubjectSimulator& simulator)
      : trial_(trial), spec_(trial.spec), model_(*trial.scenario.model), simulator_(simulator) {
    const units::Unit day = units::parse_unit("day");
    model_per_day_ = units::convert(1.0, day, model_.time_unit());
    const auto& outputs = model_.outputs();
    sld_factor_ = units::conversion_factor(outputs[spec_.endpoints.tumour_size].unit,
                                           units::parse_unit("mm"));
    if (spec_.endpoints.neutrophils >= 0) {
      anc_factor_ = units::conversion_factor(outputs[spec_.endpoints.neutrophils].unit,
                                             units::parse_unit("cells/nL"));
    }
  }

  PatientOutcome run(const Enrolled& who) {
    PatientOutcome out;
    out.replicate = who.replicate;
    out.arm = who.arm;
    out.patient = who.patient;
    out.population_index = who.index;
    out.id = who.description.id;
    out.entry_days = who.entry_days;
    out.biomarkers = who.biomarkers;
    const ArmSpec& arm = spec_.arms[static_cast<std::size_t>(who.arm)];
    parameters_ = who.description.parameters;
    for (const auto& [p, value] : arm.parameters) parameters_[static_cast<std::size_t>(p)] = value;
    covariates_ = who.description.covariates;
    covariates_.resize(model_.covariates().size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t c = 0; c < covariates_.size(); ++c) {
      if (std::isnan(covariates_[c])) {
        covariates_[c] = model_.covariates()[c].default_value.value_or(0.0);
      }
    }
    id_ = who.description.id;

    // Censoring: drop-out (exponential) and the data cut-off (accrual + follow-up - entry).
    const double admin = spec_.accrual_days + spec_.follow_up_days - who.entry_days;
    double dropout = std::numeric_limits<double>::infinity();
    if (spec_.dropout_per_year > 0) {
      RandomStream stream(spec_.seed, who.index, named_covariate_purpose("trial:dropout"));
      const double rate = -std::log(1.0 - spec_.dropout_per_year) / 365.25;
      dropout = -std::log(stream.uniform()) / rate;
    }
    out.censor_days = std::min(admin, dropout);

    const std::vector<PlannedDose> planned = plan(arm, who.description.body);
    const double landmark =
        spec_.endpoints.overall_survival ? spec_.endpoints.overall_survival->landmark_days : 0.0;
    const double horizon = std::max(out.censor_days, landmark);
    visits_.clear();
    for (int k = 1; k * spec_.visit_interval_days <= out.censor_days + kEps; ++k) {
      visits_.push_back(k * spec_.visit_interval_days);
    }

    // The course: every dose decided, simulated to the horizon.
    grid_ = sample_grid(horizon);
    if (landmark > 0) grid_.push_back(landmark);
    std::sort(grid_.begin(), grid_.end());
    grid_.erase(std::unique(grid_.begin(), grid_.end(),
                            [](double a, double b) { return std::abs(a - b) < kEps; }),
                grid_.end());
    simulation::SubjectResult result;
    if (!decide_doses(planned, out, result)) return out;
    const std::vector<double>& grid = grid_;
    const std::size_t n_out = model_.outputs().size();
    auto value_at = [&](int output, double day) { return this->value_at(result, output, day); };
    out.baseline_sld_mm = value_at(spec_.endpoints.tumour_size, 0.0) * sld_factor_;

    if (spec_.endpoints.overall_survival) {
      const SurvivalModel& s = *spec_.endpoints.overall_survival;
      const double sld_landmark = value_at(spec_.endpoints.tumour_size, landmark) * sld_factor_;
      double log_days = parameters_[static_cast<std::size_t>(s.intercept)] +
                        parameters_[static_cast<std::size_t>(s.size_change)] *
                            (sld_landmark / out.baseline_sld_mm - 1.0);
      if (s.baseline_size >= 0) {
        log_days += parameters_[static_cast<std::size_t>(s.baseline_size)] *
                    std::log(out.baseline_sld_mm / s.reference_mm);
      }
      RandomStream stream(spec_.seed, who.index, named_covariate_purpose("trial:survival"));
      log_days += parameters_[static_cast<std::size_t>(s.sigma)] * stream.normal();
      out.death_days = std::exp(log_days);
    }
    const double on_study = std::min(out.censor_days, out.death_days);
    // Nothing is given after death.
    if (out.death_days < out.censor_days) {
      const auto after = std::find_if(out.doses.begin(), out.doses.end(), [&](const GivenDose& d) {
        return d.time_days >= out.death_days;
      });
      if (after != out.doses.end()) {
        out.doses.erase(after, out.doses.end());
        out.stop = StopReason::kDeath;
        out.stop_days = out.death_days;
      }
    }
    out.cumulative_mg_per_m2 = 0.0;
    for (const auto& d : out.doses) {
      const ArmDosing& line = arm.dosing[static_cast<std::size_t>(d.line)];
      if (line.per_bsa && line.counts_towards_limit) out.cumulative_mg_per_m2 += d.per_m2;
    }
    if (spec_.endpoints.neutrophils >= 0) {
      double nadir = std::numeric_limits<double>::infinity();
      for (std::size_t r = 0; r < grid.size() && grid[r] <= on_study + kEps; ++r) {
        nadir =
            std::min(nadir, result.outputs[r * n_out + spec_.endpoints.neutrophils] * anc_factor_);
      }
      out.nadir_neutrophils = nadir;
      out.worst_neutropenia_grade = neutropenia_grade(nadir);
    }
    if (spec_.exposure_output >= 0) {
      const auto it = std::upper_bound(grid.begin(), grid.end(), on_study + kEps);
      const std::size_t row =
          it == grid.begin() ? 0 : static_cast<std::size_t>(it - grid.begin()) - 1;
      out.tumour_exposure = result.outputs[row * n_out + spec_.exposure_output];
    }
    if (spec_.subgroup_output >= 0) out.subgroup = value_at(spec_.subgroup_output, 0.0);
    if (!spec_.trajectories.outputs.empty()) {
      const std::vector<double> times = trajectory_times(spec_.trajectories);
      const std::size_t n_traj = spec_.trajectories.outputs.size();
      out.trajectory.assign(times.size() * n_traj, std::numeric_limits<double>::quiet_NaN());
      for (std::size_t k = 0; k < times.size(); ++k) {
        // Only while on study and inside the simulated course.
        if (times[k] > on_study + kEps || times[k] > grid.back() + kEps) break;
        for (std::size_t j = 0; j < n_traj; ++j) {
          out.trajectory[k * n_traj + j] = value_at(spec_.trajectories.outputs[j], times[k]);
        }
      }
    }
    if (spec_.endpoints.cardiac >= 0) {
      const auto it = std::upper_bound(grid.begin(), grid.end(), on_study + kEps);
      const std::size_t row =
          it == grid.begin() ? 0 : static_cast<std::size_t>(it - grid.begin()) - 1;
      out.cardiac_exposure = result.outputs[row * n_out + spec_.endpoints.cardiac];
    }

    std::vector<double> sld;
    // The integrator may leave a vanished tumour a rounding error below zero.
    for (const double v : visits_) {
      sld.push_back(std::max(0.0, value_at(spec_.endpoints.tumour_size, v) * sld_factor_));
    }
    PatientObservations obs;
    obs.baseline_sld_mm = out.baseline_sld_mm;
    obs.visit_times_days = visits_;
    obs.sld_mm = sld;
    if (std::isfinite(out.death_days)) obs.death_time_days = out.death_days;
    obs.follow_up_end_days = out.censor_days;
    out.endpoints = derive_endpoints(obs, spec_.recist);
    if (out.death_days <= out.censor_days) {
      out.overall_survival = {out.death_days, EndpointEvent::kDeath};
    } else {
      out.overall_survival = {out.censor_days, EndpointEvent::kCensored};
    }
    if (out.stop == StopReason::kCompleted && out.censor_days < planned_end_) {
      out.stop = StopReason::kOffStudy;
      out.stop_days = out.censor_days;
    }
    return out;
  }

 private:
  // Every administration of every dosing line, in time order.
  std::vector<PlannedDose> plan(const ArmSpec& arm, const events::BodySize& body) {
    std::vector<PlannedDose> planned;
    const units::Unit day = units::parse_unit("day");
    const units::Unit mg_per_m2 = units::parse_unit("mg/m2");
    for (std::size_t l = 0; l < arm.dosing.size(); ++l) {
      const ArmDosing& line = arm.dosing[l];
      const units::Unit& amount_unit = model_.states()[static_cast<std::size_t>(line.state)].unit;
      const events::Record r = events::expand_regimen(line.regimen, line.start_days, line.state + 1,
                                                      amount_unit, day, body);
      for (int k = 0; k <= r.additional; ++k) {
        PlannedDose p;
        p.day = line.start_days + k * r.interval;
        p.line = static_cast<int>(l);
        p.amount = r.amount;
        p.duration_days = r.rate_mode == events::RateMode::kFixedRate ? r.amount / r.rate : 0.0;
        if (line.per_bsa) p.per_m2 = line.regimen.amount.in(mg_per_m2);
        planned.push_back(p);
      }
    }
    std::stable_sort(planned.begin(), planned.end(),
                     [](const PlannedDose& a, const PlannedDose& b) { return a.day < b.day; });
    planned_end_ = planned.empty() ? 0.0 : planned.back().day;
    return planned;
  }

  // Neutrophil sampling times in [0, end] plus the visits before `end` and `end` itself.
  std::vector<double> sample_grid(double end) const {
    std::vector<double> grid;
    const double step = spec_.sampling_interval_days;
    for (long k = 0; k * step <= end + kEps; ++k) grid.push_back(static_cast<double>(k) * step);
    for (const double v : visits_) {
      if (v <= end + kEps) grid.push_back(v);
    }
    if (!spec_.trajectories.outputs.empty()) {
      for (const double v : trajectory_times(spec_.trajectories)) {
        if (v <= end + kEps) grid.push_back(v);
      }
    }
    grid.push_back(end);
    std::sort(grid.begin(), grid.end());
    grid.erase(std::unique(grid.begin(), grid.end(),
                           [](double a, double b) { return std::abs(a - b) < kEps; }),
               grid.end());
    return grid;
  }

  // Simulates the doses given and observations at `grid` (days); one output row per grid time.
  simulation::SubjectResult simulate(const std::vector<GivenDose>& doses,
                                     const std::vector<double>& grid) {
    simulation::SubjectInput in;
    in.id = id_;
    in.parameters = parameters_;
    in.source = trial_.file;
    std::size_t d = 0;
    auto push_dose = [&](const GivenDose& g) {
      events::Record r;
      r.time = g.time_days * model_per_day_;
      r.kind = events::RecordKind::kDose;
      r.amount = g.amount;
      const ArmDosing& line = current_arm_->dosing[static_cast<std::size_t>(g.line)];
      r.compartment = line.state + 1;
      // A reduced dose keeps the infusion's duration (a lower rate).
      const double full_duration = durations_[static_cast<std::size_t>(g.line)];
      if (full_duration > 0) {
        r.rate_mode = events::RateMode::kFixedRate;
        r.rate = g.amount / (full_duration * model_per_day_);
      }
      in.records.push_back(r);
    };
    for (const double t : grid) {
      while (d < doses.size() && doses[d].time_days <= t + kEps) push_dose(doses[d++]);
      events::Record r;
      r.time = t * model_per_day_;
      r.kind = events::RecordKind::kObservation;
      in.records.push_back(r);
    }
    const std::size_t n_cov = covariates_.size();
    in.covariates.resize(in.records.size() * n_cov);
    for (std::size_t r = 0; r < in.records.size(); ++r) {
      std::copy(covariates_.begin(), covariates_.end(), in.covariates.begin() + r * n_cov);
    }
    simulation::SubjectResult result = simulator_.simulate(in);
    // Keep observation rows only (dose rows are written too).
    if (result.status == simulation::SubjectStatus::kSuccess) {
      const std::size_t n_out = model_.outputs().size();
      std::vector<double> outputs;
      outputs.reserve(grid.size() * n_out);
      for (std::size_t row = 0; row < result.evids.size(); ++row) {
        if (result.evids[row] != 0) continue;
        outputs.insert(outputs.end(), result.outputs.begin() + row * n_out,
                       result.outputs.begin() + (row + 1) * n_out);
      }
      result.outputs = std::move(outputs);
    }
    return result;
  }

  // Output `output` at grid time `day` of a result on grid_.
  double value_at(const simulation::SubjectResult& r, int output, double day) const {
    const auto it = std::lower_bound(grid_.begin(), grid_.end(), day - kEps);
    const auto row = static_cast<std::size_t>(it - grid_.begin());
    return r.outputs[row * model_.outputs().size() + static_cast<std::size_t>(output)];
  }

  // The cycle-by-cycle decisions: hold, reduce, stop (docs/trials.md). Decisions depend only on
  // the past, so one simulation of the whole tentative course (every dose still planned, at
  // its current day and level) gives every value a decision reads up to the first dose that
  // changes; the course is simulated again only after a change. Most patients need one or two
  // simulations. Leaves the simulation of the course as given in `result`; false (with
  // out.failure set) when the solver fails.
  bool decide_doses(const std::vector<PlannedDose>& planned, PatientOutcome& out,
                    simulation::SubjectResult& result) {
    const ArmSpec& arm = spec_.arms[static_cast<std::size_t>(out.arm)];
    current_arm_ = &arm;
    durations_.assign(arm.dosing.size(), 0.0);
    for (const auto& p : planned) durations_[static_cast<std::size_t>(p.line)] = p.duration_days;
    const ToxicityRules& tox = spec_.toxicity;
    const std::size_t n = planned.size();
    std::vector<double> day(n), factor(n, 1.0);
    for (std::size_t k = 0; k < n; ++k) day[k] = planned[k].day;
    std::size_t end = n;  // doses [0, end) are in the course
    auto course = [&] {
      std::vector<GivenDose> doses;
      for (std::size_t k = 0; k < end; ++k) {
        const ArmDosing& line = arm.dosing[static_cast<std::size_t>(planned[k].line)];
        GivenDose g;
        g.time_days = day[k];
        g.amount = planned[k].amount * factor[k];
        g.line = planned[k].line;
        g.per_m2 =
            line.per_bsa ? planned[k].per_m2 * factor[k] : std::numeric_limits<double>::quiet_NaN();
        doses.push_back(g);
      }
      return doses;
    };
    auto simulate_course = [&] {
      out.doses = course();
      result = simulate(out.doses, grid_);
      if (result.status != simulation::SubjectStatus::kSuccess) {
        out.failure = result.message.empty() ? to_string(result.status) : result.message;
        return false;
      }
      return true;
    };
    auto stop_at = [&](std::size_t k, StopReason reason, double when) {
      end = k;
      out.stop = reason;
      out.stop_days = when;
      return simulate_course();
    };
    // Doses after the end of study are never given.
    while (end > 0 && day[end - 1] > out.censor_days + kEps) --end;
    if (!simulate_course()) return false;
    const std::size_t n_out = model_.outputs().size();
    std::vector<double> held_from(n, std::numeric_limits<double>::quiet_NaN());
    std::vector<bool> reduction_checked(n, false);
    int level = 0;
    double cumulative = 0.0;
    std::size_t k = 0;
    while (k < end) {
      const double t = day[k];
      if (t > out.censor_days + kEps) return stop_at(k, StopReason::kOffStudy, out.censor_days);
      const bool same_day = k > 0 && std::abs(t - day[k - 1]) < kEps;
      if (!same_day && t > 0) {
        // Progression at a visit so far stops treatment.
        std::vector<double> times, sld;
        for (const double v : visits_) {
          if (v > t + kEps) break;
          times.push_back(v);
          sld.push_back(
              std::max(0.0, value_at(result, spec_.endpoints.tumour_size, v) * sld_factor_));
        }
        if (!times.empty()) {
          const double baseline = result.outputs[spec_.endpoints.tumour_size] * sld_factor_;
          for (const auto& a : assess_visits(baseline, times, sld, {}, spec_.recist)) {
            if (a.response == Response::kPD) {
              return stop_at(k, StopReason::kProgression, a.time_days);
            }
          }
        }
        if (spec_.endpoints.neutrophils >= 0) {
          const int anc_output = spec_.endpoints.neutrophils;
          const double anc = value_at(result, anc_output, t) * anc_factor_;
          if (!std::isnan(tox.hold_below) && anc < tox.hold_below) {
            if (std::isnan(held_from[k])) {
              held_from[k] = t;
              ++out.delays;
            }
            if (t + tox.recheck_days - held_from[k] > tox.max_delay_days + kEps) {
              return stop_at(k, StopReason::kToxicityDelay, t);
            }
            for (std::size_t j = k; j < n; ++j) day[j] += tox.recheck_days;
            if (!simulate_course()) return false;
            continue;  // decide this dose again on its new day
          }
          // A nadir of the reduction grade since the last dose lowers every later dose.
          if (tox.reduce_after_grade > 0 && k > 0 && !reduction_checked[k]) {
            reduction_checked[k] = true;
            double nadir = std::numeric_limits<double>::infinity();
            for (std::size_t row = 0; row < grid_.size() && grid_[row] <= t + kEps; ++row) {
              if (grid_[row] > day[k - 1] + kEps) {
                nadir = std::min(nadir, result.outputs[row * n_out + anc_output] * anc_factor_);
              }
            }
            if (neutropenia_grade(nadir) >= tox.reduce_after_grade) {
              ++level;
              ++out.reductions;
              if (level > tox.max_reductions) return stop_at(k, StopReason::kMaxReductions, t);
              for (std::size_t j = k; j < n; ++j) factor[j] = 1.0 - tox.reduction * level;
              if (!simulate_course()) return false;
            }
          }
        }
      }
      const ArmDosing& line = arm.dosing[static_cast<std::size_t>(planned[k].line)];
      if (line.per_bsa && line.counts_towards_limit) {
        const double dose = planned[k].per_m2 * factor[k];
        if (cumulative + dose > tox.cumulative_limit_mg_per_m2 * (1 + 1e-12)) {
          return stop_at(k, StopReason::kCumulativeLimit, t);
        }
        cumulative += dose;
      }
      ++k;
    }
    out.stop = StopReason::kCompleted;
    out.stop_days = end == 0 ? 0.0 : day[end - 1];
    return true;
  }

  const Trial& trial_;
  const TrialSpec& spec_;
  const model::Model& model_;
  simulation::SubjectSimulator& simulator_;
  double model_per_day_ = 24.0;
  double sld_factor_ = 1.0;
  double anc_factor_ = 1.0;
  std::vector<double> parameters_;
  std::vector<double> covariates_;
  double id_ = 0.0;
  std::vector<double> visits_;
  std::vector<double> grid_;  // output times of the course (days)
  double planned_end_ = 0.0;
  const ArmSpec* current_arm_ = nullptr;
  std::vector<double> durations_;  // infusion duration of each dosing line (days)
};

// Screening and randomisation (cheap next to treatment: patients are sampled, and only their
// diagnostics simulated). Replicate r screens a sampled population from patient r * 2^32 on,
// so replicates are independent and screened in parallel; a patients file is one pool screened
// in order, each patient entering at most once. Arms are filled by a random permutation of
// their labels (fixed arm sizes).
constexpr std::size_t kReplicateStride = std::size_t{1} << 32;

struct Screening {
  std::vector<Enrolled> enrolled;
  int screened = 0;
  std::size_t next = 0;  // the first pool index not screened
};

// What screening learns about one candidate, independently of every other candidate.
struct Evaluation {
  scenario::SubjectDescription description;
  bool eligible = false;  // by the criteria and the biomarker rule (not yet the C++ hook)
  std::vector<double> biomarkers;
};

Evaluation evaluate_candidate(const Trial& trial, std::size_t index, double threshold,
                              BiomarkerPanel* panel) {
  const TrialSpec& spec = trial.spec;
  Evaluation e;
  e.description = trial.scenario.describe_subject(index);
  e.eligible = true;
  for (const auto& c : spec.eligibility) {
    const double v = c.is_parameter ? e.description.parameters[static_cast<std::size_t>(c.index)]
                                    : e.description.reported[static_cast<std::size_t>(c.index)];
    e.eligible = e.eligible && v >= c.min && v <= c.max;
  }
  if (e.eligible && panel) e.biomarkers = panel->measure(index, e.description);
  if (e.eligible && spec.selection_rule && !std::isnan(threshold)) {
    const double v = e.biomarkers[static_cast<std::size_t>(spec.selection_rule->biomarker)];
    e.eligible = spec.selection_rule->below ? v <= threshold : v >= threshold;
  }
  return e;
}

// Screens one replicate. Candidates are evaluated in windows on `panels.size()` threads (one
// biomarker panel each; null without biomarkers) and taken in order, so the result is the
// same on any number of threads.
Screening screen_replicate(const Trial& trial, int r, std::size_t first, std::size_t pool,
                           double threshold, const std::vector<BiomarkerPanel*>& panels) {
  const TrialSpec& spec = trial.spec;
  Screening out;
  std::vector<int> labels;
  for (std::size_t a = 0; a < spec.arms.size(); ++a) {
    labels.insert(labels.end(), static_cast<std::size_t>(spec.arms[a].patients),
                  static_cast<int>(a));
  }
  RandomStream stream(spec.seed, static_cast<std::uint64_t>(r),
                      named_covariate_purpose("trial:randomisation"));
  for (std::size_t i = labels.size(); i > 1; --i) {
    // Fisher-Yates with an index from the stream's uniform.
    const std::size_t j = std::min(i - 1, static_cast<std::size_t>(stream.uniform() * i));
    std::swap(labels[i - 1], labels[j]);
  }
  const std::size_t threads = std::max<std::size_t>(1, panels.size());
  std::vector<Evaluation> window;
  std::size_t window_start = first, taken = 0;
  auto fill = [&](std::size_t start) {
    const std::size_t size = std::min<std::size_t>(16 * threads, pool - start);
    window.assign(size, {});
    window_start = start;
    taken = 0;
    std::atomic<std::size_t> next_in_window{0};
    std::mutex error_mutex;
    std::exception_ptr error;
    std::size_t error_at = size;
    auto work = [&](std::size_t t) {
      while (true) {
        const std::size_t i = next_in_window.fetch_add(1);
        if (i >= size) return;
        try {
          window[i] =
              evaluate_candidate(trial, start + i, threshold, panels.empty() ? nullptr : panels[t]);
        } catch (...) {
          std::lock_guard lock(error_mutex);
          if (i < error_at) {
            error_at = i;
            error = std::current_exception();
          }
        }
      }
    };
    std::vector<std::thread> pool_threads;
    for (std::size_t t = 1; t < std::min(threads, size); ++t) pool_threads.emplace_back(work, t);
    work(0);
    for (auto& t : pool_threads) t.join();
    if (error) std::rethrow_exception(error);
  };
  std::size_t next = first;
  for (std::size_t k = 0; k < labels.size(); ++k) {
    std::size_t tries = 0;
    while (true) {
      if (next >= pool) {
        throw std::runtime_error(
            fmt::format("{}: the patients file is exhausted after {} patients (replicate {})",
                        trial.file, next, r + 1));
      }
      if (taken == window.size() || next != window_start + taken) fill(next);
      const std::size_t index = next++;
      Evaluation& c = window[taken++];
      ++out.screened;
      bool eligible = c.eligible;
      if (eligible && spec.selection) eligible = spec.selection(Candidate{index, &c.description});
      if (eligible) {
        Enrolled e;
        e.replicate = r;
        e.arm = labels[k];
        e.patient = static_cast<int>(k) + 1;
        e.index = index;
        e.description = std::move(c.description);
        e.biomarkers = std::move(c.biomarkers);
        if (spec.accrual_days > 0) {
          RandomStream entry(spec.seed, index, named_covariate_purpose("trial:entry"));
          e.entry_days = entry.uniform() * spec.accrual_days;
        }
        out.enrolled.push_back(std::move(e));
        break;
      }
      if (++tries >= spec.max_screened_per_enrolled) {
        throw std::runtime_error(fmt::format(
            "{}: {} patients screened in a row without one eligible (replicate {}); the "
            "eligibility criteria or selection exclude nearly everyone",
            trial.file, tries, r + 1));
      }
    }
  }
  out.next = next;
  return out;
}

std::vector<Enrolled> enrol(const Trial& trial, std::vector<ReplicateSummary>& replicates,
                            double threshold, int threads) {
  const TrialSpec& spec = trial.spec;
  const scenario::Scenario& s = trial.scenario;
  const auto n = static_cast<std::size_t>(spec.replicates);
  std::vector<Screening> screenings(n);
  // Threads screen replicates in parallel; a single replicate (or a patients file, screened
  // in order) spreads its candidates over the threads instead.
  const int workers = simulation::effective_threads(threads, std::numeric_limits<int>::max());
  std::vector<std::unique_ptr<BiomarkerPanel>> owned;
  std::vector<BiomarkerPanel*> inner;
  if (s.population->patients || n == 1) {
    for (int t = 0; t < workers; ++t) {
      owned.push_back(spec.biomarkers.empty()
                          ? nullptr
                          : std::make_unique<BiomarkerPanel>(spec.biomarkers, spec.seed));
      inner.push_back(owned.back().get());
    }
  }
  if (s.population->patients) {
    std::size_t next = 0;
    for (std::size_t r = 0; r < n; ++r) {
      screenings[r] =
          screen_replicate(trial, static_cast<int>(r), next,
                           static_cast<std::size_t>(s.population->size), threshold, inner);
      next = screenings[r].next;
    }
  } else if (n == 1) {
    screenings[0] =
        screen_replicate(trial, 0, 0, std::numeric_limits<std::size_t>::max(), threshold, inner);
  } else {
    std::atomic<std::size_t> next{0};
    std::mutex error_mutex;
    std::exception_ptr error;
    std::size_t error_replicate = n;
    auto work = [&] {
      std::unique_ptr<BiomarkerPanel> panel;
      if (!spec.biomarkers.empty()) {
        panel = std::make_unique<BiomarkerPanel>(spec.biomarkers, spec.seed);
      }
      const std::vector<BiomarkerPanel*> one{panel.get()};
      while (true) {
        const std::size_t r = next.fetch_add(1);
        if (r >= n) return;
        try {
          screenings[r] = screen_replicate(trial, static_cast<int>(r), r * kReplicateStride,
                                           std::numeric_limits<std::size_t>::max(), threshold, one);
        } catch (...) {
          std::lock_guard lock(error_mutex);
          if (r < error_replicate) {
            error_replicate = r;
            error = std::current_exception();
          }
        }
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < simulation::effective_threads(threads, n); ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
  }
  std::vector<Enrolled> enrolled;
  for (std::size_t r = 0; r < n; ++r) {
    ReplicateSummary summary;
    summary.replicate = static_cast<int>(r);
    summary.screened = screenings[r].screened;
    replicates.push_back(std::move(summary));
    for (auto& e : screenings[r].enrolled) enrolled.push_back(std::move(e));
  }
  return enrolled;
}

survival::SurvivalSummary km_summary(const std::vector<TimeToEvent>& outcomes) {
  std::vector<TimeToEvent> months;
  for (const auto& o : outcomes) months.push_back({o.time_days / kDaysPerMonth, o.event});
  survival::SurvivalData data = to_survival_data(months);
  if (data.size() == 0) return {};
  const survival::KaplanMeier km = survival::kaplan_meier(data);
  const survival::ConfidenceBand band =
      survival::confidence_band(km, survival::ConfidenceType::kLog);
  return survival::summarize(km, band, km.time.empty() ? 0.0 : km.time.back());
}

}  // namespace

std::vector<double> trajectory_times(const TrajectorySpec& spec) {
  std::vector<double> times;
  if (!(spec.every_days > 0)) return times;
  for (long k = 0; static_cast<double>(k) * spec.every_days <= spec.until_days + 1e-9; ++k) {
    times.push_back(static_cast<double>(k) * spec.every_days);
  }
  return times;
}

std::string to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kCompleted:
      return "completed";
    case StopReason::kProgression:
      return "progression";
    case StopReason::kToxicityDelay:
      return "toxicity delay";
    case StopReason::kMaxReductions:
      return "too many reductions";
    case StopReason::kCumulativeLimit:
      return "cumulative dose limit";
    case StopReason::kDeath:
      return "death";
    case StopReason::kOffStudy:
      return "off study";
  }
  return "?";
}

int neutropenia_grade(double anc) {
  // CTCAE v5.0, "Neutrophil count decreased": grade 1 < LLN - 1.5, 2 < 1.5 - 1.0,
  // 3 < 1.0 - 0.5, 4 < 0.5 x 10^9/L. The LLN is taken as 2.0 x 10^9/L.
  if (std::isnan(anc)) return 0;
  if (anc < 0.5) return 4;
  if (anc < 1.0) return 3;
  if (anc < 1.5) return 2;
  if (anc < 2.0) return 1;
  return 0;
}

// Two-sided Fisher exact test of a 2x2 table (R's fisher.test: tables no more likely than the
// observed one, with a relative tolerance of 1e-7).
double fisher_exact_p(int a, int n1, int c, int n2) {
  if (n1 < 0 || n2 < 0 || a < 0 || c < 0 || a > n1 || c > n2) {
    throw std::invalid_argument(
        fmt::format("fisher_exact_p: {} of {} and {} of {} is not a 2x2 table", a, n1, c, n2));
  }
  const int successes = a + c;
  const int total = n1 + n2;
  auto log_choose = [](int n, int k) {
    return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
  };
  const double log_denominator = log_choose(total, successes);
  auto probability = [&](int x) {
    return std::exp(log_choose(n1, x) + log_choose(n2, successes - x) - log_denominator);
  };
  const double observed = probability(a);
  double p = 0.0;
  for (int x = std::max(0, successes - n2); x <= std::min(successes, n1); ++x) {
    const double px = probability(x);
    if (px <= observed * (1 + 1e-7)) p += px;
  }
  return std::min(1.0, p);
}

ReplicateSummary summarize_replicate(const Trial& trial,
                                     const std::vector<const PatientOutcome*>& patients,
                                     int replicate) {
  const TrialSpec& spec = trial.spec;
  ReplicateSummary summary;
  summary.replicate = replicate;
  for (std::size_t a = 0; a < spec.arms.size(); ++a) {
    ArmSummary arm;
    arm.arm = spec.arms[a].name;
    std::vector<Response> best;
    std::vector<TimeToEvent> pfs, os;
    int grade3 = 0, grade4 = 0, limit = 0, modified = 0;
    double cumulative = 0.0, cardiac = 0.0, cycles = 0.0;
    for (const PatientOutcome* p : patients) {
      if (p->arm != static_cast<int>(a) || !p->failure.empty()) continue;
      ++arm.patients;
      best.push_back(p->endpoints.best.response);
      pfs.push_back(p->endpoints.progression_free_survival);
      os.push_back(p->overall_survival);
      grade3 += p->worst_neutropenia_grade >= 3;
      grade4 += p->worst_neutropenia_grade >= 4;
      limit += p->stop == StopReason::kCumulativeLimit;
      modified += p->delays > 0 || p->reductions > 0;
      cumulative += p->cumulative_mg_per_m2;
      if (std::isfinite(p->cardiac_exposure)) cardiac += p->cardiac_exposure;
      cycles += static_cast<double>(p->doses.size());
    }
    if (arm.patients > 0) {
      const double n = arm.patients;
      arm.response = summarize_responses(best);
      arm.pfs = km_summary(pfs);
      if (spec.endpoints.overall_survival) arm.os = km_summary(os);
      arm.neutropenia_grade3 = survival::clopper_pearson(grade3, arm.patients);
      arm.neutropenia_grade4 = survival::clopper_pearson(grade4, arm.patients);
      arm.reached_cumulative_limit = survival::clopper_pearson(limit, arm.patients);
      arm.held_or_reduced = survival::clopper_pearson(modified, arm.patients);
      arm.mean_cumulative_mg_per_m2 = cumulative / n;
      arm.mean_cardiac_exposure = cardiac / n;
      arm.mean_cycles = cycles / n;
    }
    summary.arms.push_back(std::move(arm));
  }
  if (spec.analysis.control_arm < 1) return summary;

  // Arm 0 (experimental) against the control arm.
  const int control = spec.analysis.control_arm;
  Comparison c;
  survival::SurvivalData pfs, os;
  std::vector<std::string> group;
  std::vector<double> indicator;
  int responders[2] = {0, 0}, counts[2] = {0, 0};
  for (const PatientOutcome* p : patients) {
    if (!p->failure.empty() || (p->arm != 0 && p->arm != control)) continue;
    const int k = p->arm == 0 ? 0 : 1;
    const auto& f = p->endpoints.progression_free_survival;
    pfs.time.push_back(f.time_days / kDaysPerMonth);
    pfs.event.push_back(f.is_event());
    os.time.push_back(p->overall_survival.time_days / kDaysPerMonth);
    os.event.push_back(p->overall_survival.is_event());
    group.push_back(spec.arms[static_cast<std::size_t>(p->arm)].name);
    indicator.push_back(k == 0 ? 1.0 : 0.0);
    responders[k] += p->endpoints.objective_response;
    ++counts[k];
  }
  survival::CoxOptions cox;
  cox.conf_level = 1.0 - spec.analysis.alpha;
  Eigen::MatrixXd x(static_cast<Eigen::Index>(indicator.size()), 1);
  for (std::size_t i = 0; i < indicator.size(); ++i)
    x(static_cast<Eigen::Index>(i), 0) = indicator[i];
  // The log-rank test decides significance and direction (observed below expected in the
  // experimental arm); the Cox model gives the hazard ratio, which may not exist (no events in
  // one arm: a monotone likelihood) - then it is NaN, written as null, with a note.
  const std::string experimental = spec.arms[0].name;
  auto compare = [&](const survival::SurvivalData& data, double& hr, double& lower, double& upper,
                     double& p, bool& favours_experimental, const char* what) {
    hr = lower = upper = std::numeric_limits<double>::quiet_NaN();
    p = 1.0;
    favours_experimental = false;
    try {
      const survival::LogRankTest test = survival::log_rank_test(data, group);
      p = test.p;
      for (std::size_t g = 0; g < test.groups.size(); ++g) {
        if (test.groups[g] == experimental) {
          favours_experimental = test.observed[g] < test.expected[g];
        }
      }
    } catch (const std::invalid_argument& e) {
      c.note += fmt::format("{}{} log-rank: {}", c.note.empty() ? "" : "; ", what, e.what());
    }
    try {
      const survival::CoxModel m = survival::fit_cox(data, x, {"arm"}, cox);
      hr = m.hazard_ratio(0);
      lower = m.hr_lower(0);
      upper = m.hr_upper(0);
    } catch (const std::invalid_argument& e) {
      c.note += fmt::format("{}{} Cox: {}", c.note.empty() ? "" : "; ", what, e.what());
    }
  };
  bool pfs_favours = false, os_favours = false;
  if (counts[0] > 0 && counts[1] > 0) {
    compare(pfs, c.pfs_hazard_ratio, c.pfs_lower, c.pfs_upper, c.pfs_logrank_p, pfs_favours, "PFS");
    if (spec.endpoints.overall_survival) {
      compare(os, c.os_hazard_ratio, c.os_lower, c.os_upper, c.os_logrank_p, os_favours, "OS");
    }
    c.orr_difference = static_cast<double>(responders[0]) / counts[0] -
                       static_cast<double>(responders[1]) / counts[1];
    c.orr_fisher_p = fisher_exact_p(responders[0], counts[0], responders[1], counts[1]);
  } else {
    c.note = "an arm has no analysable patients";
  }
  const Analysis& a = spec.analysis;
  switch (a.endpoint) {
    case PrimaryEndpoint::kObjectiveResponse:
      c.success = c.orr_fisher_p < a.alpha && c.orr_difference > 0;
      break;
    case PrimaryEndpoint::kProgressionFreeSurvival:
    case PrimaryEndpoint::kOverallSurvival: {
      const bool pfs_endpoint = a.endpoint == PrimaryEndpoint::kProgressionFreeSurvival;
      const bool favours = pfs_endpoint ? pfs_favours : os_favours;
      const double upper = pfs_endpoint ? c.pfs_upper : c.os_upper;
      const double p = pfs_endpoint ? c.pfs_logrank_p : c.os_logrank_p;
      // A NaN upper limit (no Cox fit) never shows non-inferiority.
      c.success = std::isnan(a.noninferiority_margin) ? (p < a.alpha && favours)
                                                      : (upper < a.noninferiority_margin);
      break;
    }
  }
  summary.comparison = c;
  return summary;
}

namespace {

// One trial (all its replicates); `threshold` selects by the biomarker rule (NaN: all-comers).
TrialResult run_once(const Trial& trial, const TrialRunOptions& options, double threshold) {
  const auto start = std::chrono::steady_clock::now();
  TrialResult result;
  std::vector<Enrolled> enrolled = enrol(trial, result.replicates, threshold, options.threads);
  result.patients.resize(enrolled.size());
  const int threads = simulation::effective_threads(options.threads, enrolled.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  std::size_t error_index = std::numeric_limits<std::size_t>::max();
  auto work = [&]() {
    simulation::SubjectSimulator simulator(trial.scenario.model, trial.scenario.options);
    PatientRun run(trial, simulator);
    while (true) {
      const std::size_t i = next.fetch_add(1);
      if (i >= enrolled.size()) return;
      try {
        result.patients[i] = run.run(enrolled[i]);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (i < error_index) {
          error_index = i;
          error = std::current_exception();
        }
      }
      const std::size_t finished = done.fetch_add(1) + 1;
      if (options.progress && (finished % 50 == 0 || finished == enrolled.size())) {
        std::fprintf(stderr, "\r  %zu / %zu patients", finished, enrolled.size());
        if (finished == enrolled.size()) std::fprintf(stderr, "\n");
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);

  int successes = 0;
  for (std::size_t r = 0; r < result.replicates.size(); ++r) {
    std::vector<const PatientOutcome*> mine;
    for (const auto& p : result.patients) {
      if (p.replicate == static_cast<int>(r)) mine.push_back(&p);
    }
    const int screened = result.replicates[r].screened;
    result.replicates[r] = summarize_replicate(trial, mine, static_cast<int>(r));
    result.replicates[r].screened = screened;
    if (result.replicates[r].comparison && result.replicates[r].comparison->success) ++successes;
  }
  for (const auto& p : result.patients) result.failures += !p.failure.empty();
  if (trial.spec.analysis.control_arm >= 1) {
    result.power = survival::clopper_pearson(successes, static_cast<int>(result.replicates.size()));
  }
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// The trial at every arm size of sample_size, for power.
std::vector<PowerPoint> sample_sizes(const Trial& trial, const TrialRunOptions& options,
                                     double threshold, double& wall_seconds, int& failures) {
  std::vector<PowerPoint> points;
  for (const int n : trial.spec.sample_sizes) {
    Trial sized = trial;
    for (auto& arm : sized.spec.arms) arm.patients = n;
    sized.spec.sample_sizes.clear();
    const TrialResult r = run_once(sized, options, threshold);
    PowerPoint point;
    point.patients_per_arm = n;
    point.replicates = static_cast<int>(r.replicates.size());
    point.power = r.power.value_or(survival::ProportionInterval{});
    std::vector<double> hrs;
    for (const auto& rep : r.replicates) {
      if (!rep.comparison) continue;
      const bool os = trial.spec.analysis.endpoint == PrimaryEndpoint::kOverallSurvival;
      const double hr = os ? rep.comparison->os_hazard_ratio : rep.comparison->pfs_hazard_ratio;
      if (std::isfinite(hr)) hrs.push_back(hr);
    }
    if (!hrs.empty()) {
      std::nth_element(hrs.begin(), hrs.begin() + static_cast<long>(hrs.size() / 2), hrs.end());
      point.median_hazard_ratio = hrs[hrs.size() / 2];
    }
    points.push_back(point);
    wall_seconds += r.wall_seconds;
    failures += r.failures;
  }
  return points;
}

// The ROC curve of `score` for `response`, its Youden threshold and the predictive values at
// the observed response rate; a curve that cannot be drawn (no responder) leaves a note.
void fill_roc(const std::vector<double>& score, const std::vector<bool>& response,
              BiomarkerPerformance& perf) {
  try {
    const stratification::RocCurve roc = stratification::roc_curve(score, response);
    perf.auc = roc.auc;
    perf.auc_lower = roc.auc_lower;
    perf.auc_upper = roc.auc_upper;
    const stratification::ThresholdChoice best = stratification::youden_threshold(roc);
    perf.youden_threshold = best.threshold;
    perf.sensitivity = best.sensitivity;
    perf.specificity = best.specificity;
    const double prevalence = static_cast<double>(perf.responders) / perf.patients;
    const stratification::PredictiveValues pv =
        stratification::predictive_values(best.sensitivity, best.specificity, prevalence);
    perf.ppv = pv.ppv;
    perf.npv = pv.npv;
    for (std::size_t i = 0; i < roc.threshold.size(); ++i) {
      perf.roc_fpr.push_back(1.0 - roc.specificity[i]);
      perf.roc_tpr.push_back(roc.sensitivity[i]);
    }
  } catch (const std::invalid_argument& e) {
    perf.auc = perf.auc_lower = perf.auc_upper = std::numeric_limits<double>::quiet_NaN();
    perf.youden_threshold = std::numeric_limits<double>::quiet_NaN();
    perf.note += fmt::format("{}ROC: {}", perf.note.empty() ? "" : "; ", e.what());
  }
}

// Each biomarker against objective response and tumour exposure in the first arm of the first
// replicate.
std::vector<BiomarkerPerformance> biomarker_performance(const Trial& trial,
                                                        const std::vector<PatientOutcome>& all) {
  std::vector<BiomarkerPerformance> out;
  for (std::size_t b = 0; b < trial.spec.biomarkers.size(); ++b) {
    BiomarkerPerformance perf;
    perf.name = trial.spec.biomarkers[b].name;
    std::vector<double> score, exposure_score, exposure, change_score, change;
    std::vector<bool> response;
    for (const auto& p : all) {
      if (p.replicate != 0 || p.arm != 0 || !p.failure.empty()) continue;
      const double v = p.biomarkers[b];
      score.push_back(v);
      response.push_back(p.endpoints.objective_response);
      if (std::isfinite(p.tumour_exposure)) {
        exposure_score.push_back(v);
        exposure.push_back(p.tumour_exposure);
      }
      if (std::isfinite(p.endpoints.best_change_from_baseline)) {
        change_score.push_back(v);
        change.push_back(p.endpoints.best_change_from_baseline);
      }
    }
    perf.patients = static_cast<int>(score.size());
    perf.responders = static_cast<int>(std::count(response.begin(), response.end(), true));
    auto note = [&](const std::string& what, const std::exception& e) {
      perf.note += fmt::format("{}{}: {}", perf.note.empty() ? "" : "; ", what, e.what());
    };
    fill_roc(score, response, perf);
    try {
      const auto c = stratification::spearman(exposure_score, exposure);
      perf.spearman_exposure = c.estimate;
      perf.spearman_exposure_p = c.p;
    } catch (const std::invalid_argument& e) {
      perf.spearman_exposure = std::numeric_limits<double>::quiet_NaN();
      if (trial.spec.exposure_output >= 0) note("correlation with exposure", e);
    }
    try {
      const auto c = stratification::spearman(change_score, change);
      perf.spearman_best_change = c.estimate;
      perf.spearman_best_change_p = c.p;
    } catch (const std::invalid_argument& e) {
      perf.spearman_best_change = std::numeric_limits<double>::quiet_NaN();
      note("correlation with best change", e);
    }
    out.push_back(std::move(perf));
  }
  if (trial.spec.biomarkers.size() < 2) return out;
  // All biomarkers combined by logistic regression for response; its linear predictor is the
  // combined score. The AUC is apparent (in-sample), so optimistic for small trials.
  BiomarkerPerformance combined;
  std::vector<std::string> terms;
  for (const auto& b : trial.spec.biomarkers) terms.push_back(b.name);
  combined.name = "COMBINED";
  std::vector<std::vector<double>> rows;
  std::vector<bool> response;
  for (const auto& p : all) {
    if (p.replicate != 0 || p.arm != 0 || !p.failure.empty()) continue;
    rows.push_back(p.biomarkers);
    response.push_back(p.endpoints.objective_response);
  }
  combined.patients = static_cast<int>(rows.size());
  combined.responders = static_cast<int>(std::count(response.begin(), response.end(), true));
  combined.spearman_exposure = combined.spearman_best_change =
      std::numeric_limits<double>::quiet_NaN();
  try {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()),
                      static_cast<Eigen::Index>(terms.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (std::size_t j = 0; j < terms.size(); ++j) {
        x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
      }
    }
    const stratification::LogisticModel m = stratification::fit_logistic(x, response, terms);
    std::vector<double> score(m.linear_predictor.data(),
                              m.linear_predictor.data() + m.linear_predictor.size());
    combined.note = "logistic score (apparent AUC):";
    for (Eigen::Index k = 0; k < m.coef.size(); ++k) {
      combined.note += fmt::format(" {} {:.4g} (p {:.3g})", m.terms[static_cast<std::size_t>(k)],
                                   m.coef(k), m.p(k));
    }
    fill_roc(score, response, combined);
  } catch (const std::invalid_argument& e) {
    combined.auc = combined.auc_lower = combined.auc_upper =
        std::numeric_limits<double>::quiet_NaN();
    combined.youden_threshold = std::numeric_limits<double>::quiet_NaN();
    combined.note = fmt::format("logistic score: {}", e.what());
  }
  out.push_back(std::move(combined));
  return out;
}

}  // namespace

TrialResult run_trial(const Trial& trial, const TrialRunOptions& options) {
  const TrialSpec& spec = trial.spec;
  const bool select = spec.selection_rule.has_value();
  const double no_selection = std::numeric_limits<double>::quiet_NaN();
  // Without enrichment a fixed threshold selects the only trial run.
  const double first_threshold =
      select && !spec.enrichment ? spec.selection_rule->threshold : no_selection;
  TrialResult result = run_once(trial, options, first_threshold);
  result.sample_size =
      sample_sizes(trial, options, first_threshold, result.wall_seconds, result.failures);
  result.biomarker_performance = biomarker_performance(trial, result.patients);
  if (select) result.selection_threshold = spec.selection_rule->threshold;
  if (!(select && spec.enrichment)) return result;

  // The same trial in biomarker-selected patients.
  double threshold = spec.selection_rule->threshold;
  if (spec.selection_rule->youden) {
    threshold =
        result.biomarker_performance[static_cast<std::size_t>(spec.selection_rule->biomarker)]
            .youden_threshold;
    if (!std::isfinite(threshold)) {
      throw std::runtime_error(fmt::format(
          "{}: no Youden threshold for biomarker '{}' in the all-comers trial ({})", trial.file,
          spec.biomarkers[static_cast<std::size_t>(spec.selection_rule->biomarker)].name,
          result.biomarker_performance[static_cast<std::size_t>(spec.selection_rule->biomarker)]
              .note));
    }
  }
  result.selection_threshold = threshold;
  auto selected = std::make_shared<TrialResult>(run_once(trial, options, threshold));
  selected->sample_size =
      sample_sizes(trial, options, threshold, selected->wall_seconds, selected->failures);
  selected->biomarker_performance = biomarker_performance(trial, selected->patients);
  selected->selection_threshold = threshold;
  result.wall_seconds += selected->wall_seconds;
  result.selected = std::move(selected);
  return result;
}

}  // namespace smartnano::trial
