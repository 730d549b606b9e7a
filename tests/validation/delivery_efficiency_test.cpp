// Tumour delivery efficiency (DE24: tumour %ID 24 h after one i.v. dose) over a virtual population
// of tumour-bearing mice that spans nanoparticle types, with the mouse carrier PBPK
// (models/liposomal_doxorubicin_mouse.yaml) and the carrier-design module (src/carrier/), against
// the literature meta-analyses. Docs: docs/models/liposomal_doxorubicin.md, section "Tumour
// delivery efficiency across nanoparticle types".
//
// Sources (shared/validation/literature.md, section 2):
//  [C20] Cheng YH et al. ACS Nano 2020 (PMID 32078303), Abstract: 376 data sets (2005-2018), PBPK
//        analysis; DE24 mean 2.24 %ID, median 0.76 %ID (168 h: 1.23 and 0.35 %ID).
//  [W16] Wilhelm S et al. Nat Rev Mater 2016;1:16014, Abstract: median 0.7 %ID (mean 1.48 %ID as
//        quoted in the [C20] Abstract); renal clearance below 5.5 nm hydrodynamic diameter.
//  [H00] Harrington KJ et al. Br J Cancer 2000;83:232, Abstract: PEG-liposome tumour uptake at
//        24 h 5.5 +/- 3.0 %ID/g (mean +/- SD) -> coefficient of variation 0.545.
//  [Hk15] Hickey JW et al. J Control Release 2015;219:536 (PMC4656075), Abstract: 10-200 nm is
//        the nanoparticle size range most relevant to intravascular delivery.
//
// Population (2000 mice, std::mt19937_64 seed 20200221; uniform and normal variates are made here
// from the raw 64-bit output so the population is the same with every standard library):
//  * carrier design -> PK factors (carrier::pk_factors, linked to the model's parameters by its
//    `carrier:` section, exactly as a scenario `carrier:` section does):
//      hydrodynamic diameter log-uniform 10-200 nm [Hk15; lower end above the 5.5 nm renal
//      cutoff of W16, which this model has no route for]; PDI uniform 0.05-0.25 (assumption);
//      PEG: half of the designs PEGylated (assumption), PEG uniform 1-10 mol% when PEGylated,
//      0 otherwise; ligand: a quarter actively targeted (assumption), ligand uniform 0.5-5 mol%
//      when targeted. Release half-life and encapsulation stay at the reference (the tracked
//      quantity is the particle label, so the whole dose is carrier-bound).
//  * tumour heterogeneity: tumour volume log-normal, median 0.3 mL, sd(ln) 0.59 (95 % of
//      tumours in 0.1-1 mL, the usual size of a subcutaneous xenograft at biodistribution;
//      assumption), clamped to the model's range 0.05-2 mL; EPR permeability: a log-normal
//      multiplier on PSV_TUM, median kEprMedianMultiplier, sd(ln) kEprSdLog (both calibrated).
//  DE24 = PID_TUMOUR_CAR at 24 h after 5 ug into LP (tracer dose, as in the mouse validation).
//
// Calibrated (two population parameters, for the two published numbers): the median and the
// sd(ln) of the EPR permeability multiplier, to the [C20] DE24 median and mean
// (DISABLED_CalibrateEprPermeabilityDistribution below gives the procedure and reproduces the
// values). With the [H00] spread alone (sd(ln) 0.51, the CV of one xenograft model) and the
// median recalibrated, the mean would be ~1.4 %ID: one tumour model's spread plus the spread of
// the designs is not enough for the skew of 376 data sets over many tumour models, and the
// calibrated sd(ln) 1.24 is the spread across tumour models the data imply. The calibrated
// median multiplier, 0.915, says the PSV_TUM calibrated to one PEG-liposome xenograft [H00]
// needs almost no shift (-8.5 %) to give the literature median. So the median and mean checks test
// that the calibration holds (consistency, not prediction); predictions (not fitted) are the
// directions of the design effects and DE at 168 h, which is printed with the [C20] 168 h values
// for information only (the model's tumour "carrier" amount falls as drug is released from
// internalised carriers, KREL_TC, so it is not a particle-label retention model).
//
// Tolerances: the 95 % confidence interval of a published median / mean from n = 376 data sets
// with the published spread. With a log-normal of median 0.76 and mean 2.24 (sd(ln) s =
// sqrt(2 ln(2.24 / 0.76)) = 1.47), the sample median has sd(ln) s sqrt(pi / 2) / sqrt(376) =
// 0.095, 95 % CI 0.76 x exp(+/-1.96 x 0.095) = 0.63-0.92 %ID (which holds the [W16] 0.7); the
// sample mean has SE = 2.24 sqrt(exp(s^2) - 1) / sqrt(376) = 0.32, 95 % CI 2.24 +/- 0.63 =
// 1.61-2.87 %ID. The Monte-Carlo error of the simulated median and mean (n = 2000) is a fraction
// of these bands, and the seed is fixed.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "smartnano/carrier/carrier_design.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/subject_simulator.h"

namespace {

namespace carrier = smartnano::carrier;
namespace scenario = smartnano::scenario;
namespace simulation = smartnano::simulation;

constexpr int kMice = 2000;
constexpr std::uint64_t kSeed = 20200221;  // [C20] publication month

// Calibrated (see the header): median EPR permeability multiplier on PSV_TUM.
constexpr double kEprMedianMultiplier = 0.9153;
constexpr double kEprSdLog = 1.240;  // [H00] alone would give sqrt(ln(1 + (3.0 / 5.5)^2)) = 0.51

constexpr double kTumourMedianMl = 0.3;  // assumption
constexpr double kTumourSdLog = 0.59;    // ln(sqrt(10)) / 1.96: 95 % in 0.1-1 mL (assumption)

// Published values and tolerances (95 % CI for n = 376, see the header).
constexpr double kChengMedian = 0.76, kChengMean = 2.24, kWilhelmMedian = 0.70;
constexpr double kMedianLow = 0.63, kMedianHigh = 0.92;
constexpr double kMeanLow = 1.61, kMeanHigh = 2.87;

// Portable variates from the raw generator output.
double uniform01(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }
double uniform(std::mt19937_64& g, double a, double b) { return a + (b - a) * uniform01(g); }
double standard_normal(std::mt19937_64& g) {  // Box-Muller, one variate per call
  const double u1 = 1.0 - uniform01(g);       // (0, 1]
  const double u2 = uniform01(g);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

struct Mouse {
  carrier::CarrierDesign design;
  double tumour_volume_ml = 0;
  double epr_z = 0;  // standard normal deviate of the EPR permeability
};

std::vector<Mouse> draw_population() {
  std::mt19937_64 g(kSeed);
  std::vector<Mouse> mice(kMice);
  for (Mouse& m : mice) {
    m.design.hydrodynamic_diameter_nm = std::exp(uniform(g, std::log(10.0), std::log(200.0)));
    m.design.polydispersity_index = uniform(g, 0.05, 0.25);
    const bool pegylated = uniform01(g) < 0.5;
    const double peg = uniform(g, 1.0, 10.0);
    m.design.peg_mol_percent = pegylated ? peg : 0.0;
    const bool targeted = uniform01(g) < 0.25;
    const double ligand = uniform(g, 0.5, 5.0);
    m.design.ligand_mol_percent = targeted ? ligand : 0.0;
    m.design.encapsulation_efficiency = 1.0;
    m.tumour_volume_ml =
        std::clamp(kTumourMedianMl * std::exp(kTumourSdLog * standard_normal(g)), 0.05, 2.0);
    m.epr_z = standard_normal(g);
  }
  return mice;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

struct Result {
  std::vector<Mouse> mice;
  std::vector<double> de24;   // carrier-bound tumour %ID at 24 h, one per mouse
  std::vector<double> de168;  // same at 168 h
};

// Simulates the population with EPR multiplier epr_median * exp(epr_sd_log * z).
Result simulate_population(double epr_median, double epr_sd_log) {
  const scenario::Scenario s = scenario::load_scenario_text(
      "scenario: delivery_efficiency\nmodel: liposomal_doxorubicin_mouse\n"
      "subject: {weight: 25 g}\ndosing:\n  - dose: 5 ug\n    into: LP\n"
      "observe: {times: [24, 168]}\n"
      "solver: {relative_tolerance: 1e-6, absolute_tolerance: 1e-12}\n",
      "delivery_efficiency.yaml");
  const auto& model = *s.model;
  const int i_vtum = model.parameter_index("V_TUM");
  const int i_psv = model.parameter_index("PSV_TUM");
  const int out = model.output_index("PID_TUMOUR_CAR");
  const std::size_t n_out = model.outputs().size();
  simulation::SubjectSimulator sim(s.model, s.options);

  Result res;
  res.mice = draw_population();
  for (const Mouse& m : res.mice) {
    simulation::SubjectInput subject = s.subjects.at(0);
    std::vector<double> p = s.parameters;  // model defaults (no scenario carrier section)
    // The design's PK factors on the parameters the model file links them to, as a scenario
    // `carrier:` section applies them (src/scenario/scenario.cpp).
    const carrier::PkFactors f = carrier::pk_factors(m.design);
    for (const auto& [factor, indices] : model.carrier_links().factors) {
      for (int i : indices) p[i] *= carrier::pk_factor(f, factor);
    }
    p[i_vtum] = m.tumour_volume_ml;
    p[i_psv] *= epr_median * std::exp(epr_sd_log * m.epr_z);
    subject.parameters = std::move(p);
    const auto r = sim.simulate(subject);
    EXPECT_EQ(r.status, simulation::SubjectStatus::kSuccess) << r.message;
    double de24 = std::nan(""), de168 = std::nan("");
    for (std::size_t row = 0; row < r.times.size(); ++row) {
      if (r.evids[row] != 0) continue;
      if (r.times[row] == 24.0) de24 = r.outputs[row * n_out + out];
      if (r.times[row] == 168.0) de168 = r.outputs[row * n_out + out];
    }
    res.de24.push_back(de24);
    res.de168.push_back(de168);
  }
  return res;
}

// The shipped population, simulated once for all tests.
const Result& population_result() {
  static const Result result = simulate_population(kEprMedianMultiplier, kEprSdLog);
  return result;
}

TEST(DeliveryEfficiency, PopulationMedianAndMeanMatchCheng2020) {
  const Result& r = population_result();
  ASSERT_EQ(r.de24.size(), static_cast<std::size_t>(kMice));
  const double med = median(r.de24), avg = mean(r.de24);
  fmt::print(
      "DE24 over {} mice: median {:.4f} %ID (Cheng 2020: {}), mean {:.4f} %ID (Cheng 2020: {}), "
      "5-95 % {:.4f}-{:.4f} %ID; DE168 median {:.4f}, mean {:.4f} %ID (Cheng 2020: 0.35, "
      "1.23)\n",
      kMice, med, kChengMedian, avg, kChengMean, quantile(r.de24, 0.05), quantile(r.de24, 0.95),
      median(r.de168), mean(r.de168));
  // Median and mean: both calibrated (kEprMedianMultiplier, kEprSdLog) -> inside the 95 % CIs
  // of the [C20] median and mean.
  EXPECT_GT(med, kMedianLow);
  EXPECT_LT(med, kMedianHigh);
  EXPECT_GT(avg, kMeanLow);
  EXPECT_LT(avg, kMeanHigh);
}

TEST(DeliveryEfficiency, WilhelmMedianIsInsideTheSameBand) {
  // [W16] median 0.7 %ID (non-PBPK analysis of 2005-2015 data) lies in the band used for the
  // [C20] median, so the simulated median agrees with both sources at once.
  EXPECT_GT(kWilhelmMedian, kMedianLow);
  EXPECT_LT(kWilhelmMedian, kMedianHigh);
  const double med = median(population_result().de24);
  EXPECT_NEAR(med, kWilhelmMedian, 0.5 * (kMedianHigh - kMedianLow));
}

TEST(DeliveryEfficiency, NanoparticleTypeChangesDeliveryInTheDirectionsTheDesignImplies) {
  // Prediction of the carrier module (not fitted): PEGylated designs deliver more than bare
  // ones (less MPS uptake, longer circulation), and among PEGylated designs small particles
  // (<= 50 nm) more than large ones (>= 100 nm; pore hindrance).
  const Result& r = population_result();
  std::vector<double> peg, bare, small, large;
  for (std::size_t i = 0; i < r.mice.size(); ++i) {
    const auto& d = r.mice[i].design;
    (d.peg_mol_percent > 0 ? peg : bare).push_back(r.de24[i]);
    if (d.peg_mol_percent > 0 && d.hydrodynamic_diameter_nm <= 50) small.push_back(r.de24[i]);
    if (d.peg_mol_percent > 0 && d.hydrodynamic_diameter_nm >= 100) large.push_back(r.de24[i]);
  }
  fmt::print(
      "DE24 median: PEGylated {:.3f}, bare {:.3f}; PEGylated <= 50 nm {:.3f}, >= 100 nm "
      "{:.3f} %ID\n",
      median(peg), median(bare), median(small), median(large));
  EXPECT_GT(median(peg), median(bare));
  EXPECT_GT(median(small), median(large));
  for (double de : r.de24) {
    EXPECT_GT(de, 0.0);
    EXPECT_LT(de, 100.0);
  }
}

// Calibration of kEprMedianMultiplier and kEprSdLog (not run by default):
//   validation_delivery_efficiency_test --gtest_also_run_disabled_tests
//   --gtest_filter='*Calibrate*'
// DE24 is close to proportional to the EPR multiplier, so DE_i = m exp(s z_i) X_i with X_i
// read off a simulation; s is solved (bisection) for mean / median = 2.24 / 0.76 and m for
// median = 0.76; the population is resimulated with the new (m, s) and X_i refreshed, three
// times (the proportionality is only approximate where the tumour takes much of the dose).
TEST(DeliveryEfficiency, DISABLED_CalibrateEprPermeabilityDistribution) {
  double m = kEprMedianMultiplier, sd = kEprSdLog;
  for (int iter = 0; iter < 4; ++iter) {
    const Result r = simulate_population(m, sd);
    fmt::print("iteration {}: m {:.6g}, sd(ln) {:.6g} -> median {:.4f}, mean {:.4f} %ID\n", iter, m,
               sd, median(r.de24), mean(r.de24));
    if (iter == 3) break;
    std::vector<double> x(r.de24.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      x[i] = r.de24[i] / (m * std::exp(sd * r.mice[i].epr_z));
    }
    auto ratio = [&](double s) {
      std::vector<double> de(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) de[i] = std::exp(s * r.mice[i].epr_z) * x[i];
      return mean(de) / median(de);
    };
    double lo = 0.0, hi = 3.0;
    for (int k = 0; k < 100; ++k) {
      const double mid = 0.5 * (lo + hi);
      (ratio(mid) < kChengMean / kChengMedian ? lo : hi) = mid;
    }
    sd = 0.5 * (lo + hi);
    std::vector<double> de(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) de[i] = std::exp(sd * r.mice[i].epr_z) * x[i];
    m = kChengMedian / median(de);
  }
}

}  // namespace
