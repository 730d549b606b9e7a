// The scenario `population:` section: one subject per patient with its own parameters, body
// size and per-m2 doses; errors that name file, line and field; and simulate_all giving
// bit-identical results on 1 and 2 threads.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smartnano/core/error.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/simulate_all.h"

namespace smartnano::scenario {
namespace {

const char* kPopulation = R"(scenario: pop
model: one_cmt_oral
parameters: {CL: 1100 mL/h}
subject: {weight: 70 kg, height: 170 cm}
population:
  size: 20
  seed: 20261127
  variability: {CL: 30 %, V: {omega2: 0.0625}, KA: {cv: 50 %}}
  correlations: {CL-V: 0.3}
  weight: {distribution: lognormal, median: 70 kg, cv: 20 %, min: 40 kg, max: 150 kg}
  height: {distribution: normal, mean: 170 cm, sd: 10 cm}
dosing:
  - dose: 50 mg/m2, 1 h infusion
    into: CENT
observe: {from: 0 h, to: 24 h, every: 2 h}
)";

InputError load_error(const std::string& yaml) {
  try {
    load_scenario_text(yaml, "test.yaml");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError for:\n" << yaml;
  return InputError({}, "");
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(PopulationScenario, EveryPatientHasItsOwnParametersBodyAndDose) {
  const Scenario s = load_scenario_text(kPopulation, "test.yaml");
  ASSERT_TRUE(s.population);
  EXPECT_EQ(s.population->seed, 20261127u);
  EXPECT_TRUE(s.subjects.empty());  // patients are made on demand
  ASSERT_EQ(s.subject_count(), 20u);
  const int cl = s.model->parameter_index("CL");
  EXPECT_DOUBLE_EQ(s.parameters[cl], 1.1);  // the typical value: the override, converted
  for (std::size_t k = 0; k < s.subject_count(); ++k) {
    const auto subject = s.subject(k);
    EXPECT_EQ(subject.id, static_cast<double>(k + 1));
    const auto description = s.describe_subject(k);
    EXPECT_EQ(description.id, subject.id);
    EXPECT_EQ(description.parameters, subject.parameters);
    const auto& body = description.body;
    EXPECT_GE(body.weight_kg, 40);
    EXPECT_LE(body.weight_kg, 150);
    ASSERT_FALSE(subject.records.empty());
    // The first record is the dose: 50 mg/m2 times this patient's own BSA.
    EXPECT_NEAR(subject.records.front().amount, 50 * body.bsa_m2, 1e-12);
    EXPECT_GT(body.bsa_m2, 0.5);
    EXPECT_LT(body.bsa_m2, 3.5);
  }
  EXPECT_NE(s.subject(0).parameters[cl], s.subject(1).parameters[cl]);
  EXPECT_NE(s.describe_subject(0).body.bsa_m2, s.describe_subject(1).body.bsa_m2);
  // Reloading gives the same patients, bit for bit, in any order.
  const Scenario again = load_scenario_text(kPopulation, "test.yaml");
  const auto later = again.subject(7).parameters;
  const auto first = s.subject(7).parameters;
  ASSERT_EQ(later.size(), first.size());
  EXPECT_EQ(std::memcmp(later.data(), first.data(), first.size() * sizeof(double)), 0);
}

TEST(PopulationScenario, WithoutSampledBodySizeTheSubjectSectionIsUsed) {
  std::string yaml = replace(kPopulation,
                             "  weight: {distribution: lognormal, median: 70 kg, "
                             "cv: 20 %, min: 40 kg, max: 150 kg}\n",
                             "");
  yaml = replace(yaml, "  height: {distribution: normal, mean: 170 cm, sd: 10 cm}\n", "");
  const Scenario s = load_scenario_text(yaml, "test.yaml");
  ASSERT_EQ(s.subject_count(), 20u);
  for (std::size_t k = 0; k < s.subject_count(); ++k) {
    EXPECT_NEAR(s.subject(k).records.front().amount, 50 * mosteller_bsa_m2(70, 170), 1e-12);
  }
}

TEST(PopulationScenario, ErrorsNameFileLineAndField) {
  struct Case {
    std::string from, to, where, text;
  };
  const std::vector<Case> cases = {
      {"  size: 20", "  sise: 20", "test.yaml:6:", "did you mean 'size'"},
      {"  size: 20", "  size: 0", "field 'population.size'", "must be >= 1"},
      {"CL: 30 %, V", "CLL: 30 %, V", "field 'population.variability.CLL'",
       "has no parameter 'CLL' (did you mean 'CL'?)"},
      {"CL: 30 %, V", "CL: 30, V", "field 'population.variability.CL'", "percent sign"},
      {"{CL-V: 0.3}", "{CL-KX: 0.3}", "field 'population.correlations.CL-KX'",
       "should be FIRST-SECOND"},
      {"{CL-V: 0.3}", "{CL-V: 1.3}", "field 'population.correlations.CL-V'", "in [-1, 1]"},
      {"{CL-V: 0.3}", "{CL-V: 0.9, V-KA: 0.9, CL-KA: -0.9}", "field 'population.correlations'",
       "not form a positive definite matrix"},
      {"distribution: lognormal", "distribution: lognormall",
       "field 'population.weight.distribution'", "did you mean 'lognormal'"},
      {"min: 40 kg", "min: 40 cm", "field 'population.weight.min'", "cannot convert"},
      {"max: 150 kg", "max: 40.1 kg", "field 'population.weight'", "keeps only"},
      {"sd: 10 cm}", "sd: 10 cm, cv: 5 %}", "field 'population.height'",
       "exactly one of sd and cv"},
  };
  for (const auto& c : cases) {
    const InputError e = load_error(replace(kPopulation, c.from, c.to));
    const std::string what = e.what();
    EXPECT_NE(what.find("test.yaml:"), std::string::npos) << what;
    EXPECT_NE(what.find(c.where), std::string::npos) << c.to << " -> " << what;
    EXPECT_NE(what.find(c.text), std::string::npos) << c.to << " -> " << what;
  }
}

TEST(PopulationScenario, OneAndTwoThreadsGiveBitIdenticalResults) {
  const Scenario s = load_scenario_text(kPopulation, "test.yaml");
  const auto subject = [&s](std::size_t k) { return s.subject(k); };
  const auto one = simulation::simulate_all(s.model, s.options, s.subject_count(), subject, 1);
  const auto two = simulation::simulate_all(s.model, s.options, s.subject_count(), subject, 2);
  ASSERT_EQ(one.size(), 20u);
  ASSERT_EQ(two.size(), 20u);
  for (std::size_t k = 0; k < one.size(); ++k) {
    EXPECT_EQ(one[k].id, static_cast<double>(k + 1));
    EXPECT_EQ(two[k].id, one[k].id);
    EXPECT_EQ(one[k].status, simulation::SubjectStatus::kSuccess);
    ASSERT_EQ(one[k].outputs.size(), two[k].outputs.size());
    ASSERT_FALSE(one[k].outputs.empty());
    EXPECT_EQ(std::memcmp(one[k].outputs.data(), two[k].outputs.data(),
                          one[k].outputs.size() * sizeof(double)),
              0)
        << "patient " << k + 1;
    EXPECT_EQ(one[k].times, two[k].times);
  }
  // Patients differ (their parameters and doses do).
  EXPECT_NE(one[0].outputs[3], one[1].outputs[3]);
}

TEST(PopulationScenario, DataSetsCannotBeCombinedWithAPopulation) {
  const std::string yaml = R"(model: one_cmt_oral
data: doses.csv
population: {size: 3}
)";
  const InputError e = load_error(yaml);
  EXPECT_NE(std::string(e.what()).find("field 'population'"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace smartnano::scenario
