// Priming and local triggers as timed events (docs/triggers.md): losartan, radiotherapy,
// ultrasound with microbubbles and hyperthermia (with thermosensitive liposomes) change tumour
// physiology or release over time. Each trigger is a time course of one or more model
// covariates - a fold change of tumour vascular permeability (PERM_FOLD_TUM) or perfusion
// (PERF_FOLD_TUM), a heat-triggered release rate (KREL_HEAT_TUM), a radiation kill rate
// (RT_KILL_RATE) - that the models use as hooks with neutral defaults. A schedule of triggers
// is applied to a subject by adding covariate-change records (EVID 2) on a grid fine enough
// for each time course and giving every interval the exact or Simpson mean of the course over
// it (a record's covariates hold over the interval ending at it, docs/dosing.md).
#pragma once

#include <string>
#include <vector>

#include "smartnano/model/model.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::triggers {

// Defaults of the trigger models; docs/triggers/*.md gives each source or says "assumption".
// Low-temperature-sensitive liposomes (ThermoDox formulation): 60 % released in the first 20 s
// at the transition (Mills & Needham 2005 Biochim Biophys Acta 1716:77, Abstract), read as
// first-order release: k = -ln(0.4) / 20 s = 165 /h; transition peak 41.7 C (same Abstract);
// width 0.5 C an assumption (release onset near 39.5-40 C: Poon & Borys 2011 Future Oncol 7:937,
// Tak et al. 2018 Clin Cancer Res 24:73).
inline constexpr double kLtslMaxRatePerH = 164.9;
inline constexpr double kLtslT50Celsius = 41.7;
inline constexpr double kLtslWidthCelsius = 0.5;
// Tumour perfusion under heating: an "enduring increase" at 40-42 C (Song et al. 2005 Int J
// Hyperthermia 21:761; fold not given: 1.5 is an assumption) and capillary flow "virtually
// eliminated" above 43 C (rat BA-1112 tumours, 40 min; 0.1 is an assumption for "virtually").
inline constexpr double kHeatPeakPerfusionFold = 1.5;
inline constexpr double kHeatPeakCelsius = 42.0;
inline constexpr double kHeatShutdownCelsius = 43.0;
inline constexpr double kHeatShutdownFold = 0.1;
// Ultrasound with microbubbles: 31.5 min of sonication (Dimcevski et al. 2016 J Control Release
// 243:172, clinical protocol); fold 2 and window half-life 2 h are assumptions
// (docs/triggers/ultrasound.md).
inline constexpr double kUltrasoundDurationH = 31.5 / 60.0;
inline constexpr double kUltrasoundPermeabilityFold = 2.0;
inline constexpr double kUltrasoundWindowHalfLifeH = 2.0;
// Radiotherapy: alpha 0.3 /Gy and alpha/beta 10 Gy, the usual values for early-responding
// tumours (Thames et al. 1990 Radiother Oncol 19:219: high alpha/beta for head and neck, lung,
// skin, cervix); permeability fold 2 peaking 48 h after a fraction is an assumption between
// "markedly enhanced" delivery after 5 Gy (Appelbe et al. 2016 Mol Pharm 13:3457) and up to 6x
// with cyclophosphamide (Miller et al. 2017 Sci Transl Med 9:eaal0225).
inline constexpr double kRadiationAlphaPerGy = 0.3;
inline constexpr double kRadiationAlphaBetaGy = 10.0;
inline constexpr double kRadiationPermeabilityFold = 2.0;
inline constexpr double kRadiationPermeabilityPeakH = 48.0;
// Losartan: tumour blood volume 12.1 vs 6.7 % after 5 days at 70 mg/kg/day in orthotopic
// pancreatic tumours (1.8x; Kumar et al. 2016, as summarised in docs/triggers/losartan.md);
// permeability fold 1.5, onset 3 days and offset 2.5 days are assumptions.
inline constexpr double kLosartanPerfusionFold = 1.8;
inline constexpr double kLosartanPermeabilityFold = 1.5;
inline constexpr double kLosartanOnsetH = 72.0;
inline constexpr double kLosartanOffsetH = 60.0;

// How several courses of one covariate combine: folds multiply, rates add.
enum class Combine { kMultiply, kAdd };

// A piecewise-constant course: values[k] holds on (knots[k], knots[k + 1]]; outside
// [knots.front(), knots.back()] the course is neutral (1 for kMultiply, 0 for kAdd).
struct Course {
  std::string covariate;  // the model covariate it sets
  Combine combine = Combine::kMultiply;
  std::string unit = "1";      // of the values ("1" for folds, "1/h" for rates)
  std::vector<double> knots;   // increasing, in the model's time unit
  std::vector<double> values;  // knots.size() - 1 values
};

// Thermosensitive release k(T) = k_max / (1 + exp(-(T - T50) / width)) minus its value at the
// body temperature (the carrier's leakage at 37 C is already the model's release), clipped >= 0.
struct ThermalRelease {
  double max_rate_per_h = 0.0;  // k_max; 0 = not thermosensitive
  double t50_celsius = 41.3;
  double width_celsius = 0.5;
  double rate_per_h(double temperature_celsius) const;
};

// Tumour perfusion during heating: rises linearly from 1 at 37 C to `peak_fold` at
// `peak_celsius`, stays there up to `shutdown_celsius`, then falls linearly to
// `shutdown_fold` at `shutdown_celsius` + 5 C and stays there (vascular stasis).
struct HeatPerfusion {
  double peak_fold = 1.0;
  double peak_celsius = 42.0;
  double shutdown_celsius = 44.0;
  double shutdown_fold = 1.0;
  double fold(double temperature_celsius) const;
};

struct Hyperthermia {
  double start = 0.0;                 // heating starts (model time unit)
  double ramp = 0.0;                  // from 37 C to the target temperature, linearly
  double hold = 0.0;                  // at the target temperature (the RFA dwell time)
  double cooling = 0.0;               // time constant of the exponential return to 37 C
  double temperature_celsius = 42.0;  // of the heated tumour (mean over the compartment)
  ThermalRelease release;
  HeatPerfusion perfusion;
  double temperature_at(double t) const;  // the profile, C
};

struct Ultrasound {
  std::vector<double> times;       // start of each sonication
  double duration = 0.0;           // of each sonication
  double permeability_fold = 1.0;  // during sonication
  double window_half_life = 0.0;   // of the return of the fold to 1 afterwards
};

struct Radiotherapy {
  std::vector<double> times;  // each fraction
  double dose_gy = 0.0;       // per fraction
  double alpha_per_gy = 0.0;  // linear-quadratic: S = exp(-alpha d - beta d^2)
  double beta_per_gy2 = 0.0;
  bool kill = true;  // set RT_KILL_RATE (models with a tumour-size state)
  // Vascular permeability after a fraction: 1 + (fold - 1) * (s / peak) * exp(1 - s / peak),
  // s = time since the fraction (the largest over fractions); fold 1 = no effect.
  double permeability_fold = 1.0;
  double permeability_peak = 0.0;
  double kill_pulse = 0.0;  // the kill is a pulse of rate -ln(S) / kill_pulse
  double surviving_fraction() const;
};

struct Losartan {
  double start = 0.0, end = 0.0;  // daily dosing from start to end
  double perfusion_fold = 1.0;    // at steady state
  double permeability_fold = 1.0;
  double onset = 0.0;   // time constant of the approach to steady state
  double offset = 0.0;  // time constant of the return to 1 after the last dose
};

// The courses of one trigger; times in the trigger are in the model's time unit, which is
// `hours_per_time_unit` hours (rates are per hour). Knots cover each course finely enough
// (docs/triggers.md gives the grids). Throw std::invalid_argument for an unusable trigger.
std::vector<Course> courses(const Hyperthermia& h, double hours_per_time_unit);
std::vector<Course> courses(const Ultrasound& u);
std::vector<Course> courses(const Radiotherapy& r, double hours_per_time_unit);
std::vector<Course> courses(const Losartan& l);

// The triggers of a scenario, resolved against its model.
class Schedule {
 public:
  Schedule() = default;
  // Throws std::invalid_argument naming the covariate when the model lacks one the courses set
  // (the message says which effect needs it).
  Schedule(std::vector<Course> courses, const model::Model& m);

  bool empty() const { return courses_.empty(); }
  const std::vector<Course>& courses() const { return courses_; }

  // Adds an EVID 2 record at every knot (inside the subject's span or not) that no record
  // already has, and multiplies or adds each course's value into its covariate on every
  // record's interval. Records stay in time order; at tied times the new record comes after
  // the existing ones.
  void apply(simulation::SubjectInput& subject) const;

 private:
  std::vector<Course> courses_;
  std::vector<int> covariate_index_;
  std::size_t covariates_ = 0;
};

}  // namespace smartnano::triggers
