// Reading the `screen:` section of a scenario file and building each candidate's scenario
// (docs/screening.md).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/yaml_input.h"
#include "scenario/population_scenario.h"
#include "smartnano/core/error.h"
#include "smartnano/core/text.h"
#include "smartnano/screening/optimise.h"
#include "smartnano/screening/screen.h"

namespace smartnano::screening {

using model::YamlInput;

namespace {

// The `carrier:` fields a factor can set, with the unit its values are written in.
struct CarrierField {
  const char* name;
  const char* unit;
};
constexpr CarrierField kCarrierFields[] = {
    {"diameter", "nm"},          {"pdi", "1"},
    {"zeta_potential", "mV"},    {"peg_mol_percent", "1"},
    {"ligand_mol_percent", "1"}, {"release_half_life", "h"},
    {"drug_loading", "1"},       {"encapsulation_efficiency", "1"},
};

const CarrierField* carrier_field(const std::string& name) {
  for (const auto& f : kCarrierFields) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

// The value of a factor in the unit of what it sets.
double factor_value(const YamlInput& at, const units::Unit& unit, const std::string& what) {
  return scenario::quantity_in(at, unit, what);
}

// A number written so that YAML and the unit parser read back exactly the same double.
std::string exact(double v) { return fmt::format("{}", v); }

// The node at a dotted path ("triggers.0.hyperthermia.hold": map keys and list indices);
// throws std::invalid_argument when a part of it does not exist.
YAML::Node path_node(YAML::Node root, const std::string& path) {
  YAML::Node node = root;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find('.', begin), path.size());
    const std::string part = path.substr(begin, end - begin);
    if (node.IsSequence()) {
      std::size_t index = 0;
      try {
        index = std::stoul(part);
      } catch (const std::exception&) {
        throw std::invalid_argument(fmt::format("'{}' in '{}' is not a list index", part, path));
      }
      if (index >= node.size()) {
        throw std::invalid_argument(
            fmt::format("'{}' has no item {} (it has {})", path, index, node.size()));
      }
      node.reset(node[index]);
    } else if (node.IsMap() && node[part]) {
      node.reset(node[part]);
    } else {
      throw std::invalid_argument(fmt::format("'{}' has no '{}'", path, part));
    }
    begin = end + 1;
  }
  return node;
}

// The scenario text of `root` with the values of a candidate set.
std::string candidate_yaml(const YAML::Node& base, const ScreenSpec& spec,
                           const std::vector<double>& values) {
  YAML::Node root = YAML::Clone(base);
  root.remove("screen");
  root.remove("optimise");
  auto set_section = [&root](const char* section, const YAML::Node& entries) {
    if (!root[section] || !root[section].IsMap()) root[section] = YAML::Node(YAML::NodeType::Map);
    for (const auto& kv : entries) {
      root[section][kv.first.as<std::string>()] = YAML::Clone(kv.second);
    }
  };
  // Options first, so that a factor naming the same field directly wins.
  for (std::size_t j = 0; j < spec.bindings.size(); ++j) {
    const FactorBinding& b = spec.bindings[j];
    if (b.target != FactorTarget::kOption) continue;
    const auto level = static_cast<std::size_t>(std::lround(values[j]));
    const YAML::Node& option = b.options.at(level);
    if (option["carrier"]) set_section("carrier", option["carrier"]);
    if (option["parameters"]) set_section("parameters", option["parameters"]);
  }
  for (std::size_t j = 0; j < spec.bindings.size(); ++j) {
    const FactorBinding& b = spec.bindings[j];
    if (b.target != FactorTarget::kPath) continue;
    YAML::Node node = path_node(root, b.field);
    if (!b.format.empty()) {
      node = fmt::format(fmt::runtime(b.format), values[j]);
    } else {
      node = b.unit.empty() || b.unit == "1" ? exact(values[j])
                                             : fmt::format("{} {}", exact(values[j]), b.unit);
    }
  }
  for (std::size_t j = 0; j < spec.bindings.size(); ++j) {
    const FactorBinding& b = spec.bindings[j];
    if (b.target == FactorTarget::kOption || b.target == FactorTarget::kPath) continue;
    const char* section = b.target == FactorTarget::kCarrier ? "carrier" : "parameters";
    if (!root[section] || !root[section].IsMap()) root[section] = YAML::Node(YAML::NodeType::Map);
    // Bare numbers: in the carrier field's unit or the parameter's model unit.
    root[section][b.field] = exact(values[j]);
  }
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << root;
  return out.c_str();
}

std::string candidate_label(const ScreenSpec& spec, const std::vector<double>& values) {
  std::vector<std::string> parts;
  for (std::size_t j = 0; j < spec.space.factors.size(); ++j) {
    const Factor& f = spec.space.factors[j];
    if (!f.labels.empty()) {
      parts.push_back(fmt::format("{} = {}", f.name,
                                  f.labels.at(static_cast<std::size_t>(std::lround(values[j])))));
    } else {
      parts.push_back(fmt::format("{} = {:.4g}", f.name, values[j]));
    }
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

void read_factor(const std::string& name, const YamlInput& at, const model::Model& m,
                 ScreenSpec& spec, const std::vector<std::string>& extra = {}) {
  auto keys = [&extra](std::vector<std::string> own) {
    own.insert(own.end(), extra.begin(), extra.end());
    return own;
  };
  Factor f;
  f.name = name;
  FactorBinding b;
  b.field = name;
  if (!at.is_map()) {
    at.fail(fmt::format(
        "factor '{}' is a map: {{low: ..., high: ...}}, {{levels: [...]}} or {{options: ...}}",
        name));
  }
  units::Unit unit;
  if (at.has("set")) {
    // A value anywhere in the scenario: its path must exist, and values keep the unit of the
    // first bound or level.
    b.target = FactorTarget::kPath;
    b.field = at["set"].as_string();
    const YamlInput first =
        at.has("levels") && at["levels"].is_sequence() && !at["levels"].items().empty()
            ? at["levels"].items().front()
        : at.has("low") ? at["low"]
                        : at["set"];
    unit = first.as_quantity().unit;
    b.unit = unit.text;
    if (at.has("format")) {
      // The value is written through a template: "{} mg/m2, 30 min infusion".
      b.format = at["format"].as_string();
      try {
        (void)fmt::format(fmt::runtime(b.format), 1.0);
      } catch (const fmt::format_error& e) {
        at["format"].fail(fmt::format("not a format with one '{{}}' for the value: {}", e.what()));
      }
      if (b.format.find("{}") == std::string::npos) at["format"].fail("the format needs a '{}'");
    }
  } else if (at.has("options")) {
    at.expect_keys({"options"});
    b.target = FactorTarget::kOption;
    if (carrier_field(name) || m.parameter_index(name) >= 0) {
      at.fail(fmt::format(
          "factor '{}' has options but is also the name of a {}; name the categorical factor "
          "after what it chooses (carrier_type, drug, ...)",
          name, carrier_field(name) ? "carrier field" : "model parameter"));
    }
    const YamlInput options = at["options"];
    if (!options.is_map() || options.entries().empty()) {
      options.fail("options is a map of named options, each {carrier: {...}, parameters: {...}}");
    }
    double level = 0.0;
    for (const auto& [label, option] : options.entries()) {
      if (!option.is_map()) {
        option.fail(fmt::format("option '{}' is a map with carrier and/or parameters", label));
      }
      option.expect_keys({"carrier", "parameters"});
      for (const char* section : {"carrier", "parameters"}) {
        if (option.has(section) && !option[section].is_map()) {
          option[section].fail(fmt::format("'{}' of option '{}' is a map", section, label));
        }
      }
      f.labels.push_back(label);
      f.levels.push_back(level);
      level += 1.0;
      b.options.push_back(YAML::Clone(option.node()));
    }
  }
  if (b.target != FactorTarget::kOption && b.target != FactorTarget::kPath) {
    const CarrierField* field = carrier_field(name);
    if (field) {
      b.target = FactorTarget::kCarrier;
      unit = units::parse_unit(field->unit);
    } else {
      const int p = m.parameter_index(name);
      if (p < 0) {
        std::vector<std::string> names;
        for (const auto& c : kCarrierFields) names.emplace_back(c.name);
        for (const auto& q : m.parameters()) names.push_back(q.name);
        at.fail(fmt::format(
            "factor '{}' is neither a carrier field ({}) nor a parameter of model '{}'{}; a "
            "categorical factor has options",
            name, fmt::join(std::vector<std::string>(names.begin(), names.begin() + 8), ", "),
            m.name(), did_you_mean(name, names)));
      }
      b.target = FactorTarget::kParameter;
      unit = m.parameters()[static_cast<std::size_t>(p)].unit;
    }
  }
  if (b.target != FactorTarget::kOption) {
    if (at.has("levels")) {
      at.expect_keys(keys({"levels", "set", "format"}));
      const YamlInput levels = at["levels"];
      if (!levels.is_sequence() || levels.items().empty()) {
        levels.fail("levels is a list of values, e.g. [60 nm, 100 nm]");
      }
      for (const auto& item : levels.items()) {
        f.levels.push_back(factor_value(item, unit, "factor " + name));
      }
    } else {
      at.expect_keys(keys({"low", "high", "scale", "factorial_levels", "set", "format"}));
      if (!at.has("low") || !at.has("high")) {
        at.fail(fmt::format("factor '{}' needs low and high (or levels, or options)", name));
      }
      f.low = factor_value(at["low"], unit, "low");
      f.high = factor_value(at["high"], unit, "high");
      if (at.has("scale")) {
        const std::string scale = at["scale"].as_string();
        if (scale != "log" && scale != "linear") at["scale"].fail("scale is linear or log");
        f.log_scale = scale == "log";
      }
      if (at.has("factorial_levels")) {
        f.factorial_levels = static_cast<int>(at["factorial_levels"].as_integer());
      }
    }
  }
  const auto problems = f.validate();
  if (!problems.empty()) at.fail(problems.front());
  spec.space.factors.push_back(std::move(f));
  spec.bindings.push_back(std::move(b));
}

ScoreStatistic statistic_named(const YamlInput& at) {
  const std::string s = at.as_string();
  if (s == "cmax") return ScoreStatistic::kCmax;
  if (s == "cmin") return ScoreStatistic::kCmin;
  if (s == "auc") return ScoreStatistic::kAuc;
  if (s == "mean") return ScoreStatistic::kMean;
  if (s == "final") return ScoreStatistic::kFinal;
  at.fail(fmt::format(
      "unknown statistic '{}' (cmax, cmin, auc, mean, final; or 'at: TIME' for the value then)",
      s));
}

Goal goal_named(const YamlInput& at) {
  const std::string s = at.as_string();
  if (s == "max" || s == "maximise" || s == "maximize") return Goal::kMaximise;
  if (s == "min" || s == "minimise" || s == "minimize") return Goal::kMinimise;
  at.fail(fmt::format("goal is max or min, not '{}'", s));
}

int score_named(const YamlInput& at, const ScreenSpec& spec) {
  const std::string name = at.as_string();
  std::vector<std::string> names;
  for (std::size_t i = 0; i < spec.scores.size(); ++i) {
    if (spec.scores[i].name == name) return static_cast<int>(i);
    names.push_back(spec.scores[i].name);
  }
  at.fail(fmt::format("no score named '{}'{} (scores: {})", name, did_you_mean(name, names),
                      fmt::join(names, ", ")));
}

// One score: an output's per-subject statistic; `extra` keys are left to the caller.
ScoreSpec read_score(const std::string& name, const YamlInput& s, const model::Model& m,
                     std::vector<std::string> extra = {}) {
  extra.insert(extra.end(), {"output", "statistic", "at", "goal"});
  s.expect_keys(extra);
  ScoreSpec score;
  score.name = name;
  const std::string output = s["output"].as_string();
  score.output = m.output_index(output);
  if (score.output < 0) {
    std::vector<std::string> names;
    for (const auto& o : m.outputs()) names.push_back(o.name);
    s["output"].fail(fmt::format("model '{}' has no output '{}'{}", m.name(), output,
                                 did_you_mean(output, names)));
  }
  score.statistic = s.has("statistic") ? statistic_named(s["statistic"]) : ScoreStatistic::kAuc;
  if (s.has("at")) {
    if (s.has("statistic")) s["at"].fail("give either a statistic or a time 'at', not both");
    score.statistic = ScoreStatistic::kAt;
    score.at = scenario::quantity_in(s["at"], m.time_unit(), "score time");
  }
  if (s.has("goal")) score.goal = goal_named(s["goal"]);
  const std::string& out_unit = m.outputs()[static_cast<std::size_t>(score.output)].unit.text;
  score.unit = score.statistic == ScoreStatistic::kAuc
                   ? fmt::format("{}*{}", out_unit, m.time_unit().text)
                   : out_unit;
  return score;
}

void read_scores(const YamlInput& at, const model::Model& m, ScreenSpec& spec) {
  if (!at.is_map() || at.entries().empty()) {
    at.fail("scores is a map: name: {output: OUTPUT, statistic: auc, goal: max}");
  }
  for (const auto& [name, s] : at.entries()) {
    if (name == kResponderFractionObjective || name == kTherapeuticIndexObjective) {
      s.fail(
          fmt::format("'{}' is the name of a derived objective; name the score otherwise", name));
    }
    spec.scores.push_back(read_score(name, s, m));
  }
}

void read_objectives(const YamlInput& at, ScreenSpec& spec) {
  auto goal_of = [&spec](const std::string& name, const YamlInput& where) -> Goal {
    if (name == kResponderFractionObjective) {
      if (!spec.responder) where.fail("responder_fraction needs a responder: rule");
      return Goal::kMaximise;
    }
    if (name == kTherapeuticIndexObjective) {
      if (!spec.therapeutic_index)
        where.fail("therapeutic_index needs a therapeutic_index: section");
      return Goal::kMaximise;
    }
    const int i = score_named(YamlInput(YAML::Node(name), where.file(), where.path()), spec);
    const auto& goal = spec.scores[static_cast<std::size_t>(i)].goal;
    if (!goal)
      where.fail(fmt::format("score '{}' is an objective but has no goal (max or min)", name));
    return *goal;
  };
  if (at.has("objectives")) {
    const YamlInput list = at["objectives"];
    if (!list.is_sequence() || list.items().empty()) list.fail("objectives is a list of names");
    for (const auto& item : list.items()) {
      const std::string name = item.as_string();
      if (std::find(spec.objectives.begin(), spec.objectives.end(), name) !=
          spec.objectives.end()) {
        item.fail(fmt::format("objective '{}' is listed twice", name));
      }
      if (name != kResponderFractionObjective && name != kTherapeuticIndexObjective) {
        score_named(item, spec);
      }
      spec.goals.push_back(goal_of(name, item));
      spec.objectives.push_back(name);
    }
  } else {
    for (const auto& s : spec.scores) {
      if (s.goal) {
        spec.objectives.push_back(s.name);
        spec.goals.push_back(*s.goal);
      }
    }
    for (const char* extra : {kResponderFractionObjective, kTherapeuticIndexObjective}) {
      if ((extra == std::string(kResponderFractionObjective) && spec.responder) ||
          (extra == std::string(kTherapeuticIndexObjective) && spec.therapeutic_index)) {
        spec.objectives.emplace_back(extra);
        spec.goals.push_back(Goal::kMaximise);
      }
    }
    if (spec.objectives.empty()) {
      at.fail("no objective: give a score a goal (max or min), or list objectives");
    }
  }
  spec.weights.assign(spec.objectives.size(), 1.0);
  if (at.has("weights")) {
    const YamlInput w = at["weights"];
    if (!w.is_map()) w.fail("weights is a map objective: weight");
    for (const auto& [name, value] : w.entries()) {
      const auto it = std::find(spec.objectives.begin(), spec.objectives.end(), name);
      if (it == spec.objectives.end()) {
        value.fail(fmt::format("'{}' is not an objective{} (objectives: {})", name,
                               did_you_mean(name, spec.objectives),
                               fmt::join(spec.objectives, ", ")));
      }
      const double x = value.as_double();
      if (!(x >= 0.0) || !std::isfinite(x)) value.fail("a weight must be a number >= 0");
      spec.weights[static_cast<std::size_t>(it - spec.objectives.begin())] = x;
    }
    double total = 0.0;
    for (const double x : spec.weights) total += x;
    if (!(total > 0.0)) w.fail("the weights sum to 0");
  }
}

int model_output(const YamlInput& at, const model::Model& m) {
  const std::string name = at.as_string();
  const int i = m.output_index(name);
  if (i < 0) {
    std::vector<std::string> names;
    for (const auto& o : m.outputs()) names.push_back(o.name);
    at.fail(
        fmt::format("model '{}' has no output '{}'{}", m.name(), name, did_you_mean(name, names)));
  }
  return i;
}

std::vector<std::uint64_t> positive_integers(const YamlInput& at, const char* what) {
  if (!at.is_sequence() || at.items().empty()) {
    at.fail(fmt::format("{} is a list of positive whole numbers", what));
  }
  std::vector<std::uint64_t> out;
  for (const auto& item : at.items()) {
    const double v = item.as_double();  // 1e6 is a depth too
    if (!(v >= 1 && v <= 1e12 && v == std::floor(v))) {
      item.fail(fmt::format("{}: {} is not a whole number from 1 to 1e12", what, item.as_string()));
    }
    out.push_back(static_cast<std::uint64_t>(v));
  }
  return out;
}

PoolSpec read_pool(const YamlInput& at, const model::Model& m, std::size_t library) {
  at.expect_keys({"tissue", "shared_saturation", "animals", "read_depths", "pool_sizes", "subsets",
                  "replicates", "top_k", "readout", "fastq", "coupling", "seed"});
  PoolSpec spec;
  const YamlInput tissue = at["tissue"];
  tissue.expect_keys({"output", "at"});
  spec.tissue_output = model_output(tissue["output"], m);
  const units::Unit& tissue_unit = m.outputs()[static_cast<std::size_t>(spec.tissue_output)].unit;
  try {
    spec.tissue_scale = units::conversion_factor(tissue_unit, units::parse_unit("1"));
  } catch (const units::UnitError&) {
    tissue["output"].fail(fmt::format(
        "the tissue output is the amount in the tissue as a fraction of the dose (% or 1), not "
        "'{}'",
        tissue_unit.text));
  }
  spec.sample_time = scenario::quantity_in(tissue["at"], m.time_unit(), "sample time");
  if (!(spec.sample_time > 0)) tissue["at"].fail("the sample time must be after the dose");
  const YamlInput sat = at["shared_saturation"];
  sat.expect_keys({"covariate", "output"});
  const std::string cov = sat["covariate"].as_string();
  spec.coupling_covariate = m.covariate_index(cov);
  if (spec.coupling_covariate < 0) {
    std::vector<std::string> names;
    for (const auto& c : m.covariates()) names.push_back(c.name);
    sat["covariate"].fail(
        fmt::format("model '{}' has no covariate '{}'{}", m.name(), cov, did_you_mean(cov, names)));
  }
  spec.coupling_output = model_output(sat["output"], m);
  try {
    spec.coupling_scale = units::conversion_factor(
        m.outputs()[static_cast<std::size_t>(spec.coupling_output)].unit,
        m.covariates()[static_cast<std::size_t>(spec.coupling_covariate)].unit);
  } catch (const units::UnitError& e) {
    sat["output"].fail(fmt::format("the output cannot feed covariate '{}': {}", cov, e.what()));
  }
  if (at.has("animals")) {
    const long a = at["animals"].as_integer();
    if (a < 1) at["animals"].fail("animals must be >= 1");
    spec.animals = static_cast<std::size_t>(a);
  }
  spec.read_depths = positive_integers(at["read_depths"], "read_depths");
  if (at.has("pool_sizes")) {
    for (const auto k : positive_integers(at["pool_sizes"], "pool_sizes")) {
      if (k < 2 || k > library) {
        at["pool_sizes"].fail(fmt::format(
            "a pool size must be from 2 to the {} formulations of the design, not {}", library, k));
      }
      spec.pool_sizes.push_back(static_cast<std::size_t>(k));
    }
  }
  auto count = [&at](const char* key, int& value, int low) {
    if (!at.has(key)) return;
    const long v = at[key].as_integer();
    if (v < low) at[key].fail(fmt::format("{} must be >= {}", key, low));
    value = static_cast<int>(v);
  };
  count("subsets", spec.subsets, 1);
  count("replicates", spec.replicates, 1);
  count("top_k", spec.top_k, 1);
  if (at.has("readout")) {
    const YamlInput r = at["readout"];
    r.expect_keys(
        {"template_molecules", "pcr_cycles", "pcr_efficiency", "pcr_efficiency_sd", "pcr_noise"});
    if (r.has("template_molecules"))
      spec.readout.template_molecules = r["template_molecules"].as_double();
    if (r.has("pcr_cycles"))
      spec.readout.pcr_cycles = static_cast<int>(r["pcr_cycles"].as_integer());
    if (r.has("pcr_efficiency")) spec.readout.pcr_efficiency = r["pcr_efficiency"].as_double();
    if (r.has("pcr_efficiency_sd"))
      spec.readout.pcr_efficiency_sd = r["pcr_efficiency_sd"].as_double();
    if (r.has("pcr_noise")) spec.readout.pcr_noise = r["pcr_noise"].as_bool();
    const auto problems = spec.readout.validate();
    if (!problems.empty()) r.fail(problems.front());
  }
  if (at.has("fastq")) {
    const YamlInput f = at["fastq"];
    f.expect_keys({"depths", "flank", "tail_bases", "substitution_rate", "barcode_length"});
    spec.fastq_depths = positive_integers(f["depths"], "fastq depths");
    for (const auto d : spec.fastq_depths) {
      if (d > 10'000'000)
        f["depths"].fail(
            "FASTQ depths above 10 million reads per sample are refused (files of gigabytes); "
            "simulate counts with read_depths instead");
    }
    if (f.has("flank")) spec.fastq.flank = f["flank"].as_string();
    if (f.has("tail_bases")) spec.fastq.tail_bases = static_cast<int>(f["tail_bases"].as_integer());
    if (f.has("substitution_rate"))
      spec.fastq.substitution_rate = f["substitution_rate"].as_double();
    if (f.has("barcode_length"))
      spec.barcode_length = static_cast<int>(f["barcode_length"].as_integer());
    const auto problems = spec.fastq.validate();
    if (!problems.empty()) f.fail(problems.front());
    if (spec.barcode_length < 3 || spec.barcode_length > 32) {
      f["barcode_length"].fail("barcode_length is from 3 to 32 bases");
    }
  }
  if (at.has("coupling")) {
    const YamlInput c = at["coupling"];
    c.expect_keys({"tolerance", "max_iterations"});
    if (c.has("tolerance")) {
      spec.coupling_tolerance = c["tolerance"].as_double();
      if (!(spec.coupling_tolerance > 0)) c["tolerance"].fail("tolerance must be > 0");
    }
    if (c.has("max_iterations")) {
      spec.max_coupling_iterations = static_cast<int>(c["max_iterations"].as_integer());
      if (spec.max_coupling_iterations < 1) c["max_iterations"].fail("max_iterations must be >= 1");
    }
  }
  if (at.has("seed")) spec.seed = static_cast<std::uint64_t>(at["seed"].as_integer());
  return spec;
}

}  // namespace

std::string to_string(ScoreStatistic statistic) {
  switch (statistic) {
    case ScoreStatistic::kCmax:
      return "cmax";
    case ScoreStatistic::kCmin:
      return "cmin";
    case ScoreStatistic::kAuc:
      return "auc";
    case ScoreStatistic::kMean:
      return "mean";
    case ScoreStatistic::kFinal:
      return "final";
    case ScoreStatistic::kAt:
      return "at";
  }
  return "?";
}

Screen load_screen_text(const std::string& yaml, const std::string& file) {
  Screen screen;
  screen.yaml = yaml;
  screen.file = file;
  screen.scenario = scenario::load_scenario_text(yaml, file);
  const model::Model& m = *screen.scenario.model;
  const YamlInput root = YamlInput::parse(yaml, file);
  if (!root.has("screen")) root.fail("missing required key 'screen' (a screen scenario)");
  const YamlInput at = root["screen"];
  if (!at.is_map()) at.fail("screen is a map with factors, design, scores, ...");
  at.expect_keys({"factors", "constraints", "design", "scores", "responder", "therapeutic_index",
                  "summary", "objectives", "weights", "refine", "pool"});
  ScreenSpec& spec = screen.spec;

  const YamlInput factors = at["factors"];
  if (!factors.is_map() || factors.entries().empty()) {
    factors.fail(
        "the design space is empty: factors is a map name: {low, high} | {levels} | {options}");
  }
  for (const auto& [name, f] : factors.entries()) read_factor(name, f, m, spec);
  if (at.has("constraints")) {
    const YamlInput list = at["constraints"];
    if (!list.is_sequence()) list.fail("constraints is a list of expressions");
    for (const auto& item : list.items()) {
      try {
        spec.space.constraints.push_back(parse_constraint(item.as_string()));
      } catch (const std::invalid_argument& e) {
        item.fail(e.what());
      }
    }
  }
  try {
    spec.space.check();
  } catch (const std::invalid_argument& e) {
    (at.has("constraints") ? at["constraints"] : factors).fail(e.what());
  }
  // A path must name a value of the scenario outside the screen section.
  for (std::size_t j = 0; j < spec.bindings.size(); ++j) {
    if (spec.bindings[j].target != FactorTarget::kPath) continue;
    const YamlInput set = factors[spec.space.factors[j].name]["set"];
    const std::string& path = spec.bindings[j].field;
    if (path == "screen" || path.rfind("screen.", 0) == 0)
      set.fail("a factor cannot set the screen itself");
    try {
      path_node(YAML::Load(yaml), path);
    } catch (const std::invalid_argument& e) {
      set.fail(fmt::format("the scenario has no value at this path: {}", e.what()));
    }
  }
  // Every option must build a scenario by itself, so a typo is reported where it is written.
  for (std::size_t j = 0; j < spec.bindings.size(); ++j) {
    if (spec.bindings[j].target != FactorTarget::kOption) continue;
    const YamlInput options = factors[spec.space.factors[j].name]["options"];
    std::vector<double> values;
    for (const auto& f : spec.space.factors)
      values.push_back(f.is_discrete() ? f.levels[0] : f.low);
    for (std::size_t level = 0; level < spec.bindings[j].options.size(); ++level) {
      values[j] = static_cast<double>(level);
      const std::string& label = spec.space.factors[j].labels[level];
      ScreenSpec only;  // this option alone
      only.space.factors = {spec.space.factors[j]};
      only.bindings = {spec.bindings[j]};
      try {
        scenario::load_scenario_text(
            candidate_yaml(YAML::Load(yaml), only, {static_cast<double>(level)}), file);
      } catch (const InputError& e) {
        options[label].fail(
            fmt::format("option '{}' does not make a scenario: {}", label, e.message()));
      }
    }
  }

  const YamlInput design = at["design"];
  design.expect_keys({"kind", "size", "seed"});
  const std::string kind = design.has("kind") ? design["kind"].as_string() : "sobol";
  if (kind == "sobol") {
    spec.design = DesignKind::kSobol;
  } else if (kind == "latin_hypercube" || kind == "lhs") {
    spec.design = DesignKind::kLatinHypercube;
  } else if (kind == "full_factorial" || kind == "factorial") {
    spec.design = DesignKind::kFullFactorial;
  } else {
    design["kind"].fail(
        fmt::format("unknown design '{}' (sobol, latin_hypercube, full_factorial)", kind));
  }
  if (spec.design != DesignKind::kFullFactorial) {
    if (!design.has("size")) design.fail(fmt::format("a {} design needs a size", kind));
    const long size = design["size"].as_integer();
    if (size < 1) design["size"].fail("size must be >= 1");
    spec.design_size = static_cast<std::size_t>(size);
  } else if (design.has("size")) {
    design["size"].fail("a full factorial has no size: its levels make the candidates");
  }
  if (design.has("seed"))
    spec.design_seed = static_cast<std::uint64_t>(design["seed"].as_integer());
  std::size_t library = 0;
  try {
    library =
        make_design(spec.space, spec.design, spec.design_size, spec.design_seed).candidates.size();
  } catch (const std::invalid_argument& e) {
    design.fail(e.what());
  }

  read_scores(at["scores"], m, spec);
  if (at.has("responder")) {
    const YamlInput r = at["responder"];
    r.expect_keys({"score", "at_least", "at_most"});
    ResponderRule rule;
    rule.score = score_named(r["score"], spec);
    if (r.has("at_least") == r.has("at_most")) r.fail("give one of at_least or at_most");
    rule.at_most = r.has("at_most");
    const YamlInput value = r[rule.at_most ? "at_most" : "at_least"];
    const std::string& unit = spec.scores[static_cast<std::size_t>(rule.score)].unit;
    try {
      rule.threshold = scenario::quantity_in(value, units::parse_unit(unit), "threshold");
    } catch (const units::UnitError& e) {
      value.fail(e.what());
    }
    spec.responder = rule;
  }
  if (at.has("therapeutic_index")) {
    const YamlInput ti = at["therapeutic_index"];
    ti.expect_keys({"efficacy", "toxicity"});
    spec.therapeutic_index =
        TherapeuticIndexSpec{score_named(ti["efficacy"], spec), score_named(ti["toxicity"], spec)};
  }
  if (at.has("summary")) {
    const std::string s = at["summary"].as_string();
    if (s != "median" && s != "mean") at["summary"].fail("summary is median or mean");
    spec.summary = s == "mean" ? PopulationSummary::kMean : PopulationSummary::kMedian;
  }
  read_objectives(at, spec);
  if (at.has("refine")) {
    const YamlInput r = at["refine"];
    r.expect_keys({"size", "shrink", "centres", "seed"});
    const long size = r["size"].as_integer();
    if (size < 1) r["size"].fail("size must be >= 1");
    spec.refine.size = static_cast<std::size_t>(size);
    if (r.has("shrink")) {
      spec.refine.shrink = r["shrink"].as_double();
      if (!(spec.refine.shrink > 0 && spec.refine.shrink <= 1)) {
        r["shrink"].fail("shrink is the box width in unit coordinates, in (0, 1]");
      }
    }
    if (r.has("centres")) {
      const long c = r["centres"].as_integer();
      if (c < 1) r["centres"].fail("centres must be >= 1");
      spec.refine.max_centres = static_cast<std::size_t>(c);
    }
    spec.refine.seed =
        r.has("seed") ? static_cast<std::uint64_t>(r["seed"].as_integer()) : spec.design_seed + 1;
  }
  if (at.has("pool")) screen.pool = read_pool(at["pool"], m, library);
  return screen;
}

Screen load_screen_file(const std::string& path) {
  return load_screen_text(read_text_file(path, "screen file"), path);
}

scenario::Scenario candidate_scenario(const Screen& screen, const std::vector<double>& values) {
  if (values.size() != screen.spec.space.factors.size()) {
    throw std::invalid_argument(fmt::format("a candidate has {} values for {} factors",
                                            values.size(), screen.spec.space.factors.size()));
  }
  try {
    return scenario::load_scenario_text(
        candidate_yaml(YAML::Load(screen.yaml), screen.spec, values), screen.file);
  } catch (const InputError& e) {
    throw InputError(SourceLocation{screen.file, 0, 0, "screen.factors"},
                     fmt::format("candidate ({}) does not make a scenario: {}",
                                 candidate_label(screen.spec, values), e.message()));
  }
}

std::string to_string(OptimiseAlgorithm algorithm) {
  switch (algorithm) {
    case OptimiseAlgorithm::kCobyla:
      return "cobyla";
    case OptimiseAlgorithm::kBobyqa:
      return "bobyqa";
    case OptimiseAlgorithm::kSubplex:
      return "subplex";
    case OptimiseAlgorithm::kNelderMead:
      return "neldermead";
  }
  return "?";
}

Optimisation load_optimisation_text(const std::string& yaml, const std::string& file) {
  Optimisation o;
  o.screen.yaml = yaml;
  o.screen.file = file;
  o.screen.scenario = scenario::load_scenario_text(yaml, file);
  const model::Model& m = *o.screen.scenario.model;
  const YamlInput root = YamlInput::parse(yaml, file);
  if (!root.has("optimise")) root.fail("missing required key 'optimise' (a schedule optimisation)");
  if (root.has("screen"))
    root["screen"].fail("a scenario is a screen or an optimisation, not both");
  const YamlInput at = root["optimise"];
  if (!at.is_map()) at.fail("optimise is a map with variables, objective, limits, ...");
  at.expect_keys({"variables", "objective", "limits", "summary", "algorithm", "max_evaluations",
                  "tolerance", "landscape"});
  OptimiseSpec& spec = o.spec;
  ScreenSpec& problem = spec.problem;
  const YamlInput variables = at["variables"];
  if (!variables.is_map() || variables.entries().empty()) {
    variables.fail(
        "variables is a map name: {set: PATH | a carrier field or parameter, low, high}");
  }
  for (const auto& [name, v] : variables.entries()) {
    read_factor(name, v, m, problem, {"start"});
    const Factor& f = problem.space.factors.back();
    if (f.is_discrete()) v.fail("an optimised variable is continuous: give low and high");
    double start = f.log_scale ? std::sqrt(f.low * f.high) : 0.5 * (f.low + f.high);
    if (v.has("start")) {
      const FactorBinding& b = problem.bindings.back();
      const units::Unit unit =
          b.target == FactorTarget::kPath ? units::parse_unit(b.unit)
          : b.target == FactorTarget::kParameter
              ? m.parameters()[static_cast<std::size_t>(m.parameter_index(name))].unit
              : units::parse_unit(carrier_field(name)->unit);
      start = scenario::quantity_in(v["start"], unit, "start");
      if (!(start >= f.low && start <= f.high)) v["start"].fail("start must be within [low, high]");
    }
    spec.start.push_back(start);
  }
  for (std::size_t j = 0; j < problem.bindings.size(); ++j) {
    if (problem.bindings[j].target != FactorTarget::kPath) continue;
    const YamlInput set = variables[problem.space.factors[j].name]["set"];
    const std::string& path = problem.bindings[j].field;
    if (path == "optimise" || path.rfind("optimise.", 0) == 0) {
      set.fail("a variable cannot set the optimisation itself");
    }
    try {
      path_node(YAML::Load(yaml), path);
    } catch (const std::invalid_argument& e) {
      set.fail(fmt::format("the scenario has no value at this path: {}", e.what()));
    }
  }
  try {
    problem.space.check();
  } catch (const std::invalid_argument& e) {
    variables.fail(e.what());
  }
  const YamlInput objective = at["objective"];
  ScoreSpec goal_score = read_score("objective", objective, m);
  if (!goal_score.goal) objective.fail("the objective needs a goal: max or min");
  problem.objectives = {"objective"};
  problem.goals = {*goal_score.goal};
  problem.weights = {1.0};
  problem.scores.push_back(std::move(goal_score));
  if (at.has("limits")) {
    const YamlInput limits = at["limits"];
    if (!limits.is_sequence())
      limits.fail("limits is a list of {output, statistic, at_most | at_least}");
    for (const auto& item : limits.items()) {
      ScoreSpec score = read_score(fmt::format("limit_{}", problem.scores.size()), item, m,
                                   {"at_most", "at_least"});
      if (score.goal) item["goal"].fail("a limit has at_most or at_least, not a goal");
      if (item.has("at_most") == item.has("at_least")) item.fail("give one of at_most or at_least");
      OptimiseLimit limit;
      limit.at_most = item.has("at_most");
      limit.score = static_cast<int>(problem.scores.size());
      const YamlInput value = item[limit.at_most ? "at_most" : "at_least"];
      try {
        limit.limit = scenario::quantity_in(value, units::parse_unit(score.unit), "limit");
      } catch (const units::UnitError& e) {
        value.fail(e.what());
      }
      problem.scores.push_back(std::move(score));
      spec.limits.push_back(limit);
    }
  }
  if (at.has("summary")) {
    const std::string sm = at["summary"].as_string();
    if (sm != "median" && sm != "mean") at["summary"].fail("summary is median or mean");
    problem.summary = sm == "mean" ? PopulationSummary::kMean : PopulationSummary::kMedian;
  }
  if (at.has("algorithm")) {
    const std::string a = at["algorithm"].as_string();
    if (a == "cobyla") {
      spec.algorithm = OptimiseAlgorithm::kCobyla;
    } else if (a == "bobyqa") {
      spec.algorithm = OptimiseAlgorithm::kBobyqa;
    } else if (a == "subplex") {
      spec.algorithm = OptimiseAlgorithm::kSubplex;
    } else if (a == "neldermead") {
      spec.algorithm = OptimiseAlgorithm::kNelderMead;
    } else {
      at["algorithm"].fail(
          fmt::format("unknown algorithm '{}' (cobyla, bobyqa, subplex, neldermead)", a));
    }
    if (!spec.limits.empty() && spec.algorithm != OptimiseAlgorithm::kCobyla) {
      at["algorithm"].fail(
          fmt::format("{} cannot take limits; use cobyla, which treats them as constraints", a));
    }
    if (spec.algorithm == OptimiseAlgorithm::kBobyqa && problem.space.factors.size() < 2) {
      at["algorithm"].fail("bobyqa needs at least two variables; use cobyla or subplex");
    }
  }
  if (at.has("max_evaluations")) {
    const long n = at["max_evaluations"].as_integer();
    if (n < 1 || n > 100000) at["max_evaluations"].fail("max_evaluations must be from 1 to 100000");
    spec.max_evaluations = static_cast<int>(n);
  }
  if (at.has("tolerance")) {
    spec.tolerance = at["tolerance"].as_double();
    if (!(spec.tolerance > 0 && spec.tolerance < 1)) at["tolerance"].fail("tolerance is in (0, 1)");
  }
  if (at.has("landscape")) {
    const YamlInput l = at["landscape"];
    l.expect_keys({"points"});
    const long n = l["points"].as_integer();
    if (n != 0 && (n < 2 || n > 201))
      l["points"].fail("points is 0 (no landscape) or from 2 to 201");
    spec.landscape_points = static_cast<int>(n);
  }
  o.screen.spec = problem;
  return o;
}

Optimisation load_optimisation_file(const std::string& path) {
  return load_optimisation_text(read_text_file(path, "scenario file"), path);
}

}  // namespace smartnano::screening
