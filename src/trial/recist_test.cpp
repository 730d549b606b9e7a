// Tests of RECIST 1.1 responses and trial endpoints on small patients worked out by hand: each
// test pins one rule of docs/endpoints.md (thresholds, nadir, NE visits, new lesions,
// confirmation, SD minimum duration, PFS events and censoring, duration of response, ORR / DCR).
#include "smartnano/trial/recist.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace smartnano::trial {

// Readable failure messages (found by GoogleTest through argument-dependent lookup).
void PrintTo(Response response, std::ostream* os) { *os << to_string(response); }

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<Response> responses(const std::vector<VisitAssessment>& visits) {
  std::vector<Response> r;
  for (const auto& v : visits) r.push_back(v.response);
  return r;
}

// Visits 42 days apart from day 42.
std::vector<VisitAssessment> assess(double baseline, const std::vector<double>& sld,
                                    const RecistCriteria& criteria = {}) {
  std::vector<double> times;
  for (size_t i = 0; i < sld.size(); ++i) times.push_back(42.0 * static_cast<double>(i + 1));
  return assess_visits(baseline, times, sld, {}, criteria);
}

// Visits with given responses, for the best-overall-response rules alone.
std::vector<VisitAssessment> visits_of(const std::vector<std::pair<double, Response>>& list) {
  std::vector<VisitAssessment> visits;
  for (const auto& [t, r] : list) {
    VisitAssessment v;
    v.time_days = t;
    v.response = r;
    visits.push_back(v);
  }
  return visits;
}

using enum Response;

TEST(Recist, ToString) {
  EXPECT_EQ(to_string(kCR), "CR");
  EXPECT_EQ(to_string(kPR), "PR");
  EXPECT_EQ(to_string(kSD), "SD");
  EXPECT_EQ(to_string(kPD), "PD");
  EXPECT_EQ(to_string(kNE), "NE");
}

TEST(Recist, ProgressionNeedsBothTwentyPercentAndFiveMillimetres) {
  // Nadir 10 mm: +20 % is only 2 mm (SD); +49 % = 4.9 mm is still SD; +5 mm = +50 % is PD.
  EXPECT_EQ(responses(assess(10, {12})), (std::vector{kSD}));
  EXPECT_EQ(responses(assess(10, {14.9})), (std::vector{kSD}));
  EXPECT_EQ(responses(assess(10, {15})), (std::vector{kPD}));
  // Nadir 100 mm: +19 mm is 19 % (SD); +20 mm is 20 % (PD).
  EXPECT_EQ(responses(assess(100, {119})), (std::vector{kSD}));
  EXPECT_EQ(responses(assess(100, {120})), (std::vector{kPD}));
  // Custom thresholds.
  RecistCriteria c;
  c.progression_absolute_mm = 0;
  EXPECT_EQ(responses(assess(10, {12}, c)), (std::vector{kPD}));
}

TEST(Recist, ProgressionIsMeasuredFromTheNadir) {
  // 100 -> 60 (PR) -> 72: +20 % and +12 mm from the nadir 60, yet still -28 % from baseline.
  const auto v = assess(100, {60, 72});
  EXPECT_EQ(responses(v), (std::vector{kPR, kPD}));
  EXPECT_DOUBLE_EQ(v[1].nadir_mm, 60);
  EXPECT_NEAR(v[1].change_from_nadir, 0.20, 1e-15);
  EXPECT_NEAR(v[1].change_from_baseline, -0.28, 1e-15);
  // A growing tumour's nadir is the baseline: 100 -> 110 (SD) -> 119 (+19 % of 100) is SD.
  EXPECT_EQ(responses(assess(100, {110, 119})), (std::vector{kSD, kSD}));
  EXPECT_DOUBLE_EQ(assess(100, {110, 119})[1].nadir_mm, 100);
}

TEST(Recist, PartialResponseAtExactlyThirtyPercent) {
  EXPECT_EQ(responses(assess(100, {70, 70.1})), (std::vector{kPR, kSD}));
  // 33.3 * 0.7 = 23.31 is -30 % up to rounding of the sum; it must still be PR.
  EXPECT_EQ(responses(assess(33.3, {23.31})), (std::vector{kPR}));
  // SD covers everything between PR and PD, including shrinkage below 30 %.
  EXPECT_EQ(responses(assess(100, {75, 85})), (std::vector{kSD, kSD}));
}

TEST(Recist, CompleteResponseIsDisappearanceOrBelowTheChosenSize) {
  EXPECT_EQ(responses(assess(50, {0, 0.5})), (std::vector{kCR, kPR}));
  RecistCriteria c;
  c.complete_response_below_mm = 10;
  EXPECT_EQ(responses(assess(50, {9.9, 10}, c)), (std::vector{kCR, kPR}));
  // After a CR (nadir 0) regrowth is PD once it reaches 5 mm; less is a PR against baseline.
  const auto v = assess(50, {0, 4, 5});
  EXPECT_EQ(responses(v), (std::vector{kCR, kPR, kPD}));
  EXPECT_TRUE(std::isinf(v[1].change_from_nadir));
  EXPECT_EQ(v[0].change_from_nadir, -1.0);
}

TEST(Recist, MissingMeasurementIsNotEvaluableAndNotANadir) {
  const std::vector<double> times{42, 84, 126};
  const std::vector<double> sld{kNaN, 60, kNaN};
  const auto v = assess_visits(50, times, sld, {});
  EXPECT_EQ(responses(v), (std::vector{kNE, kPD, kNE}));
  EXPECT_TRUE(std::isnan(v[0].change_from_baseline));
  EXPECT_TRUE(std::isnan(v[0].change_from_nadir));
  EXPECT_DOUBLE_EQ(v[1].nadir_mm, 50);  // the NE visit did not lower the nadir
  EXPECT_NEAR(v[1].change_from_nadir, 0.2, 1e-15);
}

TEST(Recist, NewLesionForcesProgression) {
  const std::vector<double> times{42, 84, 126};
  const std::vector<double> sld{50, 40, kNaN};
  const bool new_lesions[] = {false, true, true};
  const auto v = assess_visits(100, times, sld, new_lesions);
  // A shrinking sum with a new lesion is PD, and so is an unmeasured visit with one.
  EXPECT_EQ(responses(v), (std::vector{kPR, kPD, kPD}));
  EXPECT_TRUE(v[1].new_lesion);
  EXPECT_DOUBLE_EQ(v[1].change_from_baseline, -0.6);
}

TEST(Recist, BadInputThrows) {
  const std::vector<double> t2{42, 84}, s2{50, 50}, s1{50};
  EXPECT_THROW(assess_visits(0, t2, s2, {}), std::invalid_argument);
  EXPECT_THROW(assess_visits(-1, t2, s2, {}), std::invalid_argument);
  EXPECT_THROW(assess_visits(kNaN, t2, s2, {}), std::invalid_argument);
  EXPECT_THROW(assess_visits(50, t2, s1, {}), std::invalid_argument);
  const bool one_flag[] = {false};
  EXPECT_THROW(assess_visits(50, t2, s2, one_flag), std::invalid_argument);
  const std::vector<double> equal{42, 42}, decreasing{84, 42}, at_zero{0, 42}, inf_t{42, kNever};
  EXPECT_THROW(assess_visits(50, equal, s2, {}), std::invalid_argument);
  EXPECT_THROW(assess_visits(50, decreasing, s2, {}), std::invalid_argument);
  EXPECT_THROW(assess_visits(50, at_zero, s2, {}), std::invalid_argument);
  EXPECT_THROW(assess_visits(50, inf_t, s2, {}), std::invalid_argument);
  const std::vector<double> negative{50, -1}, infinite{50, kNever};
  EXPECT_THROW(assess_visits(50, t2, negative, {}), std::invalid_argument);
  EXPECT_THROW(assess_visits(50, t2, infinite, {}), std::invalid_argument);
  try {
    assess_visits(50, decreasing, s2, {});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("visit_times_days[1]"), std::string::npos) << e.what();
  }

  RecistCriteria c;
  EXPECT_TRUE(c.validate().empty());
  c.partial_response_change = 0.3;  // a sign slip
  c.minimum_stable_disease_days = kNaN;
  EXPECT_EQ(c.validate().size(), 2u);
  EXPECT_THROW(assess_visits(50, t2, s2, {}, c), std::invalid_argument);
  EXPECT_THROW(best_overall_response({}, c), std::invalid_argument);
}

TEST(BestOverallResponse, BestResponseUpToTheFirstProgression) {
  EXPECT_EQ(best_overall_response(visits_of({{42, kPR}, {84, kSD}})).response, kPR);
  EXPECT_EQ(best_overall_response(visits_of({{42, kPR}, {84, kCR}})).response, kCR);
  // Nothing after the first PD counts.
  const auto b = best_overall_response(visits_of({{42, kSD}, {84, kPD}, {126, kCR}}));
  EXPECT_EQ(b.response, kSD);
  EXPECT_EQ(b.first_progression_visit, 1);
  EXPECT_EQ(b.first_response_visit, -1);
  EXPECT_EQ(best_overall_response(visits_of({{42, kPD}, {84, kPR}})).response, kPD);
  // An unconfirmed-trial response early on counts whatever its timing.
  const auto early = best_overall_response(visits_of({{21, kSD}, {28, kPR}, {35, kPD}}));
  EXPECT_EQ(early.response, kPR);
  EXPECT_EQ(early.first_response_visit, 1);
  EXPECT_EQ(early.confirmation_visit, -1);
  EXPECT_EQ(best_overall_response(visits_of({})).response, kNE);
  EXPECT_EQ(best_overall_response(visits_of({{42, kNE}, {84, kNE}})).response, kNE);
}

TEST(BestOverallResponse, StableDiseaseMinimumDuration) {
  // SD before day 42 only: NE if nothing follows (section 4.4.1), PD if PD follows.
  EXPECT_EQ(best_overall_response(visits_of({{35, kSD}})).response, kNE);
  EXPECT_EQ(best_overall_response(visits_of({{35, kSD}, {41, kNE}})).response, kNE);
  EXPECT_EQ(best_overall_response(visits_of({{35, kSD}, {70, kPD}})).response, kPD);
  EXPECT_EQ(best_overall_response(visits_of({{35, kSD}, {49, kSD}})).response, kSD);
  EXPECT_EQ(best_overall_response(visits_of({{42, kSD}})).response, kSD);  // exactly 42 days
  RecistCriteria c;
  c.minimum_stable_disease_days = 0;
  EXPECT_EQ(best_overall_response(visits_of({{35, kSD}, {70, kPD}}), c).response, kSD);
}

TEST(BestOverallResponse, ConfirmationOfPartialResponse) {
  RecistCriteria c;
  c.confirm_responses = true;
  auto bor = [&](const std::vector<std::pair<double, Response>>& list) {
    return best_overall_response(visits_of(list), c);
  };
  // Confirmed 28 days later by PR or CR.
  const auto b = bor({{42, kPR}, {70, kPR}});
  EXPECT_EQ(b.response, kPR);
  EXPECT_EQ(b.first_response_visit, 0);
  EXPECT_EQ(b.confirmation_visit, 1);
  EXPECT_EQ(bor({{42, kPR}, {70, kCR}}).response, kPR);
  // 21 days is too soon: two unconfirmed PRs are SD (the first is at >= 42 days).
  EXPECT_EQ(bor({{42, kPR}, {63, kPR}}).response, kSD);
  // The first PR is confirmed at day 84 by a visit beyond an earlier one.
  EXPECT_EQ(bor({{42, kPR}, {56, kPR}, {84, kPR}}).confirmation_visit, 2);
  // Unconfirmed PR followed by PD / NE (Table 3): SD if at >= 42 days, else PD / NE.
  EXPECT_EQ(bor({{42, kPR}, {84, kPD}}).response, kSD);
  EXPECT_EQ(bor({{28, kPR}, {56, kPD}}).response, kPD);
  EXPECT_EQ(bor({{28, kPR}, {56, kNE}}).response, kNE);
  EXPECT_EQ(bor({{28, kPR}}).response, kNE);
  // PR then SD: SD (Table 3), and an SD in between breaks the confirmation...
  EXPECT_EQ(bor({{42, kPR}, {84, kSD}}).response, kSD);
  EXPECT_EQ(bor({{42, kPR}, {56, kSD}, {84, kPR}}).response, kSD);
  // ...while an NE in between does not.
  EXPECT_EQ(bor({{42, kPR}, {56, kNE}, {84, kPR}}).response, kPR);
  // A later response can be confirmed after an unconfirmed one.
  const auto later = bor({{42, kPR}, {56, kSD}, {84, kPR}, {112, kPR}});
  EXPECT_EQ(later.response, kPR);
  EXPECT_EQ(later.first_response_visit, 2);
  EXPECT_EQ(later.confirmation_visit, 3);
  // PD cannot confirm, and nothing after it counts.
  EXPECT_EQ(bor({{28, kPR}, {35, kPD}, {70, kPR}}).response, kPD);
}

TEST(BestOverallResponse, ConfirmationOfCompleteResponse) {
  RecistCriteria c;
  c.confirm_responses = true;
  auto bor = [&](const std::vector<std::pair<double, Response>>& list) {
    return best_overall_response(visits_of(list), c).response;
  };
  EXPECT_EQ(bor({{42, kCR}, {70, kCR}}), kCR);
  // CR then PR: the CR is confirmed as a PR only (Table 3, footnote a, read as "PR").
  EXPECT_EQ(bor({{42, kCR}, {70, kPR}}), kPR);
  EXPECT_EQ(bor({{42, kCR}, {56, kPR}, {84, kCR}}), kPR);
  // PR then CR: PR; the CR needs its own confirmation.
  EXPECT_EQ(bor({{42, kPR}, {70, kCR}, {98, kCR}}), kCR);
  EXPECT_EQ(bor({{42, kCR}, {56, kNE}, {70, kCR}}), kCR);
  // Unconfirmed CR: SD if late enough.
  EXPECT_EQ(bor({{42, kCR}}), kSD);
  EXPECT_EQ(bor({{42, kCR}, {84, kSD}}), kSD);
}

// Patient builder: owns the data the observation spans point to.
struct Patient {
  Patient(double baseline_mm, std::vector<double> visit_days, std::vector<double> sld_mm,
          std::optional<double> death_days = std::nullopt)
      : baseline(baseline_mm),
        times(std::move(visit_days)),
        sld(std::move(sld_mm)),
        death(death_days) {}
  double baseline;
  std::vector<double> times, sld;
  std::optional<double> death;
  double follow_up_end = kNever;
  PatientEndpoints derive(const RecistCriteria& c = {}, const EndpointOptions& o = {}) const {
    PatientObservations p;
    p.baseline_sld_mm = baseline;
    p.visit_times_days = times;
    p.sld_mm = sld;
    p.death_time_days = death;
    p.follow_up_end_days = follow_up_end;
    return derive_endpoints(p, c, o);
  }
};

TEST(Endpoints, ProgressionEventAtTheFirstProgressiveVisit) {
  // 50 -> 40 (SD) -> 30 (PR) -> 37 (+23 %, +7 mm from 30: PD) -> 20.
  const Patient p{50, {42, 84, 126, 168}, {40, 30, 37, 20}};
  const auto e = p.derive();
  ASSERT_EQ(e.visits.size(), 4u);  // visits after PD stay for spider plots
  EXPECT_EQ(e.best.response, kPR);
  EXPECT_TRUE(e.objective_response);
  EXPECT_TRUE(e.disease_control);
  EXPECT_EQ(e.time_to_response_days, 84);
  EXPECT_EQ(e.progression_free_survival.time_days, 126);
  EXPECT_EQ(e.progression_free_survival.event, EndpointEvent::kProgression);
  EXPECT_EQ(e.duration_of_response.time_days, 42);
  EXPECT_EQ(e.duration_of_response.event, EndpointEvent::kProgression);
  // The best change stops at the first PD: -40 %, not the -60 % seen after it.
  EXPECT_DOUBLE_EQ(e.best_change_from_baseline, -0.4);
  EXPECT_DOUBLE_EQ(e.visits[3].change_from_baseline, -0.6);
}

TEST(Endpoints, DeathBeforeTheNextVisit) {
  // SD, SD, death at day 100; the PD visit at day 126 is after death and ignored.
  Patient p{50, {42, 84, 126}, {45, 48, 70}};
  p.death = 100;
  const auto e = p.derive();
  EXPECT_EQ(e.visits.size(), 2u);
  EXPECT_EQ(e.visits_ignored, 1);
  EXPECT_EQ(e.best.response, kSD);
  EXPECT_EQ(e.best.first_progression_visit, -1);
  EXPECT_FALSE(e.objective_response);
  EXPECT_TRUE(e.disease_control);
  EXPECT_EQ(e.progression_free_survival.time_days, 100);
  EXPECT_EQ(e.progression_free_survival.event, EndpointEvent::kDeath);
  // A PD visit before death wins.
  p.death = 130;
  EXPECT_EQ(p.derive().progression_free_survival.event, EndpointEvent::kProgression);
  EXPECT_EQ(p.derive().progression_free_survival.time_days, 126);
  // Death without any assessment: event at death, best response NE.
  const Patient early{50, {42}, {45}, 20.0};
  EXPECT_EQ(early.derive().progression_free_survival.time_days, 20);
  EXPECT_EQ(early.derive().progression_free_survival.event, EndpointEvent::kDeath);
  EXPECT_EQ(early.derive().best.response, kNE);
}

TEST(Endpoints, CensoredAtTheLastAdequateAssessment) {
  // SD, SD, NE, then follow-up ends at day 150: censored at day 84 (the NE visit is not
  // adequate); the visit at day 168 is after follow-up.
  Patient p{50, {42, 84, 126, 168}, {45, 48, kNaN, 49}};
  p.follow_up_end = 150;
  const auto e = p.derive();
  EXPECT_EQ(e.visits_ignored, 1);
  EXPECT_EQ(e.progression_free_survival.time_days, 84);
  EXPECT_FALSE(e.progression_free_survival.is_event());
  // DoR is for responders only.
  EXPECT_FALSE(e.objective_response);
  EXPECT_FALSE(e.duration_of_response.defined());
  EXPECT_TRUE(std::isnan(e.time_to_response_days));
  // A death after the end of follow-up is not observed.
  p.death = 200;
  EXPECT_FALSE(p.derive().progression_free_survival.is_event());
  EXPECT_EQ(p.derive().progression_free_survival.time_days, 84);
  // No adequate assessment and no death: censored at the start.
  const Patient none{50, {42}, {kNaN}};
  const auto n = none.derive();
  EXPECT_EQ(n.progression_free_survival.time_days, 0);
  EXPECT_FALSE(n.progression_free_survival.is_event());
  EXPECT_EQ(n.best.response, kNE);
  EXPECT_TRUE(std::isnan(n.best_change_from_baseline));
}

TEST(Endpoints, EventAfterMissedAssessments) {
  // SD at 42, NE at 84 and 126, PD at 168: an event by default; with a 100-day limit on the gap
  // (two missed visits) censored at day 42.
  const Patient p{50, {42, 84, 126, 168}, {45, kNaN, kNaN, 70}};
  EXPECT_EQ(p.derive().progression_free_survival.time_days, 168);
  EXPECT_TRUE(p.derive().progression_free_survival.is_event());
  EndpointOptions o;
  o.max_gap_before_event_days = 100;
  const auto e = p.derive({}, o);
  EXPECT_EQ(e.progression_free_survival.time_days, 42);
  EXPECT_FALSE(e.progression_free_survival.is_event());
  // One missed visit (gap 84 days) keeps the event.
  const Patient q{50, {42, 84, 126}, {45, kNaN, 70}};
  EXPECT_TRUE(q.derive({}, o).progression_free_survival.is_event());
}

TEST(Endpoints, DurationOfResponse) {
  // PR at 42 and 84, follow-up ends: censored at 84, DoR 42 censored.
  Patient p{100, {42, 84}, {60, 55}};
  auto e = p.derive();
  EXPECT_EQ(e.time_to_response_days, 42);
  EXPECT_EQ(e.duration_of_response.time_days, 42);
  EXPECT_FALSE(e.duration_of_response.is_event());
  // Death at day 60 ends the response: DoR 18 days, an event.
  p.death = 60;
  e = p.derive();
  EXPECT_EQ(e.duration_of_response.time_days, 18);
  EXPECT_EQ(e.duration_of_response.event, EndpointEvent::kDeath);
  // With confirmation, the response starts at the first confirmed PR.
  RecistCriteria c;
  c.confirm_responses = true;
  const Patient q{100, {42, 56, 84, 112, 140}, {60, 71, 65, 62, 90}};
  e = q.derive(c);
  EXPECT_EQ(e.best.response, kPR);
  EXPECT_EQ(e.time_to_response_days, 84);  // the PR at 42 was broken by the SD at 56
  EXPECT_EQ(e.progression_free_survival.time_days, 140);
  EXPECT_EQ(e.duration_of_response.time_days, 56);
  EXPECT_EQ(e.duration_of_response.event, EndpointEvent::kProgression);
}

TEST(Endpoints, BadInputThrows) {
  Patient p{50, {42}, {45}};
  p.death = -1;
  EXPECT_THROW(p.derive(), std::invalid_argument);
  p.death = kNaN;
  EXPECT_THROW(p.derive(), std::invalid_argument);
  p.death.reset();
  p.follow_up_end = kNaN;
  EXPECT_THROW(p.derive(), std::invalid_argument);
  p.follow_up_end = kNever;
  EndpointOptions o;
  o.max_gap_before_event_days = 0;
  EXPECT_THROW(p.derive({}, o), std::invalid_argument);
  p.baseline = 0;
  EXPECT_THROW(p.derive(), std::invalid_argument);
}

TEST(Summary, RatesWithClopperPearsonIntervals) {
  const std::vector<Response> bor{kCR, kPR, kSD, kPD, kNE, kPR};
  const auto s = summarize_responses(bor);
  EXPECT_EQ(s.patients, 6);
  EXPECT_EQ(s.complete, 1);
  EXPECT_EQ(s.partial, 2);
  EXPECT_EQ(s.stable, 1);
  EXPECT_EQ(s.progressive, 1);
  EXPECT_EQ(s.not_evaluable, 1);
  // R: binom.test(3, 6)$conf.int = 0.1181172 0.8818828; binom.test(4, 6) = 0.2227781 0.9567281.
  EXPECT_DOUBLE_EQ(s.objective_response_rate.estimate, 0.5);
  EXPECT_NEAR(s.objective_response_rate.lower, 0.1181172, 1e-7);
  EXPECT_NEAR(s.objective_response_rate.upper, 0.8818828, 1e-7);
  EXPECT_DOUBLE_EQ(s.disease_control_rate.estimate, 4.0 / 6);
  EXPECT_NEAR(s.disease_control_rate.lower, 0.2227781, 1e-7);
  EXPECT_NEAR(s.disease_control_rate.upper, 0.9567281, 1e-7);
  EXPECT_THROW(summarize_responses({}), std::invalid_argument);
  EXPECT_THROW(summarize_responses(bor, 1.0), std::invalid_argument);
}

TEST(Summary, TimeToEventAsSurvivalData) {
  const std::vector<TimeToEvent> outcomes{{10, EndpointEvent::kProgression},
                                          {},
                                          {20, EndpointEvent::kCensored},
                                          {5, EndpointEvent::kDeath}};
  const auto data = to_survival_data(outcomes);
  EXPECT_EQ(data.time, (std::vector<double>{10, 20, 5}));
  EXPECT_EQ(data.event, (std::vector<bool>{true, false, true}));
}

}  // namespace
}  // namespace smartnano::trial
