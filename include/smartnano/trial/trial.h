// Virtual clinical trials: arms of regimens given to patients drawn from a scenario's
// population, with eligibility, randomisation, toxicity-driven dose holds and reductions,
// imaging visits, follow-up, drop-out and administrative censoring, and replicated trials
// (docs/trials.md).
//
// A trial scenario is a population scenario with a `trial:` section; each arm brings its own
// dosing. Every patient is simulated cycle by cycle: before each planned dose the model is
// integrated to that day to read the neutrophil count (hold, reduce, stop), the imaging visits
// so far (stop at progression) and the cumulative dose (stop at the limit). Endpoints come
// from the tumour-size output (RECIST 1.1, trial/recist.h), the neutrophil output (CTCAE
// grades), a cardiac-exposure output and a tumour-size-to-survival model for overall survival.
// Everything is a pure function of (seed, replicate, patient), so results do not depend on the
// number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smartnano/events/regimen.h"
#include "smartnano/plot/trial_plots.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/survival/survival.h"
#include "smartnano/trial/biomarker.h"
#include "smartnano/trial/recist.h"

namespace smartnano::trial {

// One dosing line of an arm: "60 mg/m2 every 21 days x 6, 15 min infusion" into a state.
struct ArmDosing {
  events::Regimen regimen;
  int state = 0;            // 0-based model state
  double start_days = 0.0;  // first dose, days from randomisation
  bool per_bsa = false;     // amount is per m2 (counts towards the cumulative mg/m2 limit)
  bool counts_towards_limit = true;
};

struct ArmSpec {
  std::string name;
  int patients = 0;  // randomised to this arm per trial
  std::vector<ArmDosing> dosing;
  // Parameter values this arm sets for every patient (index, value in the model's unit).
  std::vector<std::pair<int, double>> parameters;
};

// Dose modifications for myelosuppression (docs/trials.md, "Dose holds and reductions").
struct ToxicityRules {
  // Hold a planned dose while the neutrophil count is below this (model output unit);
  // NaN = never hold.
  double hold_below = std::numeric_limits<double>::quiet_NaN();
  double recheck_days = 7.0;     // count again after this long
  double max_delay_days = 21.0;  // a longer delay stops treatment
  // A nadir of this CTCAE grade or worse in the previous cycle reduces every later dose by
  // `reduction` of the starting dose; 0 = never reduce.
  int reduce_after_grade = 4;
  double reduction = 0.25;
  int max_reductions = 2;  // one more stops treatment
  // Cumulative dose limit per m2 of body surface area (mg/m2; anthracyclines), counted over the
  // dosing lines that count towards it; infinity = none. A dose that would cross it is not given.
  double cumulative_limit_mg_per_m2 = std::numeric_limits<double>::infinity();
};

// A log-normal accelerated-failure-time model of overall survival driven by the change in
// tumour size at a landmark (the form of Claret et al. 2009 J Clin Oncol 27:4103):
//   log(T / 1 day) = intercept + size_change * (SLD(landmark) / SLD0 - 1)
//                    + baseline_size * log(SLD0 / reference) + sigma * z,   z ~ N(0, 1).
// The coefficients are model parameters (so they are in the parameter database, with sources).
struct SurvivalModel {
  double landmark_days = 0.0;
  int intercept = -1;  // parameter indices; intercept in log(days)
  int size_change = -1;
  int baseline_size = -1;  // -1: no baseline term
  int sigma = -1;
  double reference_mm = 1.0;
};

struct EndpointOutputs {
  int tumour_size = -1;  // output: sum of longest diameters (converted to mm)
  int neutrophils = -1;  // output: absolute neutrophil count (converted to cells/nL = 10^9/L)
  int cardiac = -1;      // output: cumulative cardiac exposure, read at the end of study
  std::optional<SurvivalModel> overall_survival;
};

// Who may enter: a model parameter or a reported phenotype within [min, max].
struct EligibilityCriterion {
  std::string name;
  bool is_parameter = true;
  int index = 0;  // parameter index, or index into Scenario::reported_names()
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

// A patient being screened, for the eligibility criteria and a biomarker selection hook.
struct Candidate {
  std::size_t population_index = 0;
  const scenario::SubjectDescription* description = nullptr;
};

// What the replicated trials test (docs/trials.md, "Power").
enum class PrimaryEndpoint { kProgressionFreeSurvival, kOverallSurvival, kObjectiveResponse };
struct Analysis {
  PrimaryEndpoint endpoint = PrimaryEndpoint::kProgressionFreeSurvival;
  int control_arm = 1;  // arm index compared against arm 0 (the experimental arm)
  double alpha = 0.05;  // two-sided
  // Hazard-ratio margin for non-inferiority of arm 0 (upper CI limit below it); NaN = a
  // superiority test (log-rank for survival endpoints, Fisher's exact test for response).
  double noninferiority_margin = std::numeric_limits<double>::quiet_NaN();
};

// Enrolment by a biomarker: patients whose value is at or above (or, with below, at or
// under) the threshold. `youden`: the threshold is chosen on an all-comers trial as the one
// that maximises sensitivity + specificity - 1 for objective response in the first arm.
struct BiomarkerSelection {
  int biomarker = 0;
  double threshold = std::numeric_limits<double>::quiet_NaN();
  bool youden = false;
  bool below = false;
};

// Model outputs followed over time in every patient, for trajectory pictures and tables.
struct TrajectorySpec {
  std::vector<int> outputs;   // model output indices
  double every_days = 7.0;    // sampling interval from randomisation
  double until_days = 364.0;  // last time (and at most each patient's time on study)
};
// The times (days) of a trajectory: 0, every, 2 every, ... <= until.
std::vector<double> trajectory_times(const TrajectorySpec& spec);

struct TrialSpec {
  std::uint64_t seed = 0;
  std::vector<ArmSpec> arms;
  std::vector<EligibilityCriterion> eligibility;
  // Further selection (the stratification module's biomarkers): true = enrol.
  std::function<bool(const Candidate&)> selection;
  double visit_interval_days = 56.0;  // imaging every 8 weeks from randomisation
  RecistCriteria recist;
  ToxicityRules toxicity;
  EndpointOutputs endpoints;
  double follow_up_days = 730.0;        // from the last patient's entry to the data cut-off
  double accrual_days = 0.0;            // entry uniform over [0, accrual]
  double dropout_per_year = 0.0;        // probability of dropping out within a year
  double sampling_interval_days = 1.0;  // neutrophil counts for nadirs and grades
  int replicates = 1;
  Analysis analysis;
  std::vector<int> sample_sizes;  // patients per arm to compute power for (replicated)
  double target_power = 0.8;
  std::size_t max_screened_per_enrolled = 100;  // stop screening: eligibility too strict
  std::vector<BiomarkerSpec> biomarkers;        // measured at screening, for every candidate
  std::optional<BiomarkerSelection> selection_rule;
  // Run the same trial in all-comers and in biomarker-selected patients (docs/trials.md).
  bool enrichment = false;
  int exposure_output = -1;  // therapeutic tumour exposure, read at the end of study
  TrajectorySpec trajectories;
  // Responder fractions by subgroup: the patients are grouped by this output's value at
  // randomisation (e.g. a hot/cold immune phenotype); -1 for none.
  int subgroup_output = -1;
  std::vector<std::pair<double, std::string>> subgroup_labels;  // value -> name (optional)
};

struct Trial {
  scenario::Scenario scenario;
  TrialSpec spec;
  std::string file;
};

// Reads a scenario file with a `trial:` section; errors name file, line and field.
Trial load_trial_file(const std::string& path);
Trial load_trial_text(const std::string& yaml, const std::string& file);
// The built-in default scenario (scenarios/default.yaml) when it is a trial.
bool default_scenario_is_trial();
Trial load_default_trial();

enum class StopReason {
  kCompleted,
  kProgression,
  kToxicityDelay,
  kMaxReductions,
  kCumulativeLimit,
  kDeath,
  kOffStudy
};
std::string to_string(StopReason reason);

struct GivenDose {
  double time_days = 0.0;
  double amount = 0.0;                                       // in the target state's unit
  int line = 0;                                              // the arm's dosing line
  double per_m2 = std::numeric_limits<double>::quiet_NaN();  // mg/m2 when the line is per m2
};

// One patient's trial: what was given and what happened.
struct PatientOutcome {
  int replicate = 0;
  int arm = 0;
  int patient = 0;  // 1-based within the replicate
  std::size_t population_index = 0;
  double id = 0.0;
  double entry_days = 0.0;
  double baseline_sld_mm = 0.0;
  std::vector<GivenDose> doses;
  int delays = 0;      // planned doses held at least once
  int reductions = 0;  // dose levels reduced
  double cumulative_mg_per_m2 = 0.0;
  StopReason stop = StopReason::kCompleted;
  double stop_days = 0.0;
  double nadir_neutrophils = std::numeric_limits<double>::quiet_NaN();  // on study
  int worst_neutropenia_grade = 0;                                      // CTCAE v5
  double cardiac_exposure = std::numeric_limits<double>::quiet_NaN();
  double death_days = std::numeric_limits<double>::infinity();   // simulated, may be unobserved
  double censor_days = std::numeric_limits<double>::infinity();  // dropout or data cut-off
  PatientEndpoints endpoints;
  TimeToEvent overall_survival;
  std::vector<double> biomarkers;  // TrialSpec::biomarkers, measured before treatment
  double tumour_exposure = std::numeric_limits<double>::quiet_NaN();
  // TrialSpec::trajectories: value of output j at time k at [k * outputs + j]; NaN after the
  // patient's time on study.
  std::vector<double> trajectory;
  double subgroup = std::numeric_limits<double>::quiet_NaN();  // TrialSpec::subgroup_output
  std::string failure;  // solver failure; the patient is then left out of the analyses
};

struct ArmSummary {
  std::string arm;
  int patients = 0;
  ResponseSummary response;
  survival::SurvivalSummary pfs, os;                // medians with CIs (months)
  survival::ProportionInterval neutropenia_grade3;  // grade >= 3
  survival::ProportionInterval neutropenia_grade4;
  double mean_cumulative_mg_per_m2 = 0.0;
  double mean_cardiac_exposure = 0.0;
  survival::ProportionInterval reached_cumulative_limit;
  double mean_cycles = 0.0;
  survival::ProportionInterval held_or_reduced;
};

struct Comparison {
  double pfs_hazard_ratio = 0.0, pfs_lower = 0.0, pfs_upper = 0.0, pfs_logrank_p = 1.0;
  double os_hazard_ratio = 0.0, os_lower = 0.0, os_upper = 0.0, os_logrank_p = 1.0;
  double orr_difference = 0.0, orr_fisher_p = 1.0;
  bool success = false;  // the primary analysis met its criterion
  std::string note;      // why a statistic could not be computed
};

struct ReplicateSummary {
  int replicate = 0;
  int screened = 0;
  std::vector<ArmSummary> arms;
  std::optional<Comparison> comparison;  // with two or more arms
};

struct PowerPoint {
  int patients_per_arm = 0;
  int replicates = 0;
  survival::ProportionInterval power;
  double median_hazard_ratio = 0.0;
};

// How well each biomarker tells responders from non-responders (first arm, first replicate of
// the all-comers trial) and how it tracks the therapeutic's tumour exposure.
struct BiomarkerPerformance {
  std::string name;
  int patients = 0, responders = 0;
  double auc = 0.0, auc_lower = 0.0, auc_upper = 0.0;  // DeLong CI
  double youden_threshold = 0.0, sensitivity = 0.0, specificity = 0.0;
  double ppv = 0.0, npv = 0.0;  // at the observed response rate
  double spearman_exposure = 0.0, spearman_exposure_p = 1.0;
  double spearman_best_change = 0.0, spearman_best_change_p = 1.0;
  std::vector<double> roc_fpr, roc_tpr;  // the ROC curve, for plots
  std::string note;                      // why something could not be computed
};

struct TrialResult {
  std::vector<PatientOutcome> patients;  // every replicate, in (replicate, patient) order
  std::vector<ReplicateSummary> replicates;
  std::optional<survival::ProportionInterval> power;  // share of replicates that succeeded
  std::vector<PowerPoint> sample_size;
  double wall_seconds = 0.0;
  int failures = 0;
  std::vector<BiomarkerPerformance> biomarker_performance;  // of these patients (all-comers)
  // With enrichment: the same trial in biomarker-selected patients, and the threshold used.
  std::shared_ptr<const TrialResult> selected;
  double selection_threshold = std::numeric_limits<double>::quiet_NaN();
};

struct TrialRunOptions {
  int threads = 0;  // 0 = all cores
  bool progress = false;
};

TrialResult run_trial(const Trial& trial, const TrialRunOptions& options = {});

// The arm and comparison statistics of one replicate's patients.
ReplicateSummary summarize_replicate(const Trial& trial,
                                     const std::vector<const PatientOutcome*>& patients,
                                     int replicate);

// Writes trial_patients.csv, trial_visits.csv, trial_doses.csv, trial_arms.csv,
// trial_summary.json and the SVG pictures of the first replicate (km_pfs.svg, km_os.svg,
// waterfall.svg, spider.svg, swimmer.svg) into `directory`, each atomically.
void write_trial_outputs(const Trial& trial, const TrialResult& result,
                         const std::string& directory);

// A biomarker's ROC curve for the pictures (trial roc.svg, the HTML report), its Youden point
// marked when there is one.
plot::RocCurvePlot biomarker_roc_curve(const BiomarkerPerformance& biomarker);

// CTCAE v5.0 grade of "neutrophil count decreased" for a count in 10^9/L.
int neutropenia_grade(double neutrophils_per_nL);

// Two-sided p-value of Fisher's exact test for a successes of n1 against c of n2 (R's
// fisher.test: the tables no more likely than the observed one). Throws for impossible counts.
double fisher_exact_p(int a, int n1, int c, int n2);

// Days in a month for reporting (365.25 / 12).
inline constexpr double kDaysPerMonth = 30.4375;

}  // namespace smartnano::trial
