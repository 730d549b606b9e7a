// `smartnano lesion IMAGE MASK`: lesion uptake from a companion-diagnostic scan (PET, or an R2*
// map after ferumoxytol) and a lesion mask: volume, mean, max, SD, 1 mL peak, and for PET
// decay-corrected %ID/mL, %ID/kg and SUV; for R2*, ΔR2* against a pre-contrast map and iron
// (docs/imaging.md). One row per mask label; -o writes CSV or JSON.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands/commands.h"
#include "smartnano/core/error.h"
#include "smartnano/imaging/image.h"
#include "smartnano/imaging/lesion.h"
#include "smartnano/io/atomic_file.h"

namespace smartnano::cli {
namespace {

struct LesionArgs {
  std::string image, mask, baseline, out;
  std::string kind = "pet";
  std::int64_t label = 0;
  bool all_nonzero = false;
  std::string activity, elapsed, injection_time, scan_time, nuclide, weight;
  std::string image_unit = "Bq/mL";
  double relaxivity = imaging::kNaN;
  std::string field_strength;
  std::string assume_units;
  double tolerance_mm = 1e-3;
  bool no_peak = false;
  // Stratification: the patient is selected when the lesions' `select_on` value (combined by
  // `select_by`) is at or above `select_min`.
  double select_min = imaging::kNaN;
  std::string select_on = "pct_id_per_kg_mean";
  std::string select_by = "mean";
};

// The value a selection rule reads from a lesion (NaN when it was not computed).
double lesion_value(const imaging::LesionStats& l, const std::string& name) {
  if (name == "pct_id_per_kg_mean") return l.pct_id_per_kg_mean;
  if (name == "pct_id_per_ml_mean") return l.pct_id_per_ml_mean;
  if (name == "suv_mean") return l.suv_mean;
  if (name == "suv_max") return l.suv_max;
  if (name == "suv_peak") return l.suv_peak;
  if (name == "delta_r2star_mean") return l.delta_r2star_mean;
  if (name == "iron_mM") return l.iron_mM;
  if (name == "mean") return l.mean;
  return l.max;  // "max"
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "--option 'text': message" for the CLI's parsing helpers.
template <typename F>
double parse_option(std::string_view option, const std::string& text, F parse) {
  try {
    return parse(text);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("{}: {}", option, e.what()));
  }
}

int run_lesion(const LesionArgs& a, bool label_given) {
  std::string format;
  if (!a.out.empty()) {
    if (ends_with(a.out, ".csv")) {
      format = "csv";
    } else if (ends_with(a.out, ".json")) {
      format = "json";
    } else {
      throw std::invalid_argument(
          fmt::format("-o {}: the file name must end in .csv or .json", a.out));
    }
  }
  imaging::LesionOptions o;
  o.kind = a.kind == "r2star" ? imaging::ImageKind::kR2star : imaging::ImageKind::kPet;
  if (label_given) o.label = a.label;
  o.all_nonzero = a.all_nonzero;
  o.peak = !a.no_peak;
  o.grid_tolerance_mm = a.tolerance_mm;

  const bool pet_given = !a.activity.empty() || !a.elapsed.empty() || !a.injection_time.empty() ||
                         !a.scan_time.empty() || !a.nuclide.empty() || !a.weight.empty();
  if (o.kind == imaging::ImageKind::kR2star && pet_given) {
    throw std::invalid_argument(
        "--injected-activity, --elapsed, --injection-time, --scan-time, --nuclide and --weight "
        "apply to --kind pet");
  }
  if (o.kind == imaging::ImageKind::kPet &&
      (!a.baseline.empty() || !std::isnan(a.relaxivity) || !a.field_strength.empty())) {
    throw std::invalid_argument(
        "--baseline, --relaxivity and --field-strength apply to --kind r2star");
  }
  imaging::PetOptions& pet = o.pet;
  if (!a.activity.empty()) {
    pet.injected_activity_mbq =
        parse_option("--injected-activity", a.activity, imaging::parse_activity_mbq);
  }
  if (!a.elapsed.empty() && (!a.injection_time.empty() || !a.scan_time.empty())) {
    throw std::invalid_argument("give either --elapsed or --injection-time and --scan-time");
  }
  if (!a.elapsed.empty()) {
    pet.elapsed_h = parse_option("--elapsed", a.elapsed, imaging::parse_duration_h);
  } else if (!a.injection_time.empty() || !a.scan_time.empty()) {
    if (a.injection_time.empty() || a.scan_time.empty()) {
      throw std::invalid_argument("--injection-time and --scan-time go together");
    }
    pet.elapsed_h = imaging::hours_between(a.injection_time, a.scan_time);
  }
  if (!a.nuclide.empty()) {
    const imaging::Nuclide& n = imaging::find_nuclide(a.nuclide);
    pet.half_life_h = n.half_life_h;
    pet.nuclide = n.name;
  }
  if (!a.weight.empty()) pet.weight_kg = parse_option("--weight", a.weight, imaging::parse_mass_kg);
  pet.bq_per_ml_per_unit = a.image_unit == "kBq/mL" ? 1e3 : a.image_unit == "MBq/mL" ? 1e6 : 1.0;

  if (!std::isnan(a.relaxivity) && !a.field_strength.empty()) {
    throw std::invalid_argument("give either --relaxivity or --field-strength");
  }
  o.r2star.relaxivity_per_mM_s = a.relaxivity;
  if (a.field_strength == "1.5T") o.r2star.relaxivity_per_mM_s = imaging::kFerumoxytolR2star1p5T;
  if (a.field_strength == "3T") o.r2star.relaxivity_per_mM_s = imaging::kFerumoxytolR2star3T;
  if (const auto problems = o.validate(); !problems.empty()) {
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "; ") + p;
    throw std::invalid_argument(message);
  }

  imaging::ReadOptions read;
  if (a.assume_units == "mm") read.assume_unit = imaging::SpatialUnit::kMillimeter;
  if (a.assume_units == "um") read.assume_unit = imaging::SpatialUnit::kMicron;
  if (a.assume_units == "m") read.assume_unit = imaging::SpatialUnit::kMeter;
  const imaging::Volume image = imaging::read_volume(a.image, read);
  const imaging::Volume mask = imaging::read_volume(a.mask, read);
  std::unique_ptr<imaging::Volume> baseline;
  if (!a.baseline.empty()) {
    baseline = std::make_unique<imaging::Volume>(imaging::read_volume(a.baseline, read));
  }
  const imaging::LesionReport report = imaging::analyse_lesions(image, mask, o, baseline.get());
  std::cout << report.brief_report() << '\n' << imaging::format_lesion_table(report);
  if (!std::isnan(a.select_min)) {
    // The stratification rule of docs/biomarkers.md applied to a real scan.
    std::vector<double> values;
    for (const auto& l : report.lesions) {
      const double v = lesion_value(l, a.select_on);
      if (std::isnan(v)) {
        throw std::invalid_argument(fmt::format(
            "--select-on {}: not computed for lesion {} (PET quantities need --injected-activity, "
            "--elapsed and --nuclide, SUV also --weight; R2* ones --baseline)",
            a.select_on, l.label));
      }
      values.push_back(v);
      std::cout << fmt::format("lesion {}: {} = {:.4g} -> {}\n", l.label, a.select_on, v,
                               v >= a.select_min ? "at or above" : "below");
    }
    double combined = values.front();
    for (const double v : values) {
      if (a.select_by == "min") combined = std::min(combined, v);
      if (a.select_by == "max") combined = std::max(combined, v);
    }
    if (a.select_by == "mean") {
      combined = 0.0;
      for (const double v : values) combined += v / static_cast<double>(values.size());
    }
    std::cout << fmt::format(
        "patient: {} of {} over {} lesion(s) = {:.4g} -> {} (threshold {:.4g})\n", a.select_by,
        a.select_on, values.size(), combined,
        combined >= a.select_min ? "SELECTED" : "not selected", a.select_min);
  }
  if (!a.out.empty()) {
    io::write_file_atomically(a.out, format == "csv" ? imaging::format_lesion_csv(report)
                                                     : imaging::format_lesion_json(report));
    std::cout << fmt::format("Wrote {}\n", a.out);
  }
  return kExitOk;
}

}  // namespace

void add_lesion_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<LesionArgs>();
  CLI::App* cmd = app.add_subcommand(
      "lesion",
      "Lesion uptake from a PET image or an R2* map and a lesion mask (NIfTI): volume, mean, "
      "max, SD, 1 mL peak, %ID/mL, %ID/kg, SUV, ΔR2*, iron");
  cmd->add_option("image", args->image, "the image (.nii or .nii.gz): PET or R2* map")->required();
  cmd->add_option("mask", args->mask, "lesion mask on the image's grid (labels: one row each)")
      ->required();
  auto* label = cmd->add_option("--label", args->label, "only this mask label");
  cmd->add_flag("--all-nonzero", args->all_nonzero, "every non-zero mask voxel is one lesion")
      ->excludes(label);
  cmd->add_option("--kind", args->kind, "what the image holds")
      ->check(CLI::IsMember({"pet", "r2star"}))
      ->capture_default_str();
  cmd->add_option("-o,--out", args->out, "write the results as CSV (.csv) or JSON (.json)");
  cmd->add_option("--injected-activity", args->activity, "PET: injected activity (185MBq, 5mCi)");
  cmd->add_option("--elapsed", args->elapsed, "PET: time from injection to scan (24h, 90min)");
  cmd->add_option("--injection-time", args->injection_time,
                  "PET: injection time YYYY-MM-DDTHH:MM[:SS] (with --scan-time)");
  cmd->add_option("--scan-time", args->scan_time, "PET: scan (image reference) time");
  cmd->add_option("--nuclide", args->nuclide, "PET: Zr-89, Cu-64 or F-18 (decay correction)");
  cmd->add_option("--weight", args->weight, "PET: patient weight for SUV (70kg)");
  cmd->add_option("--image-unit", args->image_unit, "PET: unit of the image values")
      ->check(CLI::IsMember({"Bq/mL", "kBq/mL", "MBq/mL"}))
      ->capture_default_str();
  cmd->add_option("--baseline", args->baseline, "R2*: pre-contrast R2* map on the same grid");
  cmd->add_option("--relaxivity", args->relaxivity, "R2*: r2* of the agent in mM^-1 s^-1")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--field-strength", args->field_strength,
                  "R2*: use ferumoxytol's r2* in plasma at this field (Knobloch 2018)")
      ->check(CLI::IsMember({"1.5T", "3T"}));
  cmd->add_option("--assume-units", args->assume_units,
                  "spatial unit for files whose header has none")
      ->check(CLI::IsMember({"mm", "um", "m"}));
  cmd->add_option("--grid-tolerance", args->tolerance_mm,
                  "largest difference (mm) allowed between the image's and the mask's affines")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_flag("--no-peak", args->no_peak, "skip the 1 mL peak");
  cmd->add_option("--select-min", args->select_min,
                  "stratification: select the patient when the lesions' value is at or above "
                  "this (e.g. the Youden threshold of a trial's biomarker, docs/biomarkers.md)");
  cmd->add_option("--select-on", args->select_on, "the lesion value the rule reads")
      ->check(CLI::IsMember({"pct_id_per_kg_mean", "pct_id_per_ml_mean", "suv_mean", "suv_max",
                             "suv_peak", "delta_r2star_mean", "iron_mM", "mean", "max"}))
      ->capture_default_str();
  cmd->add_option("--select-by", args->select_by, "how several lesions combine")
      ->check(CLI::IsMember({"mean", "min", "max"}))
      ->capture_default_str();
  cmd->callback([&action, args, label] {
    const bool label_given = label->count() > 0;
    action = [args, label_given] { return run_lesion(*args, label_given); };
  });
}

}  // namespace smartnano::cli
