// Scenario files: what to simulate, written by the user in YAML (docs/scenario-file.md).
//
// A scenario names a model (built-in or a file), overrides parameters with units, describes the
// subject (weight, height or BSA for per-kg and per-m2 doses), gives doses as regimens
// ("50 mg/m2 every 28 days x 6, 1 h infusion") or a NONMEM-style data set, an observation grid
// and solver settings. A `population:` section turns the one subject into a virtual population:
// one subject per patient, with its own sampled parameters, body size and doses
// (docs/population.md). Loading checks everything, naming file, line and field.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smartnano/carrier/carrier_design.h"
#include "smartnano/events/regimen.h"
#include "smartnano/model/model.h"
#include "smartnano/population/population.h"
#include "smartnano/simulation/subject_simulator.h"
#include "smartnano/triggers/triggers.h"

namespace smartnano::scenario {

// What subjects.csv says of a subject besides its records.
struct SubjectDescription {
  double id = 0.0;
  events::BodySize body;
  std::vector<double> parameters;  // every model parameter as simulated, in the model's units
  std::vector<double> eta;         // one per population variability entry (none without one)
  std::vector<double> reported;    // aligned with Scenario::reported_names()
  std::vector<double> covariates;  // model covariates the population sets (NaN: not set)
};

// A per-subject summary of one model output over the subject's observation rows.
enum class SummaryStatistic {
  kCmax,   // the largest value
  kTmax,   // the time of the first largest value
  kCmin,   // the smallest value
  kAuc,    // area under the output-time curve by the linear trapezoidal rule
  kFinal,  // the value at the last observation
};
struct OutputSummary {
  int output = 0;  // model output index
  SummaryStatistic statistic = SummaryStatistic::kCmax;
  std::string column;  // e.g. "C_LIP_cmax"
};

// The scenario's `output:` section: which files a run writes.
struct OutputSpec {
  bool profiles = true;                  // results.csv: every observation row of every subject
  std::vector<OutputSummary> summaries;  // subject_summaries.csv: one row per subject
  // profile_<OUTPUT>.svg: the time course of each of these outputs (model output indices) for
  // the first subjects (at most kPlottedSubjects).
  std::vector<int> plots;
  bool plot_log_y = false;
};
inline constexpr std::size_t kPlottedSubjects = 12;

std::string to_string(SummaryStatistic statistic);

class SubjectGenerator;  // a population's patients, made on demand (scenario.cpp)

struct Scenario {
  std::string name;
  std::string description;
  std::string file;  // where it was read from
  model::ModelPtr model;
  std::vector<double> parameters;  // every model parameter, in the model's units (typical
                                   // values of a population)
  events::BodySize body;           // the `subject:` section (a population's default)
  // The subjects of a scenario without a population: its one subject, or a data set's. Empty
  // for a population, whose patients are made on demand by subject(k).
  std::vector<simulation::SubjectInput> subjects;
  // The `population:` section (absent without one) and the maker of its patients.
  std::optional<population::PopulationSpec> population;
  std::shared_ptr<const SubjectGenerator> generator;
  std::string data_file;  // "" when doses come from regimens
  simulation::SimulationOptions options;
  OutputSpec output;
  // A digest of what determines the results (scenario text, model, parameters, subjects), so a
  // resumed run can check it continues the same work.
  std::string fingerprint;
  // The scenario's `carrier:` design and what it did to the model (absent without one).
  std::optional<carrier::CarrierDesign> carrier_design;
  carrier::PkFactors carrier_factors;
  // The `triggers:` section (priming and local triggers, docs/triggers.md): covariate courses
  // added to every subject's records. Null without one.
  std::shared_ptr<const triggers::Schedule> triggers;

  // Subjects of any scenario, population or not: how many, and subject `index` (0-based),
  // made on demand. Both are const and thread-safe; a population's patient k is a pure
  // function of (seed, k), so it can be made on any thread, process or chunk.
  std::size_t subject_count() const;
  simulation::SubjectInput subject(std::size_t index) const;
  SubjectDescription describe_subject(std::size_t index) const;
  // Both at once: a patient is sampled once, not once for each.
  simulation::SubjectInput subject(std::size_t index, SubjectDescription& description) const;
  // Patient `index` of a sampled population beyond its `size` (a trial screens as many as it
  // needs); for a patients file the index must be one of its rows. Throws std::out_of_range
  // otherwise, and for a scenario without a population.
  simulation::SubjectInput draw_patient(std::size_t index, SubjectDescription& description) const;
  // Column names of describe_subject's eta ("ETA_CL", ...) and reported values.
  std::vector<std::string> eta_names() const;
  std::vector<std::string> reported_names() const;
};

// Throws InputError naming file, line and field for anything wrong. Relative paths (model,
// data) are read relative to the scenario file's folder.
Scenario load_scenario_file(const std::string& path);
Scenario load_scenario_text(const std::string& yaml, const std::string& file);

// The scenario `smartnano run` uses when given none (scenarios/default.yaml, built in).
Scenario load_default_scenario();

// Body surface area from weight and height (Mosteller 1987).
double mosteller_bsa_m2(double weight_kg, double height_cm);

}  // namespace smartnano::scenario
