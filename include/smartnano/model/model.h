// A model: parameters, covariates, states, derived quantities, ODEs, dose targets and outputs,
// read from a YAML model file (docs/model-file.md) and checked for names and units at load.
//
// A Model is immutable once loaded and shared by every thread; per-thread evaluation state
// lives in a ModelWorkspace (model_workspace.h). Built-in models ship as model files too
// (models/*.yaml, embedded in the program) and load through the same path.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "smartnano/core/error.h"
#include "smartnano/core/units.h"
#include "smartnano/expr/expression.h"
#include "smartnano/expr/program.h"

namespace smartnano::model {

struct ParameterSpec {
  std::string name;
  double value = 0.0;  // in `unit`
  units::Unit unit;
  std::string description;
  std::string source;                              // paper and table / figure / page
  std::optional<std::pair<double, double>> range;  // plausible range, same unit
  // Values the model is defined for (e.g. [0, .inf] for a rate or a cell count), same unit: a
  // scenario setting the parameter outside them is refused. Absent: no limit.
  std::optional<std::pair<double, double>> bounds;
  SourceLocation where;
};

// A value taken from the data set's column of the same name (time-varying: a record's value
// applies to the interval ending at that record, as in NONMEM).
struct CovariateSpec {
  std::string name;
  units::Unit unit;
  std::optional<double> default_value;  // used when the data set has no such column
  std::string description;
  SourceLocation where;
};

struct StateSpec {
  std::string name;
  units::Unit unit;
  expr::NodePtr initial;  // of parameters and covariates; constant 0 when not given
  std::string description;
  SourceLocation where;
};

struct DerivedSpec {
  std::string name;
  expr::NodePtr expression;       // with unit conversions inserted
  units::Unit unit;               // declared, or inferred
  bool depends_on_state = false;  // on a state or on t, directly or through other derived
  SourceLocation where;
};

// Per-compartment dosing attributes (NONMEM ALAGn, Fn, Rn, Dn); null when not modelled.
struct DoseTargetSpec {
  int state = 0;
  expr::NodePtr lag;              // model time unit
  expr::NodePtr bioavailability;  // dimensionless
  expr::NodePtr rate;             // state unit per time unit (RATE = -1)
  expr::NodePtr duration;         // time unit (RATE = -2)
  SourceLocation where;
};

struct OutputSpec {
  std::string name;
  expr::NodePtr expression;  // converted to `unit`
  units::Unit unit;
  std::string description;
  SourceLocation where;
};

// A state-triggered event (`events:` in the model file): when `trigger` goes from false to true
// during integration, every assignment's value is computed from the state at that moment, then
// all are made at once. CVODES locates the moment by root finding on the differences of the
// trigger's comparisons (`a < b` -> a - b), so it is found to the solver's precision, not to a
// step. A trigger already true at the start fires there only when `fire_at_start`.
struct EventSpec {
  std::string name;
  expr::NodePtr trigger;  // logical (1 or 0), of states, parameters, derived quantities and t
  bool fire_at_start = false;
  std::vector<std::pair<int, expr::NodePtr>> assignments;  // state -> new value in its unit
  SourceLocation where;
};

// How a carrier design (scenario `carrier:` section) acts on this model: each PK factor of the
// design multiplies the linked parameters; the encapsulated fraction of a dose goes to
// `encapsulated_state`, the rest to `free_state` (docs/models/carrier_design.md).
struct CarrierLinks {
  std::vector<std::pair<std::string, std::vector<int>>> factors;  // factor -> parameter indices
  int encapsulated_state = -1;
  int free_state = -1;
  SourceLocation where;
  bool present() const { return !factors.empty() || encapsulated_state >= 0; }
};

class Model;
void compile_programs(Model& model);

class Model {
 public:
  // Loads a model file. Throws InputError naming file, line and field for a YAML syntax
  // error, an unknown key (with a did-you-mean suggestion), a wrong type, a bad unit, a
  // dimension error in an expression, a name that is undefined or defined twice, or a cycle
  // among derived quantities.
  static std::shared_ptr<const Model> load_file(const std::string& path);
  static std::shared_ptr<const Model> load_text(const std::string& yaml, const std::string& file);

  const std::string& name() const { return name_; }
  // This model's name and those of the models it extends (`extends:`), nearest first.
  const std::vector<std::string>& lineage() const { return lineage_; }
  bool extends(std::string_view model_name) const;  // true for its own name too
  const std::string& description() const { return description_; }
  const std::string& file() const { return file_; }
  const units::Unit& time_unit() const { return time_unit_; }

  const std::vector<ParameterSpec>& parameters() const { return parameters_; }
  const std::vector<CovariateSpec>& covariates() const { return covariates_; }
  const std::vector<StateSpec>& states() const { return states_; }
  const std::vector<DerivedSpec>& derived() const { return derived_; }
  const std::vector<OutputSpec>& outputs() const { return outputs_; }
  const std::vector<DoseTargetSpec>& dose_targets() const { return dose_targets_; }
  int default_dose_state() const { return default_dose_state_; }
  const CarrierLinks& carrier_links() const { return carrier_links_; }
  // State-triggered events, in file order (the order in which simultaneous events assign).
  const std::vector<EventSpec>& events() const { return events_; }
  // Root functions that locate the events' trigger changes (one per comparison in a trigger).
  int root_count() const { return layout_.root_count; }

  int parameter_index(std::string_view name) const;  // -1 if none
  int covariate_index(std::string_view name) const;
  int state_index(std::string_view name) const;
  int output_index(std::string_view name) const;
  // The dose target spec of a state, or nullptr when its dosing is not modelled.
  const DoseTargetSpec* dose_target(int state) const;

  // Symbolic Jacobian entries (row, column) that are not identically zero.
  const std::vector<std::pair<int, int>>& jacobian_pattern() const { return jacobian_pattern_; }

  // Compiled programs over one slot layout (see ModelWorkspace).
  struct Programs {
    expr::Program parameters;  // state-independent derived quantities and initial values
    expr::Program rhs;         // state-dependent derived, then derivatives
    expr::Program jacobian;    // state-dependent derived, then Jacobian entries
    expr::Program outputs;     // state-dependent derived, then outputs
    expr::Program dosing;      // state-dependent derived, then dose attributes
    expr::Program roots;       // state-dependent derived, then event root functions
    expr::Program events;      // state-dependent derived, then triggers and assigned values
  };
  struct Layout {
    int time = 0;
    int states = 0, parameters = 0, covariates = 0, derived = 0;
    int derivatives = 0, jacobian = 0, outputs = 0, initial = 0, dosing = 0;
    int roots = 0, root_count = 0, triggers = 0, assigned = 0;  // events (after `dosing`)
    int named = 0;                                              // number of named slots
  };
  const Programs& programs() const { return programs_; }
  const Layout& layout() const { return layout_; }
  std::size_t memory_size() const { return memory_size_; }

 private:
  friend class ModelBuilder;
  friend void compile_programs(Model& model);
  Model() = default;

  std::string name_, description_, file_;
  std::vector<std::string> lineage_;
  units::Unit time_unit_;
  std::vector<ParameterSpec> parameters_;
  std::vector<CovariateSpec> covariates_;
  std::vector<StateSpec> states_;
  std::vector<DerivedSpec> derived_;
  std::vector<expr::NodePtr> odes_;  // one per state, in the state's unit per time unit
  std::vector<DoseTargetSpec> dose_targets_;
  std::vector<OutputSpec> outputs_;
  int default_dose_state_ = 0;
  CarrierLinks carrier_links_;
  std::vector<EventSpec> events_;
  std::vector<std::pair<int, int>> jacobian_pattern_;
  Programs programs_;
  Layout layout_;
  std::size_t memory_size_ = 0;
};

using ModelPtr = std::shared_ptr<const Model>;

// Names of the models shipped with the program (models/*.yaml).
std::vector<std::string> builtin_model_names();
// Loads a shipped model by name; throws InputError with a did-you-mean for an unknown name.
ModelPtr load_builtin_model(const std::string& name);
// A path to a model file, or the name of a shipped model.
ModelPtr load_model(const std::string& path_or_name);

}  // namespace smartnano::model
