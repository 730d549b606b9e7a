// A scenario's `carrier:` design acting on the liposomal doxorubicin model through the links its
// model file declares: PK factors multiply the linked parameters, explicit parameter overrides
// win, and the unencapsulated part of each dose goes to the free-drug state.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "smartnano/carrier/carrier_design.h"
#include "smartnano/core/error.h"
#include "smartnano/scenario/scenario.h"

namespace smartnano::scenario {
namespace {

std::string pld_scenario(const std::string& carrier, const std::string& parameters = "") {
  return "model: liposomal_doxorubicin_human\n"
         "subject: {weight: 70 kg, height: 175 cm}\n" +
         parameters + carrier +
         "dosing:\n"
         "  - dose: 50 mg/m2, 1 h infusion\n"
         "observe: {from: 0 h, to: 48 h, every: 12 h}\n";
}

double parameter(const Scenario& s, const std::string& name) {
  return s.parameters.at(s.model->parameter_index(name));
}

double default_value(const Scenario& s, const std::string& name) {
  return s.model->parameters().at(s.model->parameter_index(name)).value;
}

TEST(ScenarioCarrier, WithoutACarrierSectionTheModelDefaultsAndWholeDoseApply) {
  const Scenario s = load_scenario_text(pld_scenario(""), "pld.yaml");
  EXPECT_FALSE(s.carrier_design.has_value());
  EXPECT_EQ(parameter(s, "PSV_TUM"), default_value(s, "PSV_TUM"));
  int doses = 0;
  for (const auto& r : s.subjects[0].records) doses += events::is_dose(r.kind) ? 1 : 0;
  EXPECT_EQ(doses, 1);
}

TEST(ScenarioCarrier, FactorsMultiplyTheLinkedParameters) {
  const Scenario s = load_scenario_text(
      pld_scenario("carrier: {diameter: 200 nm, ligand_mol_percent: 1, release_half_life: 36 h}\n"),
      "pld.yaml");
  ASSERT_TRUE(s.carrier_design.has_value());
  carrier::CarrierDesign d;
  d.hydrodynamic_diameter_nm = 200;
  d.ligand_mol_percent = 1;
  d.release_half_life_h = 36;
  const carrier::PkFactors f = carrier::pk_factors(d);
  EXPECT_DOUBLE_EQ(parameter(s, "PSV_TUM"), default_value(s, "PSV_TUM") * f.tumour_extravasation);
  EXPECT_DOUBLE_EQ(parameter(s, "PS_OT"), default_value(s, "PS_OT") * f.tissue_extravasation);
  EXPECT_DOUBLE_EQ(parameter(s, "CLMPS_L"), default_value(s, "CLMPS_L") * f.mps_uptake);
  EXPECT_DOUBLE_EQ(parameter(s, "CLMPS_S"), default_value(s, "CLMPS_S") * f.mps_uptake);
  EXPECT_DOUBLE_EQ(parameter(s, "KUP_TC"), default_value(s, "KUP_TC") * f.cell_uptake);
  EXPECT_DOUBLE_EQ(parameter(s, "KREL_SP"), default_value(s, "KREL_SP") * f.release_rate);
  // The directions the design implies: a bigger particle extravasates less, a ligand raises
  // cell uptake and MPS uptake, a shorter release half-life releases faster.
  EXPECT_LT(f.tumour_extravasation, 1.0);
  EXPECT_GT(f.cell_uptake, 1.0);
  EXPECT_GT(f.mps_uptake, 1.0);
  EXPECT_DOUBLE_EQ(f.release_rate, 10.0);
  EXPECT_EQ(parameter(s, "V_TUM"), default_value(s, "V_TUM"));  // not linked: unchanged
}

TEST(ScenarioCarrier, ExplicitParameterOverridesWin) {
  const Scenario s = load_scenario_text(
      pld_scenario("carrier: {diameter: 200 nm}\n", "parameters: {PSV_TUM: 0.01}\n"), "pld.yaml");
  EXPECT_EQ(parameter(s, "PSV_TUM"), 0.01);
}

TEST(ScenarioCarrier, TheUnencapsulatedFractionIsDosedAsFreeDrug) {
  const Scenario s =
      load_scenario_text(pld_scenario("carrier: {encapsulation_efficiency: 0.8}\n"), "pld.yaml");
  const int lp = s.model->state_index("LP") + 1, fb = s.model->state_index("FB") + 1;
  double encapsulated = 0, free = 0;
  for (const auto& r : s.subjects[0].records) {
    if (!events::is_dose(r.kind)) continue;
    if (r.compartment == lp) encapsulated += r.amount;
    if (r.compartment == fb) free += r.amount;
  }
  const double total = 50 * mosteller_bsa_m2(70, 175);
  EXPECT_NEAR(encapsulated, 0.8 * total, 1e-12 * total);
  EXPECT_NEAR(free, 0.2 * total, 1e-12 * total);
}

TEST(ScenarioCarrier, ErrorsNameFileLineAndField) {
  try {
    load_scenario_text(pld_scenario("carrier: {diameter: 100 nm, pdi: 1.5}\n"), "pld.yaml");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, "pld.yaml");
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("polydispersity"), std::string::npos) << e.what();
  }
  try {
    load_scenario_text(pld_scenario("carrier: {diametre: 100 nm}\n"), "pld.yaml");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'diameter'"), std::string::npos) << e.what();
  }
  try {
    load_scenario_text(
        "model: one_cmt_oral\ncarrier: {diameter: 100 nm}\n"
        "dosing:\n  - dose: 1 mg\nobserve: [0 h, 1 h]\n",
        "oral.yaml");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 2);
    EXPECT_NE(std::string(e.what()).find("does not say how a carrier design acts"),
              std::string::npos)
        << e.what();
  }
  try {
    load_scenario_text(pld_scenario("carrier: {diameter: 5 mg}\n"), "pld.yaml");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("diameter"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace smartnano::scenario
