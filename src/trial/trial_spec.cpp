// Reading the `trial:` section of a scenario file (docs/trials.md).
#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/yaml_input.h"
#include "scenario/default_scenario.h"
#include "scenario/population_scenario.h"
#include "smartnano/core/text.h"
#include "smartnano/trial/trial.h"

namespace smartnano::trial {

using model::YamlInput;

namespace {

const units::Unit& day_unit() {
  static const units::Unit kDay = units::parse_unit("day");
  return kDay;
}

double days(const YamlInput& at, const std::string& what) {
  const units::Quantity q = at.as_quantity();
  if (q.unit.dimensionless()) {
    at.fail(fmt::format("{}: give a time with its unit (e.g. '8 weeks'), not '{}'", what,
                        at.as_string()));
  }
  const double value = scenario::quantity_in(at, day_unit(), what);
  if (!(value >= 0) || !std::isfinite(value)) at.fail(fmt::format("{} must be >= 0", what));
  return value;
}

// A fraction written as "25 %" or 0.25.
double fraction(const YamlInput& at, const std::string& what, double low, double high) {
  const double value = scenario::quantity_in(at, units::Unit{}, what);
  if (!(value >= low && value <= high)) {
    at.fail(fmt::format("{} must be between {} and {} (as a fraction; '25 %' = 0.25)", what, low,
                        high));
  }
  return value;
}

int output_named(const YamlInput& at, const model::Model& m, const units::Unit* expected,
                 const std::string& what) {
  const std::string name = at.as_string();
  const int i = m.output_index(name);
  if (i < 0) {
    std::vector<std::string> names;
    for (const auto& o : m.outputs()) names.push_back(o.name);
    at.fail(fmt::format("model '{}' has no output '{}'{} (outputs: {})", m.name(), name,
                        did_you_mean(name, names), fmt::join(names, ", ")));
  }
  if (expected && !(m.outputs()[i].unit.dimension == expected->dimension)) {
    at.fail(fmt::format("output '{}' is in '{}', which cannot be converted to {} ({})", name,
                        m.outputs()[i].unit.text, expected->text, what));
  }
  return i;
}

int parameter_named(const YamlInput& at, const model::Model& m) {
  const std::string name = at.as_string();
  const int i = m.parameter_index(name);
  if (i < 0) {
    std::vector<std::string> names;
    for (const auto& p : m.parameters()) names.push_back(p.name);
    at.fail(fmt::format("model '{}' has no parameter '{}'{}", m.name(), name,
                        did_you_mean(name, names)));
  }
  return i;
}

ArmDosing read_arm_dosing(const YamlInput& item, const model::Model& m) {
  item.expect_keys({"dose", "into", "start", "cumulative_limit"});
  ArmDosing d;
  d.state = m.default_dose_state();
  if (item.has("into")) {
    d.state = m.state_index(item["into"].as_string());
    if (d.state < 0) {
      std::vector<std::string> names;
      for (const auto& s : m.states()) names.push_back(s.name);
      item["into"].fail(fmt::format("'{}' is not a state of model '{}'{}", item["into"].as_string(),
                                    m.name(), did_you_mean(item["into"].as_string(), names)));
    }
  }
  if (item.has("start")) d.start_days = days(item["start"], "start");
  try {
    d.regimen = events::parse_regimen(item["dose"].as_string());
  } catch (const std::invalid_argument& e) {
    item["dose"].fail(e.what());
  }
  if (d.regimen.infusion_rate) {
    item["dose"].fail(
        "a trial arm gives amounts ('60 mg/m2 every 21 days x 6'); a rate "
        "infusion cannot be reduced or counted towards a cumulative limit");
  }
  const units::Dimension area = units::Dimension::length().pow(2);
  d.per_bsa = d.regimen.amount.unit.dimension == units::Dimension::mass() / area;
  if (item.has("cumulative_limit")) d.counts_towards_limit = item["cumulative_limit"].as_bool();
  return d;
}

void read_toxicity(const YamlInput& at, const model::Model& m, TrialSpec& spec) {
  at.expect_keys({"hold_below", "recheck", "max_delay", "reduce_after_grade", "reduction",
                  "max_reductions", "cumulative_limit"});
  ToxicityRules& t = spec.toxicity;
  if (at.has("hold_below")) {
    if (spec.endpoints.neutrophils < 0) {
      at["hold_below"].fail("holds need the neutrophil count: give endpoints: neutrophils");
    }
    const units::Unit& unit = m.outputs()[spec.endpoints.neutrophils].unit;
    t.hold_below =
        scenario::quantity_in(at["hold_below"], units::parse_unit("cells/nL"), "hold_below");
    (void)unit;
    if (!(t.hold_below > 0)) at["hold_below"].fail("must be > 0");
  }
  if (at.has("recheck")) t.recheck_days = days(at["recheck"], "recheck");
  if (!(t.recheck_days > 0)) at.fail("recheck must be > 0");
  if (at.has("max_delay")) t.max_delay_days = days(at["max_delay"], "max_delay");
  if (at.has("reduce_after_grade")) {
    t.reduce_after_grade = static_cast<int>(at["reduce_after_grade"].as_integer());
    if (t.reduce_after_grade < 0 || t.reduce_after_grade > 4) {
      at["reduce_after_grade"].fail("a CTCAE grade 1 to 4, or 0 for never");
    }
    if (t.reduce_after_grade > 0 && spec.endpoints.neutrophils < 0) {
      at["reduce_after_grade"].fail(
          "reductions need the neutrophil count: give endpoints: "
          "neutrophils");
    }
  } else if (spec.endpoints.neutrophils < 0) {
    t.reduce_after_grade = 0;
  }
  if (at.has("reduction")) t.reduction = fraction(at["reduction"], "reduction", 0.0, 1.0);
  if (at.has("max_reductions")) {
    t.max_reductions = static_cast<int>(at["max_reductions"].as_integer());
    if (t.max_reductions < 0) at["max_reductions"].fail("must be >= 0");
  }
  if (t.reduction * t.max_reductions >= 1.0) {
    at.fail(fmt::format("reduction {} x max_reductions {} leaves no dose", t.reduction,
                        t.max_reductions));
  }
  if (at.has("cumulative_limit")) {
    t.cumulative_limit_mg_per_m2 = scenario::quantity_in(
        at["cumulative_limit"], units::parse_unit("mg/m2"), "cumulative_limit");
    if (!(t.cumulative_limit_mg_per_m2 > 0)) at["cumulative_limit"].fail("must be > 0");
  }
}

void read_endpoints(const YamlInput& at, const model::Model& m, TrialSpec& spec) {
  at.expect_keys({"tumour_size", "neutrophils", "cardiac_exposure", "overall_survival",
                  "neutrophil_sampling"});
  EndpointOutputs& e = spec.endpoints;
  const units::Unit mm = units::parse_unit("mm");
  const units::Unit per_nL = units::parse_unit("cells/nL");
  e.tumour_size = output_named(at["tumour_size"], m, &mm, "a sum of longest diameters");
  if (at.has("neutrophils")) {
    e.neutrophils = output_named(at["neutrophils"], m, &per_nL, "a neutrophil count, 10^9/L");
  }
  if (at.has("cardiac_exposure")) {
    e.cardiac = output_named(at["cardiac_exposure"], m, nullptr, "");
  }
  if (at.has("neutrophil_sampling")) {
    spec.sampling_interval_days = days(at["neutrophil_sampling"], "neutrophil_sampling");
    if (!(spec.sampling_interval_days > 0)) at["neutrophil_sampling"].fail("must be > 0");
  }
  if (at.has("overall_survival")) {
    const YamlInput os = at["overall_survival"];
    os.expect_keys({"landmark", "intercept", "size_change", "baseline_size", "sigma", "reference"});
    SurvivalModel s;
    s.landmark_days = days(os["landmark"], "landmark");
    if (!(s.landmark_days > 0)) os["landmark"].fail("must be > 0");
    s.intercept = parameter_named(os["intercept"], m);
    s.size_change = parameter_named(os["size_change"], m);
    s.sigma = parameter_named(os["sigma"], m);
    if (os.has("baseline_size")) {
      s.baseline_size = parameter_named(os["baseline_size"], m);
      s.reference_mm = scenario::quantity_in(os["reference"], mm, "reference");
      if (!(s.reference_mm > 0)) os["reference"].fail("must be > 0");
    }
    for (const int p : {s.intercept, s.size_change, s.sigma}) {
      if (!m.parameters()[p].unit.dimensionless()) {
        os.fail(
            fmt::format("parameter '{}' must be dimensionless (log-time coefficients), not "
                        "'{}'",
                        m.parameters()[p].name, m.parameters()[p].unit.text));
      }
    }
    e.overall_survival = s;
  }
}

void read_recist(const YamlInput& at, RecistCriteria& r) {
  at.expect_keys({"partial_response", "progression", "progression_absolute",
                  "complete_response_below", "confirm", "confirmation_interval",
                  "minimum_stable_disease"});
  const units::Unit mm = units::parse_unit("mm");
  if (at.has("partial_response")) {
    r.partial_response_change = fraction(at["partial_response"], "partial_response", -1.0, 0.0);
  }
  if (at.has("progression"))
    r.progression_change = fraction(at["progression"], "progression", 0, 10);
  if (at.has("progression_absolute")) {
    r.progression_absolute_mm =
        scenario::quantity_in(at["progression_absolute"], mm, "progression_absolute");
  }
  if (at.has("complete_response_below")) {
    r.complete_response_below_mm =
        scenario::quantity_in(at["complete_response_below"], mm, "complete_response_below");
  }
  if (at.has("confirm")) r.confirm_responses = at["confirm"].as_bool();
  if (at.has("confirmation_interval")) {
    r.confirmation_interval_days = days(at["confirmation_interval"], "confirmation_interval");
  }
  if (at.has("minimum_stable_disease")) {
    r.minimum_stable_disease_days = days(at["minimum_stable_disease"], "minimum_stable_disease");
  }
  const auto problems = r.validate();
  if (!problems.empty()) at.fail(problems.front());
}

// The diagnostic agent's scenario: the trial file's population and subject, with the agent's
// model, carrier, dose and imaging time. Patient k of it is patient k of the trial.
std::shared_ptr<const scenario::Scenario> diagnostic_scenario(const YamlInput& bm,
                                                              const std::string& yaml,
                                                              const std::string& file) {
  YAML::Node d = YAML::Clone(YAML::Load(yaml));
  for (const char* key : {"trial", "dosing", "observe", "output", "carrier", "data"}) d.remove(key);
  d["scenario"] = bm["name"].as_string() + " (diagnostic)";
  if (bm.has("model")) {
    d["model"] = bm["model"].as_string();
    d.remove("parameters");
  }
  if (bm.has("parameters")) d["parameters"] = YAML::Clone(bm["parameters"].node());
  if (bm.has("carrier")) d["carrier"] = YAML::Clone(bm["carrier"].node());
  YAML::Node dose;
  dose["dose"] = bm["dose"].as_string();
  if (bm.has("into")) dose["into"] = bm["into"].as_string();
  d["dosing"].push_back(dose);
  d["observe"]["times"].push_back(bm["at"].as_string());
  YAML::Emitter out;
  out << d;
  try {
    return std::make_shared<const scenario::Scenario>(
        scenario::load_scenario_text(out.c_str(), file));
  } catch (const InputError& e) {
    bm.fail(fmt::format("the diagnostic scenario of biomarker '{}' cannot be built: {}",
                        bm["name"].as_string(), e.message()));
  }
}

void read_biomarkers(const YamlInput& list, const std::string& yaml, const std::string& file,
                     const scenario::Scenario& s, TrialSpec& spec) {
  const model::Model& m = *s.model;
  std::set<std::string> names;
  for (const auto& bm : list.items()) {
    bm.expect_keys({"name",    "kind",           "description", "model",        "parameters",
                    "carrier", "dose",           "into",        "at",           "output",
                    "unit",    "partial_volume", "noise",       "relaxivity",   "molar_mass",
                    "source",  "sampling_error", "cutpoints",   "cells_per_mm", "tumour_size",
                    "value",   "receptor",       "positive_at", "cell_sd"});
    BiomarkerSpec b;
    b.name = bm["name"].as_string();
    if (!names.insert(b.name).second) bm["name"].fail("two biomarkers have this name");
    const std::string kind = bm["kind"].as_string();
    const std::vector<std::string> kinds{"pet", "mri_r2star", "tissue", "liquid"};
    if (kind == "pet") {
      b.kind = BiomarkerKind::kPet;
    } else if (kind == "mri_r2star") {
      b.kind = BiomarkerKind::kMriR2star;
    } else if (kind == "tissue") {
      b.kind = BiomarkerKind::kTissue;
    } else if (kind == "liquid") {
      b.kind = BiomarkerKind::kLiquid;
    } else {
      bm["kind"].fail(fmt::format("'{}' is not one of pet, mri_r2star, tissue, liquid{}", kind,
                                  did_you_mean(kind, kinds)));
    }
    if (bm.has("description")) b.description = bm["description"].as_string();
    if (bm.has("noise")) b.noise_cv = fraction(bm["noise"], "noise (CV)", 0.0, 5.0);
    if (b.kind == BiomarkerKind::kPet || b.kind == BiomarkerKind::kMriR2star) {
      b.diagnostic = diagnostic_scenario(bm, yaml, file);
      const model::Model& dm = *b.diagnostic->model;
      const units::Unit target = units::parse_unit(b.kind == BiomarkerKind::kPet ? "%/kg" : "mg/L");
      b.output = output_named(bm["output"], dm, &target,
                              b.kind == BiomarkerKind::kPet ? "%ID/kg" : "an iron concentration");
      b.output_factor = units::conversion_factor(dm.outputs()[b.output].unit, target);
      if (b.kind == BiomarkerKind::kPet && bm.has("partial_volume")) {
        const YamlInput pv = bm["partial_volume"];
        pv.expect_keys({"fwhm", "volume"});
        b.fwhm_mm = scenario::quantity_in(pv["fwhm"], units::parse_unit("mm"), "fwhm");
        if (!(b.fwhm_mm > 0)) pv["fwhm"].fail("must be > 0");
        b.lesion_volume_parameter = parameter_named(pv["volume"], dm);
        const units::Unit& unit = dm.parameters()[b.lesion_volume_parameter].unit;
        if (!(unit.dimension == units::parse_unit("mL").dimension)) {
          pv["volume"].fail(
              fmt::format("parameter '{}' is not a volume", pv["volume"].as_string()));
        }
        b.volume_factor_mL = units::conversion_factor(unit, units::parse_unit("mL"));
      }
      if (b.kind == BiomarkerKind::kMriR2star) {
        b.relaxivity_per_mM_s =
            scenario::quantity_in(bm["relaxivity"], units::parse_unit("1/mM/s"), "relaxivity");
        if (!(b.relaxivity_per_mM_s > 0)) bm["relaxivity"].fail("must be > 0");
        b.molar_mass_g_per_mol =
            scenario::quantity_in(bm["molar_mass"], units::parse_unit("g/mol"), "molar_mass");
        if (!(b.molar_mass_g_per_mol > 0)) bm["molar_mass"].fail("must be > 0");
      }
    } else if (b.kind == BiomarkerKind::kTissue) {
      const std::string source = bm["source"].as_string();
      const auto reported = s.reported_names();
      if (const int p = m.parameter_index(source); p >= 0) {
        b.source_index = p;
      } else if (auto it = std::find(reported.begin(), reported.end(), source);
                 it != reported.end()) {
        b.source_is_parameter = false;
        b.source_index = static_cast<int>(it - reported.begin());
      } else {
        bm["source"].fail(
            fmt::format("'{}' is neither a model parameter nor a reported "
                        "phenotype (reported: {})",
                        source, fmt::join(reported, ", ")));
      }
      if (bm.has("sampling_error")) {
        b.sampling_cv = fraction(bm["sampling_error"], "sampling_error (CV)", 0.0, 5.0);
      }
      for (const auto& cut : bm["cutpoints"].items()) b.cutpoints.push_back(cut.as_double());
      if (!std::is_sorted(b.cutpoints.begin(), b.cutpoints.end())) {
        bm["cutpoints"].fail("cut-points must increase");
      }
    } else {
      b.cells_per_mm = bm["cells_per_mm"].as_double();
      if (!(b.cells_per_mm >= 0)) bm["cells_per_mm"].fail("must be >= 0");
      b.tumour_size_parameter = parameter_named(bm["tumour_size"], m);
      const units::Unit& unit = m.parameters()[b.tumour_size_parameter].unit;
      if (!(unit.dimension == units::parse_unit("mm").dimension)) {
        bm["tumour_size"].fail("the tumour size parameter must be a length");
      }
      b.tumour_size_factor_mm = units::conversion_factor(unit, units::parse_unit("mm"));
      if (bm.has("value")) {
        const std::string v = bm["value"].as_string();
        if (v == "count") {
          b.liquid_value = BiomarkerSpec::LiquidValue::kCount;
        } else if (v == "positive_count") {
          b.liquid_value = BiomarkerSpec::LiquidValue::kPositiveCount;
        } else if (v == "positive_fraction") {
          b.liquid_value = BiomarkerSpec::LiquidValue::kPositiveFraction;
        } else {
          bm["value"].fail(
              fmt::format("'{}' is not one of count, positive_count, "
                          "positive_fraction",
                          v));
        }
      }
      if (b.liquid_value != BiomarkerSpec::LiquidValue::kCount) {
        const std::string receptor = bm["receptor"].as_string();
        const auto reported = s.reported_names();
        if (const int p = m.parameter_index(receptor); p >= 0) {
          b.receptor_index = p;
        } else if (auto it = std::find(reported.begin(), reported.end(), receptor);
                   it != reported.end()) {
          b.receptor_is_parameter = false;
          b.receptor_index = static_cast<int>(it - reported.begin());
        } else {
          bm["receptor"].fail(
              fmt::format("'{}' is neither a model parameter nor a reported "
                          "phenotype (reported: {})",
                          receptor, fmt::join(reported, ", ")));
        }
        b.positive_at = bm["positive_at"].as_double();
        if (!(b.positive_at > 0)) bm["positive_at"].fail("must be > 0");
        if (bm.has("cell_sd")) {
          b.cell_sdlog = bm["cell_sd"].as_double();
          if (!(b.cell_sdlog >= 0)) bm["cell_sd"].fail("must be >= 0 (SD of the log level)");
        }
      }
    }
    spec.biomarkers.push_back(std::move(b));
  }
}

PrimaryEndpoint endpoint_named(const YamlInput& at) {
  const std::string name = at.as_string();
  if (name == "pfs") return PrimaryEndpoint::kProgressionFreeSurvival;
  if (name == "os") return PrimaryEndpoint::kOverallSurvival;
  if (name == "orr") return PrimaryEndpoint::kObjectiveResponse;
  at.fail(fmt::format("'{}' is not one of pfs, os, orr{}", name,
                      did_you_mean(name, {"pfs", "os", "orr"})));
}

}  // namespace

Trial load_trial_text(const std::string& yaml, const std::string& file) {
  Trial trial;
  trial.file = file;
  trial.scenario = scenario::load_scenario_text(yaml, file);
  const YamlInput root = YamlInput::parse(yaml, file);
  if (!root.has("trial")) root.fail("missing required key 'trial' (a trial scenario)");
  const YamlInput at = root["trial"];
  const scenario::Scenario& s = trial.scenario;
  const model::Model& m = *s.model;
  if (!s.population) {
    root.fail("a trial draws its patients from a population: add a population: section");
  }
  if (root.has("dosing")) {
    root["dosing"].fail("a trial's arms give the dosing (trial.arms[].dosing); remove it here");
  }
  at.expect_keys(
      {"seed",       "patients_per_arm", "arms",       "eligibility", "visits",
       "recist",     "toxicity",         "endpoints",  "follow_up",   "accrual",
       "dropout",    "replicates",       "analysis",   "sample_size", "max_screened_per_enrolled",
       "biomarkers", "selection",        "enrichment", "exposure",    "trajectories",
       "subgroups"});
  TrialSpec& spec = trial.spec;
  spec.seed =
      at.has("seed") ? static_cast<std::uint64_t>(at["seed"].as_integer()) : s.population->seed;
  read_endpoints(at["endpoints"], m, spec);

  const long default_patients =
      at.has("patients_per_arm") ? at["patients_per_arm"].as_integer() : 0;
  const auto arms = at["arms"].items();
  if (arms.empty()) at["arms"].fail("a trial needs at least one arm");
  std::set<std::string> names;
  for (const auto& item : arms) {
    item.expect_keys({"name", "patients", "dosing", "parameters"});
    ArmSpec arm;
    arm.name = item["name"].as_string();
    if (!names.insert(arm.name).second) item["name"].fail("two arms have this name");
    const long n = item.has("patients") ? item["patients"].as_integer() : default_patients;
    if (n < 1) {
      (item.has("patients") ? item["patients"] : item)
          .fail(fmt::format("arm '{}' has no patients: give patients (or trial.patients_per_arm) "
                            ">= 1",
                            arm.name));
    }
    arm.patients = static_cast<int>(n);
    const auto dosing = item["dosing"].items();
    if (dosing.empty()) item["dosing"].fail("an arm needs at least one dosing line");
    for (const auto& d : dosing) arm.dosing.push_back(read_arm_dosing(d, m));
    if (item.has("parameters")) {
      for (const auto& [name, value] : item["parameters"].entries()) {
        const int p = parameter_named(YamlInput(YAML::Node(name), value.file(), value.path()), m);
        arm.parameters.emplace_back(
            p, scenario::quantity_in(value, m.parameters()[p].unit, "parameter " + name));
      }
    }
    spec.arms.push_back(std::move(arm));
  }

  if (at.has("eligibility")) {
    const auto reported = s.reported_names();
    for (const auto& [name, entry] : at["eligibility"].entries()) {
      entry.expect_keys({"min", "max"});
      EligibilityCriterion c;
      c.name = name;
      units::Unit unit;
      if (const int p = m.parameter_index(name); p >= 0) {
        c.index = p;
        unit = m.parameters()[p].unit;
      } else if (auto it = std::find(reported.begin(), reported.end(), name);
                 it != reported.end()) {
        c.is_parameter = false;
        c.index = static_cast<int>(it - reported.begin());
      } else {
        std::vector<std::string> known = reported;
        for (const auto& spec_p : m.parameters()) known.push_back(spec_p.name);
        entry.fail(fmt::format("'{}' is neither a model parameter nor a reported phenotype{}", name,
                               did_you_mean(name, known)));
      }
      if (entry.has("min")) c.min = scenario::quantity_in(entry["min"], unit, "min");
      if (entry.has("max")) c.max = scenario::quantity_in(entry["max"], unit, "max");
      if (!(c.min <= c.max)) entry.fail("min is above max");
      spec.eligibility.push_back(c);
    }
  }
  if (at.has("max_screened_per_enrolled")) {
    const long v = at["max_screened_per_enrolled"].as_integer();
    if (v < 1) at["max_screened_per_enrolled"].fail("must be >= 1");
    spec.max_screened_per_enrolled = static_cast<std::size_t>(v);
  }
  if (at.has("visits")) {
    const YamlInput v = at["visits"];
    v.expect_keys({"every"});
    spec.visit_interval_days = days(v["every"], "every");
    if (!(spec.visit_interval_days > 0)) v["every"].fail("must be > 0");
  }
  if (at.has("recist")) read_recist(at["recist"], spec.recist);
  if (at.has("toxicity"))
    read_toxicity(at["toxicity"], m, spec);
  else if (spec.endpoints.neutrophils < 0)
    spec.toxicity.reduce_after_grade = 0;
  if (at.has("follow_up")) spec.follow_up_days = days(at["follow_up"], "follow_up");
  if (!(spec.follow_up_days > 0)) at.fail("follow_up must be > 0");
  if (at.has("accrual")) spec.accrual_days = days(at["accrual"], "accrual");
  if (at.has("dropout")) {
    spec.dropout_per_year = fraction(at["dropout"], "dropout (per year)", 0.0, 0.99);
  }
  if (at.has("replicates")) {
    const long r = at["replicates"].as_integer();
    if (r < 1 || r > 1'000'000) at["replicates"].fail("must be between 1 and 1000000");
    spec.replicates = static_cast<int>(r);
  }
  if (at.has("analysis")) {
    const YamlInput a = at["analysis"];
    a.expect_keys({"endpoint", "control", "alpha", "noninferiority_margin"});
    if (a.has("endpoint")) spec.analysis.endpoint = endpoint_named(a["endpoint"]);
    if (a.has("control")) {
      const std::string control = a["control"].as_string();
      int found = -1;
      for (std::size_t i = 0; i < spec.arms.size(); ++i) {
        if (spec.arms[i].name == control) found = static_cast<int>(i);
      }
      if (found < 0) {
        std::vector<std::string> arm_names;
        for (const auto& arm : spec.arms) arm_names.push_back(arm.name);
        a["control"].fail(
            fmt::format("no arm named '{}'{}", control, did_you_mean(control, arm_names)));
      }
      if (found == 0) {
        a["control"].fail(
            "the control must not be the first arm (the first arm is compared "
            "against it)");
      }
      spec.analysis.control_arm = found;
    }
    if (a.has("alpha")) spec.analysis.alpha = fraction(a["alpha"], "alpha", 1e-6, 0.5);
    if (a.has("noninferiority_margin")) {
      spec.analysis.noninferiority_margin = a["noninferiority_margin"].as_double();
      if (!(spec.analysis.noninferiority_margin > 1.0)) {
        a["noninferiority_margin"].fail("a hazard-ratio margin must be > 1");
      }
      if (spec.analysis.endpoint == PrimaryEndpoint::kObjectiveResponse) {
        a["noninferiority_margin"].fail("the margin is a hazard ratio: use endpoint pfs or os");
      }
    }
    if (spec.analysis.endpoint == PrimaryEndpoint::kOverallSurvival &&
        !spec.endpoints.overall_survival) {
      a["endpoint"].fail("overall survival needs endpoints: overall_survival");
    }
  }
  if (spec.arms.size() < 2) spec.analysis.control_arm = -1;
  if (at.has("sample_size")) {
    const YamlInput ss = at["sample_size"];
    ss.expect_keys({"patients_per_arm", "target_power"});
    if (spec.arms.size() < 2) ss.fail("sample size needs two arms to compare");
    for (const auto& item : ss["patients_per_arm"].items()) {
      const long n = item.as_integer();
      if (n < 2) item.fail("must be >= 2");
      spec.sample_sizes.push_back(static_cast<int>(n));
    }
    if (ss.has("target_power")) {
      spec.target_power = fraction(ss["target_power"], "target_power", 0.01, 0.999);
    }
  }
  if (at.has("biomarkers")) read_biomarkers(at["biomarkers"], yaml, file, s, spec);
  if (at.has("exposure")) spec.exposure_output = output_named(at["exposure"], m, nullptr, "");
  if (at.has("trajectories")) {
    const YamlInput tr = at["trajectories"];
    tr.expect_keys({"outputs", "every", "until"});
    for (const auto& item : tr["outputs"].items()) {
      spec.trajectories.outputs.push_back(output_named(item, m, nullptr, ""));
    }
    if (spec.trajectories.outputs.empty()) tr["outputs"].fail("name at least one output");
    if (tr.has("every")) spec.trajectories.every_days = days(tr["every"], "every");
    if (tr.has("until")) spec.trajectories.until_days = days(tr["until"], "until");
    if (!(spec.trajectories.every_days > 0)) tr["every"].fail("must be > 0");
    if (!(spec.trajectories.until_days >= 0)) tr["until"].fail("must be >= 0");
    if (spec.trajectories.until_days / spec.trajectories.every_days > 10000) {
      tr.fail("more than 10000 trajectory times per patient: sample less often");
    }
  }
  if (at.has("subgroups")) {
    // `subgroups: OUTPUT` or `subgroups: {output: OUTPUT, labels: {VALUE: NAME, ...}}`.
    const YamlInput sg = at["subgroups"];
    if (sg.is_map()) {
      sg.expect_keys({"output", "labels"});
      spec.subgroup_output = output_named(sg["output"], m, nullptr, "");
      if (sg.has("labels")) {
        for (const auto& [value, name] : sg["labels"].entries()) {
          double v = 0.0;
          try {
            std::size_t used = 0;
            v = std::stod(value, &used);
            if (used != value.size()) throw std::invalid_argument(value);
          } catch (const std::exception&) {
            name.fail(fmt::format("'{}' is not a number (an output value)", value));
          }
          spec.subgroup_labels.emplace_back(v, name.as_string());
        }
      }
    } else {
      spec.subgroup_output = output_named(sg, m, nullptr, "");
    }
  }
  if (at.has("selection")) {
    const YamlInput sel = at["selection"];
    sel.expect_keys({"biomarker", "min", "max", "threshold"});
    BiomarkerSelection rule;
    const std::string name = sel["biomarker"].as_string();
    std::vector<std::string> biomarker_names;
    rule.biomarker = -1;
    for (std::size_t b = 0; b < spec.biomarkers.size(); ++b) {
      biomarker_names.push_back(spec.biomarkers[b].name);
      if (spec.biomarkers[b].name == name) rule.biomarker = static_cast<int>(b);
    }
    if (rule.biomarker < 0) {
      sel["biomarker"].fail(
          fmt::format("no biomarker named '{}'{} (define it under "
                      "trial.biomarkers)",
                      name, did_you_mean(name, biomarker_names)));
    }
    const int given = sel.has("min") + sel.has("max") + sel.has("threshold");
    if (given != 1) sel.fail("give one of min, max or threshold: youden");
    if (sel.has("threshold")) {
      if (sel["threshold"].as_string() != "youden") {
        sel["threshold"].fail("threshold: youden (or give min or max with a value)");
      }
      rule.youden = true;
    } else {
      const YamlInput value = sel.has("min") ? sel["min"] : sel["max"];
      rule.below = sel.has("max");
      rule.threshold = value.as_double();
      if (!std::isfinite(rule.threshold)) value.fail("must be a finite number");
      // A bound no patient can pass (or every patient passes) is a mistake, not a selection.
      const BiomarkerSpec& b = spec.biomarkers[static_cast<std::size_t>(rule.biomarker)];
      const double high = b.kind == BiomarkerKind::kTissue ? static_cast<double>(b.cutpoints.size())
                          : b.kind == BiomarkerKind::kLiquid &&
                                  b.liquid_value == BiomarkerSpec::LiquidValue::kPositiveFraction
                              ? 1.0
                              : std::numeric_limits<double>::infinity();
      if (!(rule.threshold >= 0 && rule.threshold <= high)) {
        value.fail(fmt::format(
            "{} is outside the range of biomarker '{}' ({} {}{})", rule.threshold, b.name,
            to_string(b.kind), b.kind == BiomarkerKind::kTissue ? "scores 0 to " : "values >= 0",
            b.kind == BiomarkerKind::kTissue ? std::to_string(b.cutpoints.size()) : std::string()));
      }
    }
    spec.selection_rule = rule;
  }
  if (at.has("enrichment")) spec.enrichment = at["enrichment"].as_bool();
  if ((spec.enrichment || (spec.selection_rule && spec.selection_rule->youden)) &&
      !spec.selection_rule) {
    at["enrichment"].fail(
        "enrichment compares all-comers with biomarker-selected patients: "
        "give selection");
  }
  if (spec.selection_rule && spec.selection_rule->youden) spec.enrichment = true;
  if (s.population->patients) {
    // A patients file is a finite pool: each patient enters at most once.
    std::size_t needed = 0;
    for (const auto& arm : spec.arms) needed += static_cast<std::size_t>(arm.patients);
    needed *= static_cast<std::size_t>(spec.replicates);
    if (needed > static_cast<std::size_t>(s.population->size)) {
      at.fail(fmt::format("the trial needs {} patients but the patients file has {}", needed,
                          s.population->size));
    }
  }
  return trial;
}

bool default_scenario_is_trial() {
  const YAML::Node root = YAML::Load(scenario::default_scenario_text());
  return root.IsMap() && root["trial"];
}

Trial load_default_trial() {
  return load_trial_text(scenario::default_scenario_text(), "scenarios/default.yaml (built in)");
}

Trial load_trial_file(const std::string& path) {
  return load_trial_text(read_text_file(path, "scenario file"), path);
}

}  // namespace smartnano::trial
