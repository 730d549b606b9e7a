// `covariates: {WT: weight}` and `parameters: {BW: weight}`: a model covariate or parameter
// takes each subject's own body size, converted to its unit, in single-subject scenarios and
// in populations.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "smartnano/core/error.h"
#include "smartnano/scenario/scenario.h"

namespace smartnano::scenario {
namespace {

namespace fs = std::filesystem;

// Allometric clearance: CL = CL_REF * (WT / 70 kg)^0.75; WT in g to check the unit conversion.
const char* kModel = R"(model: allometric
parameters:
  CL_REF: {value: 1.2, unit: L/h, source: "test fixture"}
  V: {value: 20, unit: L, source: "test fixture"}
  BW: {value: 70, unit: g, source: "test fixture"}
covariates:
  WT: {unit: g, description: body weight}
  BSA: {unit: m2, default: 1.8, description: body surface area}
states:
  CENT: mg
derived:
  CL: CL_REF * (WT / 70000[g])^0.75
odes:
  CENT: -CL / V * CENT
outputs:
  CP: {expression: CENT / V, unit: mg/L}
)";

class BodyCovariates : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("smartnano-body-covariate-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "allometric.yaml") << kModel;
  }
  void TearDown() override { fs::remove_all(dir_); }
  Scenario load(const std::string& rest) {
    const std::string text =
        "model: allometric.yaml\n" + rest + "dosing:\n  - dose: 100 mg\nobserve: [0 h, 1 h]\n";
    std::ofstream(dir_ / "s.yaml") << text;
    return load_scenario_file((dir_ / "s.yaml").string());
  }
  double covariate(const Scenario& s, std::size_t subject, const std::string& name) {
    const auto in = s.subject(subject);
    return in.covariates.at(static_cast<std::size_t>(s.model->covariate_index(name)));
  }
  fs::path dir_;
};

TEST_F(BodyCovariates, TheSubjectsWeightAndBsaInTheCovariatesUnit) {
  const Scenario s =
      load("subject: {weight: 82 kg, height: 180 cm}\ncovariates: {WT: weight, BSA: bsa}\n");
  EXPECT_DOUBLE_EQ(covariate(s, 0, "WT"), 82000.0);  // kg -> g
  EXPECT_DOUBLE_EQ(covariate(s, 0, "BSA"), mosteller_bsa_m2(82, 180));
}

TEST_F(BodyCovariates, EachPatientOfAPopulationGetsItsOwn) {
  const Scenario s = load(
      "covariates: {WT: weight}\n"
      "population:\n  size: 5\n  seed: 7\n"
      "  weight: {distribution: lognormal, median: 70 kg, cv: 20 %}\n");
  ASSERT_EQ(s.subject_count(), 5u);
  for (std::size_t k = 0; k < 5; ++k) {
    EXPECT_DOUBLE_EQ(covariate(s, k, "WT"), 1000.0 * s.describe_subject(k).body.weight_kg) << k;
  }
  EXPECT_NE(covariate(s, 0, "WT"), covariate(s, 1, "WT"));
}

// `parameters: {BW: weight}`: a parameter takes the subject's own body size, in the
// parameter's unit; the patient's description (subjects.csv) shows the value simulated.
TEST_F(BodyCovariates, AParameterCanTakeTheSubjectsBodySize) {
  const std::string covariate = "covariates: {WT: weight}\n";
  const Scenario one =
      load("subject: {weight: 82 kg}\n" + covariate + "parameters: {BW: weight}\n");
  const auto bw = static_cast<std::size_t>(one.model->parameter_index("BW"));
  EXPECT_DOUBLE_EQ(one.parameters[bw], 82000.0);  // kg -> g
  EXPECT_DOUBLE_EQ(one.subject(0).parameters[bw], 82000.0);

  const Scenario pop = load(covariate +
                            "parameters: {BW: weight}\n"
                            "population:\n  size: 4\n  seed: 3\n"
                            "  weight: {distribution: lognormal, median: 70 kg, cv: 20 %}\n");
  for (std::size_t k = 0; k < 4; ++k) {
    const auto d = pop.describe_subject(k);
    EXPECT_DOUBLE_EQ(d.parameters[bw], 1000.0 * d.body.weight_kg) << k;
    EXPECT_DOUBLE_EQ(pop.subject(k).parameters[bw], d.parameters[bw]) << k;
  }
  EXPECT_NE(pop.describe_subject(0).parameters[bw], pop.describe_subject(1).parameters[bw]);
}

TEST_F(BodyCovariates, ABodySizeParameterIsCheckedAtItsField) {
  auto error = [&](const std::string& rest,
                   const std::string& field = "parameters.V") -> std::string {
    try {
      load(rest);
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().field, field) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "expected an InputError for " << rest;
    return std::string();
  };
  const std::string base = "subject: {weight: 70 kg}\ncovariates: {WT: weight}\n";
  EXPECT_NE(error(base + "parameters: {V: weight}\n").find("cannot take the subject's weight"),
            std::string::npos);
  EXPECT_NE(error("covariates: {WT: 70 kg}\nparameters: {BW: weight}\n", "parameters.BW")
                .find("takes the subject's weight, but the subject has none"),
            std::string::npos);
}

TEST_F(BodyCovariates, ErrorsNameTheField) {
  try {
    load("covariates: {WT: weight}\n");  // no subject weight
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "covariates.WT");
    EXPECT_NE(std::string(e.what()).find("takes the subject's weight"), std::string::npos)
        << e.what();
  }
  try {
    load("subject: {weight: 70 kg}\ncovariates: {WT: bsa}\n");  // m2 into a mass
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "covariates.WT");
    EXPECT_NE(std::string(e.what()).find("cannot take the subject's bsa"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace smartnano::scenario
