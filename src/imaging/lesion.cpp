// Lesion statistics, PET quantification (%ID/mL, SUV) and R2* iron estimates. Formulas and the
// sources of the constants: docs/imaging.md.
#include "smartnano/imaging/lesion.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numbers>
#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/core/error.h"
#include "smartnano/core/text.h"
#include "smartnano/core/units.h"

namespace smartnano::imaging {
namespace {

std::string normalised_nuclide(std::string_view text) {
  std::string letters, digits;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalpha(c)) letters += static_cast<char>(std::tolower(c));
    if (std::isdigit(c)) digits += ch;
  }
  return letters + digits;
}

// "<number>[ ]<unit>" -> (number, unit text). Throws std::invalid_argument naming `what`.
std::pair<double, std::string> split_quantity(std::string_view text, std::string_view what) {
  const std::string t = trim(text);
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || ptr == t.data()) {
    throw std::invalid_argument(
        fmt::format("{} '{}': expected a number followed by a unit", what, text));
  }
  if (!std::isfinite(value)) {
    throw std::invalid_argument(fmt::format("{} '{}' is not a finite number", what, text));
  }
  return {value, trim(std::string_view(ptr, static_cast<std::size_t>(t.data() + t.size() - ptr)))};
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

double seconds_since_epoch(std::string_view text, std::string_view what) {
  const std::string s(trim(text));
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char sep = 0;
  int used = 0;
  const int n = std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &used);
  bool ok = n >= 6 && (sep == 'T' || sep == ' ');
  std::size_t pos = static_cast<std::size_t>(used);
  if (ok && pos < s.size()) {
    int more = 0;
    ok = std::sscanf(s.c_str() + pos, ":%2d%n", &sec, &more) == 1 &&
         pos + static_cast<std::size_t>(more) == s.size();
  }
  ok = ok && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 && mi >= 0 && mi < 60 &&
       sec >= 0 && sec < 61;
  if (!ok) {
    throw std::invalid_argument(fmt::format("{} '{}': expected YYYY-MM-DDTHH:MM[:SS]", what, text));
  }
  return static_cast<double>(
             days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))) *
             86400.0 +
         h * 3600.0 + mi * 60.0 + sec;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

bool given(double x) { return !std::isnan(x); }

}  // namespace

const std::vector<Nuclide>& known_nuclides() {
  static const std::vector<Nuclide> kNuclides = {
      {"Zr-89", 78.41, "ENSDF via NNDC NuDat 3: 78.41(12) h"},
      {"Cu-64", 12.7004, "LNHB/DDEP recommended data, as used by BIPM SIRTI (2016): 12.7004(20) h"},
      {"F-18", 109.77 / 60.0,
       "NNDC via European Pharmacopoeia 5.7 (table of radionuclides): 109.77(5) min"},
  };
  return kNuclides;
}

const Nuclide& find_nuclide(std::string_view name) {
  const std::string key = normalised_nuclide(name);
  std::vector<std::string> names;
  for (const Nuclide& n : known_nuclides()) {
    if (normalised_nuclide(n.name) == key) return n;
    names.push_back(n.name);
  }
  throw std::invalid_argument(fmt::format("unknown nuclide '{}' (known: {}){}", name,
                                          join(names, ", "), did_you_mean(name, names)));
}

double parse_activity_mbq(std::string_view text) {
  const auto [value, unit] = split_quantity(text, "activity");
  static const std::map<std::string, double> kMBq = {
      {"Bq", 1e-6},    {"kBq", 1e-3}, {"MBq", 1.0},  {"GBq", 1e3},
      {"uCi", 3.7e-2}, {"mCi", 37.0}, {"Ci", 3.7e4},
  };
  const auto it = kMBq.find(unit);
  if (it == kMBq.end()) {
    std::vector<std::string> names;
    for (const auto& [k, f] : kMBq) names.push_back(k);
    throw std::invalid_argument(fmt::format("activity '{}': unit '{}' is not one of {}{}", text,
                                            unit, join(names, ", "), did_you_mean(unit, names)));
  }
  return value * it->second;
}

double parse_duration_h(std::string_view text) {
  const auto [value, unit_text] = split_quantity(text, "time");
  if (unit_text.empty()) {
    throw std::invalid_argument(fmt::format("time '{}' needs a unit (h, min, d)", text));
  }
  try {
    return value * units::conversion_factor(units::parse_unit(unit_text), units::parse_unit("h"));
  } catch (const units::UnitError& e) {
    throw std::invalid_argument(fmt::format("time '{}': {}", text, e.what()));
  }
}

double parse_mass_kg(std::string_view text) {
  const auto [value, unit_text] = split_quantity(text, "weight");
  if (unit_text.empty())
    throw std::invalid_argument(fmt::format("weight '{}' needs a unit (kg)", text));
  try {
    return value * units::conversion_factor(units::parse_unit(unit_text), units::parse_unit("kg"));
  } catch (const units::UnitError& e) {
    throw std::invalid_argument(fmt::format("weight '{}': {}", text, e.what()));
  }
}

double hours_between(std::string_view injection, std::string_view scan) {
  return (seconds_since_epoch(scan, "scan time") -
          seconds_since_epoch(injection, "injection time")) /
         3600.0;
}

std::string_view to_string(ImageKind kind) { return kind == ImageKind::kPet ? "pet" : "r2star"; }

bool PetOptions::quantitative() const {
  return given(injected_activity_mbq) || given(elapsed_h) || given(half_life_h) || given(weight_kg);
}

std::vector<std::string> PetOptions::validate() const {
  std::vector<std::string> problems;
  if (!(bq_per_ml_per_unit > 0 && std::isfinite(bq_per_ml_per_unit))) {
    problems.push_back(
        fmt::format("image unit factor {} Bq/mL must be positive", bq_per_ml_per_unit));
  }
  if (!quantitative()) return problems;
  if (!given(injected_activity_mbq)) {
    problems.push_back(
        "missing injected activity: %ID/mL, %ID/kg and SUV need it (--injected-activity 185MBq)");
  } else if (!(injected_activity_mbq > 0 && std::isfinite(injected_activity_mbq))) {
    problems.push_back(
        fmt::format("injected activity {} MBq must be positive", injected_activity_mbq));
  }
  if (!given(elapsed_h)) {
    problems.push_back(
        "missing time from injection to scan (--elapsed 24h, or --injection-time and --scan-time)");
  } else if (!(elapsed_h >= 0 && std::isfinite(elapsed_h))) {
    problems.push_back(fmt::format(
        "elapsed time {} h from injection to scan must be finite and not negative", elapsed_h));
  }
  if (!given(half_life_h)) {
    problems.push_back("missing radionuclide for the decay correction (--nuclide Zr-89)");
  } else if (!(half_life_h > 0 && std::isfinite(half_life_h))) {
    problems.push_back(fmt::format("half-life {} h must be positive", half_life_h));
  }
  if (given(weight_kg) && !(weight_kg > 0 && std::isfinite(weight_kg))) {
    problems.push_back(fmt::format("patient weight {} kg must be positive", weight_kg));
  }
  return problems;
}

std::vector<std::string> R2starOptions::validate() const {
  std::vector<std::string> problems;
  if (given(relaxivity_per_mM_s) &&
      !(relaxivity_per_mM_s > 0 && std::isfinite(relaxivity_per_mM_s))) {
    problems.push_back(
        fmt::format("relaxivity r2* {} mM^-1 s^-1 must be positive", relaxivity_per_mM_s));
  }
  return problems;
}

std::vector<std::string> LesionOptions::validate() const {
  std::vector<std::string> problems;
  if (label && all_nonzero)
    problems.push_back("a label and 'all non-zero voxels' exclude each other");
  if (!(grid_tolerance_mm >= 0 && std::isfinite(grid_tolerance_mm))) {
    problems.push_back(fmt::format("grid tolerance {} mm must be >= 0", grid_tolerance_mm));
  }
  auto add = [&](std::vector<std::string> more) {
    problems.insert(problems.end(), more.begin(), more.end());
  };
  if (kind == ImageKind::kPet) {
    add(pet.validate());
  } else {
    add(r2star.validate());
    if (pet.quantitative())
      problems.push_back("PET activity, time, nuclide and weight apply to --kind pet");
  }
  return problems;
}

std::string LesionReport::brief_report() const {
  std::string what = kind == ImageKind::kPet ? "PET" : "R2* map";
  if (kind == ImageKind::kPet && given(decay_factor)) {
    what += fmt::format(", {} {:.4g} h after {:.4g} MBq, decay factor {:.4f}", pet.nuclide,
                        pet.elapsed_h, pet.injected_activity_mbq, decay_factor);
  }
  return fmt::format("{} lesion(s) in {} on {} ({})", lesions.size(), mask, image, what);
}

namespace {

// Sums over the lesion's voxels with a finite image value.
void measure(const Volume& image, const std::vector<std::int64_t>& voxels, bool peak,
             LesionStats& s) {
  double sum = 0.0, sum_sq = 0.0;
  std::int64_t n = 0, arg_max = -1;
  for (std::int64_t v : voxels) {
    const double x = image.values[v];
    if (!std::isfinite(x)) {
      ++s.nonfinite_voxels;
      continue;
    }
    if (n == 0 || x > s.max) {
      s.max = x;
      arg_max = v;
    }
    if (n == 0 || x < s.min) s.min = x;
    sum += x;
    ++n;
  }
  if (n == 0) {
    throw InputError({image.path, 0, 0, ""},
                     fmt::format("lesion {} has no finite image value in its {} voxel(s)", s.label,
                                 voxels.size()));
  }
  s.mean = sum / static_cast<double>(n);
  for (std::int64_t v : voxels) {
    const double x = image.values[v];
    if (std::isfinite(x)) sum_sq += (x - s.mean) * (x - s.mean);
  }
  s.sd = n > 1 ? std::sqrt(sum_sq / static_cast<double>(n - 1)) : kNaN;
  const std::int64_t nx = image.dims[0], ny = image.dims[1];
  s.max_voxel = {arg_max % nx, (arg_max / nx) % ny, arg_max / (nx * ny)};
  if (!peak) return;
  // Voxel centres within the sphere of 1 mL (radius (3 / 4π)^(1/3) cm) around the max voxel.
  const double radius_mm = 10.0 * std::cbrt(3.0 / (4.0 * std::numbers::pi));
  std::array<std::int64_t, 3> reach{};
  for (int a = 0; a < 3; ++a) {
    reach[a] = static_cast<std::int64_t>(std::floor(radius_mm / image.spacing_mm[a]));
  }
  double peak_sum = 0.0;
  std::int64_t peak_n = 0;
  for (std::int64_t dk = -reach[2]; dk <= reach[2]; ++dk) {
    for (std::int64_t dj = -reach[1]; dj <= reach[1]; ++dj) {
      for (std::int64_t di = -reach[0]; di <= reach[0]; ++di) {
        const std::int64_t i = s.max_voxel[0] + di, j = s.max_voxel[1] + dj,
                           k = s.max_voxel[2] + dk;
        if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= image.dims[2]) continue;
        const double x = di * image.spacing_mm[0], y = dj * image.spacing_mm[1],
                     z = dk * image.spacing_mm[2];
        if (x * x + y * y + z * z > radius_mm * radius_mm) continue;
        const double value = image.at(i, j, k);
        if (!std::isfinite(value)) continue;
        peak_sum += value;
        ++peak_n;
      }
    }
  }
  s.peak = peak_sum / static_cast<double>(peak_n);  // the max voxel itself is always in
  s.peak_voxels = peak_n;
}

}  // namespace

LesionReport analyse_lesions(const Volume& image, const Volume& mask, const LesionOptions& options,
                             const Volume* baseline) {
  if (const auto problems = options.validate(); !problems.empty()) {
    throw std::invalid_argument(join(problems, "; "));
  }
  check_same_grid(image, mask, "mask", options.grid_tolerance_mm);
  if (baseline) {
    if (options.kind != ImageKind::kR2star) {
      throw std::invalid_argument("a baseline (pre-contrast) map applies to --kind r2star");
    }
    check_same_grid(image, *baseline, "baseline image", options.grid_tolerance_mm);
  }

  std::map<std::int64_t, std::vector<std::int64_t>> by_label;
  for (std::int64_t v = 0; v < mask.voxel_count(); ++v) {
    const double m = mask.values[v];
    if (m == 0.0 || std::isnan(m)) continue;
    if (options.all_nonzero) {
      by_label[0].push_back(v);
      continue;
    }
    const double r = std::round(m);
    if (std::abs(m - r) > 1e-6 || !std::isfinite(m)) {
      const std::int64_t nx = mask.dims[0], ny = mask.dims[1];
      throw InputError(
          {mask.path, 0, 0,
           fmt::format("voxel ({}, {}, {})", v % nx, (v / nx) % ny, v / (nx * ny))},
          fmt::format("mask value {} is not an integer label; to count every non-zero voxel as "
                      "lesion use --all-nonzero",
                      m));
    }
    by_label[static_cast<std::int64_t>(r)].push_back(v);
  }
  if (by_label.empty()) {
    throw InputError({mask.path, 0, 0, ""}, "the mask is empty: no non-zero voxel");
  }
  if (options.label) {
    const auto it = by_label.find(*options.label);
    if (it == by_label.end()) {
      std::vector<std::string> present;
      for (const auto& [l, v] : by_label) present.push_back(std::to_string(l));
      throw InputError({mask.path, 0, 0, "label"},
                       fmt::format("label {} is not in the mask (labels present: {})",
                                   *options.label, join(present, ", ")));
    }
    auto voxels = std::move(it->second);
    by_label.clear();
    by_label[*options.label] = std::move(voxels);
  }

  LesionReport report;
  report.image = image.path;
  report.mask = mask.path;
  report.baseline = baseline ? baseline->path : "";
  report.kind = options.kind;
  report.pet = options.pet;
  report.r2star = options.r2star;
  report.voxel_volume_ml = image.voxel_volume_ml();
  const PetOptions& pet = options.pet;
  const bool quantify = options.kind == ImageKind::kPet && pet.quantitative();
  double activity_bq = kNaN;
  if (quantify) {
    report.decay_factor = std::exp(-std::numbers::ln2 * pet.elapsed_h / pet.half_life_h);
    report.activity_at_scan_mbq = pet.injected_activity_mbq * report.decay_factor;
    activity_bq = report.activity_at_scan_mbq * 1e6;
    if (!given(pet.weight_kg)) report.notes.push_back("SUV not computed: no patient weight");
  } else if (options.kind == ImageKind::kPet) {
    report.notes.push_back(
        "image units only: %ID/mL and SUV need the injected activity, the time from injection "
        "to scan and the nuclide");
  } else if (!baseline) {
    report.notes.push_back("ΔR2* and iron not computed: no pre-contrast (baseline) map");
  } else if (!given(options.r2star.relaxivity_per_mM_s)) {
    report.notes.push_back("iron not computed: no relaxivity r2* (or field strength) given");
  }

  for (auto& [label, voxels] : by_label) {
    LesionStats s;
    s.label = label;
    s.voxels = static_cast<std::int64_t>(voxels.size());
    s.volume_ml = static_cast<double>(s.voxels) * report.voxel_volume_ml;
    measure(image, voxels, options.peak, s);
    if (quantify) {
      const double to_pct = pet.bq_per_ml_per_unit / activity_bq * 100.0;
      s.pct_id_per_ml_mean = s.mean * to_pct;
      s.pct_id_per_ml_max = s.max * to_pct;
      s.pct_id_per_ml_peak = s.peak * to_pct;
      s.pct_id_per_kg_mean = s.pct_id_per_ml_mean * 1000.0;
      s.pct_id_total = s.pct_id_per_ml_mean * s.volume_ml;
      if (given(pet.weight_kg)) {
        const double to_suv = pet.bq_per_ml_per_unit * pet.weight_kg * 1000.0 / activity_bq;
        s.suv_mean = s.mean * to_suv;
        s.suv_max = s.max * to_suv;
        s.suv_peak = s.peak * to_suv;
      }
    }
    if (baseline) {
      double pre = 0.0, delta = 0.0;
      std::int64_t n = 0;
      for (std::int64_t v : voxels) {
        const double post_v = image.values[v], pre_v = baseline->values[v];
        if (!std::isfinite(post_v) || !std::isfinite(pre_v)) continue;
        pre += pre_v;
        delta += post_v - pre_v;
        ++n;
      }
      if (n == 0) {
        throw InputError({baseline->path, 0, 0, ""},
                         fmt::format("lesion {} has no finite baseline value", label));
      }
      s.baseline_mean = pre / static_cast<double>(n);
      s.delta_r2star_mean = delta / static_cast<double>(n);
      if (given(options.r2star.relaxivity_per_mM_s)) {
        s.iron_mM = s.delta_r2star_mean / options.r2star.relaxivity_per_mM_s;
        s.iron_ug_per_ml = s.iron_mM * 55.845;  // Fe 55.845 g/mol: 1 mM = 55.845 ug/mL
      }
    }
    report.lesions.push_back(s);
  }
  return report;
}

}  // namespace smartnano::imaging
