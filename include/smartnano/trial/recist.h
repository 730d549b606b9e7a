// RECIST 1.1 response assessment of a simulated tumour burden and the per-patient trial endpoints
// derived from it: the time-point response at each imaging visit from the sum of target-lesion
// diameters (SLD), the best overall response with optional confirmation, objective response,
// disease control, time to and duration of response, progression-free survival and the best
// change from baseline (waterfall plots), plus ORR / DCR with exact confidence intervals across
// patients. Everything here is a pure function of its arguments; docs/endpoints.md defines each
// rule with its source (Eisenhauer et al., Eur J Cancer 2009;45:228-247).
#pragma once

#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smartnano/survival/survival.h"

namespace smartnano::trial {

inline constexpr double kNotDefined = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kNever = std::numeric_limits<double>::infinity();

// Response categories, best first (CR > PR > SD > PD), NE last.
enum class Response { kCR, kPR, kSD, kPD, kNE };

// "CR", "PR", "SD", "PD", "NE".
std::string_view to_string(Response response);

// The response thresholds (RECIST 1.1 section 4.3.1) and best-overall-response rules (section
// 4.4). Changes are fractions (-0.30 = a 30 % decrease). A threshold counts as met when within
// 1e-9 of it, so that sums rounded in floating point do not flip a category.
struct RecistCriteria {
  // PR: change from baseline <= this.
  double partial_response_change = -0.30;
  // PD: change from the nadir >= this AND increase from the nadir >= progression_absolute_mm.
  double progression_change = 0.20;
  double progression_absolute_mm = 5.0;
  // CR: SLD == 0 or SLD < this. RECIST CR is the disappearance of every target lesion, which a
  // simulated burden never reaches exactly; scenarios choose the size below which the burden
  // counts as gone (e.g. the 10 mm measurability limit). 0 keeps RECIST's literal rule.
  double complete_response_below_mm = 0.0;
  // Non-randomised trials: a CR / PR counts only when confirmed by a repeat assessment at least
  // confirmation_interval_days later (section 4.4.2).
  bool confirm_responses = false;
  double confirmation_interval_days = 28.0;
  // SD is the best overall response only if observed at least this long after the start of
  // treatment (protocol-defined, section 4.4.1).
  double minimum_stable_disease_days = 42.0;

  // Problems with the values, one sentence each; empty when usable.
  std::vector<std::string> validate() const;
};

// One post-baseline imaging visit.
struct VisitAssessment {
  double time_days = 0.0;       // from the start of treatment
  double sld_mm = kNotDefined;  // NaN: not measured
  bool new_lesion = false;
  double nadir_mm = kNotDefined;              // smallest SLD before this visit, baseline included
  double change_from_baseline = kNotDefined;  // (sld - baseline) / baseline; NaN when not measured
  double change_from_nadir = kNotDefined;     // (sld - nadir) / nadir; +inf when nadir is 0 < sld
  Response response = Response::kNE;
};

// Time-point responses (RECIST 1.1 section 4.3.1, target lesions only). At each visit, in this
// order: a new lesion -> PD (even when the SLD was not measured); SLD NaN -> NE; an increase
// from the nadir of >= progression_change and >= progression_absolute_mm -> PD; SLD below the
// CR size -> CR; change from baseline <= partial_response_change -> PR; otherwise SD. The nadir
// is the smallest measured SLD before the visit (baseline included; NE visits do not count).
// Visits after a PD are assessed the same way (spider plots show them); the best overall
// response ignores them.
// Throws std::invalid_argument naming the argument: baseline not finite and > 0; a visit time
// not finite, not > 0 or not increasing; an SLD negative or infinite; sizes that differ
// (new_lesions may be empty = none); criteria that fail validate().
std::vector<VisitAssessment> assess_visits(double baseline_sld_mm,
                                           std::span<const double> visit_times_days,
                                           std::span<const double> sld_mm,
                                           std::span<const bool> new_lesions,
                                           const RecistCriteria& criteria = {});

// Best overall response (RECIST 1.1 section 4.4) over the visits up to and including the first
// PD. Without confirmation: CR if any CR, else PR if any PR, else SD if an SD was observed at
// least minimum_stable_disease_days after the start, else PD if a PD occurred, else NE. With
// confirmation, a CR counts as CR when a later CR at least confirmation_interval_days after it
// confirms it, and a CR or PR counts as PR when a later CR or PR does; every assessment in
// between must meet the same level (NE ones are skipped). An unconfirmed CR / PR counts as SD
// (Table 3). Indices refer to the visits given; -1 = none.
struct BestOverallResponse {
  Response response = Response::kNE;
  int first_response_visit = -1;     // first CR / PR (confirmed where required)
  int confirmation_visit = -1;       // the visit confirming it (confirm_responses only)
  int first_progression_visit = -1;  // first PD
};
BestOverallResponse best_overall_response(std::span<const VisitAssessment> visits,
                                          const RecistCriteria& criteria = {});

// A time-to-event outcome. `time_days` is NaN when the endpoint does not apply (duration of
// response of a non-responder).
enum class EndpointEvent { kCensored, kProgression, kDeath };
struct TimeToEvent {
  double time_days = kNotDefined;
  EndpointEvent event = EndpointEvent::kCensored;
  bool is_event() const { return event != EndpointEvent::kCensored; }
  bool defined() const { return !std::isnan(time_days); }
};

// One patient's observations. Spans are views: the data must outlive the call.
struct PatientObservations {
  double baseline_sld_mm = kNotDefined;
  std::span<const double> visit_times_days;  // days from start / randomisation, increasing
  std::span<const double> sld_mm;            // NaN = not measured
  std::span<const bool> new_lesions;         // empty = no new lesions
  std::optional<double> death_time_days;     // none = alive at the end of follow-up
  // End of follow-up (data cut-off or dropout); visits after it, and a death after it, are not
  // observed.
  double follow_up_end_days = kNever;
};

// How PFS treats an event after missed assessments.
struct EndpointOptions {
  // A PD or death more than this many days after the last adequate assessment (or the start) is
  // censored at that assessment: the FDA 2018 guidance's example rule for an event after more
  // than one missed visit (set it to about twice the visit interval). The default counts every
  // event at its date, as the EMA prefers (docs/endpoints.md).
  double max_gap_before_event_days = kNever;
};

struct PatientEndpoints {
  std::vector<VisitAssessment> visits;  // observed visits only (not after death or follow-up)
  BestOverallResponse best;             // indices into `visits`
  bool objective_response = false;      // best response CR or PR
  bool disease_control = false;         // best response CR, PR or SD
  double time_to_response_days = kNotDefined;  // first (confirmed) CR / PR; NaN if none
  TimeToEvent duration_of_response;            // responders only
  TimeToEvent progression_free_survival;
  // Smallest change from baseline over measured visits up to the first PD (waterfall plots);
  // NaN when none was measured. The per-visit series (spider plots) is visits[i].
  double best_change_from_baseline = kNotDefined;
  int visits_ignored = 0;  // after death or the end of follow-up
};

// Endpoints of one patient (docs/endpoints.md):
// - PFS: the earlier of the first PD visit and an observed death is an event; otherwise
//   censored at the last adequate (not NE) assessment, or at 0 when there was none.
// - Duration of response: from the first (confirmed) CR / PR to PD or death, censored as PFS is;
//   defined for responders only.
// Throws std::invalid_argument for bad observations (as assess_visits), a death time or
// follow-up end that is NaN or < 0, or bad options.
PatientEndpoints derive_endpoints(const PatientObservations& patient,
                                  const RecistCriteria& criteria = {},
                                  const EndpointOptions& options = {});

// Counts of best overall responses and the response / disease-control rates with exact
// Clopper-Pearson intervals (survival::clopper_pearson). Every patient is in the denominator,
// NE ones included (intention to treat: a patient who was never assessed did not respond).
struct ResponseSummary {
  int patients = 0;
  int complete = 0, partial = 0, stable = 0, progressive = 0, not_evaluable = 0;
  survival::ProportionInterval objective_response_rate;  // (CR + PR) / patients
  survival::ProportionInterval disease_control_rate;     // (CR + PR + SD) / patients
};
// Throws std::invalid_argument for no patients or a conf_level outside (0, 1).
ResponseSummary summarize_responses(std::span<const Response> best_overall_responses,
                                    double conf_level = 0.95);

// Time-to-event outcomes as survival data (Kaplan-Meier, log-rank); entries that are not
// defined (duration of response of non-responders) are left out.
survival::SurvivalData to_survival_data(std::span<const TimeToEvent> outcomes);

}  // namespace smartnano::trial
