#include "scenario/population_scenario.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "smartnano/core/error.h"

namespace smartnano::scenario {

using model::YamlInput;
using population::CovariateDistribution;
using population::Distribution;

namespace detail {

double read_cv(const YamlInput& at) {
  const units::Quantity q = at.as_quantity();
  if (!q.unit.dimensionless()) at.fail("a CV is a percentage, e.g. '30 %'");
  if (q.unit.scale == 1.0) {
    at.fail(
        fmt::format("write the CV with a percent sign ('{} %' or '{} %'), so that it cannot "
                    "be misread",
                    q.value, q.value * 100));
  }
  const double cv = q.value * q.unit.scale;
  if (!(cv > 0) || !std::isfinite(cv)) at.fail("a CV must be > 0");
  return cv;
}

double read_fraction(const YamlInput& at) {
  const units::Quantity q = at.as_quantity();
  if (!q.unit.dimensionless()) at.fail("a fraction is a bare number in [0, 1] or a percentage");
  const double f = q.value * q.unit.scale;
  if (!(f >= 0 && f <= 1)) at.fail(fmt::format("a fraction must be in [0, 1], not {}", f));
  return f;
}

CovariateDistribution read_distribution(const YamlInput& at, const units::Unit& unit,
                                        const std::optional<CovariateDistribution>& fallback,
                                        const std::vector<std::string>& extra_keys) {
  std::vector<std::string> keys = {"distribution", "mean",    "median", "sd", "cv",
                                   "sdlog",        "sdlogit", "min",    "max"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  at.expect_keys(keys);
  static const std::vector<std::string> kinds = {"normal", "lognormal", "logitnormal", "uniform"};
  CovariateDistribution d = fallback.value_or(CovariateDistribution{});
  if (at.has("distribution")) {
    const std::string kind = at["distribution"].as_string();
    const auto it = std::find(kinds.begin(), kinds.end(), kind);
    if (it == kinds.end()) {
      at["distribution"].fail(fmt::format("'{}' is not one of {}{}", kind, fmt::join(kinds, ", "),
                                          did_you_mean(kind, kinds)));
    }
    const auto chosen = static_cast<Distribution>(it - kinds.begin());
    if (fallback && chosen != fallback->distribution) {
      d = CovariateDistribution{};  // another family: nothing of the default applies
    }
    d.distribution = chosen;
  }
  const bool has_default = fallback && d.distribution == fallback->distribution;
  auto refuse = [&](const char* key, const char* why) {
    if (at.has(key)) at[key].fail(why);
  };
  auto fraction = [&](const YamlInput& v) { return read_fraction(v); };
  switch (d.distribution) {
    case Distribution::kNormal: {
      refuse("sdlog", "sdlog is the spread of a log-normal");
      refuse("sdlogit", "sdlogit is the spread of a logit-normal");
      if (at.has("mean") && at.has("median")) at.fail("give one of mean and median");
      if (at.has("sd") && at.has("cv")) at.fail("give exactly one of sd and cv");
      if (at.has("mean") || at.has("median")) {
        d.location = quantity_in(at[at.has("mean") ? "mean" : "median"], unit, "mean");
      } else if (!has_default) {
        at.fail("give exactly one of mean and median");
      }
      if (at.has("sd")) {
        d.scale = quantity_in(at["sd"], unit, "sd");
      } else if (at.has("cv")) {
        d.scale = read_cv(at["cv"]) * d.location;
      } else if (!has_default) {
        at.fail("give exactly one of sd and cv");
      }
      if (!(d.scale > 0)) at[at.has("sd") ? "sd" : "cv"].fail("the spread must be > 0");
      break;
    }
    case Distribution::kLogNormal:
      refuse("mean", "a log-normal is given by its median and cv (or sdlog)");
      refuse("sd", "a log-normal is given by its median and cv (or sdlog, the SD of ln x)");
      refuse("sdlogit", "sdlogit is the spread of a logit-normal");
      if (at.has("median")) {
        d.location = quantity_in(at["median"], unit, "median");
      } else if (!has_default) {
        at.fail("a log-normal needs its median");
      }
      if (at.has("cv") && at.has("sdlog")) at.fail("give exactly one of cv and sdlog");
      if (at.has("cv")) {
        d.scale = std::sqrt(population::omega2_from_cv(read_cv(at["cv"])));
      } else if (at.has("sdlog")) {
        d.scale = at["sdlog"].as_double();
        if (!(d.scale > 0) || !std::isfinite(d.scale)) at["sdlog"].fail("sdlog must be > 0");
      } else if (!has_default) {
        at.fail("give exactly one of cv and sdlog");
      }
      break;
    case Distribution::kLogitNormal:
      for (const char* key : {"mean", "sd", "cv", "sdlog"}) {
        refuse(key,
               "a logit-normal is given by its median (a fraction) and sdlogit (the SD "
               "of logit x)");
      }
      if (at.has("median")) {
        d.location = fraction(at["median"]);
        if (!(d.location > 0 && d.location < 1)) at["median"].fail("must be in (0, 1)");
      } else if (!has_default) {
        at.fail("a logit-normal needs its median");
      }
      if (at.has("sdlogit")) {
        d.scale = at["sdlogit"].as_double();
        if (!(d.scale > 0) || !std::isfinite(d.scale)) at["sdlogit"].fail("sdlogit must be > 0");
      } else if (!has_default) {
        at.fail("a logit-normal needs sdlogit (the SD of logit x)");
      }
      break;
    case Distribution::kUniform:
      for (const char* key : {"mean", "median", "sd", "cv", "sdlog", "sdlogit"}) {
        refuse(key, "a uniform distribution is given by min and max");
      }
      if (!at.has("min") || !at.has("max")) at.fail("a uniform distribution needs min and max");
      break;
  }
  const bool fractional = d.distribution == Distribution::kLogitNormal;
  if (at.has("min")) d.min = fractional ? fraction(at["min"]) : quantity_in(at["min"], unit, "min");
  if (at.has("max")) d.max = fractional ? fraction(at["max"]) : quantity_in(at["max"], unit, "max");
  std::vector<std::string> problems;
  population::check_distribution(d, "distribution", problems);
  if (!problems.empty()) at.fail(problems.front().substr(std::string("distribution: ").size()));
  return d;
}

}  // namespace detail

namespace {

using detail::read_cv;
using detail::read_distribution;

const std::vector<std::string> kVariabilityKeys = {"distribution", "cv",  "omega2",
                                                   "sd",           "min", "max"};

population::ParameterVariability read_variability(const std::string& name, const YamlInput& at,
                                                  const model::Model& m) {
  const int index = m.parameter_index(name);
  if (index < 0) {
    std::vector<std::string> names;
    for (const auto& p : m.parameters()) names.push_back(p.name);
    at.fail(fmt::format("model '{}' has no parameter '{}'{}", m.name(), name,
                        did_you_mean(name, names)));
  }
  if (!at.is_map()) return {name, population::omega2_from_cv(read_cv(at))};
  at.expect_keys(kVariabilityKeys);
  population::ParameterVariability v{name, 0.0};
  if (at.has("distribution")) {
    const std::string kind = at["distribution"].as_string();
    if (kind == "logitnormal") {
      v.distribution = Distribution::kLogitNormal;
    } else if (kind != "lognormal") {
      at["distribution"].fail(
          fmt::format("a parameter's variability is lognormal or logitnormal, not '{}'{}", kind,
                      did_you_mean(kind, {"lognormal", "logitnormal"})));
    }
  }
  const int given = at.has("cv") + at.has("omega2") + at.has("sd");
  if (given != 1) at.fail("give exactly one of cv, omega2 and sd (the SD of eta)");
  if (at.has("cv")) {
    if (v.distribution == Distribution::kLogitNormal) {
      at["cv"].fail("a logit-normal's spread is omega2 or sd (of eta, on the logit scale)");
    }
    v.omega2 = population::omega2_from_cv(read_cv(at["cv"]));
  } else if (at.has("omega2")) {
    v.omega2 = at["omega2"].as_double();
    if (!(v.omega2 > 0) || !std::isfinite(v.omega2)) at["omega2"].fail("omega2 must be > 0");
  } else {
    const double sd = at["sd"].as_double();
    if (!(sd > 0) || !std::isfinite(sd)) at["sd"].fail("sd must be > 0");
    v.omega2 = sd * sd;
  }
  const units::Unit& unit = m.parameters()[index].unit;
  if (at.has("min")) v.min = quantity_in(at["min"], unit, "min");
  if (at.has("max")) v.max = quantity_in(at["max"], unit, "max");
  if (!(v.min < v.max)) at.fail(fmt::format("min ({}) must be below max ({})", v.min, v.max));
  return v;
}

population::EtaCorrelation read_correlation(const std::string& key, const YamlInput& at,
                                            const std::vector<std::string>& varied) {
  auto is_varied = [&](const std::string& n) {
    return std::find(varied.begin(), varied.end(), n) != varied.end();
  };
  for (std::size_t dash = key.find('-'); dash != std::string::npos;
       dash = key.find('-', dash + 1)) {
    const std::string a = key.substr(0, dash), b = key.substr(dash + 1);
    if (is_varied(a) && is_varied(b)) {
      const double rho = at.as_double();
      if (!(rho >= -1 && rho <= 1))
        at.fail(fmt::format("a correlation is in [-1, 1], not {}", rho));
      if (a == b) at.fail("a parameter cannot be correlated with itself");
      return {a, b, rho};
    }
  }
  at.fail(
      fmt::format("'{}' should be FIRST-SECOND, two parameters that have variability (those with "
                  "variability: {})",
                  key, fmt::join(varied, ", ")));
}

// `covariance: {parameters: [A, B, ...], matrix: [[...], ...]}`: an omega block, full or as
// its lower triangle, appended to spec.variability (log-normal) and spec.correlations.
void read_covariance(const YamlInput& at, const model::Model& m, population::PopulationSpec& spec,
                     std::vector<std::string>& varied, std::vector<std::string>& block) {
  at.expect_keys({"parameters", "matrix"});
  std::vector<std::string> names;
  for (const auto& p : m.parameters()) names.push_back(p.name);
  const std::vector<YamlInput> params = at["parameters"].items();
  for (const auto& item : params) {
    const std::string name = item.as_string();
    if (m.parameter_index(name) < 0) {
      item.fail(fmt::format("model '{}' has no parameter '{}'{}", m.name(), name,
                            did_you_mean(name, names)));
    }
    if (std::find(varied.begin(), varied.end(), name) != varied.end()) {
      item.fail(fmt::format("{} has variability already (under variability: or twice here)", name));
    }
    varied.push_back(name);
    block.push_back(name);
  }
  const std::size_t n = params.size();
  if (n == 0) at["parameters"].fail("name at least one parameter");
  const std::vector<YamlInput> rows = at["matrix"].items();
  if (rows.size() != n) {
    at["matrix"].fail(fmt::format("{} rows for {} parameters", rows.size(), n));
  }
  std::vector<std::vector<double>> c(n, std::vector<double>(n, 0.0));
  bool full = false;
  for (std::size_t i = 0; i < n; ++i) {
    const std::vector<YamlInput> row = rows[i].items();
    if (i == 0) full = row.size() == n && n > 1;
    const std::size_t want = full ? n : i + 1;
    if (row.size() != want) {
      rows[i].fail(
          fmt::format("row {} has {} values; give the full matrix ({} per row) or its "
                      "lower triangle (row i has i values)",
                      i + 1, row.size(), n));
    }
    for (std::size_t j = 0; j < want; ++j) c[i][j] = row[j].as_double();
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::vector<YamlInput> row = rows[i].items();
    if (!(c[i][i] > 0) || !std::isfinite(c[i][i])) {
      row[i].fail(fmt::format("a variance must be > 0, not {}", c[i][i]));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (full && std::abs(c[i][j] - c[j][i]) > 1e-12 * std::max(std::abs(c[i][j]), 1e-300)) {
        row[j].fail(
            fmt::format("the matrix is not symmetric ({} here, {} above)", c[i][j], c[j][i]));
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    spec.variability.push_back({block[block.size() - n + i], c[i][i]});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (c[i][j] == 0) continue;
      const double rho = c[i][j] / std::sqrt(c[i][i] * c[j][j]);
      if (!(rho >= -1 && rho <= 1)) {
        rows[i].items()[j].fail(
            fmt::format("implies a correlation of {:.4g}, outside [-1, 1]", rho));
      }
      spec.correlations.push_back({block[block.size() - n + j], block[block.size() - n + i], rho});
    }
  }
}

// A model covariate named at `at` (for a `covariate:` key).
std::string read_model_covariate(const YamlInput& at, const model::Model& m) {
  const std::string name = at.as_string();
  std::vector<std::string> names;
  for (const auto& c : m.covariates()) names.push_back(c.name);
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    at.fail(fmt::format("model '{}' has no covariate '{}'{}{}", m.name(), name,
                        did_you_mean(name, names), names.empty() ? " (it has no covariates)" : ""));
  }
  return name;
}

// weight / height: one distribution, or {female: ..., male: ...}.
void read_body(const YamlInput& at, const char* unit_text,
               std::optional<CovariateDistribution>& all,
               std::optional<CovariateDistribution>& female, bool has_sex) {
  const units::Unit unit = units::parse_unit(unit_text);
  if (at.is_map() && (at.has("female") || at.has("male"))) {
    at.expect_keys({"female", "male"});
    if (!at.has("female") || !at.has("male")) at.fail("give both female and male distributions");
    if (!has_sex) at.fail("a distribution by sex needs `sex:` in the population");
    female = read_distribution(at["female"], unit);
    all = read_distribution(at["male"], unit);
    return;
  }
  all = read_distribution(at, unit);
}

population::SexSpec read_sex(const YamlInput& at, const model::Model& m) {
  at.expect_keys({"female", "male", "covariate", "codes"});
  population::SexSpec s;
  if (at.has("female") && at.has("male")) at.fail("give female or male, not both");
  if (at.has("female")) s.female_fraction = detail::read_fraction(at["female"]);
  if (at.has("male")) s.female_fraction = 1.0 - detail::read_fraction(at["male"]);
  if (at.has("covariate")) s.model_covariate = read_model_covariate(at["covariate"], m);
  if (at.has("codes")) {
    const YamlInput codes = at["codes"];
    codes.expect_keys({"female", "male"});
    if (codes.has("female")) s.female_code = codes["female"].as_double();
    if (codes.has("male")) s.male_code = codes["male"].as_double();
    if (s.female_code == s.male_code) codes.fail("the female and male codes must differ");
  }
  return s;
}

// A named covariate: a distribution (optionally by sex) with `unit:` and `covariate:` keys.
population::NamedCovariate read_named_covariate(const std::string& name, const YamlInput& at,
                                                const model::Model& m, bool has_sex,
                                                const std::string& default_unit) {
  population::NamedCovariate c;
  c.name = name;
  if (!at.is_map()) at.fail("a covariate is a map: a distribution, unit and covariate");
  std::string unit_text = default_unit;
  if (at.has("unit")) {
    unit_text = at["unit"].as_string();
    try {
      units::parse_unit(unit_text);
    } catch (const units::UnitError& e) {
      at["unit"].fail(e.what());
    }
  } else if (unit_text.empty()) {
    // The unit of the first quantity written, so that 'median: 100 mL/min' reports mL/min.
    for (const char* key : {"median", "mean", "min", "max"}) {
      if (!at.has(key)) continue;
      const units::Quantity q = at[key].as_quantity();
      unit_text = q.unit.dimensionless() ? "1" : q.unit.text;
      break;
    }
    if (unit_text.empty()) unit_text = "1";
  }
  c.unit = unit_text;
  const units::Unit unit = units::parse_unit(unit_text);
  if (at.has("covariate")) c.model_covariate = read_model_covariate(at["covariate"], m);
  const bool by_sex = at.has("female") || at.has("male");
  const bool table_only = !by_sex && !at.has("distribution") && !at.has("mean") &&
                          !at.has("median") && !at.has("min") && !at.has("max");
  if (table_only) {
    at.expect_keys({"unit", "covariate"});
    c.sampled = false;  // the patient table must give it: checked when it is read
    return c;
  }
  if (by_sex) {
    at.expect_keys({"female", "male", "unit", "covariate"});
    if (!at.has("female") || !at.has("male")) at.fail("give both female and male distributions");
    if (!has_sex) at.fail("a distribution by sex needs `sex:` in the population");
    c.female = read_distribution(at["female"], unit);
    c.distribution = read_distribution(at["male"], unit);
  } else {
    c.distribution = read_distribution(at, unit, std::nullopt, {"unit", "covariate"});
  }
  // The model covariate's unit must be reachable.
  if (!c.model_covariate.empty()) {
    for (const auto& mc : m.covariates()) {
      if (mc.name != c.model_covariate) continue;
      try {
        units::conversion_factor(unit, mc.unit);
      } catch (const units::UnitError& e) {
        at["covariate"].fail(fmt::format("{} is in {}, model covariate {} in {}: {}", name,
                                         unit_text, mc.name, mc.unit.text, e.what()));
      }
    }
  }
  return c;
}

}  // namespace

population::PopulationSampler make_population_sampler(
    const YamlInput& at, const model::Model& m, const std::vector<double>& typical,
    const std::optional<carrier::CarrierDesign>& carrier_design) {
  at.expect_keys({"size", "seed", "patients", "variability", "covariance", "correlations", "weight",
                  "height", "sex", "age", "covariates", "tumour"});
  population::PopulationSpec spec;
  if (!at.has("size") && !at.has("patients")) at.fail("give size (or a patients: file)");
  if (at.has("size")) {
    spec.size = at["size"].as_integer();
    if (spec.size < 1) at["size"].fail(fmt::format("must be >= 1, not {}", spec.size));
  }
  if (at.has("seed")) {
    const long seed = at["seed"].as_integer();
    if (seed < 0) at["seed"].fail(fmt::format("must be >= 0, not {}", seed));
    spec.seed = static_cast<std::uint64_t>(seed);
  }
  std::vector<std::string> varied;
  if (at.has("variability")) {
    for (const auto& [name, value] : at["variability"].entries()) {
      spec.variability.push_back(read_variability(name, value, m));
      varied.push_back(name);
    }
  }
  std::vector<std::string> block;
  if (at.has("covariance")) read_covariance(at["covariance"], m, spec, varied, block);
  if (at.has("correlations")) {
    auto in_block = [&](const std::string& n) {
      return std::find(block.begin(), block.end(), n) != block.end();
    };
    for (const auto& [key, value] : at["correlations"].entries()) {
      spec.correlations.push_back(read_correlation(key, value, varied));
      if (in_block(spec.correlations.back().first) && in_block(spec.correlations.back().second)) {
        value.fail("both parameters are in covariance:, which gives their covariance");
      }
    }
  }
  if (at.has("sex")) spec.sex = read_sex(at["sex"], m);
  const bool has_sex = spec.sex.has_value();
  if (at.has("weight"))
    read_body(at["weight"], "kg", spec.weight_kg, spec.weight_kg_female, has_sex);
  if (at.has("height"))
    read_body(at["height"], "cm", spec.height_cm, spec.height_cm_female, has_sex);
  if (at.has("age")) {
    spec.covariates.push_back(read_named_covariate("AGE", at["age"], m, has_sex, "yr"));
  }
  if (at.has("covariates")) {
    for (const auto& [name, value] : at["covariates"].entries()) {
      const bool twice = std::any_of(spec.covariates.begin(), spec.covariates.end(),
                                     [&](const auto& c) { return c.name == name; });
      if (twice) value.fail(fmt::format("covariate {} is given twice", name));
      if (name == "SEX") value.fail("sex is given by `sex:`");
      spec.covariates.push_back(read_named_covariate(name, value, m, has_sex, ""));
    }
  }
  if (carrier_design) spec.carrier.design = *carrier_design;
  try {
    spec.carrier.cell_uptake_factor = carrier::pk_factors(spec.carrier.design).cell_uptake;
  } catch (const std::invalid_argument& e) {
    at.fail(fmt::format("the carrier design: {}", e.what()));
  }
  if (at.has("tumour")) detail::read_tumour(at["tumour"], m, spec);
  if (at.has("patients")) {
    detail::read_patient_table(at["patients"], m, spec);
    if (at.has("size") && spec.size != spec.patients->rows()) {
      at["size"].fail(fmt::format("the patients file has {} patients, not {}",
                                  spec.patients->rows(), spec.size));
    }
    spec.size = spec.patients->rows();
  }
  for (const auto& c : spec.covariates) {
    if (!c.sampled &&
        !(spec.patients &&
          std::any_of(spec.patients->covariates.begin(), spec.patients->covariates.end(),
                      [&](const auto& col) { return col.name == c.name; }))) {
      const YamlInput where =
          c.name == "AGE" && at.has("age") ? at["age"] : at["covariates"][c.name];
      where.fail(
          fmt::format("{} has no distribution and the patients file no column {}", c.name, c.name));
    }
  }
  const auto problems = spec.validate();
  if (!problems.empty()) {
    const std::string& p = problems.front();
    for (const char* field : {"weight", "height", "correlation", "variability", "sex", "tumour"}) {
      const std::string key = field == std::string("correlation") ? "correlations" : field;
      if (p.rfind(field, 0) == 0 && at.has(key)) at[key].fail(p);
    }
    at.fail(p);
  }
  try {
    return population::PopulationSampler(std::move(spec), m, typical);
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    if (what.find("tumour") != std::string::npos && at.has("tumour")) at["tumour"].fail(what);
    if (what.rfind("variability of", 0) == 0 && at.has("variability")) {
      at["variability"].fail(what);
    }
    if (what.find("covariate") != std::string::npos) at.fail(what);
    if (at.has("correlations")) at["correlations"].fail(what);
    (at.has("covariance") ? at["covariance"] : at).fail(what);
  }
}

}  // namespace smartnano::scenario
