// Scenario files: what to simulate, written by the user in YAML (docs/scenario-file.md).
//
// A scenario names a model (built-in or a file), overrides parameters with units, describes the
// subject (weight, height or BSA for per-kg and per-m2 doses), gives doses as regimens
// ("50 mg/m2 every 28 days x 6, 1 h infusion") or a NONMEM-style data set, an observation grid
// and solver settings. A `population:` section turns the one subject into a virtual population:
// one subject per patient, with its own sampled parameters, body size and doses
// (docs/population.md). Loading checks everything, naming file, line and field.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "smartnano/carrier/carrier_design.h"
#include "smartnano/events/regimen.h"
#include "smartnano/model/model.h"
#include "smartnano/population/population.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::scenario {

struct Scenario {
  std::string name;
  std::string description;
  std::string file;  // where it was read from
  model::ModelPtr model;
  std::vector<double> parameters;  // every model parameter, in the model's units (typical
                                   // values of a population)
  events::BodySize body;           // the `subject:` section (a population's default)
  std::vector<simulation::SubjectInput> subjects;  // from the regimens or the data set; one per
                                                   // patient (IDs 1..N) for a population
  // The `population:` section (absent without one) and each patient's body size, in the
  // order of `subjects`.
  std::optional<population::PopulationSpec> population;
  std::vector<events::BodySize> subject_bodies;
  std::string data_file;  // "" when doses come from regimens
  simulation::SimulationOptions options;
  // The scenario's `carrier:` design and what it did to the model (absent without one).
  std::optional<carrier::CarrierDesign> carrier_design;
  carrier::PkFactors carrier_factors;
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
