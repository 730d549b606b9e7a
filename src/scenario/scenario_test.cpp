// Scenario files: the built-in default, regimens expanded to the records a NONMEM data set would
// hold, parameter overrides with units, data sets relative to the scenario file, and errors that
// name file, line and field.
#include "smartnano/scenario/scenario.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "smartnano/core/error.h"
#include "smartnano/events/dataset.h"
#include "smartnano/simulation/dataset_binding.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::scenario {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the system's temporary folder, removed with the object.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / fmt::format("smartnano-scenario-test-{}-{}-{}",
                                                    info->test_suite_name(), info->name(),
                                                    static_cast<long>(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

 private:
  fs::path path_;
};

// The InputError thrown by loading `yaml` (as file "test.yaml"); fails the test if none is.
InputError load_error(const std::string& yaml) {
  try {
    load_scenario_text(yaml, "test.yaml");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError for:\n" << yaml;
  return InputError({}, "");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// The default scenario

TEST(Scenario, DefaultScenarioLoadsAsDocumented) {
  // The default is the stratification trial of docs/biomarkers.md: its scenario part is a
  // population of the trial model; the arms (trial/) give the dosing.
  const Scenario s = load_default_scenario();
  EXPECT_EQ(s.name, "default");
  ASSERT_TRUE(s.model);
  EXPECT_EQ(s.model->name(), "doxorubicin_trial_human");
  EXPECT_TRUE(s.model->extends("liposomal_doxorubicin_human"));
  EXPECT_TRUE(s.data_file.empty());
  ASSERT_TRUE(s.population.has_value());
  EXPECT_EQ(s.population->seed, 20261127u);
  EXPECT_DOUBLE_EQ(s.body.weight_kg, 70);
  EXPECT_DOUBLE_EQ(s.body.bsa_m2, mosteller_bsa_m2(70, 165));
  // Breast tumours: the median volume of Harrington et al. 2001 and the breast permeability
  // preset (docs/biomarkers.md).
  EXPECT_NEAR(s.parameters[static_cast<std::size_t>(s.model->parameter_index("V_TUM"))], 215.4,
              1e-12);
  bool permeability = false;
  for (const auto& t : s.population->tumour)
    permeability = permeability || t.name == "permeability";
  EXPECT_TRUE(permeability);
}

TEST(Scenario, MostellerBodySurfaceArea) {
  // BSA = sqrt(weight [kg] * height [cm] / 3600).
  EXPECT_DOUBLE_EQ(mosteller_bsa_m2(70, 175), std::sqrt(70.0 * 175.0 / 3600.0));
  EXPECT_NEAR(mosteller_bsa_m2(70, 175), 1.8447, 1e-4);
  EXPECT_DOUBLE_EQ(mosteller_bsa_m2(36, 100), 1.0);
}

// ---------------------------------------------------------------------------------------------
// Regimens as NONMEM records

constexpr const char* kPerM2Scenario = R"(scenario: per-m2
model: one_cmt_oral
subject: {weight: 70 kg, height: 175 cm}
dosing:
  - dose: 50 mg/m2 every 28 days x 6, 1 h infusion
    into: CENT
observe: {from: 0 h, to: 4032 h, every: 12 h}
)";

TEST(Scenario, PerM2RegimenExpandsToTheNonmemRecords) {
  const Scenario s = load_scenario_text(kPerM2Scenario, "per-m2.yaml");
  const double bsa = std::sqrt(70.0 * 175.0 / 3600.0);  // Mosteller
  EXPECT_NEAR(s.body.bsa_m2, bsa, 1e-14 * bsa);
  ASSERT_EQ(s.subjects.size(), 1u);
  const auto& records = s.subjects[0].records;
  ASSERT_EQ(records.size(), 1u + 337u);  // one dose record, observations 0, 12, ..., 4032 h
  const events::Record& dose = records[0];
  const double amount = 50 * bsa;  // mg
  EXPECT_EQ(dose.kind, events::RecordKind::kDose);
  EXPECT_EQ(dose.time, 0);
  EXPECT_NEAR(dose.amount, amount, 1e-12 * amount);
  EXPECT_EQ(dose.compartment, 2);  // CENT
  EXPECT_DOUBLE_EQ(dose.interval, 28 * 24);
  EXPECT_EQ(dose.additional, 5);
  EXPECT_EQ(dose.rate_mode, events::RateMode::kFixedRate);
  EXPECT_NEAR(dose.rate, amount / 1.0, 1e-12 * amount);  // mg/h over 1 h
  EXPECT_EQ(dose.ss, events::SteadyState::kNone);
  EXPECT_EQ(records[1].kind, events::RecordKind::kObservation);
  EXPECT_EQ(records[1].time, 0);
  EXPECT_EQ(records.back().time, 4032);
}

TEST(Scenario, PerM2RegimenSimulatesLikeTheHandBuiltDataSet) {
  const Scenario s = load_scenario_text(kPerM2Scenario, "per-m2.yaml");
  const double amount = 50 * std::sqrt(70.0 * 175.0 / 3600.0);
  // The data set a NONMEM user would write for the same regimen.
  std::string csv = "ID,TIME,EVID,AMT,CMT,RATE,II,ADDL\n";
  csv += fmt::format("1,0,1,{:.17g},2,{:.17g},672,5\n", amount, amount);
  for (int t = 0; t <= 4032; t += 12) csv += fmt::format("1,{},0,0,2,0,0,0\n", t);
  const auto subjects =
      simulation::bind_dataset(events::parse_nonmem_csv(csv, "hand-built.csv"), *s.model);
  ASSERT_EQ(subjects.size(), 1u);
  ASSERT_EQ(subjects[0].records.size(), s.subjects[0].records.size());
  EXPECT_EQ(subjects[0].covariates, s.subjects[0].covariates);  // model defaults in both

  simulation::SubjectSimulator simulator(s.model, s.options);
  const auto from_scenario = simulator.simulate(s.subjects[0]);
  const auto from_data = simulator.simulate(subjects[0]);
  ASSERT_EQ(from_scenario.status, simulation::SubjectStatus::kSuccess) << from_scenario.message;
  ASSERT_EQ(from_data.status, simulation::SubjectStatus::kSuccess) << from_data.message;
  EXPECT_EQ(from_scenario.times, from_data.times);
  EXPECT_EQ(from_scenario.evids, from_data.evids);
  ASSERT_EQ(from_scenario.outputs.size(), from_data.outputs.size());
  // The amounts can differ in the last bit (unit conversion); allow 10 x the solver's relative
  // tolerance for the step choices that follow from it.
  const double rtol = 10 * s.options.integrator.relative_tolerance;
  double peak = 0;
  for (std::size_t i = 0; i < from_data.outputs.size(); ++i) {
    peak = std::max(peak, from_data.outputs[i]);
    EXPECT_NEAR(from_scenario.outputs[i], from_data.outputs[i],
                rtol * std::abs(from_data.outputs[i]) + 1e-9)
        << "t = " << from_data.times[i];
  }
  EXPECT_GT(peak, 0);  // the doses did arrive
}

TEST(Scenario, ObservationsAtADoseTimeComeAfterTheDose) {
  const Scenario s = load_scenario_text(R"(model: one_cmt_oral
dosing:
  - dose: 10 mg
    start: 2 h
  - dose: 5 mg
observe: [0 h, 2 h, 3 h]
)",
                                        "order.yaml");
  ASSERT_EQ(s.subjects.size(), 1u);
  const auto& r = s.subjects[0].records;
  ASSERT_EQ(r.size(), 5u);
  EXPECT_TRUE(events::is_dose(r[0].kind));
  EXPECT_EQ(r[0].amount, 5);
  EXPECT_EQ(r[1].kind, events::RecordKind::kObservation);
  EXPECT_TRUE(events::is_dose(r[2].kind));
  EXPECT_EQ(r[2].time, 2);
  EXPECT_EQ(r[2].amount, 10);
  EXPECT_EQ(r[2].compartment, 1);  // the model's default dose target, DEPOT
  EXPECT_EQ(r[3].time, 2);
  EXPECT_EQ(r[3].kind, events::RecordKind::kObservation);
}

// ---------------------------------------------------------------------------------------------
// Parameters with units

TEST(Scenario, ParameterOverrideIsConvertedToTheModelsUnit) {
  const std::string base = "model: one_cmt_oral\ndosing:\n  - dose: 100 mg\nobserve: [1 h]\n";
  const Scenario ml =
      load_scenario_text(base + "parameters: {CL: 1100 mL/h, V: 20000 mL}\n", "a.yaml");
  const Scenario l = load_scenario_text(base + "parameters: {CL: 1.1 L/h}\n", "b.yaml");
  const int cl = ml.model->parameter_index("CL"), v = ml.model->parameter_index("V");
  ASSERT_GE(cl, 0);
  EXPECT_NEAR(ml.parameters[cl], 1.1, 1e-15);
  EXPECT_NEAR(ml.parameters[v], 20, 1e-13);
  EXPECT_NEAR(l.parameters[cl], 1.1, 1e-15);
  const Scenario changed = load_scenario_text(base + "parameters: {CL: 2.2 L/h}\n", "c.yaml");
  EXPECT_DOUBLE_EQ(changed.parameters[cl], 2.2);
  ASSERT_EQ(changed.subjects.size(), 1u);
  EXPECT_EQ(changed.subjects[0].parameters, changed.parameters);  // the subjects get them
  // A bare number is taken in the model's unit.
  const Scenario bare = load_scenario_text(base + "parameters: {CL: 3}\n", "d.yaml");
  EXPECT_DOUBLE_EQ(bare.parameters[cl], 3);
}

// ---------------------------------------------------------------------------------------------
// Data sets

TEST(Scenario, DataPathIsRelativeToTheScenarioFile) {
  TempDir dir;
  dir.write("study/data/doses.csv",
            "ID,TIME,EVID,AMT,CMT,BIOAV\n1,0,1,100,2,0.5\n1,1,0,0,2,0.5\n2,0,1,50,1,1\n"
            "2,4,0,0,2,1\n");
  const std::string path = dir.write("study/scenario.yaml",
                                     "model: one_cmt_oral\ndata: data/doses.csv\n"
                                     "parameters: {CL: 2 L/h}\n");
  const Scenario s = load_scenario_file(path);
  EXPECT_EQ(s.file, path);
  EXPECT_TRUE(fs::equivalent(s.data_file, dir.path() / "study/data/doses.csv")) << s.data_file;
  ASSERT_EQ(s.subjects.size(), 2u);
  EXPECT_EQ(s.subjects[0].id, 1);
  EXPECT_EQ(s.subjects[1].id, 2);
  EXPECT_EQ(s.subjects[0].records.size(), 2u);
  EXPECT_EQ(s.subjects[0].records[0].amount, 100);
  // BIOAV from the data, the other covariates from the model's defaults (LAGT, BIOAV, RAT2, DUR2).
  const int bioav = s.model->covariate_index("BIOAV");
  ASSERT_GE(bioav, 0);
  EXPECT_EQ(s.subjects[0].covariates[bioav], 0.5);
  EXPECT_EQ(s.subjects[0].source, s.data_file);
  // Parameter overrides reach every subject of the data set.
  const int cl = s.model->parameter_index("CL");
  for (const auto& subject : s.subjects) {
    ASSERT_EQ(subject.parameters.size(), s.model->parameters().size());
    EXPECT_EQ(subject.parameters[cl], 2.0);
  }
}

TEST(Scenario, ErrorInADataSetNamesTheDataFile) {
  TempDir dir;
  dir.write("doses.csv", "ID,TIME,EVID,AMT,CMT\n1,0,1,100,2\n1,1,1,-5,2\n");
  const std::string path = dir.write("scenario.yaml", "model: one_cmt_oral\ndata: doses.csv\n");
  try {
    load_scenario_file(path);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_TRUE(fs::equivalent(e.where().file, dir.path() / "doses.csv")) << e.what();
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().field, "AMT");
  }
}

TEST(Scenario, MissingDataFileNamesTheScenarioField) {
  TempDir dir;
  const std::string path = dir.write("scenario.yaml", "model: one_cmt_oral\ndata: nowhere.csv\n");
  try {
    load_scenario_file(path);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "nowhere.csv")) << e.what();
  }
}

TEST(Scenario, MissingScenarioFileIsAnInputError) {
  TempDir dir;
  const std::string path = (dir.path() / "absent.yaml").string();
  try {
    load_scenario_file(path);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, path);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors with file, line and field

TEST(ScenarioErrors, UnknownKeySuggestsTheClosestOne) {
  const InputError e = load_error(R"(model: one_cmt_oral
dosnig:
  - dose: 100 mg
observe: [1 h]
)");
  EXPECT_EQ(e.where().file, "test.yaml");
  EXPECT_EQ(e.where().line, 2);
  EXPECT_EQ(e.where().field, "dosnig");
  EXPECT_TRUE(contains(e.message(), "did you mean 'dosing'")) << e.what();
  EXPECT_TRUE(contains(e.what(), "test.yaml:2:")) << e.what();
}

TEST(ScenarioErrors, UnknownKeyInsideADoseNamesItsPath) {
  const InputError e = load_error(R"(model: one_cmt_oral
dosing:
  - dose: 100 mg
    intoo: CENT
observe: [1 h]
)");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.where().field, "dosing[0].intoo");
  EXPECT_TRUE(contains(e.message(), "did you mean 'into'")) << e.what();
}

TEST(ScenarioErrors, OutputSectionNamesTheField) {
  const std::string base = "model: one_cmt_oral\ndosing:\n  - dose: 100 mg\nobserve: [1 h]\n";
  struct Case {
    std::string output, field, text;
  };
  const std::vector<Case> cases = {
      {"output: {summaries: {CQ: cmax}}", "output.summaries.CQ",
       "has no output 'CQ' (did you mean 'CP'?)"},
      {"output: {summaries: {CP: [cmax, cmaks]}}", "output.summaries.CP", "did you mean 'cmax'"},
      {"output: {profiles: no}", "output.profiles", "'no' is not true or false"},
      {"output: {profiles: false}", "output", "give summaries"},
      {"output: {summary: {CP: cmax}}", "output.summary", "allowed here: profiles, summaries"},
      {"output: {summaries: {}}", "output.summaries", "at least one output"},
  };
  for (const auto& c : cases) {
    const InputError e = load_error(base + c.output + "\n");
    EXPECT_EQ(e.where().line, 5) << c.output << " -> " << e.what();
    EXPECT_TRUE(contains(e.where().field, c.field)) << c.output << " -> " << e.what();
    EXPECT_TRUE(contains(e.message(), c.text)) << c.output << " -> " << e.what();
  }
  const Scenario s = load_scenario_text(base + "output: {summaries: {CP: [cmax, auc]}}\n", "t");
  ASSERT_EQ(s.output.summaries.size(), 2u);
  EXPECT_EQ(s.output.summaries[1].column, "CP_auc");
  EXPECT_TRUE(s.output.profiles);
}

TEST(ScenarioErrors, UnknownParameter) {
  const InputError e = load_error(R"(model: one_cmt_oral
parameters:
  CLL: 1.1 L/h
dosing:
  - dose: 100 mg
observe: [1 h]
)");
  EXPECT_EQ(e.where().file, "test.yaml");
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(e.where().field, "parameters.CLL");
  EXPECT_TRUE(contains(e.message(), "no parameter 'CLL'")) << e.what();
  EXPECT_TRUE(contains(e.message(), "did you mean 'CL'")) << e.what();
}

TEST(ScenarioErrors, ParameterWithAUnitOfTheWrongDimension) {
  const InputError e = load_error(R"(model: one_cmt_oral
parameters:
  V: 20 L
  CL: 20 mg
dosing:
  - dose: 100 mg
observe: [1 h]
)");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.where().field, "parameters.CL");
  EXPECT_TRUE(contains(e.message(), "parameter CL")) << e.what();
}

TEST(ScenarioErrors, BadRegimenText) {
  const InputError e = load_error(R"(model: one_cmt_oral
dosing:
  - dose: 100 mg every 24 h x 4
  - dose: 100 mg every now and then
observe: [1 h]
)");
  EXPECT_EQ(e.where().file, "test.yaml");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.where().field, "dosing[1].dose");
  EXPECT_TRUE(contains(e.message(), "now and then")) << e.what();
}

TEST(ScenarioErrors, PerM2DoseWithoutBodySize) {
  const InputError e = load_error(R"(model: one_cmt_oral
dosing:
  - dose: 50 mg/m2
observe: [1 h]
)");
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(e.where().field, "dosing[0].dose");
  EXPECT_TRUE(contains(e.message(), "BSA")) << e.what();
}

TEST(ScenarioErrors, DoseIntoSomethingThatIsNotAState) {
  const InputError e = load_error(R"(model: one_cmt_oral
dosing:
  - dose: 100 mg
    into: CENTT
observe: [1 h]
)");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.where().field, "dosing[0].into");
  EXPECT_TRUE(contains(e.message(), "not a state")) << e.what();
  EXPECT_TRUE(contains(e.message(), "did you mean 'CENT'")) << e.what();
}

TEST(ScenarioErrors, DataAndDosingTogether) {
  const InputError e = load_error(R"(model: one_cmt_oral
dosing:
  - dose: 100 mg
data: doses.csv
)");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.where().field, "data");
  EXPECT_TRUE(contains(e.message(), "not both")) << e.what();
}

TEST(ScenarioErrors, UnknownModelName) {
  const InputError e = load_error(R"(scenario: x
model: one_cmt_orall
dosing:
  - dose: 100 mg
observe: [1 h]
)");
  EXPECT_EQ(e.where().file, "test.yaml");
  EXPECT_EQ(e.where().line, 2);
  EXPECT_EQ(e.where().field, "model");
  EXPECT_TRUE(contains(e.message(), "did you mean 'one_cmt_oral'")) << e.what();
}

TEST(ScenarioErrors, MissingModel) {
  const InputError e = load_error("dosing:\n  - dose: 100 mg\nobserve: [1 h]\n");
  EXPECT_TRUE(contains(e.message(), "model")) << e.what();
}

TEST(ScenarioErrors, WrongTypeWhereANumberIsNeeded) {
  const InputError e = load_error(R"(model: one_cmt_oral
dosing:
  - dose: 100 mg
observe: [1 h]
solver:
  relative_tolerance: tight
)");
  EXPECT_EQ(e.where().line, 6);
  EXPECT_EQ(e.where().field, "solver.relative_tolerance");
  EXPECT_TRUE(contains(e.message(), "not a number")) << e.what();
}

TEST(ScenarioErrors, YamlSyntaxErrorNamesTheLine) {
  const InputError e = load_error("model: one_cmt_oral\ndosing: [\n  - dose: 100 mg\n");
  EXPECT_EQ(e.where().file, "test.yaml");
  EXPECT_GT(e.where().line, 0);
  EXPECT_TRUE(contains(e.message(), "YAML syntax error")) << e.what();
}

}  // namespace
}  // namespace smartnano::scenario
