// The `tumour:` part of a scenario's population: tumour phenotypes with their distributions,
// the model parameters each acts on and their correlations. The defaults and their sources are
// in docs/population.md ("Tumour phenotypes"); keep the two in step.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scenario/population_scenario.h"
#include "smartnano/core/error.h"

namespace smartnano::scenario::detail {
namespace {

using model::YamlInput;
using population::CovariateDistribution;
using population::Distribution;
using population::PhenotypeRelation;
using population::TumourPhenotype;

// A phenotype as it is when the scenario gives no more than its name: the relation, the
// default marginal and the parameters of the built-in liposomal doxorubicin models it acts on.
struct PhenotypeDefault {
  const char* name;
  const char* unit;
  PhenotypeRelation relation;
  CovariateDistribution distribution;
  double reference;
  double share;
  std::vector<std::string> liposomal_doxorubicin_parameters;
};

const std::vector<PhenotypeDefault>& phenotype_defaults() {
  // Numbers: docs/population.md, "Tumour phenotypes", gives the source or the reasoning of each.
  static const std::vector<PhenotypeDefault> defaults = {
      // Calibrated to the spread of tumour delivery efficiency (Cheng et al. 2020 ACS Nano) in
      // docs/models/liposomal_doxorubicin.md.
      {"permeability",
       "1",
       PhenotypeRelation::kProportional,
       {Distribution::kLogNormal, 1.0, 1.240},
       1.0,
       1.0,
       {"PSV_TUM"}},
      // Hobbs et al. 1998 PNAS: 200 nm - 1.2 um taken as a 95 % range (assumed), around the
      // 490 nm of carrier::VascularPores (the calibrated tumour).
      {"pore_size",
       "nm",
       PhenotypeRelation::kPoreHindrance,
       {Distribution::kLogNormal, 490.0, 0.457},
       490.0,
       1.0,
       {"PSV_TUM"}},
      // Between-patient CV 0.72 of human carcinoma blood flow (133Xe clearance, Cancer Res
      // 1979;39:2304, Abstract, as cited for QV_TUM in the model file): sdlog 0.65.
      {"perfusion",
       "1",
       PhenotypeRelation::kProportional,
       {Distribution::kLogNormal, 1.0, 0.65},
       1.0,
       1.0,
       {"QV_TUM"}},
      // Assumed: CV about 50 %; half of KUP_TC is uptake by macrophages.
      {"macrophage_density",
       "1",
       PhenotypeRelation::kProportional,
       {Distribution::kLogNormal, 1.0, 0.47},
       1.0,
       0.5,
       {"KUP_TC"}},
      // Cervical carcinomas 15.7 +/- 5.7 mmHg (Roh et al. 1991 Cancer Res 51:6695, Abstract);
      // head and neck carcinomas 4 - 33 mmHg (Cancer Res 1992;52:1993, Abstract): median
      // 15 mmHg, sdlog 0.47 between the two spreads (0.35 and 0.54).
      {"interstitial_pressure",
       "mmHg",
       PhenotypeRelation::kDrivingPressure,
       {Distribution::kLogNormal, 15.0, 0.47, 0.0, 60.0},
       15.0,
       1.0,
       {"PSV_TUM"}},
      // Assumed: stromal volume fraction median 30 %, sdlogit 0.8.
      {"stroma",
       "1",
       PhenotypeRelation::kAccessibleFraction,
       {Distribution::kLogitNormal, 0.3, 0.8},
       0.3,
       1.0,
       {"KUP_TC"}},
      // Assumed: receptor expression CV about 100 % (sdlog 0.83).
      {"receptor_level",
       "1",
       PhenotypeRelation::kReceptor,
       {Distribution::kLogNormal, 1.0, 0.83},
       1.0,
       1.0,
       {"KUP_TC"}},
  };
  return defaults;
}

// Assumed microvascular pressure and smallest factor of the interstitial-pressure relation.
constexpr double kMicrovascularPressureMmHg = 30.0;
constexpr double kPressureFloor = 0.1;

bool is_liposomal_doxorubicin(const model::Model& m) {
  return m.extends("liposomal_doxorubicin_human") || m.extends("liposomal_doxorubicin_mouse");
}

TumourPhenotype read_phenotype(const std::string& name, const YamlInput& at, const model::Model& m,
                               const PhenotypeDefault& def) {
  TumourPhenotype t;
  t.name = name;
  t.unit = def.unit;
  t.relation = def.relation;
  t.reference = def.reference;
  t.share = def.share;
  if (t.relation == PhenotypeRelation::kDrivingPressure) {
    t.pressure = kMicrovascularPressureMmHg;
    t.floor = kPressureFloor;
  }
  const units::Unit unit = units::parse_unit(def.unit);
  std::vector<std::string> extra = {"scales", "reference"};
  if (t.relation == PhenotypeRelation::kProportional) extra.push_back("share");
  if (t.relation == PhenotypeRelation::kDrivingPressure) {
    extra.push_back("vascular_pressure");
    extra.push_back("floor");
  }
  if (at.node().IsNull()) {
    t.distribution = def.distribution;
  } else {
    if (!at.is_map()) at.fail("a tumour phenotype is a map (or empty, for the defaults)");
    t.distribution = read_distribution(at, unit, def.distribution, extra);
  }
  if (!at.node().IsNull() && at.has("scales")) {
    const YamlInput s = at["scales"];
    std::vector<YamlInput> items = s.is_sequence() ? s.items() : std::vector<YamlInput>{s};
    std::vector<std::string> names;
    for (const auto& p : m.parameters()) names.push_back(p.name);
    for (const auto& item : items) {
      const std::string p = item.as_string();
      if (m.parameter_index(p) < 0) {
        item.fail(
            fmt::format("model '{}' has no parameter '{}'{}", m.name(), p, did_you_mean(p, names)));
      }
      t.parameters.push_back(p);
    }
    if (t.parameters.empty()) s.fail("name at least one model parameter");
  } else if (is_liposomal_doxorubicin(m)) {
    t.parameters = def.liposomal_doxorubicin_parameters;
  } else {
    at.fail(
        fmt::format("say which parameters of model '{}' {} acts on (scales: NAME or "
                    "[NAME, ...]); defaults exist only for liposomal_doxorubicin_human, "
                    "_mouse and models that extend them",
                    m.name(), name));
  }
  if (!at.node().IsNull()) {
    const bool fraction = t.relation == PhenotypeRelation::kAccessibleFraction;
    if (at.has("reference")) {
      t.reference = fraction ? read_fraction(at["reference"])
                             : quantity_in(at["reference"], unit, "reference");
    }
    if (at.has("share")) t.share = read_fraction(at["share"]);
    if (at.has("vascular_pressure")) {
      t.pressure = quantity_in(at["vascular_pressure"], unit, "vascular_pressure");
    }
    if (at.has("floor")) t.floor = read_fraction(at["floor"]);
  }
  const auto problems = t.validate();
  if (!problems.empty()) at.fail(problems.front());
  return t;
}

population::EtaCorrelation read_tumour_correlation(const std::string& key, const YamlInput& at,
                                                   const std::vector<std::string>& phenotypes,
                                                   const std::vector<std::string>& varied) {
  auto known = [](const std::vector<std::string>& list, const std::string& n) {
    return std::find(list.begin(), list.end(), n) != list.end();
  };
  for (std::size_t dash = key.find('-'); dash != std::string::npos;
       dash = key.find('-', dash + 1)) {
    const std::string a = key.substr(0, dash), b = key.substr(dash + 1);
    const bool a_ok = known(phenotypes, a) || known(varied, a);
    const bool b_ok = known(phenotypes, b) || known(varied, b);
    if (!a_ok || !b_ok || (!known(phenotypes, a) && !known(phenotypes, b))) continue;
    const double rho = at.as_double();
    if (!(rho >= -1 && rho <= 1)) at.fail(fmt::format("a correlation is in [-1, 1], not {}", rho));
    if (a == b) at.fail("a phenotype cannot be correlated with itself");
    return {a, b, rho};
  }
  at.fail(
      fmt::format("'{}' should be FIRST-SECOND: two tumour phenotypes ({}), or one and a "
                  "parameter with variability ({})",
                  key, fmt::join(phenotypes, ", "), fmt::join(varied, ", ")));
}

// Tumour types: the permeability multiplier's log-normal median and sdlog for which tumours of
// that type (volumes log-normal with the published mean and SD) reproduce the published mean and
// SD of PEG-liposome uptake at 72 h in patients (Harrington et al. 2001 Clin Cancer Res 7:243,
// Abstract: 111In-DTPA in the liposomes, so the carrier-bound tumour %ID/kg, PIDG_TUMOUR_CAR;
// scripts/calibrate_epr_presets.py, liposomal_doxorubicin_human, 1000 patients).
struct TumourTypePreset {
  const char* name;
  double median, sdlog;
};
const std::vector<TumourTypePreset>& tumour_type_presets() {
  static const std::vector<TumourTypePreset> presets = {
      {"head_and_neck", 1.877, 0.4785},  // 33.0 +/- 15.8 %ID/kg, 36.2 +/- 18.0 mL
      {"lung", 1.11, 0.3255},            // 18.3 +/- 5.7 %ID/kg, 114.5 +/- 42.0 mL
      {"breast", 0.2926, 0.4998},        // 5.3 +/- 2.6 %ID/kg, 234.7 +/- 101.4 mL
  };
  return presets;
}

}  // namespace

void read_tumour(const YamlInput& at, const model::Model& m, population::PopulationSpec& spec) {
  if (!at.is_map()) at.fail("tumour is a map of phenotypes (and correlations)");
  std::vector<std::string> known;
  for (const auto& d : phenotype_defaults()) known.push_back(d.name);
  std::vector<std::string> phenotypes, varied;
  for (const auto& v : spec.variability) varied.push_back(v.parameter);
  if (at.has("type")) {
    const std::string type = at["type"].as_string();
    const auto& presets = tumour_type_presets();
    const auto preset =
        std::find_if(presets.begin(), presets.end(), [&](const auto& p) { return type == p.name; });
    if (preset == presets.end()) {
      std::vector<std::string> names;
      for (const auto& p : presets) names.push_back(p.name);
      at["type"].fail(fmt::format("'{}' is not a tumour type (those known: {}){}", type,
                                  fmt::join(names, ", "), did_you_mean(type, names)));
    }
    if (at.has("permeability")) {
      at["permeability"].fail(
          "the tumour type sets the permeability distribution; give "
          "type or permeability, not both");
    }
    const auto& defaults = phenotype_defaults();
    const auto def = std::find_if(defaults.begin(), defaults.end(), [](const auto& d) {
      return std::string(d.name) == "permeability";
    });
    TumourPhenotype t = read_phenotype(
        "permeability", YamlInput(YAML::Node(), at.file(), at.path() + ".type"), m, *def);
    t.distribution.location = preset->median;
    t.distribution.scale = preset->sdlog;
    spec.tumour.push_back(t);
    phenotypes.push_back("permeability");
  }
  for (const auto& [name, value] : at.entries()) {
    if (name == "correlations" || name == "type") continue;
    const auto& defaults = phenotype_defaults();
    const auto it = std::find_if(defaults.begin(), defaults.end(),
                                 [&](const auto& d) { return name == d.name; });
    if (it == defaults.end()) {
      value.fail(fmt::format("'{}' is not a tumour phenotype (those known: {}){}", name,
                             fmt::join(known, ", "), did_you_mean(name, known)));
    }
    spec.tumour.push_back(read_phenotype(name, value, m, *it));
    phenotypes.push_back(name);
  }
  if (at.has("correlations")) {
    for (const auto& [key, value] : at["correlations"].entries()) {
      spec.tumour_correlations.push_back(read_tumour_correlation(key, value, phenotypes, varied));
    }
  }
}

}  // namespace smartnano::scenario::detail
