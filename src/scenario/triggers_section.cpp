// Reading the `triggers:` section (docs/triggers.md). Defaults and their sources are in
// docs/triggers/*.md; each default here names the page that justifies it.
#include "scenario/triggers_section.h"

#include <cmath>

#include <fmt/format.h>

#include "scenario/population_scenario.h"
#include "smartnano/core/error.h"

namespace smartnano::scenario {

using model::YamlInput;
using namespace triggers;  // the defaults (k...)

namespace {

struct Reader {
  const YamlInput& at;
  const model::Model& m;
  double hours_per_unit;  // hours in one model time unit

  double time(const char* key, double fallback_hours) const {
    if (!at.has(key)) return fallback_hours / hours_per_unit;
    return quantity_in(at[key], m.time_unit(), key);
  }
  double required_time(const char* key) const {
    if (!at.has(key)) at.fail(fmt::format("missing required key '{}'", key));
    return quantity_in(at[key], m.time_unit(), key);
  }
  std::vector<double> times(const char* key) const {
    if (!at.has(key)) at.fail(fmt::format("missing required key '{}'", key));
    const YamlInput v = at[key];
    std::vector<double> out;
    if (v.is_sequence()) {
      for (const auto& item : v.items()) out.push_back(quantity_in(item, m.time_unit(), key));
    } else {
      out.push_back(quantity_in(v, m.time_unit(), key));
    }
    if (out.empty()) v.fail("give at least one time");
    return out;
  }
  double value(const char* key, const char* unit, double fallback) const {
    if (!at.has(key)) return fallback;
    return quantity_in(at[key], units::parse_unit(unit), key);
  }
};

// A fold: a bare number, at least `low`.
double fold(const YamlInput& at, const char* key, double fallback, double low = 1.0) {
  if (!at.has(key)) return fallback;
  const double v = at[key].as_double();
  if (!(v >= low) || !std::isfinite(v)) at[key].fail(fmt::format("{} must be >= {}", key, low));
  return v;
}

triggers::Hyperthermia read_hyperthermia(const Reader& r) {
  r.at.expect_keys({"start", "ramp", "hold", "cooling", "temperature", "release", "perfusion"});
  triggers::Hyperthermia h;
  h.start = r.required_time("start");
  h.ramp = r.time("ramp", 5.0 / 60.0);
  h.hold = r.required_time("hold");
  h.cooling = r.time("cooling", 5.0 / 60.0);
  if (!r.at.has("temperature")) r.at.fail("missing required key 'temperature' (e.g. 42 degC)");
  h.temperature_celsius = r.value("temperature", "degC", 42.0);
  // Low-temperature-sensitive liposomes (docs/triggers/hyperthermia.md).
  h.release = triggers::ThermalRelease{kLtslMaxRatePerH, kLtslT50Celsius, kLtslWidthCelsius};
  if (r.at.has("release")) {
    const YamlInput rel = r.at["release"];
    if (rel.is_scalar()) {
      const std::string kind = rel.as_string();
      if (kind == "none") {
        h.release.max_rate_per_h = 0.0;
      } else if (kind != "ltsl") {
        rel.fail(fmt::format("release is ltsl, none or {{max_rate, t50, width}}, not '{}'", kind));
      }
    } else {
      rel.expect_keys({"max_rate", "t50", "width"});
      const Reader sub{rel, r.m, r.hours_per_unit};
      h.release.max_rate_per_h = sub.value("max_rate", "1/h", h.release.max_rate_per_h);
      h.release.t50_celsius = sub.value("t50", "degC", h.release.t50_celsius);
      h.release.width_celsius = sub.value("width", "K", h.release.width_celsius);
    }
  }
  h.perfusion = triggers::HeatPerfusion{kHeatPeakPerfusionFold, kHeatPeakCelsius,
                                        kHeatShutdownCelsius, kHeatShutdownFold};
  if (r.at.has("perfusion")) {
    const YamlInput p = r.at["perfusion"];
    p.expect_keys({"peak_fold", "peak", "shutdown", "shutdown_fold"});
    const Reader sub{p, r.m, r.hours_per_unit};
    h.perfusion.peak_fold = fold(p, "peak_fold", h.perfusion.peak_fold, 0.0);
    h.perfusion.peak_celsius = sub.value("peak", "degC", h.perfusion.peak_celsius);
    h.perfusion.shutdown_celsius = sub.value("shutdown", "degC", h.perfusion.shutdown_celsius);
    h.perfusion.shutdown_fold = fold(p, "shutdown_fold", h.perfusion.shutdown_fold, 0.0);
  }
  return h;
}

triggers::Ultrasound read_ultrasound(const Reader& r) {
  r.at.expect_keys({"at", "duration", "permeability_fold", "window_half_life"});
  triggers::Ultrasound u;
  u.times = r.times("at");
  u.duration = r.time("duration", kUltrasoundDurationH);
  u.permeability_fold = fold(r.at, "permeability_fold", kUltrasoundPermeabilityFold);
  u.window_half_life = r.time("window_half_life", kUltrasoundWindowHalfLifeH);
  return u;
}

triggers::Radiotherapy read_radiotherapy(const Reader& r) {
  r.at.expect_keys(
      {"at", "dose", "alpha", "alpha_beta", "kill", "permeability_fold", "permeability_peak"});
  triggers::Radiotherapy rt;
  rt.times = r.times("at");
  if (!r.at.has("dose")) r.at.fail("missing required key 'dose' (per fraction, e.g. 2 Gy)");
  rt.dose_gy = r.value("dose", "Gy", 0.0);
  rt.alpha_per_gy = r.value("alpha", "1/Gy", kRadiationAlphaPerGy);
  const double alpha_beta = r.value("alpha_beta", "Gy", kRadiationAlphaBetaGy);
  if (!(alpha_beta > 0)) r.at["alpha_beta"].fail("alpha_beta must be > 0");
  rt.beta_per_gy2 = rt.alpha_per_gy / alpha_beta;
  if (r.at.has("kill")) rt.kill = r.at["kill"].as_bool();
  rt.permeability_fold = fold(r.at, "permeability_fold", kRadiationPermeabilityFold);
  rt.permeability_peak = r.time("permeability_peak", kRadiationPermeabilityPeakH);
  return rt;
}

triggers::Losartan read_losartan(const Reader& r) {
  r.at.expect_keys({"start", "end", "perfusion_fold", "permeability_fold", "onset", "offset"});
  triggers::Losartan l;
  l.start = r.required_time("start");
  l.end = r.required_time("end");
  l.perfusion_fold = fold(r.at, "perfusion_fold", kLosartanPerfusionFold, 0.0);
  l.permeability_fold = fold(r.at, "permeability_fold", kLosartanPermeabilityFold, 0.0);
  l.onset = r.time("onset", kLosartanOnsetH);
  l.offset = r.time("offset", kLosartanOffsetH);
  return l;
}

}  // namespace

std::shared_ptr<const triggers::Schedule> read_triggers(const YamlInput& at,
                                                        const model::Model& m) {
  if (!at.is_sequence()) {
    at.fail("triggers is a list: - hyperthermia: {...}, - ultrasound: {...}, ...");
  }
  const double hours_per_unit = units::conversion_factor(m.time_unit(), units::parse_unit("h"));
  std::vector<triggers::Course> all;
  for (const auto& item : at.items()) {
    if (!item.is_map() || item.entries().size() != 1) {
      item.fail("each trigger is one of hyperthermia, ultrasound, radiotherapy, losartan: {...}");
    }
    const auto entries = item.entries();  // a copy: entries() returns a new vector
    const auto& [kind, spec] = entries.front();
    if (!spec.is_map()) spec.fail(fmt::format("{} is a map of its settings", kind));
    const Reader r{spec, m, hours_per_unit};
    std::vector<triggers::Course> cs;
    try {
      if (kind == "hyperthermia") {
        cs = triggers::courses(read_hyperthermia(r), hours_per_unit);
      } else if (kind == "ultrasound") {
        cs = triggers::courses(read_ultrasound(r));
      } else if (kind == "radiotherapy") {
        cs = triggers::courses(read_radiotherapy(r), hours_per_unit);
      } else if (kind == "losartan") {
        cs = triggers::courses(read_losartan(r));
      } else {
        item.fail(fmt::format(
            "unknown trigger '{}'{} (hyperthermia, ultrasound, radiotherapy, "
            "losartan)",
            kind, did_you_mean(kind, {"hyperthermia", "ultrasound", "radiotherapy", "losartan"})));
      }
      // Each trigger alone must fit the model, so the error points at it.
      triggers::Schedule(cs, m);
    } catch (const std::invalid_argument& e) {
      spec.fail(e.what());
    }
    all.insert(all.end(), cs.begin(), cs.end());
  }
  return std::make_shared<const triggers::Schedule>(std::move(all), m);
}

}  // namespace smartnano::scenario
