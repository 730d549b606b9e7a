// Validation of the liposomal doxorubicin carrier PBPK family (models/liposomal_doxorubicin_
// {human,mouse}.yaml; docs/models/liposomal_doxorubicin.md) against published numbers.
//
// Pharmacokinetic metrics are computed here from the simulated profiles, as a non-compartmental
// analysis would: AUC by the trapezoidal rule on a dense grid plus the log-linear extrapolation
// C_last / lambda_z; CL = dose / AUC; Vss = CL * (AUMC / AUC - T_inf / 2); the terminal
// half-life from a least-squares log-linear fit on the terminal window; the first-phase
// half-life by curve stripping (the terminal line is subtracted and a log-linear fit is made to
// the residuals in an early window), which is how the biexponential half-lives of Gabizon 1994
// were obtained. scripts/calibrate_liposomal_doxorubicin.py computes the same metrics.
//
// Sources (shared/validation/literature.md):
//  [G94] Gabizon A et al. Cancer Res 1994;54:987, Abstract: PLD CL 0.1 L/h, V 4 L, half-lives
//        2 h and 45 h (medians); free doxorubicin CL 45 L/h, V 254 L.
//  [D99] Drummond DC et al. Pharmacol Rev 1999;51:691, Table 4 (Gabizon 1994 data, mean and
//        range): PLD 25 mg/m2 CL 0.08 (0.05-0.21) L/h, Vd 4.1 (3.0-6.5) L, t1/2 3.2 (0.2-5.4)
//        and 45.2 (20.8-59.1) h; 50 mg/m2 CL 0.09 (0.03-0.24), Vd 5.9 (2.3-10.1), t1/2 1.4
//        (0.2-7.3) and 45.9 (29.3-74.0) h; free DOX 25 mg/m2 CL 45.3 (39.7-48.6) L/h, Vd 254
//        (126-393) L, terminal t1/2 8.7 (3.6-13.3) h.
//  [H00] Harrington KJ et al. Br J Cancer 2000;83:232, Abstract: 111In-DTPA pegylated liposomes
//        in tumour-bearing nude mice, t1/2 1.1 h and 10.3 h; at 24 h tumour 5.5 +/- 3.0, liver
//        19.3 +/- 2.8, spleen 18.8 +/- 4.2 %ID/g (mean +/- SD).
//  [H01] Harrington KJ et al. Clin Cancer Res 2001;7:243, Abstract: lung tumours 18.3 +/- 5.7
//        %ID/kg at 72 h (tumour volume 114.5 cm3, the model's default).
//
// Calibration (scripts/calibrate_liposomal_doxorubicin.py): human CLMPS_L (CLMPS_S tied to it),
// PS_OT, KRET_OT, PSV_TUM to CL 0.09 L/h, t1/2 2 h and 45 h at 50 mg/m2 and the [H01] tumour
// uptake; CLINT_H and KP_REST to the free-doxorubicin CL and V; mouse CLMPS_L, CLMPS_S, PS_OT,
// KDEG_OT, PSV_TUM to the five [H00] numbers. Checks of calibrated quantities therefore test
// that the shipped model still reproduces its calibration data; the checks marked
// "prediction" (PLD Vss, the 25 mg/m2 profile, free-doxorubicin terminal half-life) were not
// fitted.
//
// Tolerances: where a published range or SD exists the model must fall inside it (a simulated
// typical patient must look like one of the patients studied); in addition calibrated values
// must lie within a tighter band around the published central value (stated per check), which
// is far wider than the calibration residual (< 0.1 %) but catches a model edit that shifts
// the calibration. The ODE tolerances (relative 1e-8) are negligible against these.
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/subject_simulator.h"

namespace {

using Profile = std::map<std::string, std::vector<double>>;  // output -> values; "TIME" -> times

std::string join_times(const std::vector<double>& times) {
  std::string s;
  for (double t : times) s += (s.empty() ? "" : ", ") + fmt::format("{}", t);
  return s;
}

// Simulates one dose of `model` and returns observation rows only.
Profile simulate(const std::string& model, const std::string& subject, const std::string& dose,
                 const std::string& into, const std::vector<double>& times) {
  const std::string yaml = fmt::format(
      "scenario: validation\nmodel: {}\nsubject: {{{}}}\ndosing:\n  - dose: {}\n    into: {}\n"
      "observe: {{times: [{}]}}\n",
      model, subject, dose, into, join_times(times));
  const smartnano::scenario::Scenario s = smartnano::scenario::load_scenario_text(yaml, "v.yaml");
  smartnano::simulation::SubjectSimulator sim(s.model, s.options);
  const auto r = sim.simulate(s.subjects.at(0));
  EXPECT_EQ(r.status, smartnano::simulation::SubjectStatus::kSuccess) << r.message;
  const auto& outs = s.model->outputs();
  Profile p;
  for (std::size_t row = 0; row < r.times.size(); ++row) {
    if (r.evids[row] != 0) continue;
    p["TIME"].push_back(r.times[row]);
    for (std::size_t j = 0; j < outs.size(); ++j) {
      p[outs[j].name].push_back(r.outputs[row * outs.size() + j]);
    }
  }
  return p;
}

double value_at(const Profile& p, const std::string& column, double t) {
  const auto& times = p.at("TIME");
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (times[i] == t) return p.at(column)[i];
  }
  ADD_FAILURE() << "no observation at " << t;
  return NAN;
}

// Least-squares fit of log(y) = a + b t; returns {a, b}.
std::pair<double, double> loglinear(const std::vector<double>& t, const std::vector<double>& y) {
  double mt = 0, my = 0;
  for (std::size_t i = 0; i < t.size(); ++i) mt += t[i], my += std::log(y[i]);
  mt /= t.size(), my /= t.size();
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    sxx += (t[i] - mt) * (t[i] - mt);
    sxy += (t[i] - mt) * (std::log(y[i]) - my);
  }
  const double b = sxy / sxx;
  return {my - b * mt, b};
}

struct Pk {
  double cl = NAN, vss = NAN, t_half_1 = NAN, t_half_z = NAN;
};

// Metrics of the concentration profile c (mg/L) after `dose` mg infused over t_inf h.
Pk pk_metrics(const std::vector<double>& t, const std::vector<double>& c, double dose, double t_inf,
              double term_from, double term_to, double early_from, double early_to) {
  std::vector<double> tt, cc;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] >= term_from && t[i] <= term_to && c[i] > 0) tt.push_back(t[i]), cc.push_back(c[i]);
  }
  const auto [a, b] = loglinear(tt, cc);
  const double lz = -b;
  double auc = 0, aumc = 0;
  for (std::size_t i = 1; i < t.size(); ++i) {
    const double dt = t[i] - t[i - 1];
    auc += 0.5 * (c[i] + c[i - 1]) * dt;
    aumc += 0.5 * (c[i] * t[i] + c[i - 1] * t[i - 1]) * dt;
  }
  auc += c.back() / lz;
  aumc += c.back() * t.back() / lz + c.back() / (lz * lz);
  Pk pk;
  pk.cl = dose / auc;
  pk.vss = pk.cl * (aumc / auc - t_inf / 2);
  pk.t_half_z = std::log(2.0) / lz;
  std::vector<double> te, re;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] < early_from || t[i] > early_to) continue;
    const double r = c[i] - std::exp(a - lz * t[i]);
    if (r > 0) te.push_back(t[i]), re.push_back(r);
  }
  if (te.size() >= 2) pk.t_half_1 = -std::log(2.0) / loglinear(te, re).second;
  return pk;
}

std::vector<double> grid(std::initializer_list<std::array<double, 3>> pieces) {
  std::vector<double> g;
  for (const auto& [from, to, step] : pieces) {
    for (double x = from; x <= to + 1e-9; x += step) {
      if (g.empty() || x > g.back() + 1e-9) g.push_back(x);
    }
  }
  return g;
}

// Human: BSA 1.73 m2 (the conventional reference adult; Gabizon 1994 reported doses per m2 and
// CL in L/h without the patients' BSA). PLD as a 1 h infusion (Doxil is given over about 1 h),
// free doxorubicin over 15 min (assumed short infusion).
constexpr double kBsa = 1.73;
const std::string kHuman = "liposomal_doxorubicin_human";
const std::string kHumanSubject = "bsa: 1.73 m2";
const std::vector<double> kHumanTimes = grid({{0.25, 12, 0.25}, {12, 48, 2}, {48, 696, 4}});
const std::vector<double> kFreeTimes = grid({{0.05, 2, 0.05}, {2, 32, 0.5}, {32, 120, 2}});

Pk human_pld(double dose_m2) {
  const Profile p = simulate(kHuman, kHumanSubject, fmt::format("{} mg/m2, 1 h infusion", dose_m2),
                             "LP", kHumanTimes);
  return pk_metrics(p.at("TIME"), p.at("CP_TOTAL"), dose_m2 * kBsa, 1.0, 96, 336, 1, 12);
}

TEST(LiposomalDoxorubicinHuman, Pld50MgPerM2MatchesGabizon1994) {
  const Pk pk = human_pld(50);
  // CL: [D99] range 0.03-0.24 L/h; calibrated to the [D99] mean 0.09: within +/- 30 % (the band
  // also holds the [G94] pooled 0.1 L/h).
  EXPECT_GT(pk.cl, 0.03);
  EXPECT_LT(pk.cl, 0.24);
  EXPECT_NEAR(pk.cl, 0.09, 0.3 * 0.09);
  // Vss (prediction, not fitted): [D99] range 2.3-10.1 L; within +/- 50 % of the [D99] mean
  // 5.9 L, a band that also holds the [G94] pooled 4 L.
  EXPECT_GT(pk.vss, 2.3);
  EXPECT_LT(pk.vss, 10.1);
  EXPECT_NEAR(pk.vss, 5.9, 0.5 * 5.9);
  // Terminal half-life: [D99] range 29.3-74.0 h; calibrated to the [G94] median 45 h: +/- 20 %.
  EXPECT_GT(pk.t_half_z, 29.3);
  EXPECT_LT(pk.t_half_z, 74.0);
  EXPECT_NEAR(pk.t_half_z, 45, 0.2 * 45);
  // First-phase half-life: [D99] range 0.2-7.3 h; calibrated to the [G94] median 2 h: a factor
  // of 2 (a stripped first phase is poorly determined: [D99] means are 1.4 and 3.2 h).
  EXPECT_GT(pk.t_half_1, 1.0);
  EXPECT_LT(pk.t_half_1, 4.0);
}

TEST(LiposomalDoxorubicinHuman, Pld25MgPerM2InsideGabizon1994Ranges) {
  // Prediction (not fitted): [D99] 25 mg/m2 ranges.
  const Pk pk = human_pld(25);
  EXPECT_GT(pk.cl, 0.05);
  EXPECT_LT(pk.cl, 0.21);
  EXPECT_GT(pk.vss, 3.0);
  EXPECT_LT(pk.vss, 6.5);
  EXPECT_GT(pk.t_half_z, 20.8);
  EXPECT_LT(pk.t_half_z, 59.1);
  EXPECT_GT(pk.t_half_1, 0.2);
  EXPECT_LT(pk.t_half_1, 5.4);
}

TEST(LiposomalDoxorubicinHuman, PldClearanceFallsWithDose) {
  // Saturable MPS uptake makes PLD clearance fall as the dose rises; the Doxil label reports
  // this nonlinearity (lower clearance, longer half-life at the higher dose). The [D99] means
  // for Gabizon's patients (CL 0.08 at 25 vs 0.09 L/h at 50 mg/m2; AUC 609 vs 902 mg*h/L) go
  // the other way, but within ranges that overlap almost entirely (0.05-0.21 vs 0.03-0.24), so
  // they do not contradict saturation; the direction tested is the one saturable MPS uptake
  // implies, and the size is bounded: the drop from 25 to 50 mg/m2 is under 40 % (both CLs must
  // also lie in both [D99] ranges, checked above).
  const Pk low = human_pld(25);
  const Pk high = human_pld(50);
  EXPECT_LT(high.cl, low.cl);
  EXPECT_GT(high.cl / low.cl, 0.6);
  EXPECT_GT(high.t_half_z, low.t_half_z);
}

TEST(LiposomalDoxorubicinHuman, FreeDoxorubicinMatchesGabizon1994) {
  const Profile p =
      simulate(kHuman, kHumanSubject, "25 mg/m2, infusion over 15 min", "FB", kFreeTimes);
  const Pk pk = pk_metrics(p.at("TIME"), p.at("CP_TOTAL"), 25 * kBsa, 0.25, 48, 120, 0.3, 4);
  // CL: [D99] range 39.7-48.6 L/h (calibrated to the mean 45.3).
  EXPECT_GT(pk.cl, 39.7);
  EXPECT_LT(pk.cl, 48.6);
  // V: [D99] range 126-393 L; calibrated to 254 L: within +/- 30 %.
  EXPECT_GT(pk.vss, 126);
  EXPECT_LT(pk.vss, 393);
  EXPECT_NEAR(pk.vss, 254, 0.3 * 254);
  // Terminal half-life (prediction): [D99] range 3.6-13.3 h.
  EXPECT_GT(pk.t_half_z, 3.6);
  EXPECT_LT(pk.t_half_z, 13.3);
  // Free doxorubicin given as such stays out of the carrier.
  EXPECT_EQ(value_at(p, "CP_ENC", 24), 0.0);
}

TEST(LiposomalDoxorubicinHuman, PldTumourUptakeMatchesHarrington2001) {
  // [H01]: lung tumours 18.3 +/- 5.7 %ID/kg at 72 h (calibrated); within mean +/- 1 SD.
  const Profile p = simulate(kHuman, kHumanSubject, "50 mg/m2, 1 h infusion", "LP", {72});
  const double pid_per_kg = value_at(p, "PIDG_TUMOUR_CAR", 72) * 1000;  // %/g -> %/kg
  EXPECT_NEAR(pid_per_kg, 18.3, 5.7);
  // Whole-tumour uptake in the 0.5-3.5 %ID range of [H01].
  EXPECT_GT(value_at(p, "PID_TUMOUR_CAR", 72), 0.5);
  EXPECT_LT(value_at(p, "PID_TUMOUR_CAR", 72), 3.5);
}

TEST(LiposomalDoxorubicinHuman, MassBalanceAndPercentInjectedDose) {
  // %ID is relative to the cumulative amount given: at the end of a 1 h infusion everything
  // given is somewhere, and plasma + organs never exceed 100 %.
  const Profile p = simulate(kHuman, kHumanSubject, "50 mg/m2, 1 h infusion", "LP", {0.5, 1, 24});
  for (double t : {0.5, 1.0, 24.0}) {
    const double sum = value_at(p, "PID_PLASMA", t) + value_at(p, "PID_LIVER", t) +
                       value_at(p, "PID_SPLEEN", t) + value_at(p, "PID_TUMOUR", t);
    EXPECT_LE(sum, 100.0 + 1e-6) << t;
    EXPECT_GT(sum, 50.0) << t;
  }
  EXPECT_GT(value_at(p, "PID_PLASMA", 0.5), 95.0);  // mid-infusion: almost all still in plasma
}

// Mouse: a 25 g nude mouse; 5 ug of liposomal drug as an i.v. bolus (0.2 mg/kg: a tracer-like
// dose, as in a radiolabel study, so that MPS uptake is close to linear).
const std::string kMouse = "liposomal_doxorubicin_mouse";

TEST(LiposomalDoxorubicinMouse, BiodistributionMatchesHarrington2000) {
  const Profile p = simulate(kMouse, "weight: 25 g", "5 ug", "LP", {24});
  // Carrier-bound %ID/g at 24 h (the 111In-DTPA label marks liposomes): within the published
  // mean +/- 1 SD [H00] (calibrated).
  EXPECT_NEAR(value_at(p, "PIDG_TUMOUR_CAR", 24), 5.5, 3.0);
  EXPECT_NEAR(value_at(p, "PIDG_LIVER_CAR", 24), 19.3, 2.8);
  EXPECT_NEAR(value_at(p, "PIDG_SPLEEN_CAR", 24), 18.8, 4.2);
}

TEST(LiposomalDoxorubicinMouse, PlasmaHalfLivesMatchHarrington2000) {
  const std::vector<double> times = grid({{0.1, 4, 0.1}, {4, 48, 0.5}});
  const Profile p = simulate(kMouse, "weight: 25 g", "5 ug", "LP", times);
  const Pk pk = pk_metrics(p.at("TIME"), p.at("CP_TOTAL"), 0.005, 0, 12, 48, 0.1, 4);
  // [H00] gives no SD for the half-lives; +/- 20 % for the terminal half-life (calibrated;
  // the usual spread of a biexponential fit to sparse mouse data) and +/- 50 % for the first
  // phase (a stripped phase is poorly determined).
  EXPECT_NEAR(pk.t_half_z, 10.3, 0.2 * 10.3);
  EXPECT_NEAR(pk.t_half_1, 1.1, 0.5 * 1.1);
}

TEST(LiposomalDoxorubicinFamily, HumanAndMouseShareOneStructure) {
  const auto h = smartnano::scenario::load_scenario_text(
      "scenario: h\nmodel: liposomal_doxorubicin_human\nobserve: {times: [1]}\n", "h.yaml");
  const auto m = smartnano::scenario::load_scenario_text(
      "scenario: m\nmodel: liposomal_doxorubicin_mouse\nobserve: {times: [1]}\n", "m.yaml");
  ASSERT_EQ(h.model->states().size(), m.model->states().size());
  for (std::size_t i = 0; i < h.model->states().size(); ++i) {
    EXPECT_EQ(h.model->states()[i].name, m.model->states()[i].name);
  }
  ASSERT_EQ(h.model->parameters().size(), m.model->parameters().size());
  for (std::size_t i = 0; i < h.model->parameters().size(); ++i) {
    EXPECT_EQ(h.model->parameters()[i].name, m.model->parameters()[i].name);
    EXPECT_FALSE(h.model->parameters()[i].source.empty());
    EXPECT_FALSE(m.model->parameters()[i].source.empty());
  }
  ASSERT_EQ(h.model->outputs().size(), m.model->outputs().size());
}

}  // namespace
