// RECIST 1.1 time-point responses, best overall response and the endpoints derived from them
// (docs/endpoints.md gives every rule and its source).
#include "smartnano/trial/recist.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace smartnano::trial {
namespace {

// Thresholds count as met within this margin (fractions, mm and days alike), so that a sum such
// as 0.1 + 0.2 does not miss an exact 30 % decrease by one rounding.
constexpr double kTolerance = 1e-9;

void check_criteria(const RecistCriteria& criteria, const char* function) {
  const auto problems = criteria.validate();
  if (!problems.empty()) {
    throw std::invalid_argument(fmt::format("{}: {}", function, problems.front()));
  }
}

void check_observations(const char* function, double baseline_sld_mm,
                        std::span<const double> visit_times_days, std::span<const double> sld_mm,
                        std::span<const bool> new_lesions) {
  if (!std::isfinite(baseline_sld_mm) || baseline_sld_mm <= 0) {
    throw std::invalid_argument(fmt::format(
        "{}: baseline_sld_mm = {} must be finite and > 0 (a patient without measurable disease "
        "has no target-lesion response)",
        function, baseline_sld_mm));
  }
  if (sld_mm.size() != visit_times_days.size()) {
    throw std::invalid_argument(fmt::format("{}: sld_mm has {} values but visit_times_days has {}",
                                            function, sld_mm.size(), visit_times_days.size()));
  }
  if (!new_lesions.empty() && new_lesions.size() != visit_times_days.size()) {
    throw std::invalid_argument(fmt::format(
        "{}: new_lesions has {} values but visit_times_days has {} (pass none for no new lesions)",
        function, new_lesions.size(), visit_times_days.size()));
  }
  for (size_t i = 0; i < visit_times_days.size(); ++i) {
    const double t = visit_times_days[i];
    if (!std::isfinite(t) || t <= 0) {
      throw std::invalid_argument(fmt::format(
          "{}: visit_times_days[{}] = {} must be finite and > 0 (days after the start; the "
          "baseline is baseline_sld_mm)",
          function, i, t));
    }
    if (i > 0 && t <= visit_times_days[i - 1]) {
      throw std::invalid_argument(
          fmt::format("{}: visit_times_days[{}] = {} is not after visit_times_days[{}] = {}",
                      function, i, t, i - 1, visit_times_days[i - 1]));
    }
    const double s = sld_mm[i];
    if (!std::isnan(s) && (std::isinf(s) || s < 0)) {
      throw std::invalid_argument(fmt::format(
          "{}: sld_mm[{}] = {} must be finite and >= 0 (NaN = not measured)", function, i, s));
    }
  }
}

bool meets(Response observed, Response level) {
  return observed == Response::kCR || (level == Response::kPR && observed == Response::kPR);
}

// The visit confirming a response at `level` first seen at visit i, or -1: a later visit at
// least the interval later that meets the level, with no evaluable visit in between below it.
int confirming_visit(std::span<const VisitAssessment> visits, int i, int last, Response level,
                     double interval_days) {
  for (int j = i + 1; j <= last; ++j) {
    const Response r = visits[j].response;
    if (r == Response::kNE) continue;
    if (!meets(r, level)) return -1;
    if (visits[j].time_days - visits[i].time_days >= interval_days - kTolerance) return j;
  }
  return -1;
}

}  // namespace

std::string_view to_string(Response response) {
  switch (response) {
    case Response::kCR:
      return "CR";
    case Response::kPR:
      return "PR";
    case Response::kSD:
      return "SD";
    case Response::kPD:
      return "PD";
    case Response::kNE:
      return "NE";
  }
  return "NE";
}

std::vector<std::string> RecistCriteria::validate() const {
  std::vector<std::string> problems;
  auto check = [&](bool ok, std::string_view name, double value, std::string_view need) {
    if (!ok) problems.push_back(fmt::format("{} = {} must be {}", name, value, need));
  };
  check(std::isfinite(partial_response_change) && partial_response_change >= -1 &&
            partial_response_change < 0,
        "partial_response_change", partial_response_change, "in [-1, 0) (e.g. -0.30)");
  check(std::isfinite(progression_change) && progression_change >= 0, "progression_change",
        progression_change, "finite and >= 0 (e.g. 0.20)");
  check(std::isfinite(progression_absolute_mm) && progression_absolute_mm >= 0,
        "progression_absolute_mm", progression_absolute_mm, "finite and >= 0 (e.g. 5)");
  check(std::isfinite(complete_response_below_mm) && complete_response_below_mm >= 0,
        "complete_response_below_mm", complete_response_below_mm, "finite and >= 0");
  check(std::isfinite(confirmation_interval_days) && confirmation_interval_days >= 0,
        "confirmation_interval_days", confirmation_interval_days, "finite and >= 0 (e.g. 28)");
  check(std::isfinite(minimum_stable_disease_days) && minimum_stable_disease_days >= 0,
        "minimum_stable_disease_days", minimum_stable_disease_days, "finite and >= 0 (e.g. 42)");
  return problems;
}

std::vector<VisitAssessment> assess_visits(double baseline_sld_mm,
                                           std::span<const double> visit_times_days,
                                           std::span<const double> sld_mm,
                                           std::span<const bool> new_lesions,
                                           const RecistCriteria& criteria) {
  check_criteria(criteria, "assess_visits");
  check_observations("assess_visits", baseline_sld_mm, visit_times_days, sld_mm, new_lesions);

  std::vector<VisitAssessment> visits(visit_times_days.size());
  double nadir = baseline_sld_mm;
  for (size_t i = 0; i < visits.size(); ++i) {
    VisitAssessment& v = visits[i];
    v.time_days = visit_times_days[i];
    v.sld_mm = sld_mm[i];
    v.new_lesion = !new_lesions.empty() && new_lesions[i];
    v.nadir_mm = nadir;
    if (std::isnan(v.sld_mm)) {
      // A new lesion is progression whatever the target lesions did (Table 1).
      v.response = v.new_lesion ? Response::kPD : Response::kNE;
      continue;
    }
    const double increase_mm = v.sld_mm - nadir;
    v.change_from_baseline = (v.sld_mm - baseline_sld_mm) / baseline_sld_mm;
    v.change_from_nadir = nadir > 0 ? increase_mm / nadir : (increase_mm > 0 ? kNever : 0.0);
    const bool progression = v.change_from_nadir >= criteria.progression_change - kTolerance &&
                             increase_mm >= criteria.progression_absolute_mm - kTolerance;
    const bool complete = v.sld_mm == 0.0 || v.sld_mm < criteria.complete_response_below_mm;
    if (v.new_lesion || progression) {
      v.response = Response::kPD;
    } else if (complete) {
      v.response = Response::kCR;
    } else if (v.change_from_baseline <= criteria.partial_response_change + kTolerance) {
      v.response = Response::kPR;
    } else {
      v.response = Response::kSD;
    }
    nadir = std::min(nadir, v.sld_mm);
  }
  return visits;
}

BestOverallResponse best_overall_response(std::span<const VisitAssessment> visits,
                                          const RecistCriteria& criteria) {
  check_criteria(criteria, "best_overall_response");
  BestOverallResponse best;
  const int n = static_cast<int>(visits.size());
  int last = n - 1;  // assessments after the first PD do not count (section 4.4.1)
  for (int i = 0; i < n; ++i) {
    if (visits[i].response == Response::kPD) {
      best.first_progression_visit = last = i;
      break;
    }
  }

  bool complete = false;
  for (int i = 0; i <= last; ++i) {
    const Response r = visits[i].response;
    if (r != Response::kCR && r != Response::kPR) continue;
    if (!criteria.confirm_responses) {
      if (best.first_response_visit < 0) best.first_response_visit = i;
      complete = complete || r == Response::kCR;
      continue;
    }
    const int j =
        confirming_visit(visits, i, last, Response::kPR, criteria.confirmation_interval_days);
    if (j < 0) continue;
    if (best.first_response_visit < 0) {
      best.first_response_visit = i;
      best.confirmation_visit = j;
    }
    complete = complete ||
               (r == Response::kCR && confirming_visit(visits, i, last, Response::kCR,
                                                       criteria.confirmation_interval_days) >= 0);
  }
  if (best.first_response_visit >= 0) {
    best.response = complete ? Response::kCR : Response::kPR;
    return best;
  }
  // No (confirmed) response: an unconfirmed CR / PR is at least stable disease (Table 3).
  for (int i = 0; i <= last; ++i) {
    const Response r = visits[i].response;
    if ((r == Response::kSD || r == Response::kCR || r == Response::kPR) &&
        visits[i].time_days >= criteria.minimum_stable_disease_days - kTolerance) {
      best.response = Response::kSD;
      return best;
    }
  }
  best.response = best.first_progression_visit >= 0 ? Response::kPD : Response::kNE;
  return best;
}

PatientEndpoints derive_endpoints(const PatientObservations& patient,
                                  const RecistCriteria& criteria, const EndpointOptions& options) {
  const char* function = "derive_endpoints";
  if (patient.death_time_days &&
      (!std::isfinite(*patient.death_time_days) || *patient.death_time_days < 0)) {
    throw std::invalid_argument(fmt::format("{}: death_time_days = {} must be finite and >= 0",
                                            function, *patient.death_time_days));
  }
  if (std::isnan(patient.follow_up_end_days) || patient.follow_up_end_days < 0) {
    throw std::invalid_argument(
        fmt::format("{}: follow_up_end_days = {} must be >= 0 (infinity = no end)", function,
                    patient.follow_up_end_days));
  }
  if (std::isnan(options.max_gap_before_event_days) || options.max_gap_before_event_days <= 0) {
    throw std::invalid_argument(
        fmt::format("{}: max_gap_before_event_days = {} must be > 0 (infinity = no limit)",
                    function, options.max_gap_before_event_days));
  }
  check_criteria(criteria, function);
  check_observations(function, patient.baseline_sld_mm, patient.visit_times_days, patient.sld_mm,
                     patient.new_lesions);

  PatientEndpoints out;
  // A death after the end of follow-up is not observed; nothing is seen after death.
  const bool death_observed =
      patient.death_time_days && *patient.death_time_days <= patient.follow_up_end_days;
  const double death_days = death_observed ? *patient.death_time_days : kNever;
  const double horizon_days = std::min(patient.follow_up_end_days, death_days);

  // Responses depend only on earlier visits, so the observed ones are a prefix.
  out.visits = assess_visits(patient.baseline_sld_mm, patient.visit_times_days, patient.sld_mm,
                             patient.new_lesions, criteria);
  const auto observed = std::ranges::find_if(
      out.visits, [&](const VisitAssessment& v) { return v.time_days > horizon_days; });
  out.visits_ignored = static_cast<int>(out.visits.end() - observed);
  out.visits.erase(observed, out.visits.end());

  out.best = best_overall_response(out.visits, criteria);
  const Response bor = out.best.response;
  out.objective_response = bor == Response::kCR || bor == Response::kPR;
  out.disease_control = out.objective_response || bor == Response::kSD;
  if (out.objective_response) {
    out.time_to_response_days = out.visits[out.best.first_response_visit].time_days;
  }

  const int pd = out.best.first_progression_visit;
  const int last_considered = pd >= 0 ? pd : static_cast<int>(out.visits.size()) - 1;
  for (int i = 0; i <= last_considered; ++i) {
    const double change = out.visits[i].change_from_baseline;
    if (!std::isnan(change) &&
        (std::isnan(out.best_change_from_baseline) || change < out.best_change_from_baseline)) {
      out.best_change_from_baseline = change;
    }
  }

  // PFS: the first PD or death; else censored at the last adequate assessment (or the start).
  const double pd_days = pd >= 0 ? out.visits[pd].time_days : kNever;
  const bool progression_first = pd >= 0 && pd_days <= death_days;
  const int assessed_before = progression_first ? pd : static_cast<int>(out.visits.size());
  double last_adequate_days = 0.0;
  for (int i = 0; i < assessed_before; ++i) {
    if (out.visits[i].response != Response::kNE) last_adequate_days = out.visits[i].time_days;
  }
  TimeToEvent& pfs = out.progression_free_survival;
  if (progression_first || death_observed) {
    pfs.time_days = progression_first ? pd_days : death_days;
    pfs.event = progression_first ? EndpointEvent::kProgression : EndpointEvent::kDeath;
    if (pfs.time_days - last_adequate_days > options.max_gap_before_event_days + kTolerance) {
      pfs = {last_adequate_days, EndpointEvent::kCensored};
    }
  } else {
    pfs = {last_adequate_days, EndpointEvent::kCensored};
  }

  // The response visit is an adequate assessment before any PD, so the PFS time is never
  // earlier and the duration of response shares PFS's event and censoring.
  if (out.objective_response) {
    out.duration_of_response = {pfs.time_days - out.time_to_response_days, pfs.event};
  }
  return out;
}

ResponseSummary summarize_responses(std::span<const Response> best_overall_responses,
                                    double conf_level) {
  if (best_overall_responses.empty()) {
    throw std::invalid_argument("summarize_responses: no patients");
  }
  if (!(conf_level > 0 && conf_level < 1)) {
    throw std::invalid_argument(
        fmt::format("summarize_responses: conf_level = {} must be in (0, 1)", conf_level));
  }
  ResponseSummary s;
  s.patients = static_cast<int>(best_overall_responses.size());
  for (const Response r : best_overall_responses) {
    switch (r) {
      case Response::kCR:
        ++s.complete;
        break;
      case Response::kPR:
        ++s.partial;
        break;
      case Response::kSD:
        ++s.stable;
        break;
      case Response::kPD:
        ++s.progressive;
        break;
      case Response::kNE:
        ++s.not_evaluable;
        break;
    }
  }
  s.objective_response_rate =
      survival::clopper_pearson(s.complete + s.partial, s.patients, conf_level);
  s.disease_control_rate =
      survival::clopper_pearson(s.complete + s.partial + s.stable, s.patients, conf_level);
  return s;
}

survival::SurvivalData to_survival_data(std::span<const TimeToEvent> outcomes) {
  survival::SurvivalData data;
  for (const TimeToEvent& o : outcomes) {
    if (!o.defined()) continue;
    data.time.push_back(o.time_days);
    data.event.push_back(o.is_event());
  }
  return data;
}

}  // namespace smartnano::trial
