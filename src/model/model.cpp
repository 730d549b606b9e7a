#include "smartnano/model/model.h"
#include "smartnano/core/text.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/builtin_models.h"
#include "model/model_compile.h"
#include "model/unit_check.h"
#include "model/yaml_input.h"
#include "smartnano/carrier/carrier_design.h"

namespace smartnano::model {

using expr::NodePtr;

// Builds a Model from parsed model files: names, units, dependency order, compiled programs.
// `layers` is the chain of files, the model named by `extends:` first: every section is read from
// all layers in that order, so an extension adds names but cannot redefine the base's.
class ModelBuilder {
 public:
  explicit ModelBuilder(std::vector<YamlInput> layers)
      : layers_(std::move(layers)), root_(layers_.back()) {}

  std::shared_ptr<const Model> build() {
    auto m = std::shared_ptr<Model>(new Model());
    model_ = m.get();
    for (const auto& layer : layers_) {
      layer.expect_keys({"model", "extends", "description", "time_unit", "parameters", "covariates",
                         "states", "derived", "odes", "dosing", "outputs", "carrier", "events"});
    }
    model_->file_ = root_.file();
    model_->name_ = root_["model"].as_string();
    for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
      model_->lineage_.push_back((*it)["model"].as_string());
    }
    if (root_.has("description")) model_->description_ = root_["description"].as_string();
    const YamlInput& timed = layers_.front();
    model_->time_unit_ =
        timed.has("time_unit") ? timed["time_unit"].as_unit() : units::parse_unit("h");
    if (!(model_->time_unit_.dimension == units::Dimension::time())) {
      timed["time_unit"].fail(fmt::format("'{}' is not a unit of time", model_->time_unit_.text));
    }
    for (std::size_t i = 1; i < layers_.size(); ++i) {
      if (!layers_[i].has("time_unit")) continue;
      const units::Unit unit = layers_[i]["time_unit"].as_unit();
      if (unit.text != model_->time_unit_.text) {
        layers_[i]["time_unit"].fail(fmt::format(
            "'{}' differs from the time unit of the model it extends ('{}'); leave it out",
            unit.text, model_->time_unit_.text));
      }
    }
    read_parameters();
    read_covariates();
    read_states();
    read_derived();
    read_odes();
    read_dosing();
    read_outputs();
    read_carrier_links();
    read_events();
    compile_programs(*model_);
    return m;
  }

 private:
  // --- reading -------------------------------------------------------------------------
  bool has(const std::string& section) const {
    return std::any_of(layers_.begin(), layers_.end(),
                       [&](const YamlInput& layer) { return layer.has(section); });
  }

  // A section's entries from every layer, the base's first.
  std::vector<std::pair<std::string, YamlInput>> entries(const std::string& section) const {
    std::vector<std::pair<std::string, YamlInput>> all;
    for (const auto& layer : layers_) {
      if (!layer.has(section)) continue;
      const YamlInput node = layer[section];
      if (node.node().IsNull()) continue;
      auto some = node.entries();
      all.insert(all.end(), std::make_move_iterator(some.begin()),
                 std::make_move_iterator(some.end()));
    }
    return all;
  }

  // The layer that gives a section last (for messages about the section as a whole).
  YamlInput section_node(const std::string& section) const {
    for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
      if (it->has(section)) return (*it)[section];
    }
    return root_;
  }

  void claim_name(const std::string& name, const YamlInput& at) {
    static const std::regex kIdentifier("[A-Za-z_][A-Za-z0-9_]*");
    if (!std::regex_match(name, kIdentifier)) {
      at.fail(fmt::format(
          "'{}' is not a valid name (letters, digits, _; not starting with a digit)", name));
    }
    if (name == "t") at.fail("'t' is reserved for time");
    if (!defined_.insert(name).second) at.fail(fmt::format("'{}' is defined twice", name));
  }

  NodePtr parse_expression(const YamlInput& at) {
    const std::string text = at.as_string();
    try {
      return expr::parse(text);
    } catch (const expr::SyntaxError& e) {
      throw InputError(at.where_in_value(e.column() - 1),
                       fmt::format("in expression '{}': {}", text, e.what()));
    }
  }

  Annotated annotate(const NodePtr& node, const YamlInput& at) {
    try {
      return annotate_units(node, [this](const std::string& name) -> const units::Unit* {
        auto it = units_.find(name);
        return it == units_.end() ? nullptr : &it->second;
      });
    } catch (const std::invalid_argument& e) {
      std::string message = e.what();
      const std::string prefix = "undefined name '";
      if (message.rfind(prefix, 0) == 0) {
        const std::string name = message.substr(prefix.size(), message.size() - prefix.size() - 1);
        std::vector<std::string> known(defined_.begin(), defined_.end());
        message += did_you_mean(name, known);
      }
      at.fail(message);
    }
  }

  NodePtr annotate_to(const YamlInput& at, const units::Unit& target, const std::string& what) {
    const Annotated a = annotate(parse_expression(at), at);
    try {
      return convert_to(a, target, what);
    } catch (const std::invalid_argument& e) {
      at.fail(e.what());
    }
  }

  void read_parameters() {
    for (const auto& [name, entry] : entries("parameters")) {
      claim_name(name, entry);
      entry.expect_keys({"value", "unit", "description", "source", "range", "bounds"});
      ParameterSpec p;
      p.name = name;
      p.where = entry.where();
      p.value = entry["value"].as_double();
      p.unit = entry.has("unit") ? entry["unit"].as_unit() : units::Unit{};
      if (entry.has("description")) p.description = entry["description"].as_string();
      if (entry.has("source")) p.source = entry["source"].as_string();
      if (entry.has("range")) {
        const auto items = entry["range"].items();
        if (items.size() != 2) entry["range"].fail("expected [low, high]");
        p.range = std::make_pair(items[0].as_double(), items[1].as_double());
        if (!(p.range->first <= p.range->second)) entry["range"].fail("low is above high");
      }
      if (entry.has("bounds")) {
        const auto items = entry["bounds"].items();
        if (items.size() != 2) entry["bounds"].fail("expected [low, high] (.inf for none)");
        auto bound = [](const YamlInput& item) {
          const std::string text = item.as_string();
          if (text == ".inf" || text == "+.inf" || text == "inf") {
            return std::numeric_limits<double>::infinity();
          }
          if (text == "-.inf" || text == "-inf") return -std::numeric_limits<double>::infinity();
          return item.as_double();
        };
        p.bounds = std::make_pair(bound(items[0]), bound(items[1]));
        if (!(p.bounds->first <= p.bounds->second)) entry["bounds"].fail("low is above high");
        if (!(p.value >= p.bounds->first && p.value <= p.bounds->second)) {
          entry["value"].fail(fmt::format("{} is outside the parameter's bounds [{}, {}]", p.value,
                                          p.bounds->first, p.bounds->second));
        }
      }
      units_[name] = p.unit;
      model_->parameters_.push_back(std::move(p));
    }
  }

  void read_covariates() {
    for (const auto& [name, entry] : entries("covariates")) {
      claim_name(name, entry);
      entry.expect_keys({"unit", "default", "description"});
      CovariateSpec c;
      c.name = name;
      c.where = entry.where();
      c.unit = entry.has("unit") ? entry["unit"].as_unit() : units::Unit{};
      if (entry.has("default")) c.default_value = entry["default"].as_double();
      if (entry.has("description")) c.description = entry["description"].as_string();
      units_[name] = c.unit;
      model_->covariates_.push_back(std::move(c));
    }
  }

  void read_states() {
    if (!has("states")) root_.fail("missing required key 'states'");
    const auto states = entries("states");
    if (states.empty()) section_node("states").fail("a model needs at least one state");
    for (const auto& [name, entry] : states) {
      claim_name(name, entry);
      StateSpec s;
      s.name = name;
      s.where = entry.where();
      if (entry.is_scalar()) {
        s.unit = entry.as_unit();
      } else {
        entry.expect_keys({"unit", "initial", "description"});
        s.unit = entry["unit"].as_unit();
        if (entry.has("description")) s.description = entry["description"].as_string();
      }
      units_[name] = s.unit;
      model_->states_.push_back(std::move(s));
      state_entries_.push_back(entry);
    }
  }

  void read_derived() {
    struct Pending {
      std::string name;
      YamlInput at;
      NodePtr parsed;
      std::optional<units::Unit> unit;
    };
    std::vector<Pending> pending;
    for (const auto& [name, entry] : entries("derived")) {
      claim_name(name, entry);
      if (entry.is_scalar()) {
        pending.push_back({name, entry, parse_expression(entry), std::nullopt});
      } else {
        entry.expect_keys({"expression", "unit", "description"});
        pending.push_back(
            {name, entry["expression"], parse_expression(entry["expression"]),
             entry.has("unit") ? std::optional(entry["unit"].as_unit()) : std::nullopt});
      }
    }
    // Definition order does not matter: sort by dependency, report a cycle by its names.
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < pending.size(); ++i) index[pending[i].name] = i;
    std::vector<int> mark(pending.size(), 0);  // 0 new, 1 visiting, 2 done
    std::vector<std::string> stack;
    std::function<void(std::size_t)> visit = [&](std::size_t i) {
      if (mark[i] == 2) return;
      if (mark[i] == 1) {
        stack.push_back(pending[i].name);
        pending[i].at.fail(fmt::format("derived quantities depend on each other in a cycle: {}",
                                       fmt::join(stack, " -> ")));
      }
      mark[i] = 1;
      stack.push_back(pending[i].name);
      for (const auto& name : expr::referenced_names(pending[i].parsed)) {
        if (auto it = index.find(name); it != index.end()) visit(it->second);
      }
      stack.pop_back();
      mark[i] = 2;
      Pending& p = pending[i];
      Annotated a = annotate(p.parsed, p.at);
      DerivedSpec d;
      d.name = p.name;
      d.where = p.at.where();
      if (p.unit) {
        try {
          d.expression = convert_to(a, *p.unit, fmt::format("derived '{}'", p.name));
        } catch (const std::invalid_argument& e) {
          p.at.fail(e.what());
        }
        d.unit = *p.unit;
      } else {
        d.expression = a.node;
        d.unit = a.unit;
      }
      for (const auto& name : expr::referenced_names(d.expression)) {
        d.depends_on_state = d.depends_on_state || name == "t" || model_->state_index(name) >= 0 ||
                             dynamic_.count(name) > 0;
      }
      if (d.depends_on_state) dynamic_.insert(d.name);
      units_[d.name] = d.unit;
      model_->derived_.push_back(std::move(d));
    };
    units_["t"] = model_->time_unit_;
    for (std::size_t i = 0; i < pending.size(); ++i) visit(i);
  }

  void read_odes() {
    units_["t"] = model_->time_unit_;
    if (!has("odes")) root_.fail("missing required key 'odes'");
    const YamlInput odes = section_node("odes");
    std::set<std::string> given;
    std::vector<std::string> state_names;
    for (const auto& s : model_->states_) state_names.push_back(s.name);
    model_->odes_.assign(model_->states_.size(), nullptr);
    for (const auto& [name, entry] : entries("odes")) {
      const int i = model_->state_index(name);
      if (i < 0) {
        entry.fail(fmt::format("'{}' is not a state{}", name, did_you_mean(name, state_names)));
      }
      if (!given.insert(name).second) {
        entry.fail(fmt::format("the equation for '{}' is given twice", name));
      }
      const units::Unit per_time = model_->states_[i].unit / model_->time_unit_;
      model_->odes_[i] = annotate_to(entry, per_time, fmt::format("d{}/dt", name));
    }
    for (std::size_t i = 0; i < model_->states_.size(); ++i) {
      if (!model_->odes_[i]) {
        odes.fail(fmt::format("no equation for state '{}'", model_->states_[i].name));
      }
    }
    for (std::size_t i = 0; i < model_->states_.size(); ++i) {
      const YamlInput& entry = state_entries_[i];
      StateSpec& s = model_->states_[i];
      if (entry.is_map() && entry.has("initial")) {
        s.initial =
            annotate_to(entry["initial"], s.unit, fmt::format("initial value of {}", s.name));
        for (const auto& name : expr::referenced_names(s.initial)) {
          if (name == "t" || model_->state_index(name) >= 0 || dynamic_.count(name) > 0) {
            entry["initial"].fail(fmt::format("an initial value cannot depend on '{}'", name));
          }
        }
      } else {
        s.initial = expr::constant(0.0);
      }
    }
  }

  int state_named(const YamlInput& at) {
    const std::string name = at.as_string();
    const int i = model_->state_index(name);
    if (i < 0) {
      std::vector<std::string> names;
      for (const auto& s : model_->states_) names.push_back(s.name);
      at.fail(fmt::format("'{}' is not a state{}", name, did_you_mean(name, names)));
    }
    return i;
  }

  void read_dosing() {
    model_->default_dose_state_ = 0;
    for (const auto& [key, entry] : entries("dosing")) {
      if (key == "default") {
        model_->default_dose_state_ = state_named(entry);
        continue;
      }
      DoseTargetSpec d;
      d.state = state_named(YamlInput(YAML::Node(key), entry.file(), entry.path()));
      d.where = entry.where();
      entry.expect_keys({"lag", "bioavailability", "rate", "duration"});
      const units::Unit& amount = model_->states_[d.state].unit;
      const units::Unit& time = model_->time_unit_;
      if (entry.has("lag")) d.lag = annotate_to(entry["lag"], time, "a lag time");
      if (entry.has("bioavailability")) {
        d.bioavailability =
            annotate_to(entry["bioavailability"], units::Unit{}, "a bioavailability");
      }
      if (entry.has("rate")) d.rate = annotate_to(entry["rate"], amount / time, "an infusion rate");
      if (entry.has("duration")) d.duration = annotate_to(entry["duration"], time, "a duration");
      model_->dose_targets_.push_back(std::move(d));
    }
  }

  void read_outputs() {
    for (const auto& [name, entry] : entries("outputs")) {
      claim_name(name, entry);
      OutputSpec o;
      o.name = name;
      o.where = entry.where();
      if (entry.is_scalar()) {
        const Annotated a = annotate(parse_expression(entry), entry);
        o.expression = a.node;
        o.unit = a.unit;
      } else {
        entry.expect_keys({"expression", "unit", "description"});
        if (entry.has("description")) o.description = entry["description"].as_string();
        if (entry.has("unit")) {
          o.unit = entry["unit"].as_unit();
          o.expression = annotate_to(entry["expression"], o.unit, fmt::format("output '{}'", name));
        } else {
          const Annotated a = annotate(parse_expression(entry["expression"]), entry["expression"]);
          o.expression = a.node;
          o.unit = a.unit;
        }
      }
      model_->outputs_.push_back(std::move(o));
    }
  }

  void read_carrier_links() {
    if (!has("carrier")) return;
    const YamlInput carrier = section_node("carrier");
    CarrierLinks& links = model_->carrier_links_;
    links.where = carrier.where();
    std::vector<std::string> allowed = carrier::pk_factor_names();
    allowed.insert(allowed.end(), {"encapsulated_dose_state", "free_dose_state"});
    for (const auto& layer : layers_) {
      if (layer.has("carrier")) layer["carrier"].expect_keys(allowed);
    }
    std::vector<std::string> parameter_names;
    for (const auto& p : model_->parameters_) parameter_names.push_back(p.name);
    for (const auto& [key, entry] : entries("carrier")) {
      if (key == "encapsulated_dose_state") {
        links.encapsulated_state = state_named(entry);
      } else if (key == "free_dose_state") {
        links.free_state = state_named(entry);
      } else {
        std::vector<int> indices;
        const auto items = entry.is_sequence() ? entry.items() : std::vector<YamlInput>{entry};
        for (const auto& item : items) {
          const std::string name = item.as_string();
          const int i = model_->parameter_index(name);
          if (i < 0) {
            item.fail(fmt::format("'{}' is not a parameter{}", name,
                                  did_you_mean(name, parameter_names)));
          }
          indices.push_back(i);
        }
        links.factors.emplace_back(key, std::move(indices));
      }
    }
    if ((links.encapsulated_state >= 0) != (links.free_state >= 0)) {
      carrier.fail("give both encapsulated_dose_state and free_dose_state, or neither");
    }
  }

  void read_events() {
    units_["t"] = model_->time_unit_;
    std::set<std::string> names;
    for (const auto& [name, entry] : entries("events")) {
      if (!names.insert(name).second) entry.fail(fmt::format("event '{}' is defined twice", name));
      entry.expect_keys({"trigger", "assign", "fire_at_start", "description"});
      if (!entry.has("trigger")) entry.fail("an event needs a 'trigger'");
      if (!entry.has("assign")) entry.fail("an event needs 'assign' (state: new value, ...)");
      EventSpec e;
      e.name = name;
      e.where = entry.where();
      const Annotated trigger = annotate(parse_expression(entry["trigger"]), entry["trigger"]);
      if (!trigger.unit.dimensionless()) {
        entry["trigger"].fail("a trigger is a condition (a comparison or a logical value)");
      }
      e.trigger = trigger.node;
      if (entry.has("fire_at_start")) e.fire_at_start = entry["fire_at_start"].as_bool();
      std::set<int> assigned;
      for (const auto& [target, value] : entry["assign"].entries()) {
        const int i = state_named(YamlInput(YAML::Node(target), value.file(), value.path()));
        if (!assigned.insert(i).second) {
          value.fail(fmt::format("'{}' is assigned twice by event '{}'", target, name));
        }
        e.assignments.emplace_back(
            i, annotate_to(value, model_->states_[i].unit,
                           fmt::format("the value event '{}' gives {}", name, target)));
      }
      if (e.assignments.empty()) entry["assign"].fail("an event needs at least one assignment");
      model_->events_.push_back(std::move(e));
    }
  }

  std::vector<YamlInput> layers_;
  const YamlInput& root_;  // the file being loaded (the last layer)
  Model* model_ = nullptr;
  std::set<std::string> defined_;
  std::set<std::string> dynamic_;  // derived quantities that depend on states or t
  std::map<std::string, units::Unit> units_;
  std::vector<YamlInput> state_entries_;
};

// --- Model --------------------------------------------------------------------------------

namespace {

// The text of the model an `extends:` names: a built-in model, or a file relative to the
// extending file's folder.
std::pair<std::string, std::string> extended_model_text(const YamlInput& at) {
  const std::string name = at.as_string();
  const bool looks_like_path =
      name.find('/') != std::string::npos || name.ends_with(".yaml") || name.ends_with(".yml");
  if (!looks_like_path) {
    std::vector<std::string> names;
    for (const auto& m : builtin_model_texts()) {
      if (m.name == name) return {m.text, m.file};
      names.push_back(m.name);
    }
    at.fail(fmt::format("no built-in model '{}'{} to extend", name, did_you_mean(name, names)));
  }
  const std::filesystem::path path = std::filesystem::path(at.file()).parent_path() / name;
  if (!std::filesystem::exists(path)) {
    at.fail(fmt::format("model file '{}' to extend not found", path.string()));
  }
  return {read_text_file(path.string(), "model file"), path.string()};
}

}  // namespace

std::shared_ptr<const Model> Model::load_text(const std::string& yaml, const std::string& file) {
  std::vector<YamlInput> layers{YamlInput::parse(yaml, file)};
  constexpr std::size_t kMaxDepth = 16;
  while (true) {
    const YamlInput& top = layers.front();
    if (!top.is_map())
      top.fail("a model file is a map with keys model, parameters, states, odes, ...");
    if (!top.has("extends")) break;
    if (layers.size() >= kMaxDepth) {
      top["extends"].fail(
          fmt::format("models extend each other more than {} deep (a cycle?)", kMaxDepth));
    }
    auto [text, base_file] = extended_model_text(top["extends"]);
    layers.insert(layers.begin(), YamlInput::parse(text, base_file));
  }
  return ModelBuilder(std::move(layers)).build();
}

std::shared_ptr<const Model> Model::load_file(const std::string& path) {
  return load_text(read_text_file(path, "model file"), path);
}

namespace {
template <class Specs>
int find_by_name(const Specs& specs, std::string_view name) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == name) return static_cast<int>(i);
  }
  return -1;
}
}  // namespace

bool Model::extends(std::string_view model_name) const {
  return std::find(lineage_.begin(), lineage_.end(), model_name) != lineage_.end();
}

int Model::parameter_index(std::string_view name) const { return find_by_name(parameters_, name); }
int Model::covariate_index(std::string_view name) const { return find_by_name(covariates_, name); }
int Model::state_index(std::string_view name) const { return find_by_name(states_, name); }
int Model::output_index(std::string_view name) const { return find_by_name(outputs_, name); }

const DoseTargetSpec* Model::dose_target(int state) const {
  for (const auto& d : dose_targets_) {
    if (d.state == state) return &d;
  }
  return nullptr;
}

}  // namespace smartnano::model
