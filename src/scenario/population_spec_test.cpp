// The population section's extensions, read from YAML: sex, age and other covariates bound to
// model covariates, logit-normal and bounded variability, tumour phenotypes with correlations,
// patients from a CSV file; and every bad input refused with file, line and field (for the
// CSV file: its file, line and column).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "model/yaml_input.h"
#include "population/population_test_support.h"
#include "scenario/population_scenario.h"
#include "smartnano/core/error.h"
#include "smartnano/core/text.h"
#include "smartnano/scenario/scenario.h"

namespace smartnano::scenario {
namespace {

namespace fs = std::filesystem;

const char* kModel = population::test_support::covariate_fixture_model_text();

const char* kCovariates = R"(population:
  size: 400
  seed: 7
  variability:
    CL: {cv: 30 %, min: 0.5 L/h, max: 2 L/h}
    FU: {distribution: logitnormal, sd: 0.5}
  correlations: {CL-FU: 0.3}
  sex: {female: 52 %, covariate: SEX, codes: {female: 2, male: 1}}
  age: {distribution: normal, mean: 62 yr, sd: 10 yr, min: 18 yr, max: 90 yr, covariate: AGE}
  covariates:
    CRCL: {distribution: lognormal, median: 100 mL/min, cv: 25 %, covariate: CRCL}
    HCT: {distribution: logitnormal, median: 42 %, sdlogit: 0.2}
  weight:
    female: {distribution: lognormal, median: 65 kg, cv: 20 %}
    male: {distribution: lognormal, median: 80 kg, cv: 20 %}
  height: {distribution: normal, mean: 170 cm, sd: 9 cm}
)";

const char* kTumour = R"(population:
  size: 200
  seed: 11
  variability: {CLMPS_L: 30 %}
  tumour:
    permeability: {}
    pore_size: {median: 400 nm}
    perfusion: {cv: 50 %}
    macrophage_density: {share: 30 %}
    interstitial_pressure: {vascular_pressure: 35 mmHg}
    stroma: {median: 40 %, sdlogit: 0.5, reference: 30 %}
    receptor_level:
    correlations: {permeability-perfusion: 0.5, macrophage_density-CLMPS_L: 0.3}
)";

std::vector<double> typical(const model::Model& m) {
  std::vector<double> v;
  for (const auto& p : m.parameters()) v.push_back(p.value);
  return v;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return text;
  return text.replace(at, from.size(), to);
}

class PopulationSpec : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("smartnano-population-spec-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    fixture_ = model::Model::load_text(kModel, "fixture.yaml");
    liposomal_ = model::load_model("liposomal_doxorubicin_human");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string scenario_path() const { return (dir_ / "s.yaml").string(); }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
  }

  population::PopulationSampler make(
      const std::string& yaml, const model::Model& m,
      const std::optional<carrier::CarrierDesign>& carrier = std::nullopt) const {
    const auto root = model::YamlInput::parse(yaml, scenario_path());
    return make_population_sampler(root["population"], m, typical(m), carrier);
  }

  // The message of the InputError that reading `yaml` raises.
  std::string error(const std::string& yaml, const model::Model& m) const {
    try {
      make(yaml, m);
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected an InputError for:\n" << yaml;
    return "";
  }

  fs::path dir_;
  model::ModelPtr fixture_, liposomal_;
};

TEST_F(PopulationSpec, SexAgeAndCovariatesAreSampledReportedAndBound) {
  const auto sampler = make(kCovariates, *fixture_);
  EXPECT_EQ(sampler.size(), 400);
  EXPECT_EQ(sampler.reported_names(),
            (std::vector<std::string>{"SEX", "AGE_yr", "CRCL_mL/min", "HCT"}));
  const int cl = fixture_->parameter_index("CL"), fu = fixture_->parameter_index("FU");
  int females = 0;
  for (long k = 0; k < sampler.size(); ++k) {
    const auto p = sampler.sample(k);
    EXPECT_EQ(p.id, k + 1.0);
    ASSERT_EQ(p.reported.size(), 4u);
    const double sex = p.reported[0];
    ASSERT_TRUE(sex == 1 || sex == 2);
    females += sex == 2;
    EXPECT_EQ(p.model_covariates[1], sex);
    EXPECT_DOUBLE_EQ(p.model_covariates[0], p.reported[1] * 365.25);  // yr -> d
    EXPECT_DOUBLE_EQ(p.model_covariates[2], p.reported[2] * 0.06);    // mL/min -> L/h
    EXPECT_GT(p.reported[3], 0);
    EXPECT_LT(p.reported[3], 1);
    EXPECT_GE(p.parameters[cl], 0.5);
    EXPECT_LE(p.parameters[cl], 2.0);
    EXPECT_GT(p.parameters[fu], 0);
    EXPECT_LT(p.parameters[fu], 1);
    EXPECT_GT(p.weight_kg, 0);
    EXPECT_GT(p.height_cm, 0);
  }
  // 52 % of 400: five binomial standard errors are 50 patients.
  EXPECT_NEAR(females, 208, 50);
  // Same file, same patients, bit for bit.
  const auto again = make(kCovariates, *fixture_).sample(17);
  EXPECT_EQ(again.reported, sampler.sample(17).reported);
  EXPECT_EQ(again.parameters, sampler.sample(17).parameters);
}

TEST_F(PopulationSpec, TumourPhenotypesActOnTheirParameters) {
  const auto sampler = make(kTumour, *liposomal_);
  EXPECT_EQ(
      sampler.reported_names(),
      (std::vector<std::string>{"PERMEABILITY", "PORE_SIZE_nm", "PERFUSION", "MACROPHAGE_DENSITY",
                                "INTERSTITIAL_PRESSURE_mmHg", "STROMA", "RECEPTOR_LEVEL"}));
  const auto& m = *liposomal_;
  const auto t = typical(m);
  const int psv = m.parameter_index("PSV_TUM"), qv = m.parameter_index("QV_TUM"),
            kup = m.parameter_index("KUP_TC");
  const auto& spec = sampler.spec();
  population::TumourCarrier reference;  // the reference design: receptor level has no effect
  for (long k = 0; k < 20; ++k) {
    const auto p = sampler.sample(k);
    ASSERT_EQ(p.reported.size(), 7u);
    const double pore =
        population::phenotype_factor(spec.tumour[1], p.reported[1], reference,
                                     population::pore_transmission_with_background(490, reference));
    const double ifp = std::max(0.1, (35 - p.reported[4]) / (35 - 15.0));
    EXPECT_NEAR(p.parameters[psv], t[psv] * p.reported[0] * pore * ifp, 1e-13 * t[psv]);
    EXPECT_NEAR(p.parameters[qv], t[qv] * p.reported[2], 1e-13 * t[qv]);
    const double macrophages = 0.7 + 0.3 * p.reported[3];
    const double stroma = (1 - p.reported[5]) / 0.7;
    EXPECT_NEAR(p.parameters[kup], t[kup] * macrophages * stroma, 1e-13 * t[kup]);
  }
  // A targeted carrier: the receptor level now scales the ligand-mediated part of KUP_TC.
  carrier::CarrierDesign targeted;
  targeted.ligand_mol_percent = 2;
  const auto with_ligand = make(kTumour, m, targeted);
  EXPECT_GT(with_ligand.spec().carrier.cell_uptake_factor, 1.5);
  const auto p = with_ligand.sample(3), q = sampler.sample(3);
  const double f = with_ligand.spec().carrier.cell_uptake_factor;
  EXPECT_NEAR(p.parameters[kup] / q.parameters[kup], (1 + (f - 1) * p.reported[6]) / f, 1e-12);
}

TEST_F(PopulationSpec, PatientsComeFromACsvFile) {
  write("patients.csv",
        "ID,weight [g],HEIGHT,SEX,AGE,CRCL (mL/min),permeability\n"
        "1,70000,170,F,50,100,1.2\n"
        "2,80000,180,M,60,110,0.5\n"
        "\n"
        "5,60000,160,female,70,90,2.0\n");
  const std::string yaml = R"(population:
  patients: patients.csv
  seed: 3
  variability: {CL: 30 %}
  sex: {covariate: SEX}
  age: {covariate: AGE}
  tumour: {permeability: {scales: V}}
)";
  const auto sampler = make(yaml, *fixture_);
  EXPECT_EQ(sampler.size(), 3);
  EXPECT_EQ(sampler.reported_names(),
            (std::vector<std::string>{"SEX", "AGE_yr", "CRCL_L/h", "PERMEABILITY"}));
  const auto p = sampler.sample(2);
  EXPECT_EQ(p.id, 5);
  EXPECT_DOUBLE_EQ(p.weight_kg, 60);
  EXPECT_EQ(p.height_cm, 160);
  EXPECT_EQ(p.reported[0], 1);  // female
  EXPECT_DOUBLE_EQ(p.model_covariates[0], 70 * 365.25);
  EXPECT_DOUBLE_EQ(p.model_covariates[2], 90 * 0.06);
  EXPECT_DOUBLE_EQ(p.parameters[fixture_->parameter_index("V")], 20 * 2.0);
  EXPECT_NE(p.eta[0], 0.0);  // variability is still sampled, per row index
  EXPECT_EQ(make(replace(yaml, "  seed: 3\n", "  seed: 3\n  size: 3\n"), *fixture_).size(), 3);
}

TEST_F(PopulationSpec, BadPatientFilesNameFileLineAndColumn) {
  const std::string yaml = R"(population:
  patients: patients.csv
  sex: {}
)";
  const std::string header = "ID,weight [g],SEX\n";
  struct Case {
    std::string csv, where, field, text;
  };
  const std::vector<Case> cases = {
      {header + "1,150,F\n2,,M\n", "patients.csv:3:", "field 'weight [g]'", "the value is missing"},
      {header + "1,150,F\n2,160\n", "patients.csv:3:", "field 'SEX'", "the value is missing"},
      {header + "1,nan,F\n", "patients.csv:2:", "field 'weight [g]'", "not a finite number"},
      {header + "1,150 g,F\n", "patients.csv:2:", "field 'weight [g]'", "'150 g' is not a number"},
      {header + "1,150,F\n1,160,M\n", "patients.csv:3:", "field 'ID'",
       "ID 1 is given twice (also on line 2)"},
      {header + "1,150,X\n", "patients.csv:2:", "field 'SEX'", "'X' is not F, M"},
      {header + "1,-150,F\n", "patients.csv:2:", "field 'weight [g]'", "must be > 0"},
      {header + "1,150,F,7\n", "patients.csv:2:", "", "4 values for 3 columns"},
      {"ID,WIEGHT,SEX\n1,150,F\n", "patients.csv:1:", "field 'WIEGHT'", "did you mean 'WEIGHT'"},
      {"ID,weight [mL],SEX\n1,150,F\n", "patients.csv:1:", "field 'weight [mL]'", "mL"},
      {"weight,SEX\n150,F\n", "patients.csv:1", "", "needs an ID column"},
      {header, "patients.csv:1", "", "has no patients"},
  };
  for (const auto& c : cases) {
    write("patients.csv", c.csv);
    const std::string what = error(yaml, *fixture_);
    EXPECT_NE(what.find(c.where), std::string::npos) << c.csv << " -> " << what;
    EXPECT_NE(what.find(c.field), std::string::npos) << c.csv << " -> " << what;
    EXPECT_NE(what.find(c.text), std::string::npos) << c.csv << " -> " << what;
  }
  fs::remove(dir_ / "patients.csv");
  const std::string missing = error(yaml, *fixture_);
  EXPECT_NE(missing.find("s.yaml:2:"), std::string::npos) << missing;
  EXPECT_NE(missing.find("field 'population.patients'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("cannot open"), std::string::npos) << missing;
  write("patients.csv", header + "1,150,F\n");
  const std::string both = error(
      replace(yaml, "  sex: {}\n", "  sex: {}\n  weight: {mean: 70 kg, sd: 10 kg}\n"), *fixture_);
  EXPECT_NE(both.find("field 'population.patients'"), std::string::npos) << both;
  EXPECT_NE(both.find("remove population.weight"), std::string::npos) << both;
  const std::string no_age =
      error(replace(yaml, "  sex: {}\n", "  sex: {}\n  age: {covariate: AGE}\n"), *fixture_);
  EXPECT_NE(no_age.find("field 'population.age'"), std::string::npos) << no_age;
  EXPECT_NE(no_age.find("AGE has no distribution and the patients file no column AGE"),
            std::string::npos)
      << no_age;
  write("patients.csv", "ID,weight [g],SEX,AGE\n1,150,F,50\n");
  const std::string twice =
      error(replace(yaml, "  sex: {}\n", "  sex: {}\n  age: {mean: 60 yr, sd: 5 yr}\n"), *fixture_);
  EXPECT_NE(twice.find("patients.csv:1:"), std::string::npos) << twice;
  EXPECT_NE(twice.find("field 'AGE'"), std::string::npos) << twice;
  EXPECT_NE(twice.find("AGE has a distribution in the scenario"), std::string::npos) << twice;
  write("patients.csv", header + "1,150,F\n");
  const std::string size = error(replace(yaml, "  sex: {}\n", "  sex: {}\n  size: 2\n"), *fixture_);
  EXPECT_NE(size.find("field 'population.size'"), std::string::npos) << size;
  EXPECT_NE(size.find("has 1 patients, not 2"), std::string::npos) << size;
}

TEST_F(PopulationSpec, BadSpecificationsNameFileLineAndField) {
  struct Case {
    const char* base;
    bool liposomal;
    std::string from, to, field, text;
  };
  const std::vector<Case> cases = {
      {kCovariates, false, "female: 52 %", "female: 152 %", "field 'population.sex.female'",
       "must be in [0, 1]"},
      {kCovariates, false, "covariate: SEX", "covariate: SX", "field 'population.sex.covariate'",
       "no covariate 'SX' (did you mean 'SEX'?)"},
      {kCovariates, false, "codes: {female: 2, male: 1}", "codes: {female: 2, male: 2}",
       "field 'population.sex.codes'", "must differ"},
      {kCovariates, false, "distribution: normal, mean: 62 yr", "distribution: gamma, mean: 62 yr",
       "field 'population.age.distribution'", "is not one of normal, lognormal"},
      {kCovariates, false, "sd: 10 yr", "sd: 10 kg", "field 'population.age.sd'", "cannot convert"},
      {kCovariates, false, "min: 18 yr, max: 90 yr", "min: 95 yr, max: 99 yr",
       "field 'population.age'", "keeps only"},
      {kCovariates, false, "  sex: {female: 52 %, covariate: SEX, codes: {female: 2, male: 1}}\n",
       "", "field 'population.weight'", "needs `sex:`"},
      {kCovariates, false, "FU: {distribution: logitnormal, sd: 0.5}",
       "FU: {distribution: logitnormal, cv: 50 %}", "field 'population.variability.FU.cv'",
       "omega2 or sd"},
      {kCovariates, false, "min: 0.5 L/h, max: 2 L/h", "min: 2 L/h, max: 1 L/h",
       "field 'population.variability.CL'", "min (2) must be below max (1)"},
      {kCovariates, false, "min: 0.5 L/h, max: 2 L/h", "min: 10 L/h, max: 20 L/h",
       "field 'population.variability'", "keep only"},
      {kCovariates, false, "cv: 25 %, covariate: CRCL", "cv: 25 %, covariate: AGE",
       "field 'population.covariates.CRCL.covariate'", "cannot convert"},
      {kCovariates, false, "median: 42 %", "median: 142 %",
       "field 'population.covariates.HCT.median'", "in [0, 1]"},
      {kCovariates, false, "    HCT:", "    SEX: {distribution: uniform, min: 0, max: 1}\n    HT:",
       "field 'population.covariates.SEX'", "sex is given by `sex:`"},
      {kTumour, true, "permeability: {}", "permeabilty: {}",
       "field 'population.tumour.permeabilty'", "did you mean 'permeability'"},
      {kTumour, true, "permeability: {}", "permeability: {scales: PSVTUM}",
       "field 'population.tumour.permeability.scales'", "(did you mean 'PSV_TUM'?)"},
      {kTumour, true, "permeability: {}", "permeability: {distribution: logitnormal}",
       "field 'population.tumour.permeability'", "needs its median"},
      {kTumour, true, "{median: 40 %, sdlogit: 0.5, reference: 30 %}", "{median: 40 %, sd: 0.5}",
       "field 'population.tumour.stroma.sd'", "logit-normal"},
      {kTumour, true, "{vascular_pressure: 35 mmHg}", "{vascular_pressure: 10 mmHg}",
       "field 'population.tumour.interstitial_pressure'", "must be above the reference"},
      {kTumour, true, "permeability-perfusion: 0.5", "permeability-perfussion: 0.5",
       "field 'population.tumour.correlations.permeability-perfussion'", "FIRST-SECOND"},
      {kTumour, true, "permeability-perfusion: 0.5", "permeability-perfusion: 1.5",
       "field 'population.tumour.correlations.permeability-perfusion'", "in [-1, 1]"},
      {kTumour, true, "permeability-perfusion: 0.5, macrophage_density-CLMPS_L: 0.3",
       "permeability-perfusion: 0.9, perfusion-CLMPS_L: 0.9, permeability-CLMPS_L: -0.9",
       "field 'population.tumour'", "do not form a positive definite matrix"},
  };
  for (const auto& c : cases) {
    const std::string yaml = replace(c.base, c.from, c.to);
    const std::string what = error(yaml, c.liposomal ? *liposomal_ : *fixture_);
    EXPECT_NE(what.find("s.yaml:"), std::string::npos) << what;
    EXPECT_NE(what.find(c.field), std::string::npos) << c.to << " -> " << what;
    EXPECT_NE(what.find(c.text), std::string::npos) << c.to << " -> " << what;
  }
  // A model without built-in targets needs `scales:`.
  const std::string what = error(R"(population:
  size: 3
  tumour: {permeability: {}}
)",
                                 *fixture_);
  EXPECT_NE(what.find("s.yaml:3:"), std::string::npos) << what;
  EXPECT_NE(what.find("field 'population.tumour.permeability'"), std::string::npos) << what;
  EXPECT_NE(what.find("say which parameters of model 'covariate_fixture'"), std::string::npos)
      << what;
}

TEST_F(PopulationSpec, ACovarianceBlockIsOmega) {
  const std::string lower = R"(population:
  size: 10
  seed: 5
  variability: {FU: {distribution: logitnormal, sd: 0.2}}
  covariance:
    parameters: [CL, V]
    matrix: [[0.09], [0.03, 0.04]]
  correlations: {FU-CL: 0.2}
)";
  const auto sampler = make(lower, *fixture_);
  const Eigen::MatrixXd& omega = sampler.covariance();
  ASSERT_EQ(omega.rows(), 3);
  EXPECT_NEAR(omega(1, 1), 0.09, 1e-17);
  EXPECT_NEAR(omega(2, 2), 0.04, 1e-17);
  EXPECT_NEAR(omega(1, 2), 0.03, 1e-16);
  EXPECT_NEAR(omega(0, 1), 0.2 * 0.2 * 0.3, 1e-16);
  const auto full =
      make(replace(lower, "[[0.09], [0.03, 0.04]]", "[[0.09, 0.03], [0.03, 0.04]]"), *fixture_);
  EXPECT_EQ(full.sample(4).parameters, sampler.sample(4).parameters);
  struct Case {
    std::string from, to, field, text;
  };
  const std::vector<Case> cases = {
      {"[[0.09], [0.03, 0.04]]", "[[0.09, 0.03], [0.02, 0.04]]",
       "field 'population.covariance.matrix", "not symmetric"},
      {"[[0.09], [0.03, 0.04]]", "[[0.09], [0.03, -0.04]]", "field 'population.covariance.matrix",
       "a variance must be > 0"},
      {"[[0.09], [0.03, 0.04]]", "[[0.09], [0.3, 0.04]]", "field 'population.covariance.matrix",
       "outside [-1, 1]"},
      {"[[0.09], [0.03, 0.04]]", "[[0.09]]", "field 'population.covariance.matrix'",
       "1 rows for 2 parameters"},
      {"[CL, V]", "[CL, FU]", "field 'population.covariance.parameters", "has variability already"},
      {"[CL, V]", "[CL, VV]", "field 'population.covariance.parameters", "did you mean 'V'"},
      {"{FU-CL: 0.2}", "{V-CL: 0.2}", "field 'population.correlations.V-CL'",
       "both parameters are in covariance:"},
      {"{FU-CL: 0.2}", "{FU-CL: 0.95, FU-V: -0.95}", "field 'population.correlations'",
       "positive definite"},
  };
  for (const auto& c : cases) {
    const std::string what = error(replace(lower, c.from, c.to), *fixture_);
    EXPECT_NE(what.find("s.yaml:"), std::string::npos) << what;
    EXPECT_NE(what.find(c.field), std::string::npos) << c.to << " -> " << what;
    EXPECT_NE(what.find(c.text), std::string::npos) << c.to << " -> " << what;
  }
}

TEST_F(PopulationSpec, ScenariosPassTheCarrierDesignAndThePatientsOn) {
  const std::string yaml = R"(model: liposomal_doxorubicin_human
subject: {weight: 70 kg, height: 175 cm}
carrier: {diameter: 150 nm}
population:
  size: 5
  seed: 2
  sex: {female: 50 %}
  tumour: {pore_size: {}}
dosing:
  - dose: 50 mg/m2, 1 h infusion
    into: LP
observe: {from: 0 h, to: 24 h, every: 12 h}
)";
  const Scenario s = load_scenario_text(yaml, scenario_path());
  ASSERT_TRUE(s.population);
  EXPECT_EQ(s.population->carrier.design.hydrodynamic_diameter_nm, 150);
  EXPECT_EQ(s.subject_count(), 5u);
  EXPECT_EQ(s.reported_names(), (std::vector<std::string>{"SEX", "PORE_SIZE_nm"}));
  population::TumourCarrier carrier;
  carrier.design.hydrodynamic_diameter_nm = 150;
  const double reference = population::pore_transmission_with_background(490, carrier);
  const int psv = s.model->parameter_index("PSV_TUM");
  for (std::size_t k = 0; k < s.subject_count(); ++k) {
    const SubjectDescription d = s.describe_subject(k);
    ASSERT_EQ(d.reported.size(), 2u);
    const double f =
        population::phenotype_factor(s.population->tumour[0], d.reported[1], carrier, reference);
    EXPECT_NEAR(d.parameters[psv], s.parameters[psv] * f, 1e-15 * s.parameters[psv]);
  }
}

TEST_F(PopulationSpec, TheExampleReads) {
  // examples/population_phenotypes.yaml: patients from its CSV file with measured permeability.
  const std::string path =
      std::string(SMARTNANO_SOURCE_DIR) + "/examples/population_phenotypes.yaml";
  const auto root = model::YamlInput::parse(read_text_file(path, "example"), path);
  const auto m = model::load_model(root["model"].as_string());
  const auto sampler = make_population_sampler(root["population"], *m, typical(*m));
  EXPECT_EQ(sampler.size(), 8);
  EXPECT_EQ(sampler.reported_names(),
            (std::vector<std::string>{"SEX", "AGE_yr", "PERMEABILITY", "PORE_SIZE_nm", "PERFUSION",
                                      "MACROPHAGE_DENSITY", "INTERSTITIAL_PRESSURE_mmHg", "STROMA",
                                      "RECEPTOR_LEVEL"}));
  const auto p = sampler.sample(3);
  EXPECT_EQ(p.id, 104);
  EXPECT_EQ(p.weight_kg, 95);
  EXPECT_EQ(p.reported[0], 0);  // male
  EXPECT_EQ(p.reported[1], 69);
  EXPECT_EQ(p.reported[2], 3.2);
}

}  // namespace
}  // namespace smartnano::scenario
