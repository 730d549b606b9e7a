// Trigger time courses: their profiles, their integrals and how they enter a subject's records.
#include "smartnano/triggers/triggers.h"

#include <cmath>

#include <gtest/gtest.h>

namespace smartnano::triggers {
namespace {

// The integral of a course over time: sum of value x interval length.
double integral(const Course& c, double neutral) {
  double sum = 0.0;
  for (std::size_t k = 0; k < c.values.size(); ++k) {
    sum += (c.values[k] - neutral) * (c.knots[k + 1] - c.knots[k]);
  }
  return sum;
}

TEST(ThermalRelease, HalfOfTheMaximumAtT50AndNothingAtBodyTemperature) {
  ThermalRelease r{100.0, 41.3, 0.5};
  EXPECT_DOUBLE_EQ(r.rate_per_h(37.0), 0.0);
  const double at37 = 100.0 / (1 + std::exp(4.3 / 0.5));
  EXPECT_NEAR(r.rate_per_h(41.3), 50.0 - at37, 1e-12);
  EXPECT_GT(r.rate_per_h(43.0), 95.0);
  EXPECT_DOUBLE_EQ(ThermalRelease{}.rate_per_h(45.0), 0.0);  // not thermosensitive
}

TEST(Hyperthermia, TemperatureProfileRampsHoldsAndCools) {
  Hyperthermia h;
  h.start = 1.0;
  h.ramp = 0.1;
  h.hold = 0.5;
  h.cooling = 0.1;
  h.temperature_celsius = 42.0;
  EXPECT_DOUBLE_EQ(h.temperature_at(0.5), 37.0);
  EXPECT_DOUBLE_EQ(h.temperature_at(1.05), 39.5);
  EXPECT_DOUBLE_EQ(h.temperature_at(1.3), 42.0);
  EXPECT_NEAR(h.temperature_at(1.7), 37.0 + 5.0 * std::exp(-1.0), 1e-12);
  h.release = ThermalRelease{60.0, 41.3, 0.5};
  h.perfusion = HeatPerfusion{2.0, 42.0, 44.0, 0.5};
  const auto cs = courses(h, 1.0);
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].covariate, "KREL_HEAT_TUM");
  EXPECT_EQ(cs[1].covariate, "PERF_FOLD_TUM");
  // During the hold the release rate and perfusion are those of 42 C exactly.
  for (std::size_t k = 0; k + 1 < cs[0].knots.size(); ++k) {
    if (cs[0].knots[k] == 1.1 && cs[0].knots[k + 1] == 1.6) {
      EXPECT_DOUBLE_EQ(cs[0].values[k], h.release.rate_per_h(42.0));
      EXPECT_DOUBLE_EQ(cs[1].values[k], 2.0);
    }
  }
  h.temperature_celsius = 75.0;
  EXPECT_THROW(courses(h, 1.0), std::invalid_argument);
  h.temperature_celsius = 36.0;
  EXPECT_THROW(courses(h, 1.0), std::invalid_argument);
}

TEST(HeatPerfusion, RisesPlateausAndShutsDown) {
  const HeatPerfusion p{2.0, 42.0, 44.0, 0.4};
  EXPECT_DOUBLE_EQ(p.fold(37.0), 1.0);
  EXPECT_DOUBLE_EQ(p.fold(39.5), 1.5);
  EXPECT_DOUBLE_EQ(p.fold(43.0), 2.0);
  EXPECT_DOUBLE_EQ(p.fold(46.5), 1.2);
  EXPECT_DOUBLE_EQ(p.fold(55.0), 0.4);
}

TEST(Ultrasound, WindowIntegralMatchesTheExponentialDecay) {
  Ultrasound u;
  u.times = {2.0};
  u.duration = 0.5;
  u.permeability_fold = 3.0;
  u.window_half_life = 1.0;
  const auto cs = courses(u);
  ASSERT_EQ(cs.size(), 1u);
  // (F - 1) (duration + int_0^6T exp(-ln2 s / T) ds) = 2 (0.5 + (1 - 2^-6) / ln 2).
  const double exact = 2.0 * (0.5 + (1 - std::pow(2.0, -6)) / std::log(2.0));
  EXPECT_NEAR(integral(cs[0], 1.0), exact, 1e-5 * exact);
  EXPECT_DOUBLE_EQ(cs[0].knots.front(), 2.0);
  EXPECT_DOUBLE_EQ(cs[0].values.front(), 3.0);
}

TEST(Radiotherapy, KillPulseIntegratesToTheLinearQuadraticSurvival) {
  Radiotherapy r;
  r.times = {0.0, 24.0};
  r.dose_gy = 2.0;
  r.alpha_per_gy = 0.3;
  r.beta_per_gy2 = 0.03;
  r.permeability_fold = 2.0;
  r.permeability_peak = 24.0;
  EXPECT_NEAR(r.surviving_fraction(), std::exp(-0.6 - 0.12), 1e-15);
  const auto cs = courses(r, 1.0);
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].covariate, "RT_KILL_RATE");
  // Two fractions: the rate integrates to -ln S each.
  EXPECT_NEAR(integral(cs[0], 0.0), -2 * std::log(r.surviving_fraction()), 1e-12);
  // The permeability bump peaks at the fold one peak time after a fraction.
  const auto& p = cs[1];
  double highest = 0.0;
  for (const double v : p.values) highest = std::max(highest, v);
  EXPECT_NEAR(highest, 2.0, 0.01);
  EXPECT_LE(highest, 2.0);
}

TEST(Losartan, FoldsApproachTheirSteadyStateAndReturn) {
  Losartan l;
  l.start = 0;
  l.end = 200;
  l.onset = 24;
  l.offset = 24;
  l.perfusion_fold = 1.5;
  l.permeability_fold = 1.0;  // no course for a fold of 1
  const auto cs = courses(l);
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].covariate, "PERF_FOLD_TUM");
  EXPECT_LT(cs[0].values.front(), 1.1);
  // The last interval before the end of dosing is close to the steady state.
  for (std::size_t k = 0; k + 1 < cs[0].knots.size(); ++k) {
    if (cs[0].knots[k + 1] == 200) EXPECT_NEAR(cs[0].values[k], 1.5, 0.01);
  }
  EXPECT_NEAR(cs[0].values.back(), 1.0, 0.01);
}

TEST(Schedule, AddsRecordsAtKnotsAndSetsIntervalValues) {
  const model::ModelPtr m = model::load_model("liposomal_doxorubicin_mouse");
  Ultrasound u;
  u.times = {1.5};
  u.duration = 0.5;
  u.permeability_fold = 4.0;
  u.window_half_life = 0.25;
  const Schedule s(courses(u), *m);
  simulation::SubjectInput in;
  const std::size_t n_cov = m->covariates().size();
  const int perm = m->covariate_index("PERM_FOLD_TUM");
  ASSERT_GE(perm, 0);
  for (int h = 0; h <= 4; ++h) {
    events::Record r;
    r.time = h;
    in.records.push_back(r);
    for (std::size_t c = 0; c < n_cov; ++c)
      in.covariates.push_back(m->covariates()[c].default_value.value_or(0.0));
  }
  s.apply(in);
  // 5 observations + the course's knots (1.5, 2.0, then 24 steps of 1/16 h to 3.5).
  ASSERT_EQ(in.records.size(), 5u + 1u + 1u + 24u - 2u);  // 3 and 2 are observation times
  for (std::size_t r = 1; r < in.records.size(); ++r) {
    EXPECT_LE(in.records[r - 1].time, in.records[r].time);
  }
  for (std::size_t r = 0; r < in.records.size(); ++r) {
    const double t = in.records[r].time,
                 v = in.covariates[r * n_cov + static_cast<std::size_t>(perm)];
    if (t <= 1.5) EXPECT_DOUBLE_EQ(v, 1.0) << t;
    if (t > 1.5 && t <= 2.0) EXPECT_DOUBLE_EQ(v, 4.0) << t;
    if (t > 4.0) EXPECT_LT(v, 1.01);
  }
  // A model without the hook refuses the trigger, saying what it would need.
  const model::ModelPtr plain = model::load_model("one_cmt_oral");
  try {
    Schedule bad(courses(u), *plain);
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("no covariate 'PERM_FOLD_TUM'"), std::string::npos);
  }
}

}  // namespace
}  // namespace smartnano::triggers
