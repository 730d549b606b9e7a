#include "smartnano/scenario/scenario.h"
#include "smartnano/core/text.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/yaml_input.h"
#include "scenario/default_scenario.h"
#include "scenario/population_scenario.h"
#include "scenario/triggers_section.h"
#include "smartnano/carrier/carrier_design.h"
#include "smartnano/events/dataset.h"
#include "smartnano/sbml/sbml_import.h"
#include "smartnano/simulation/dataset_binding.h"

namespace smartnano::scenario {

namespace fs = std::filesystem;
using model::YamlInput;

double mosteller_bsa_m2(double weight_kg, double height_cm) {
  // Mosteller RD. Simplified calculation of body-surface area. N Engl J Med 1987;317:1098.
  return std::sqrt(weight_kg * height_cm / 3600.0);
}

double quantity_in(const YamlInput& at, const units::Unit& unit, const std::string& what) {
  const units::Quantity q = at.as_quantity();
  if (q.unit.dimensionless() && q.unit.scale == 1.0 && !unit.dimensionless()) {
    return q.value;  // a bare number is already in the expected unit
  }
  try {
    return q.in(unit);
  } catch (const units::UnitError& e) {
    at.fail(fmt::format("{}: {}", what, e.what()));
  }
}

namespace {

std::string resolve(const std::string& path, const std::string& scenario_file) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  const fs::path base = fs::path(scenario_file).parent_path();
  const fs::path candidate = base / path;
  return fs::exists(candidate) || path.find('/') != std::string::npos || path.ends_with(".yaml") ||
                 path.ends_with(".csv") || sbml::is_sbml_path(path)
             ? candidate.string()
             : path;
}

void read_solver(const YamlInput& at, simulation::SimulationOptions& o) {
  at.expect_keys({"relative_tolerance", "absolute_tolerance", "max_steps", "max_order", "max_step",
                  "jacobian", "steady_state_relative_tolerance", "steady_state_absolute_tolerance",
                  "steady_state_max_intervals", "record_states"});
  auto& i = o.integrator;
  if (at.has("relative_tolerance")) i.relative_tolerance = at["relative_tolerance"].as_double();
  if (at.has("absolute_tolerance")) i.absolute_tolerance = at["absolute_tolerance"].as_double();
  if (at.has("max_steps")) i.max_steps = at["max_steps"].as_integer();
  if (at.has("max_order")) i.max_order = static_cast<int>(at["max_order"].as_integer());
  if (at.has("max_step")) i.max_step = at["max_step"].as_double();
  if (at.has("jacobian")) {
    const std::string j = at["jacobian"].as_string();
    const std::vector<std::string> allowed = {"auto", "analytic", "finite-difference"};
    if (j == "auto")
      i.jacobian = solver::JacobianMode::kAuto;
    else if (j == "analytic")
      i.jacobian = solver::JacobianMode::kAnalytic;
    else if (j == "finite-difference")
      i.jacobian = solver::JacobianMode::kFiniteDifference;
    else
      at["jacobian"].fail(fmt::format("'{}' is not one of auto, analytic, finite-difference{}", j,
                                      did_you_mean(j, allowed)));
  }
  if (at.has("steady_state_relative_tolerance")) {
    o.steady_state_relative_tolerance = at["steady_state_relative_tolerance"].as_double();
  }
  if (at.has("steady_state_absolute_tolerance")) {
    o.steady_state_absolute_tolerance = at["steady_state_absolute_tolerance"].as_double();
  }
  if (at.has("steady_state_max_intervals")) {
    o.steady_state_max_intervals = static_cast<int>(at["steady_state_max_intervals"].as_integer());
  }
  if (at.has("record_states")) o.record_states = at["record_states"].as_bool();
  const auto problems = o.validate();
  if (!problems.empty()) at.fail(problems.front());
}

std::vector<double> observation_times(const YamlInput& at, const units::Unit& time_unit) {
  std::vector<double> times;
  if (at.is_sequence()) {
    for (const auto& item : at.items()) times.push_back(quantity_in(item, time_unit, "time"));
  } else {
    at.expect_keys({"from", "to", "every", "times"});
    if (at.has("times")) return observation_times(at["times"], time_unit);
    const double from = at.has("from") ? quantity_in(at["from"], time_unit, "from") : 0.0;
    const double to = quantity_in(at["to"], time_unit, "to");
    const double every = quantity_in(at["every"], time_unit, "every");
    if (!(every > 0)) at["every"].fail("must be > 0");
    if (!(to >= from)) at["to"].fail("must not be before 'from'");
    const long n = static_cast<long>(std::floor((to - from) / every * (1 + 1e-12)));
    if (n > 10'000'000) at.fail("more than 10 million observation times");
    for (long k = 0; k <= n; ++k) times.push_back(from + k * every);
  }
  for (std::size_t k = 1; k < times.size(); ++k) {
    if (times[k] < times[k - 1]) at.fail("observation times must not decrease");
  }
  return times;
}

OutputSpec read_output(const YamlInput& at, const model::Model& m) {
  at.expect_keys({"profiles", "summaries", "plots", "plot_scale"});
  OutputSpec spec;
  if (at.has("profiles")) spec.profiles = at["profiles"].as_bool();
  if (at.has("plots")) {
    const YamlInput list = at["plots"];
    if (!list.is_sequence() || list.items().empty()) list.fail("plots is a list of output names");
    std::vector<std::string> names;
    for (const auto& o : m.outputs()) names.push_back(o.name);
    for (const auto& item : list.items()) {
      const int o = m.output_index(item.as_string());
      if (o < 0) {
        item.fail(fmt::format("model '{}' has no output '{}'{}", m.name(), item.as_string(),
                              did_you_mean(item.as_string(), names)));
      }
      spec.plots.push_back(o);
    }
  }
  if (at.has("plot_scale")) {
    const std::string scale = at["plot_scale"].as_string();
    if (scale != "log" && scale != "linear") at["plot_scale"].fail("plot_scale is linear or log");
    spec.plot_log_y = scale == "log";
  }
  if (!spec.profiles && !at.has("summaries") && spec.plots.empty()) {
    at.fail("with profiles: false, give summaries (otherwise the run would write no results)");
  }
  if (!at.has("summaries")) return spec;
  std::vector<std::string> outputs;
  for (const auto& o : m.outputs()) outputs.push_back(o.name);
  const std::vector<std::pair<std::string, SummaryStatistic>> statistics = {
      {"cmax", SummaryStatistic::kCmax},
      {"tmax", SummaryStatistic::kTmax},
      {"cmin", SummaryStatistic::kCmin},
      {"auc", SummaryStatistic::kAuc},
      {"final", SummaryStatistic::kFinal}};
  std::vector<std::string> statistic_names;
  for (const auto& [name, _] : statistics) statistic_names.push_back(name);
  for (const auto& [name, list] : at["summaries"].entries()) {
    const auto found = std::find(outputs.begin(), outputs.end(), name);
    if (found == outputs.end()) {
      list.fail(fmt::format("model '{}' has no output '{}'{} (outputs: {})", m.name(), name,
                            did_you_mean(name, outputs), fmt::join(outputs, ", ")));
    }
    const int output = static_cast<int>(found - outputs.begin());
    const auto add = [&](const YamlInput& item) {
      const std::string stat = item.as_string();
      for (const auto& [statistic_name, statistic] : statistics) {
        if (stat == statistic_name) {
          spec.summaries.push_back({output, statistic, name + "_" + stat});
          return;
        }
      }
      item.fail(fmt::format("'{}' is not one of {}{}", stat, fmt::join(statistic_names, ", "),
                            did_you_mean(stat, statistic_names)));
    };
    if (list.is_sequence()) {
      for (const auto& item : list.items()) add(item);
    } else {
      add(list);
    }
  }
  if (spec.summaries.empty()) at["summaries"].fail("name at least one output and statistic");
  return spec;
}

// FNV-1a, 64 bit: a stable digest (std::hash may differ between builds).
std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (const unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The scenario's carrier design: its PK factors multiply the model parameters the model file
// links to them, except parameters the scenario sets explicitly (those win).
void apply_carrier(const YamlInput& at, const model::Model& m, const std::vector<bool>& overridden,
                   Scenario& s) {
  const auto& links = m.carrier_links();
  if (!links.present()) {
    at.fail(
        fmt::format("model '{}' does not say how a carrier design acts on it (no 'carrier:' "
                    "section in the model file)",
                    m.name()));
  }
  at.expect_keys({"diameter", "pdi", "zeta_potential", "peg_mol_percent", "ligand_mol_percent",
                  "release_half_life", "drug_loading", "encapsulation_efficiency"});
  carrier::CarrierDesign d;
  const units::Unit nm = units::parse_unit("nm"), h = units::parse_unit("h");
  if (at.has("diameter")) d.hydrodynamic_diameter_nm = quantity_in(at["diameter"], nm, "diameter");
  if (at.has("pdi")) d.polydispersity_index = at["pdi"].as_double();
  if (at.has("zeta_potential")) {
    d.zeta_potential_mV =
        quantity_in(at["zeta_potential"], units::parse_unit("mV"), "zeta potential");
  }
  if (at.has("peg_mol_percent")) d.peg_mol_percent = at["peg_mol_percent"].as_double();
  if (at.has("ligand_mol_percent")) d.ligand_mol_percent = at["ligand_mol_percent"].as_double();
  if (at.has("release_half_life")) {
    d.release_half_life_h = quantity_in(at["release_half_life"], h, "release half-life");
  }
  if (at.has("drug_loading")) d.drug_loading_w_w = at["drug_loading"].as_double();
  if (at.has("encapsulation_efficiency")) {
    d.encapsulation_efficiency = at["encapsulation_efficiency"].as_double();
  }
  try {
    s.carrier_factors = carrier::pk_factors(d);
  } catch (const std::invalid_argument& e) {
    at.fail(e.what());
  }
  s.carrier_design = d;
  for (const auto& [factor, parameters] : links.factors) {
    const double f = carrier::pk_factor(s.carrier_factors, factor);
    for (int i : parameters) {
      if (!overridden[i]) s.parameters[i] *= f;
    }
  }
}

// One `dosing:` entry, checked; expanded per subject by SubjectRecipe::make.
struct DoseItem {
  events::Regimen regimen;
  double start = 0.0;
  int state = 0;
  SourceLocation dose_at;  // the `dose:` field, for errors found when expanding it
};

DoseItem read_dose_item(const YamlInput& item, const model::Model& m) {
  item.expect_keys({"dose", "into", "start"});
  int state = m.default_dose_state();
  if (item.has("into")) {
    state = m.state_index(item["into"].as_string());
    if (state < 0) {
      std::vector<std::string> names;
      for (const auto& st : m.states()) names.push_back(st.name);
      item["into"].fail(fmt::format("'{}' is not a state of model '{}'{}", item["into"].as_string(),
                                    m.name(), did_you_mean(item["into"].as_string(), names)));
    }
  }
  const double start = item.has("start") ? quantity_in(item["start"], m.time_unit(), "start") : 0.0;
  try {
    return DoseItem{events::parse_regimen(item["dose"].as_string()), start, state,
                    item["dose"].where()};
  } catch (const std::invalid_argument& e) {
    item["dose"].fail(e.what());
  }
}

// A model covariate (`covariates: {WT: weight}`) or parameter (`parameters: {BW: weight}`)
// that takes the subject's own body size.
struct BodyCovariate {
  int covariate = 0;    // the covariate's or the parameter's index
  bool weight = true;   // false: body surface area
  double factor = 1.0;  // kg (or m2) to the covariate's unit
  SourceLocation at;
};

}  // namespace

// Everything needed to make a subject's records from its parameters, body size and
// covariates: the parsed regimens, the observation grid and the carrier split of doses. Holds
// no YAML, so subjects can be made on any thread long after the file was read.
struct SubjectRecipe {
  model::ModelPtr model;
  std::string file;
  std::vector<DoseItem> items;
  std::vector<double> times;
  std::vector<double> covariates;  // the scenario's values, one per model covariate
  std::vector<BodyCovariate> body_covariates;
  std::vector<BodyCovariate> body_parameters;
  bool split_encapsulated_dose = false;  // a carrier design: part of the dose is free drug
  double encapsulated_fraction = 1.0;
  std::shared_ptr<const triggers::Schedule> triggers;  // covariate courses added last

  // A subject's records: its doses (regimens expanded with its body size) merged with the
  // observation times, doses first at tied times (NONMEM order: the observation sees the dose).
  // `covariate_values` replaces the scenario's covariates where it is not NaN (may be empty).
  simulation::SubjectInput make(double id, const std::vector<double>& parameters,
                                const events::BodySize& body,
                                const std::vector<double>& covariate_values,
                                const std::string& who) const;

  // Sets the parameters that take the subject's body size.
  void apply_body_parameters(std::vector<double>& parameters, const events::BodySize& body,
                             const std::string& who) const;
};

// The body size a covariate or parameter takes, checked to be there.
double body_value(const BodyCovariate& b, const events::BodySize& body, const std::string& what,
                  const std::string& who) {
  const double value = b.weight ? body.weight_kg : body.bsa_m2;
  if (!(value > 0)) {
    throw InputError(b.at, fmt::format("{}{} takes the subject's {}, but the subject has none "
                                       "(give subject: weight{})",
                                       who, what, b.weight ? "weight" : "body surface area",
                                       b.weight ? "" : " and height, or bsa"));
  }
  return value * b.factor;
}

void SubjectRecipe::apply_body_parameters(std::vector<double>& parameters,
                                          const events::BodySize& body,
                                          const std::string& who) const {
  for (const auto& b : body_parameters) {
    parameters[static_cast<std::size_t>(b.covariate)] = body_value(
        b, body, fmt::format("parameter '{}'", model->parameters()[b.covariate].name), who);
  }
}

simulation::SubjectInput SubjectRecipe::make(double id, const std::vector<double>& parameters,
                                             const events::BodySize& body,
                                             const std::vector<double>& covariate_values,
                                             const std::string& who) const {
  const model::Model& m = *model;
  std::vector<double> values = covariates;
  for (std::size_t c = 0; c < covariate_values.size() && c < values.size(); ++c) {
    if (!std::isnan(covariate_values[c])) values[c] = covariate_values[c];
  }
  for (const auto& b : body_covariates) {
    values[b.covariate] =
        body_value(b, body, fmt::format("covariate '{}'", m.covariates()[b.covariate].name), who);
  }
  simulation::SubjectInput subject;
  subject.id = id;
  subject.source = file;
  subject.parameters = parameters;
  std::vector<events::Record> doses;
  for (const auto& item : items) {
    const int state = item.state;
    try {
      events::Record dose = events::expand_regimen(item.regimen, item.start, state + 1,
                                                   m.states()[state].unit, m.time_unit(), body);
      const auto& links = m.carrier_links();
      if (split_encapsulated_dose && state == links.encapsulated_state) {
        // The unencapsulated part of the dose is free drug from the start.
        events::Record free = dose;
        free.compartment = links.free_state + 1;
        const double ee = encapsulated_fraction;
        const double to_free =
            units::conversion_factor(m.states()[state].unit, m.states()[links.free_state].unit);
        dose.amount *= ee;
        dose.rate *= ee;
        free.amount *= (1 - ee) * to_free;
        free.rate *= (1 - ee) * to_free;
        doses.push_back(dose);
        if (free.amount > 0) doses.push_back(free);
      } else {
        doses.push_back(dose);
      }
    } catch (const std::invalid_argument& e) {
      throw InputError(item.dose_at, who + e.what());
    }
  }
  std::stable_sort(doses.begin(), doses.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
  std::size_t d = 0;
  subject.records.reserve(doses.size() + times.size());
  for (double t : times) {
    while (d < doses.size() && doses[d].time <= t) subject.records.push_back(doses[d++]);
    events::Record obs;
    obs.time = t;
    subject.records.push_back(obs);
  }
  while (d < doses.size()) subject.records.push_back(doses[d++]);
  subject.covariates.reserve(subject.records.size() * values.size());
  for (std::size_t r = 0; r < subject.records.size(); ++r) {
    subject.covariates.insert(subject.covariates.end(), values.begin(), values.end());
  }
  if (triggers) triggers->apply(subject);
  return subject;
}

// A population's patients, made on demand: patient k is sampled and its records expanded
// only when asked for, so a run of a million patients never holds them all.
class SubjectGenerator {
 public:
  SubjectGenerator(population::PopulationSampler sampler, SubjectRecipe recipe,
                   events::BodySize default_body, double default_height_cm)
      : sampler_(std::move(sampler)),
        recipe_(std::move(recipe)),
        default_body_(default_body),
        default_height_cm_(default_height_cm) {}

  std::size_t size() const { return static_cast<std::size_t>(sampler_.size()); }
  const population::PopulationSampler& sampler() const { return sampler_; }

  SubjectDescription describe(std::size_t index) const {
    population::PatientSample patient = sampler_.sample(static_cast<long>(index));
    SubjectDescription d;
    d.id = patient.id;
    d.body = default_body_;
    if (patient.weight_kg > 0) d.body.weight_kg = patient.weight_kg;
    const double height = patient.height_cm > 0 ? patient.height_cm : default_height_cm_;
    if ((patient.weight_kg > 0 || patient.height_cm > 0) && d.body.weight_kg > 0 && height > 0) {
      d.body.bsa_m2 = mosteller_bsa_m2(d.body.weight_kg, height);
    }
    if (patient.bsa_m2 > 0) d.body.bsa_m2 = patient.bsa_m2;  // given (a patients file's BSA)
    d.parameters = std::move(patient.parameters);
    recipe_.apply_body_parameters(d.parameters, d.body, fmt::format("patient {}: ", d.id));
    d.eta = std::move(patient.eta);
    d.reported = std::move(patient.reported);
    d.covariates = std::move(patient.model_covariates);
    return d;
  }

  simulation::SubjectInput subject(std::size_t index, SubjectDescription& d) const {
    d = describe(index);
    return recipe_.make(d.id, d.parameters, d.body, d.covariates,
                        fmt::format("patient {}: ", d.id));
  }

 private:
  population::PopulationSampler sampler_;
  SubjectRecipe recipe_;
  events::BodySize default_body_;
  double default_height_cm_ = 0.0;
};

std::size_t Scenario::subject_count() const {
  return generator ? generator->size() : subjects.size();
}

simulation::SubjectInput Scenario::subject(std::size_t index) const {
  SubjectDescription unused;
  return subject(index, unused);
}

simulation::SubjectInput Scenario::subject(std::size_t index, SubjectDescription& described) const {
  if (generator) {
    if (index >= generator->size()) {
      throw std::out_of_range(
          fmt::format("subject index {} of a population of {}", index, generator->size()));
    }
    return generator->subject(index, described);
  }
  described = describe_subject(index);
  return subjects.at(index);
}

simulation::SubjectInput Scenario::draw_patient(std::size_t index,
                                                SubjectDescription& described) const {
  if (!generator || (population->patients && index >= generator->size())) {
    throw std::out_of_range(
        fmt::format("patient index {} of {}", index,
                    generator ? "a patients file of " + std::to_string(generator->size())
                              : std::string("a scenario without a population")));
  }
  return generator->subject(index, described);
}

SubjectDescription Scenario::describe_subject(std::size_t index) const {
  if (generator) return generator->describe(index);
  const simulation::SubjectInput& in = subjects.at(index);
  SubjectDescription d;
  d.id = in.id;
  d.body = body;
  d.parameters = in.parameters.empty() ? parameters : in.parameters;
  return d;
}

std::vector<std::string> Scenario::eta_names() const {
  std::vector<std::string> names;
  if (population) {
    for (const auto& v : population->variability) names.push_back("ETA_" + v.parameter);
  }
  return names;
}

std::vector<std::string> Scenario::reported_names() const {
  return generator ? generator->sampler().reported_names() : std::vector<std::string>{};
}

Scenario load_scenario_text(const std::string& yaml, const std::string& file) {
  const YamlInput root = YamlInput::parse(yaml, file);
  if (!root.is_map()) root.fail("a scenario file is a map with keys model, dosing, observe, ...");
  root.expect_keys({"scenario", "description", "model", "parameters", "covariates", "subject",
                    "carrier", "population", "dosing", "data", "observe", "solver", "output",
                    "trial", "screen", "triggers", "optimise"});
  Scenario s;
  s.file = file;
  s.name = root.has("scenario") ? root["scenario"].as_string() : fs::path(file).stem().string();
  if (root.has("description")) s.description = root["description"].as_string();
  try {
    // A path to an SBML file (.xml) is imported (docs/sbml.md); anything else is a model file
    // or a built-in model's name.
    const std::string model = resolve(root["model"].as_string(), file);
    s.model = sbml::is_sbml_path(model) ? sbml::load_sbml_model(model) : model::load_model(model);
  } catch (const InputError& e) {
    if (!e.where().file.empty()) throw;
    throw InputError(root["model"].where(), e.message());
  }
  const model::Model& m = *s.model;
  for (const auto& p : m.parameters()) s.parameters.push_back(p.value);
  std::vector<bool> overridden(m.parameters().size(), false);
  std::vector<BodyCovariate> body_parameters;
  if (root.has("parameters")) {
    std::vector<std::string> names;
    for (const auto& p : m.parameters()) names.push_back(p.name);
    for (const auto& [name, value] : root["parameters"].entries()) {
      const int i = m.parameter_index(name);
      if (i < 0) {
        value.fail(fmt::format("model '{}' has no parameter '{}'{}", m.name(), name,
                               did_you_mean(name, names)));
      }
      overridden[i] = true;
      if (value.is_scalar() && (value.as_string() == "weight" || value.as_string() == "bsa")) {
        // The parameter follows each subject's own body size (e.g. BW in a PBPK model).
        const bool weight = value.as_string() == "weight";
        try {
          body_parameters.push_back(
              {i, weight,
               units::conversion_factor(units::parse_unit(weight ? "kg" : "m2"),
                                        m.parameters()[i].unit),
               value.where()});
        } catch (const units::UnitError& e) {
          value.fail(fmt::format("parameter '{}' cannot take the subject's {}: {}", name,
                                 value.as_string(), e.what()));
        }
        continue;
      }
      s.parameters[i] = quantity_in(value, m.parameters()[i].unit, "parameter " + name);
    }
  }
  if (root.has("carrier")) apply_carrier(root["carrier"], m, overridden, s);
  // Values the model is not defined for (a negative rate or cell count) are refused here,
  // where the scenario sets them, not discovered by the solver.
  for (std::size_t i = 0; i < s.parameters.size(); ++i) {
    const auto& spec = m.parameters()[i];
    if (!spec.bounds) continue;
    const double v = s.parameters[i];
    if (v >= spec.bounds->first && v <= spec.bounds->second) continue;
    const std::string message = fmt::format(
        "parameter '{}' = {} {} is outside the values model '{}' is defined for, [{}, {}]{}",
        spec.name, v, spec.unit.text, m.name(), spec.bounds->first, spec.bounds->second,
        overridden[i] ? "" : " (after the carrier design's factors)");
    if (overridden[i]) root["parameters"][spec.name].fail(message);
    (root.has("carrier") ? root["carrier"] : root).fail(message);
  }
  std::vector<double> covariates;
  for (const auto& c : m.covariates()) covariates.push_back(c.default_value.value_or(NAN));
  std::vector<BodyCovariate> body_covariates;
  if (root.has("covariates")) {
    std::vector<std::string> names;
    for (const auto& c : m.covariates()) names.push_back(c.name);
    for (const auto& [name, value] : root["covariates"].entries()) {
      const int i = m.covariate_index(name);
      if (i < 0) {
        value.fail(fmt::format("model '{}' has no covariate '{}'{}", m.name(), name,
                               did_you_mean(name, names)));
      }
      if (value.is_scalar() && (value.as_string() == "weight" || value.as_string() == "bsa")) {
        const bool weight = value.as_string() == "weight";
        const units::Unit& to = m.covariates()[i].unit;
        try {
          body_covariates.push_back(
              {i, weight, units::conversion_factor(units::parse_unit(weight ? "kg" : "m2"), to),
               value.where()});
        } catch (const units::UnitError& e) {
          value.fail(fmt::format("covariate '{}' cannot take the subject's {}: {}", name,
                                 value.as_string(), e.what()));
        }
        covariates[i] = 0.0;  // set per subject
        continue;
      }
      covariates[i] = quantity_in(value, m.covariates()[i].unit, "covariate " + name);
    }
  }
  double height_cm = 0.0;  // 0 = not given
  if (root.has("subject")) {
    const YamlInput subject = root["subject"];
    subject.expect_keys({"weight", "height", "bsa"});
    if (subject.has("weight"))
      s.body.weight_kg = quantity_in(subject["weight"], units::parse_unit("kg"), "weight");
    if (subject.has("height")) {
      height_cm = quantity_in(subject["height"], units::parse_unit("cm"), "height");
    }
    if (subject.has("bsa")) {
      s.body.bsa_m2 = quantity_in(subject["bsa"], units::parse_unit("m2"), "bsa");
    } else if (subject.has("height") && subject.has("weight")) {
      s.body.bsa_m2 = mosteller_bsa_m2(s.body.weight_kg, height_cm);
    }
    if (s.body.weight_kg < 0 || s.body.bsa_m2 < 0) subject.fail("body size must be positive");
  }
  if (root.has("solver")) read_solver(root["solver"], s.options);
  if (root.has("output")) s.output = read_output(root["output"], m);
  {
    std::uint64_t h = fnv1a(yaml);
    h = fnv1a(m.name(), h);
    for (const auto& st : m.states()) h = fnv1a(st.name, h);
    for (const double p : s.parameters) {
      h = fnv1a(std::string_view(reinterpret_cast<const char*>(&p), sizeof p), h);
    }
    s.fingerprint = fmt::format("{:016x}", h);
  }

  if (root.has("data")) {
    if (!body_parameters.empty()) {
      root["parameters"].fail(
          "a parameter takes the subject's body size in regimen scenarios; a data set gives "
          "body size as a covariate column");
    }
    if (root.has("dosing") || root.has("observe")) {
      root["data"].fail("give either a data set or dosing and observe, not both");
    }
    if (root.has("population")) {
      root["population"].fail(
          "a population is sampled for regimen scenarios (dosing and observe); a data set "
          "brings its own subjects");
    }
    s.data_file = resolve(root["data"].as_string(), file);
    try {
      s.subjects = simulation::bind_dataset(events::read_nonmem_csv(s.data_file), m);
    } catch (const InputError& e) {
      if (e.where().line > 0) throw;
      throw InputError(root["data"].where(), e.what());
    }
    for (auto& subject : s.subjects) subject.parameters = s.parameters;
    return s;
  }
  for (std::size_t c = 0; c < covariates.size(); ++c) {
    if (std::isnan(covariates[c])) {
      root.fail(
          fmt::format("model covariate '{}' has no default: give it under 'covariates' or "
                      "use a data set",
                      m.covariates()[c].name));
    }
  }
  // The regimens are parsed once and expanded per subject (per-kg and per-m2 doses use each
  // subject's own body size).
  std::vector<DoseItem> items;
  if (root.has("dosing")) {
    for (const auto& item : root["dosing"].items()) items.push_back(read_dose_item(item, m));
  }
  const std::vector<double> times = root.has("observe")
                                        ? observation_times(root["observe"], m.time_unit())
                                        : std::vector<double>{};
  // A trial's arms bring their own dosing and observation times (trial/trial.h).
  if (items.empty() && times.empty() && !root.has("trial")) {
    root.fail("nothing to simulate: give dosing and observe, or data");
  }
  SubjectRecipe recipe;
  recipe.model = s.model;
  recipe.file = s.file;
  recipe.items = std::move(items);
  recipe.times = times;
  recipe.covariates = std::move(covariates);
  recipe.body_covariates = std::move(body_covariates);
  recipe.body_parameters = std::move(body_parameters);
  recipe.split_encapsulated_dose = s.carrier_design.has_value();
  recipe.encapsulated_fraction = s.carrier_factors.encapsulated_fraction_of_dose;
  if (root.has("triggers")) {
    s.triggers = read_triggers(root["triggers"], m);
    recipe.triggers = s.triggers;
  }
  if (!root.has("population")) {
    recipe.apply_body_parameters(s.parameters, s.body, "");
    s.subjects.push_back(recipe.make(1, s.parameters, s.body, {}, ""));
    return s;
  }
  // The typical values follow the `subject:` body size where there is one.
  for (const auto& b : recipe.body_parameters) {
    const double value = b.weight ? s.body.weight_kg : s.body.bsa_m2;
    if (value > 0) s.parameters[static_cast<std::size_t>(b.covariate)] = value * b.factor;
  }
  population::PopulationSampler sampler =
      make_population_sampler(root["population"], m, s.parameters, s.carrier_design);
  s.population = sampler.spec();
  for (const auto& b : recipe.body_parameters) {
    const std::string& name = m.parameters()[b.covariate].name;
    for (const auto& v : s.population->variability) {
      if (v.parameter == name) {
        throw InputError(b.at, fmt::format("parameter '{}' takes the subject's body size, so "
                                           "it cannot also have variability",
                                           name));
      }
    }
  }
  s.generator = std::make_shared<const SubjectGenerator>(std::move(sampler), std::move(recipe),
                                                         s.body, height_cm);
  // Patients are made when simulated; making the first now reports what would fail for every
  // patient (a per-m2 dose without a height, ...) while the file is being read.
  s.subject(0);
  return s;
}

std::string to_string(SummaryStatistic statistic) {
  switch (statistic) {
    case SummaryStatistic::kCmax:
      return "cmax";
    case SummaryStatistic::kTmax:
      return "tmax";
    case SummaryStatistic::kCmin:
      return "cmin";
    case SummaryStatistic::kAuc:
      return "auc";
    case SummaryStatistic::kFinal:
      return "final";
  }
  return "?";
}

Scenario load_scenario_file(const std::string& path) {
  return load_scenario_text(read_text_file(path, "scenario file"), path);
}

Scenario load_default_scenario() {
  return load_scenario_text(default_scenario_text(), "scenarios/default.yaml (built in)");
}

}  // namespace smartnano::scenario
