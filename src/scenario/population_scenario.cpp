#include "scenario/population_scenario.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "smartnano/core/error.h"

namespace smartnano::scenario {
namespace {

using model::YamlInput;

// A CV written with a percent sign ("30 %") or as a fraction with one ("0.3 1" is refused:
// a bare number is ambiguous between 0.3 and 30 %).
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

population::ParameterVariability read_variability(const std::string& name, const YamlInput& at,
                                                  const model::Model& m) {
  if (m.parameter_index(name) < 0) {
    std::vector<std::string> names;
    for (const auto& p : m.parameters()) names.push_back(p.name);
    at.fail(fmt::format("model '{}' has no parameter '{}'{}", m.name(), name,
                        did_you_mean(name, names)));
  }
  if (!at.is_map()) return {name, population::omega2_from_cv(read_cv(at))};
  at.expect_keys({"cv", "omega2"});
  if (at.has("cv") == at.has("omega2")) at.fail("give exactly one of cv and omega2");
  if (at.has("cv")) return {name, population::omega2_from_cv(read_cv(at["cv"]))};
  const double omega2 = at["omega2"].as_double();
  if (!(omega2 > 0) || !std::isfinite(omega2)) at["omega2"].fail("omega2 must be > 0");
  return {name, omega2};
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

population::CovariateDistribution read_distribution(const YamlInput& at,
                                                    const std::string& unit_text) {
  at.expect_keys({"distribution", "mean", "median", "sd", "cv", "min", "max"});
  const units::Unit unit = units::parse_unit(unit_text);
  population::CovariateDistribution d;
  std::string kind = "normal";
  if (at.has("distribution")) {
    kind = at["distribution"].as_string();
    if (kind != "normal" && kind != "lognormal") {
      at["distribution"].fail(fmt::format("'{}' is not one of normal, lognormal{}", kind,
                                          did_you_mean(kind, {"normal", "lognormal"})));
    }
  }
  if (at.has("sd") == at.has("cv")) at.fail("give exactly one of sd and cv");
  if (kind == "lognormal") {
    d.distribution = population::Distribution::kLogNormal;
    if (at.has("mean")) at["mean"].fail("a log-normal is given by its median and cv");
    d.location = quantity_in(at["median"], unit, "median");
    if (at.has("sd")) at["sd"].fail("a log-normal is given by its median and cv");
    d.scale = std::sqrt(population::omega2_from_cv(read_cv(at["cv"])));
  } else {
    if (at.has("mean") == at.has("median")) at.fail("give exactly one of mean and median");
    const YamlInput center = at.has("mean") ? at["mean"] : at["median"];
    d.location = quantity_in(center, unit, "mean");
    d.scale = at.has("sd") ? quantity_in(at["sd"], unit, "sd") : read_cv(at["cv"]) * d.location;
    if (!(d.scale > 0)) at[at.has("sd") ? "sd" : "cv"].fail("the spread must be > 0");
  }
  if (at.has("min")) d.min = quantity_in(at["min"], unit, "min");
  if (at.has("max")) d.max = quantity_in(at["max"], unit, "max");
  return d;
}

}  // namespace

population::PopulationSampler make_population_sampler(const YamlInput& at, const model::Model& m,
                                                      const std::vector<double>& typical) {
  at.expect_keys({"size", "seed", "variability", "correlations", "weight", "height"});
  population::PopulationSpec spec;
  spec.size = at["size"].as_integer();
  if (spec.size < 1) at["size"].fail(fmt::format("must be >= 1, not {}", spec.size));
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
  if (at.has("correlations")) {
    for (const auto& [key, value] : at["correlations"].entries()) {
      spec.correlations.push_back(read_correlation(key, value, varied));
    }
  }
  if (at.has("weight")) spec.weight_kg = read_distribution(at["weight"], "kg");
  if (at.has("height")) spec.height_cm = read_distribution(at["height"], "cm");
  const auto problems = spec.validate();
  if (!problems.empty()) {
    const std::string& p = problems.front();
    for (const char* field : {"weight", "height", "correlation", "variability"}) {
      const std::string key = field == std::string("correlation") ? "correlations" : field;
      if (p.rfind(field, 0) == 0 && at.has(key)) at[key].fail(p);
    }
    at.fail(p);
  }
  try {
    return population::PopulationSampler(std::move(spec), m, typical);
  } catch (const std::invalid_argument& e) {
    (at.has("correlations") ? at["correlations"] : at).fail(e.what());
  }
}

}  // namespace smartnano::scenario
