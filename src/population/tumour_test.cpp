// Tumour phenotypes: each relation's factor, and the Gaussian copula giving the requested
// phenotype-phenotype and phenotype-eta correlations and marginals, acting on the parameters.
#include "smartnano/population/tumour.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "population/population_test_support.h"
#include "smartnano/population/population.h"

namespace smartnano::population {
namespace {

using test_support::typical;
using test_support::what_of;

TEST(Tumour, PhenotypeRelations) {
  TumourCarrier carrier;  // the reference design: cell uptake factor 1
  TumourPhenotype p;
  p.share = 0.5;
  EXPECT_DOUBLE_EQ(phenotype_factor(p, 3.0, carrier, 1), 2.0);
  p.relation = PhenotypeRelation::kReceptor;
  EXPECT_DOUBLE_EQ(phenotype_factor(p, 7.0, carrier, 1), 1.0);  // untargeted: no effect
  carrier.cell_uptake_factor = 3.0;
  EXPECT_DOUBLE_EQ(phenotype_factor(p, 2.0, carrier, 1), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(phenotype_factor(p, 1.0, carrier, 1), 1.0);
  p.relation = PhenotypeRelation::kDrivingPressure;
  p.reference = 15;
  p.pressure = 30;
  p.floor = 0.1;
  EXPECT_DOUBLE_EQ(phenotype_factor(p, 25.0, carrier, 1), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(phenotype_factor(p, 40.0, carrier, 1), 0.1);
  p.relation = PhenotypeRelation::kAccessibleFraction;
  p.reference = 0.3;
  EXPECT_DOUBLE_EQ(phenotype_factor(p, 0.65, carrier, 1), 0.5);
  p.relation = PhenotypeRelation::kPoreHindrance;
  p.reference = 490;
  const double ref = pore_transmission_with_background(490, carrier);
  EXPECT_EQ(phenotype_factor(p, 490.0, carrier, ref), 1.0);
  EXPECT_GT(phenotype_factor(p, 1200.0, carrier, ref), 1.0);  // wider pores: less hindrance
  EXPECT_LT(phenotype_factor(p, 200.0, carrier, ref), 0.5);   // 85 nm in 200 nm pores
  // A larger carrier is hindered more by the same narrowing.
  TumourCarrier large = carrier;
  large.design.hydrodynamic_diameter_nm = 150;
  const double large_ref = pore_transmission_with_background(490, large);
  EXPECT_LT(phenotype_factor(p, 300.0, large, large_ref), phenotype_factor(p, 300.0, carrier, ref));
}

TEST(Tumour, CopulaGivesTheRequestedCorrelationsAndMarginals) {
  const auto m = model::load_model("liposomal_doxorubicin_human");
  PopulationSpec spec;
  spec.size = 20000;
  spec.seed = 8;
  spec.variability = {{"CLMPS_L", omega2_from_cv(0.3)}, {"PS_OT", 0.09}};
  spec.correlations = {{"CLMPS_L", "PS_OT", 0.3}};
  TumourPhenotype permeability;
  permeability.name = "permeability";
  permeability.distribution = {Distribution::kLogNormal, 0.9153, 1.240};
  permeability.parameters = {"PSV_TUM"};
  TumourPhenotype perfusion = permeability;
  perfusion.name = "perfusion";
  perfusion.distribution = {Distribution::kLogNormal, 1.0, 0.69};
  perfusion.parameters = {"QV_TUM"};
  spec.tumour = {permeability, perfusion};
  const double rho_pp = 0.6, rho_eta = -0.4;
  spec.tumour_correlations = {{"permeability", "perfusion", rho_pp},
                              {"PS_OT", "permeability", rho_eta}};
  const PopulationSampler sampler(spec, *m, typical(*m));
  EXPECT_EQ(sampler.reported_names(), (std::vector<std::string>{"PERMEABILITY", "PERFUSION"}));
  const int psv = m->parameter_index("PSV_TUM"), qv = m->parameter_index("QV_TUM");
  const double psv0 = typical(*m)[psv], qv0 = typical(*m)[qv];
  std::vector<double> x, y, e;
  for (long k = 0; k < spec.size; ++k) {
    const PatientSample p = sampler.sample(k);
    x.push_back(std::log(p.reported[0]));
    y.push_back(std::log(p.reported[1]));
    e.push_back(p.eta[1]);
    EXPECT_NEAR(p.parameters[psv] / psv0, p.reported[0], 1e-14 * p.reported[0]);
    EXPECT_NEAR(p.parameters[qv] / qv0, p.reported[1], 1e-14 * p.reported[1]);
  }
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double a : v) s += a;
    return s / v.size();
  };
  auto corr = [&](const std::vector<double>& a, const std::vector<double>& b) {
    const double ma = mean(a), mb = mean(b);
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / std::sqrt(saa * sbb);
  };
  const double n = static_cast<double>(spec.size);
  // Five standard errors of a correlation, (1 - rho^2) / sqrt(n).
  EXPECT_NEAR(corr(x, y), rho_pp, 5 * (1 - rho_pp * rho_pp) / std::sqrt(n));
  EXPECT_NEAR(corr(x, e), rho_eta, 5 * (1 - rho_eta * rho_eta) / std::sqrt(n));
  // The marginal: ln x ~ N(ln 0.9153, 1.240^2); five standard errors of the mean and SD.
  const double mx = mean(x);
  double sxx = 0;
  for (double a : x) sxx += (a - mx) * (a - mx);
  EXPECT_NEAR(mx, std::log(0.9153), 5 * 1.240 / std::sqrt(n));
  EXPECT_NEAR(std::sqrt(sxx / n), 1.240, 5 * 1.240 / std::sqrt(2 * n));
  // Correlations that no population has are refused.
  spec.tumour_correlations = {{"permeability", "perfusion", 0.9},
                              {"PS_OT", "permeability", 0.9},
                              {"PS_OT", "perfusion", -0.9}};
  EXPECT_NE(what_of([&] { PopulationSampler(spec, *m, typical(*m)); })
                .find("tumour correlations (with each other and with the etas) do not form a "
                      "positive definite matrix"),
            std::string::npos);
}

}  // namespace
}  // namespace smartnano::population
