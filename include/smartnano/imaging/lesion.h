// Lesion uptake from companion-diagnostic images: the biomarker value a stratification rule
// classifies. analyse_lesions() takes an image and a lesion mask on the same grid (one row per
// label) and gives voxel count, volume (mL), mean, SD, max and peak (mean in a 1 mL sphere
// centred on the hottest voxel); for PET, decay-corrected %ID/mL, %ID/kg and SUV; for an R2* map
// after ferumoxytol, mean R2*, ΔR2* against a pre-contrast map and the iron concentration
// ΔR2* / r2*. docs/imaging.md has the formulas and the sources of the half-lives and relaxivities.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smartnano/imaging/image.h"

namespace smartnano::imaging {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A PET radionuclide and the source of its half-life.
struct Nuclide {
  std::string name;  // "Zr-89"
  double half_life_h = kNaN;
  std::string source;
};
// 89Zr, 64Cu, 18F (docs/imaging.md cites each).
const std::vector<Nuclide>& known_nuclides();
// Accepts "Zr-89", "89Zr", "zr89" (case-insensitive). Throws std::invalid_argument naming the
// known nuclides, with a did-you-mean.
const Nuclide& find_nuclide(std::string_view name);

// "185MBq", "5 mCi" -> MBq (Bq, kBq, MBq, GBq, uCi, mCi, Ci).
double parse_activity_mbq(std::string_view text);
// "24h", "90 min", "3 d" -> hours (any time unit of core/units.h).
double parse_duration_h(std::string_view text);
// "70kg", "70000 g" -> kg.
double parse_mass_kg(std::string_view text);
// Hours from `injection` to `scan`, both "YYYY-MM-DD[T ]HH:MM[:SS]" in the same time zone.
double hours_between(std::string_view injection, std::string_view scan);

// Ferumoxytol r2* in plasma at 37 °C (Knobloch et al. 2018, docs/imaging.md), mM^-1 s^-1.
inline constexpr double kFerumoxytolR2star1p5T = 64.4;
inline constexpr double kFerumoxytolR2star3T = 55.7;

enum class ImageKind {
  kPet,     // activity concentration (Bq/mL times PetOptions::bq_per_ml_per_unit)
  kR2star,  // R2* map, 1/s
};
std::string_view to_string(ImageKind kind);

// What turns PET activity concentrations into %ID/mL and SUV. All NaN: image units only.
struct PetOptions {
  double injected_activity_mbq = kNaN;  // at injection; required for %ID and SUV
  double elapsed_h = kNaN;              // injection -> scan (the image's reference time)
  double half_life_h = kNaN;            // from find_nuclide()
  std::string nuclide;                  // its name, for reports
  double weight_kg = kNaN;              // optional: SUV needs it
  double bq_per_ml_per_unit = 1.0;      // image value * this = Bq/mL (1: image in Bq/mL)

  bool quantitative() const;  // any of activity, elapsed, half-life or weight given
  std::vector<std::string> validate() const;
};

struct R2starOptions {
  // r2* in mM^-1 s^-1; NaN: no iron concentration. > 0.
  double relaxivity_per_mM_s = kNaN;
  std::vector<std::string> validate() const;
};

struct LesionOptions {
  ImageKind kind = ImageKind::kPet;
  // Only this label value; unset: one row per distinct non-zero label.
  std::optional<std::int64_t> label;
  // Any non-zero mask voxel is lesion (one row, label 0); for probability or binary masks.
  bool all_nonzero = false;
  bool peak = true;                 // compute the 1 mL peak
  double grid_tolerance_mm = 1e-3;  // affine entries of image, mask and baseline may differ by this
  PetOptions pet;
  R2starOptions r2star;

  // Problems with these options, one message each; empty when valid.
  std::vector<std::string> validate() const;
};

// One lesion. Quantities that were not asked for, or cannot be computed, are NaN.
struct LesionStats {
  std::int64_t label = 0;
  std::int64_t voxels = 0;            // mask voxels
  std::int64_t nonfinite_voxels = 0;  // of those, image NaN / inf: left out of the statistics
  double volume_ml = 0.0;             // voxels * voxel volume
  double mean = kNaN, sd = kNaN, min = kNaN, max = kNaN;  // image units; SD with n - 1
  double peak = kNaN;  // mean over the voxels whose centres lie within the 1 mL sphere
  std::int64_t peak_voxels = 0;
  std::array<std::int64_t, 3> max_voxel{};  // (i, j, k) of the max

  // PET (PetOptions with activity): decay-corrected fractions of the injected activity.
  double pct_id_per_ml_mean = kNaN, pct_id_per_ml_max = kNaN, pct_id_per_ml_peak = kNaN;
  double pct_id_per_kg_mean = kNaN;                         // density 1 g/mL
  double pct_id_total = kNaN;                               // mean * volume
  double suv_mean = kNaN, suv_max = kNaN, suv_peak = kNaN;  // with weight

  // R2* map: mean of the baseline map and of the voxelwise difference, and iron.
  double baseline_mean = kNaN;
  double delta_r2star_mean = kNaN;  // 1/s
  double iron_mM = kNaN;            // ΔR2* / r2*
  double iron_ug_per_ml = kNaN;     // iron_mM * 55.845
};

struct LesionReport {
  std::string image, mask, baseline;
  ImageKind kind = ImageKind::kPet;
  PetOptions pet;
  R2starOptions r2star;
  double decay_factor = kNaN;  // exp(-ln 2 * elapsed / half-life)
  double activity_at_scan_mbq = kNaN;
  double voxel_volume_ml = 0.0;
  std::vector<LesionStats> lesions;  // by increasing label
  std::vector<std::string> notes;    // what was not computed and why

  std::string brief_report() const;  // one line
};

// Checks that `mask` (and `baseline`, if given) lie on `image`'s grid, then measures every
// lesion. Throws InputError naming the file: grid mismatch, empty mask, label not present,
// non-integer labels (without all_nonzero), a lesion with no finite image voxel; throws
// std::invalid_argument when options.validate() finds problems.
LesionReport analyse_lesions(const Volume& image, const Volume& mask, const LesionOptions& options,
                             const Volume* baseline = nullptr);

// A fixed-width table, one row per lesion (columns depend on the kind and options).
std::string format_lesion_table(const LesionReport& report);
// CSV with a header line; NaN written as empty cells.
std::string format_lesion_csv(const LesionReport& report);
// JSON: inputs, options, notes and one object per lesion (NaN as null).
std::string format_lesion_json(const LesionReport& report);

}  // namespace smartnano::imaging
