#include "smartnano/carrier/carrier_design.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace smartnano::carrier {
namespace {

// Renkin 1954: Phi = (1 - l)^2, K_d = 1 - 2.104 l + 2.09 l^3 - 0.95 l^5, worked by hand.
TEST(Hindrance, RenkinByHand) {
  // l = 0.5: K_d = 1 - 1.052 + 0.26125 - 0.0296875 = 0.1795625; Phi = 0.25.
  Hindrance h = hindrance(0.5, HindranceModel::kRenkin1954);
  EXPECT_DOUBLE_EQ(h.partition, 0.25);
  EXPECT_NEAR(h.diffusive_hindrance, 0.1795625, 1e-12);
  EXPECT_NEAR(h.diffusive_transmission, 0.044890625, 1e-12);
  // l = 0.2: K_d = 1 - 0.4208 + 0.01672 - 0.000304 = 0.595616; Phi = 0.64.
  h = hindrance(0.2, HindranceModel::kRenkin1954);
  EXPECT_DOUBLE_EQ(h.partition, 0.64);
  EXPECT_NEAR(h.diffusive_hindrance, 0.595616, 1e-12);
  EXPECT_NEAR(h.diffusive_transmission, 0.38119424, 1e-12);
}

// Dechadilok & Deen 2006, with the formula written out here.
TEST(Hindrance, DechadilokDeenFormula) {
  for (double l : {0.1, 0.3, 0.5, 0.8}) {
    const double H = 1 + 9.0 / 8.0 * l * std::log(l) - 1.56034 * l + 0.528155 * l * l +
                     1.91521 * l * l * l - 2.81903 * std::pow(l, 4) + 0.270788 * std::pow(l, 5) +
                     1.10115 * std::pow(l, 6) - 0.435933 * std::pow(l, 7);
    const double Kc =
        (1 + 3.867 * l - 1.907 * l * l - 0.834 * l * l * l) / (1 + 1.867 * l - 0.741 * l * l);
    const Hindrance h = hindrance(l, HindranceModel::kDechadilokDeen2006);
    EXPECT_NEAR(h.diffusive_transmission, H, 1e-12) << l;
    EXPECT_NEAR(h.convective_hindrance, Kc, 1e-12) << l;
    EXPECT_NEAR(h.convective_transmission, (1 - l) * (1 - l) * Kc, 1e-12) << l;
  }
  // l = 0.5 by hand: K_c = 2.3525 / 1.74825 = 1.34563...
  EXPECT_NEAR(hindrance(0.5, HindranceModel::kDechadilokDeen2006).convective_hindrance,
              2.3525 / 1.74825, 1e-12);
  // Above the fit's range (l > 0.95) H falls linearly to 0 at l = 1.
  const double l = 0.95;
  const double H95 = 1 + 9.0 / 8.0 * l * std::log(l) - 1.56034 * l + 0.528155 * l * l +
                     1.91521 * l * l * l - 2.81903 * std::pow(l, 4) + 0.270788 * std::pow(l, 5) +
                     1.10115 * std::pow(l, 6) - 0.435933 * std::pow(l, 7);
  EXPECT_NEAR(hindrance(0.975, HindranceModel::kDechadilokDeen2006).diffusive_transmission,
              0.5 * H95, 1e-12);
}

TEST(Hindrance, LimitsAndExclusion) {
  for (auto model : {HindranceModel::kRenkin1954, HindranceModel::kDechadilokDeen2006}) {
    const Hindrance free = hindrance(0.0, model);
    EXPECT_DOUBLE_EQ(free.diffusive_transmission, 1.0);
    EXPECT_DOUBLE_EQ(free.convective_transmission, 1.0);
    for (double l : {1.0, 1.5, 40.0}) {
      const Hindrance h = hindrance(l, model);
      EXPECT_EQ(h.partition, 0.0);
      EXPECT_EQ(h.diffusive_transmission, 0.0);
      EXPECT_EQ(h.convective_transmission, 0.0);
    }
    double last_h = 1.0, last_w = 1.0;
    for (double l = 0.01; l < 1.0; l += 0.01) {
      const Hindrance h = hindrance(l, model);
      EXPECT_LE(h.diffusive_transmission, last_h + 1e-12) << l;
      EXPECT_LE(h.convective_transmission, last_w + 1e-12) << l;
      last_h = h.diffusive_transmission;
      last_w = h.convective_transmission;
    }
  }
}

TEST(Polydispersity, PdiToLogNormalWidth) {
  EXPECT_DOUBLE_EQ(lognormal_sigma_from_pdi(0.0), 0.0);
  EXPECT_DOUBLE_EQ(lognormal_sigma_from_pdi(0.1), std::sqrt(std::log(1.1)));
}

TEST(Polydispersity, ZeroPdiIsTheMonodisperseResult) {
  const CarrierModelOptions options;
  const Hindrance h = hindrance(100.0 / 400.0, options.hindrance_model);
  const PoreTransmission t = pore_transmission(100.0, 0.0, 400.0, options);
  EXPECT_EQ(t.diffusive, h.diffusive_transmission);
  EXPECT_EQ(t.convective, h.convective_transmission);
  // A vanishing width converges to it through the quadrature too.
  const PoreTransmission narrow = pore_transmission(100.0, 1e-8, 400.0, options);
  EXPECT_NEAR(narrow.diffusive, h.diffusive_transmission, 1e-6);
  EXPECT_NEAR(narrow.convective, h.convective_transmission, 1e-6);

  CarrierDesign design;
  design.polydispersity_index = 0.0;
  CarrierReference reference;
  reference.design.polydispersity_index = 0.0;
  const PkFactors f = pk_factors(design, reference);
  EXPECT_EQ(f.tumour_extravasation, 1.0);
}

TEST(Polydispersity, WidthLetsSomeParticlesThroughSmallPores) {
  // Mean 120 nm, pore 100 nm: excluded when monodisperse, partly passes when polydisperse.
  const CarrierModelOptions options;
  EXPECT_EQ(pore_transmission(120.0, 0.0, 100.0, options).diffusive, 0.0);
  EXPECT_GT(pore_transmission(120.0, 0.2, 100.0, options).diffusive, 0.0);
}

TEST(PkFactors, ReferenceDesignGivesExactlyOne) {
  const PkFactors f = pk_factors(CarrierDesign{}, CarrierReference{});
  EXPECT_EQ(f.tumour_extravasation, 1.0);
  EXPECT_EQ(f.tumour_convection, 1.0);
  EXPECT_EQ(f.tissue_extravasation, 1.0);
  EXPECT_EQ(f.tissue_convection, 1.0);
  EXPECT_EQ(f.mps_uptake, 1.0);
  EXPECT_EQ(f.clearance, 1.0);
  EXPECT_EQ(f.cell_uptake, 1.0);
  EXPECT_EQ(f.release_rate, 1.0);

  // Also for a targeted, fast-releasing reference compared with itself.
  CarrierReference targeted;
  targeted.design.ligand_mol_percent = 1.0;
  targeted.design.release_half_life_h = 10.0;
  targeted.design.peg_mol_percent = 2.0;
  const PkFactors g = pk_factors(targeted.design, targeted);
  EXPECT_EQ(g.mps_uptake, 1.0);
  EXPECT_EQ(g.cell_uptake, 1.0);
  EXPECT_EQ(g.release_rate, 1.0);
  EXPECT_EQ(g.tumour_extravasation, 1.0);
}

TEST(PkFactors, BiggerParticleExtravasatesLess) {
  double last_ext = INFINITY, last_conv = INFINITY;
  for (double d = 20.0; d <= 600.0; d += 20.0) {
    CarrierDesign design;
    design.hydrodynamic_diameter_nm = d;
    const PkFactors f = pk_factors(design);
    EXPECT_LT(f.tumour_extravasation, last_ext) << d;
    EXPECT_LT(f.tumour_convection, last_conv) << d;
    last_ext = f.tumour_extravasation;
    last_conv = f.tumour_convection;
  }
  CarrierDesign small;
  small.hydrodynamic_diameter_nm = 40.0;
  EXPECT_GT(pk_factors(small).tumour_extravasation, 1.0);
  CarrierDesign big;
  big.hydrodynamic_diameter_nm = 200.0;
  EXPECT_LT(pk_factors(big).tumour_extravasation, 1.0);
  // Larger than the tumour pores: only the background route is left.
  CarrierDesign huge;
  huge.hydrodynamic_diameter_nm = 2000.0;
  const PkFactors f = pk_factors(huge);
  EXPECT_LT(f.tumour_transmission.diffusive, 1e-12);  // only the far PDI tail passes
  EXPECT_GT(f.tumour_extravasation, 0.0);
  EXPECT_LT(f.tumour_extravasation, 0.01);
  // Every liposome is excluded from ~5 nm normal pores: tissue factor stays 1.
  EXPECT_EQ(f.tissue_extravasation, 1.0);
}

TEST(PkFactors, MorePegLessMpsUptakeUpToAPlateau) {
  double last = INFINITY;
  for (double peg = 0.0; peg <= 15.0; peg += 0.5) {
    CarrierDesign design;
    design.peg_mol_percent = peg;
    const PkFactors f = pk_factors(design);
    EXPECT_LT(f.mps_uptake, last) << peg;
    EXPECT_EQ(f.clearance, f.mps_uptake);
    last = f.mps_uptake;
  }
  CarrierDesign bare;
  bare.peg_mol_percent = 0.0;
  // No PEG: bare / shielded ratio 10 over the reference's residual (1 + 9 exp(-5/1.5)).
  const double ref = 1.0 + 9.0 * std::exp(-5.0 / 1.5);
  EXPECT_NEAR(pk_factors(bare).mps_uptake, 10.0 / ref, 1e-12);
  CarrierDesign ten, twenty;
  ten.peg_mol_percent = 10.0;
  twenty.peg_mol_percent = 20.0;
  EXPECT_LT(pk_factors(ten).mps_uptake - pk_factors(twenty).mps_uptake, 0.02);  // plateau
  EXPECT_GT(pk_factors(twenty).mps_uptake, 1.0 / ref - 1e-12);                  // floor
}

TEST(PkFactors, MoreLigandMoreCellUptakeAndMoreClearance) {
  double last_uptake = 0.0, last_cl = 0.0;
  for (double ligand = 0.0; ligand <= 5.0; ligand += 0.25) {
    CarrierDesign design;
    design.ligand_mol_percent = ligand;
    const PkFactors f = pk_factors(design);
    EXPECT_GT(f.cell_uptake, last_uptake) << ligand;
    EXPECT_GT(f.clearance, last_cl) << ligand;
    last_uptake = f.cell_uptake;
    last_cl = f.clearance;
  }
  CarrierDesign targeted;
  targeted.ligand_mol_percent = 0.5;  // the half-effect density
  const PkFactors f = pk_factors(targeted);
  EXPECT_NEAR(f.cell_uptake, 1.0 + 4.9 * 0.5, 1e-12);
  EXPECT_NEAR(f.clearance, 1.15, 1e-12);
  CarrierDesign saturating;
  saturating.ligand_mol_percent = 50.0;
  EXPECT_LT(pk_factors(saturating).cell_uptake, 5.9);
}

TEST(PkFactors, ReleaseLoadingAndEncapsulation) {
  CarrierDesign design;
  design.release_half_life_h = 36.0;
  design.drug_loading_w_w = 0.25;
  design.encapsulation_efficiency = 0.8;
  const PkFactors f = pk_factors(design);
  EXPECT_NEAR(f.release_rate_per_h, std::numbers::ln2 / 36.0, 1e-15);
  EXPECT_NEAR(f.release_rate, 10.0, 1e-12);
  EXPECT_DOUBLE_EQ(f.encapsulated_fraction_of_dose, 0.8);
  EXPECT_NEAR(f.free_fraction_of_dose, 0.2, 1e-15);
  EXPECT_DOUBLE_EQ(f.carrier_mass_per_drug_mass, 4.0);
  EXPECT_DOUBLE_EQ(f.carrier_dose_per_drug_dose, 3.2);

  design.release_half_life_h = INFINITY;
  EXPECT_TRUE(design.validate().empty());
  const PkFactors g = pk_factors(design);
  EXPECT_EQ(g.release_rate_per_h, 0.0);
  EXPECT_EQ(g.release_rate, 0.0);
}

TEST(Validate, OneMessagePerProblemNamingTheField) {
  EXPECT_TRUE(CarrierDesign{}.validate().empty());
  EXPECT_TRUE(CarrierReference{}.validate().empty());
  EXPECT_TRUE(VascularPores{}.validate().empty());
  EXPECT_TRUE(CarrierModelOptions{}.validate().empty());

  CarrierDesign bad;
  bad.hydrodynamic_diameter_nm = 0.0;
  bad.polydispersity_index = 1.5;
  bad.zeta_potential_mV = NAN;
  bad.peg_mol_percent = -1.0;
  bad.ligand_mol_percent = 100.0;
  bad.release_half_life_h = -2.0;
  bad.drug_loading_w_w = 0.0;
  bad.encapsulation_efficiency = 0.0;
  const auto problems = bad.validate();
  ASSERT_EQ(problems.size(), 8u);
  const char* fields[] = {"hydrodynamic_diameter_nm", "polydispersity_index",
                          "zeta_potential_mV",        "peg_mol_percent",
                          "ligand_mol_percent",       "release_half_life_h",
                          "drug_loading_w_w",         "encapsulation_efficiency"};
  for (size_t i = 0; i < problems.size(); ++i) {
    EXPECT_NE(problems[i].find(fields[i]), std::string::npos) << problems[i];
  }
  CarrierDesign ee_above_one;
  ee_above_one.encapsulation_efficiency = 1.01;
  ASSERT_EQ(ee_above_one.validate().size(), 1u);
  CarrierDesign ee_one;
  ee_one.encapsulation_efficiency = 1.0;
  EXPECT_TRUE(ee_one.validate().empty());

  VascularPores pores;
  pores.tumour_pore_diameter_nm = -1.0;
  ASSERT_EQ(pores.validate().size(), 1u);
  EXPECT_NE(pores.validate()[0].find("tumour_pore_diameter_nm"), std::string::npos);
}

TEST(Validate, PkFactorsThrowsNamingEveryBadArgument) {
  CarrierDesign design;
  design.hydrodynamic_diameter_nm = -5.0;
  CarrierReference reference;
  reference.design.encapsulation_efficiency = 2.0;
  VascularPores pores;
  pores.normal_pore_diameter_nm = 0.0;
  try {
    pk_factors(design, reference, pores);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("design.hydrodynamic_diameter_nm"), std::string::npos) << what;
    EXPECT_NE(what.find("reference.encapsulation_efficiency"), std::string::npos) << what;
    EXPECT_NE(what.find("pores.normal_pore_diameter_nm"), std::string::npos) << what;
  }
}

TEST(PkFactors, BriefReportListsFactors) {
  const std::string report = pk_factors(CarrierDesign{}).brief_report();
  EXPECT_NE(report.find("tumour_extravasation"), std::string::npos);
  EXPECT_NE(report.find("cell_uptake"), std::string::npos);
}

}  // namespace
}  // namespace smartnano::carrier
