// Pre-treatment biomarkers of a trial's patients, each a simulated measurement with its own
// error model (docs/biomarkers.md).
//
// Imaging companion diagnostics are simulated with the same engine: the diagnostic agent is a
// scenario of its own (its model, carrier design, dose and imaging time) over the trial's
// population, so patient k of the diagnostic is patient k of the trial - the same random
// effects and tumour phenotypes - but the phenotypes act through the diagnostic's own carrier
// (a 30 nm iron oxide passes pores a 100 nm liposome does not). A diagnostic therefore predicts
// the therapeutic only as far as their biology coincides. The measurement then adds partial-
// volume loss (PET) and noise. Tissue biomarkers read a phenotype through a biopsy's sampling
// error and a scoring scale; liquid biomarkers count circulating tumour cells (Poisson).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::trial {

enum class BiomarkerKind {
  kPet,        // lesion uptake of a radiolabelled nanoreporter, %ID/kg
  kMriR2star,  // lesion R2* change after an iron oxide nanoparticle, 1/s
  kTissue,     // a phenotype scored on a biopsy (IHC 0 to 3+)
  kLiquid,     // circulating tumour cells per sample
};
std::string to_string(BiomarkerKind kind);

struct BiomarkerSpec {
  std::string name;
  BiomarkerKind kind = BiomarkerKind::kPet;
  std::string description;
  // Imaging: the diagnostic scenario (built from the trial file) and what is read from it.
  std::shared_ptr<const scenario::Scenario> diagnostic;
  int output = -1;                    // diagnostic model output read at the imaging time
  double output_factor = 1.0;         // output unit -> %ID/kg (PET) or mg/L of iron (MRI)
  double relaxivity_per_mM_s = 0.0;   // MRI: r2* in 1/(mM s)
  double molar_mass_g_per_mol = 0.0;  // MRI: of the imaged element (iron 55.845)
  // PET partial volume: recovery of a sphere of the lesion's volume under a Gaussian point-
  // spread function of this FWHM (0 = none); the volume from this diagnostic-model parameter.
  double fwhm_mm = 0.0;
  int lesion_volume_parameter = -1;
  double volume_factor_mL = 1.0;  // parameter unit -> mL
  double noise_cv = 0.0;          // multiplicative log-normal measurement error
  // Tissue: the trial model parameter or reported phenotype scored, its biopsy sampling error
  // (log-normal CV) and the score cut-points (values at which 1+, 2+, 3+ begin).
  bool source_is_parameter = true;
  int source_index = -1;
  double sampling_cv = 0.0;
  std::vector<double> cutpoints;
  // Liquid: expected cells per sample = cells_per_mm * tumour size parameter (mm); the tumour
  // size parameter of the trial model.
  double cells_per_mm = 0.0;
  int tumour_size_parameter = -1;
  double tumour_size_factor_mm = 1.0;
  // Liquid, receptor-positive cells: each cell's receptor level is log-normal (SD of the log
  // `cell_sdlog`) around the patient's level (a parameter or reported phenotype); a cell is
  // positive at or above `positive_at`. The value is then the positive count, or the positive
  // fraction (0 when no cell was found).
  enum class LiquidValue { kCount, kPositiveCount, kPositiveFraction };
  LiquidValue liquid_value = LiquidValue::kCount;
  bool receptor_is_parameter = true;
  int receptor_index = -1;
  double positive_at = 1.0;
  double cell_sdlog = 0.0;
};

// Measures every biomarker of one patient. Thread-compatible: one per thread.
class BiomarkerPanel {
 public:
  BiomarkerPanel(const std::vector<BiomarkerSpec>& specs, std::uint64_t seed);
  ~BiomarkerPanel();
  BiomarkerPanel(const BiomarkerPanel&) = delete;
  BiomarkerPanel& operator=(const BiomarkerPanel&) = delete;

  // The values for population patient `index` whose trial description is `patient`, in the
  // order of the specs. Throws std::runtime_error when a diagnostic simulation fails.
  std::vector<double> measure(std::size_t index, const scenario::SubjectDescription& patient);

 private:
  const std::vector<BiomarkerSpec>& specs_;
  std::uint64_t seed_;
  std::vector<std::unique_ptr<simulation::SubjectSimulator>> simulators_;  // per imaging spec
};

// Centre recovery coefficient of a uniform sphere of diameter d imaged with a 3-D Gaussian
// point-spread function of full width at half maximum `fwhm`:
//   RC = erf(r / (sigma sqrt 2)) - sqrt(2 / pi) (r / sigma) exp(-r^2 / (2 sigma^2)),
// r = d / 2, sigma = fwhm / (2 sqrt(2 ln 2)).
double sphere_recovery_coefficient(double diameter_mm, double fwhm_mm);

}  // namespace smartnano::trial
