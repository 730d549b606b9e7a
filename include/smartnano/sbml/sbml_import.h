// SBML import: a Level 2 or 3 SBML model read into the engine's own model representation.
//
// The importer writes an equivalent model file (YAML, docs/model-file.md) and loads it the way
// every model loads, so an SBML model can be used wherever a model can: a scenario's `model:`
// naming a .xml file, `smartnano import sbml FILE.xml -o model.yaml` for a file to `extends:`
// with your own PD. Compartments, species in amount or concentration (hasOnlySubstanceUnits,
// boundaryCondition, constant), parameters, reactions with kinetic laws and local parameters,
// assignment, rate and initial assignments, function definitions (inlined) and events without
// delay are supported; docs/sbml.md gives the mapping and the SBML Test Suite pass rate.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "smartnano/core/error.h"
#include "smartnano/model/model.h"

namespace smartnano::sbml {

// How a requested output reports a quantity. For a species, kAmount and kConcentration ask
// for the amount or amount / compartment size whatever the species is declared in; kValue is
// the value of the id as SBML mathematics reads it (a species' concentration, or its amount
// when hasOnlySubstanceUnits).
enum class Quantity { kValue, kAmount, kConcentration };

struct OutputRequest {
  std::string id;  // an SBML id: species, parameter, compartment or reaction (its rate)
  Quantity quantity = Quantity::kValue;
};

struct SbmlImportOptions {
  // The model's outputs, in order. Empty: every species in its own declared form (amount or
  // concentration), then every parameter or compartment that rules or events change.
  std::vector<OutputRequest> outputs;

  // Problems with these options (an empty id), one message each; empty when valid.
  std::vector<std::string> validate() const;
};

// The result of an import: the model file's text and how SBML ids map onto engine names.
struct SbmlImport {
  std::string model_name;
  std::string yaml;  // an equivalent smartnano model file
  // The engine name of every SBML id that was renamed (an id the engine reserves, such as `t`,
  // or a local parameter, which becomes `<reaction>_<id>`).
  std::map<std::string, std::string> renamed;
  std::vector<std::string> output_names;  // one per output, in order
  std::string time_unit;                  // the model's time unit, as the engine writes it
};

// The SBML file uses features the engine does not support (algebraic rules, delays, event
// priorities, fast reactions, ...). what() lists them all; features() has one per entry.
class UnsupportedSbml : public InputError {
 public:
  UnsupportedSbml(SourceLocation where, std::vector<std::string> features);
  const std::vector<std::string>& features() const { return features_; }

 private:
  std::vector<std::string> features_;
};

// Reads and translates an SBML file. Throws InputError listing every error libSBML reports
// (file, line, message) and UnsupportedSbml listing every unsupported feature.
SbmlImport import_sbml_file(const std::string& path, const SbmlImportOptions& options = {});
// The same from the document's text; `file` names it in messages.
SbmlImport import_sbml_text(const std::string& xml, const std::string& file,
                            const SbmlImportOptions& options = {});

// Imports and loads the model (model::Model::load_text on the translated file).
model::ModelPtr load_sbml_model(const std::string& path, const SbmlImportOptions& options = {});

// True for a path that names an SBML file (ends in .xml or .sbml, any case).
bool is_sbml_path(const std::string& path);

}  // namespace smartnano::sbml
