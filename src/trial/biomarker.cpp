// Simulated biomarker measurements (docs/biomarkers.md).
#include "smartnano/trial/biomarker.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/population/population.h"

namespace smartnano::trial {

using population::named_covariate_purpose;
using population::RandomStream;

std::string to_string(BiomarkerKind kind) {
  switch (kind) {
    case BiomarkerKind::kPet:
      return "pet";
    case BiomarkerKind::kMriR2star:
      return "mri_r2star";
    case BiomarkerKind::kTissue:
      return "tissue";
    case BiomarkerKind::kLiquid:
      return "liquid";
  }
  return "?";
}

double sphere_recovery_coefficient(double diameter_mm, double fwhm_mm) {
  if (!(diameter_mm > 0)) return 0.0;
  if (!(fwhm_mm > 0)) return 1.0;
  const double sigma = fwhm_mm / (2.0 * std::sqrt(2.0 * std::log(2.0)));
  const double x = 0.5 * diameter_mm / sigma;
  return std::erf(x / std::sqrt(2.0)) - std::sqrt(2.0 / M_PI) * x * std::exp(-0.5 * x * x);
}

namespace {

// A Poisson count: exact inversion of the cumulative distribution from one uniform; above a
// mean of 500 (where exp(-mean) underflows) the normal approximation, exact enough there.
double poisson(RandomStream& stream, double mean) {
  if (!(mean > 0)) return 0.0;
  if (mean > 500) return std::max(0.0, std::round(mean + std::sqrt(mean) * stream.normal()));
  const double u = stream.uniform();
  double p = std::exp(-mean), cumulative = p;
  int k = 0;
  while (u > cumulative && k < 100000) {
    ++k;
    p *= mean / k;
    cumulative += p;
  }
  return k;
}

}  // namespace

BiomarkerPanel::BiomarkerPanel(const std::vector<BiomarkerSpec>& specs, std::uint64_t seed)
    : specs_(specs), seed_(seed) {
  for (const auto& s : specs_) {
    simulators_.push_back(s.diagnostic ? std::make_unique<simulation::SubjectSimulator>(
                                             s.diagnostic->model, s.diagnostic->options)
                                       : nullptr);
  }
}

BiomarkerPanel::~BiomarkerPanel() = default;

std::vector<double> BiomarkerPanel::measure(std::size_t index,
                                            const scenario::SubjectDescription& patient) {
  std::vector<double> values;
  for (std::size_t b = 0; b < specs_.size(); ++b) {
    const BiomarkerSpec& s = specs_[b];
    RandomStream noise(seed_, index, named_covariate_purpose("biomarker:" + s.name));
    double value = 0.0;
    switch (s.kind) {
      case BiomarkerKind::kPet:
      case BiomarkerKind::kMriR2star: {
        scenario::SubjectDescription diagnostic_patient;
        const simulation::SubjectInput in = s.diagnostic->draw_patient(index, diagnostic_patient);
        const simulation::SubjectResult r = simulators_[b]->simulate(in);
        if (r.status != simulation::SubjectStatus::kSuccess) {
          throw std::runtime_error(
              fmt::format("biomarker {}: the diagnostic simulation of "
                          "patient {} failed: {}",
                          s.name, patient.id, r.message));
        }
        // The last observation row is the imaging time.
        const std::size_t n_out = s.diagnostic->model->outputs().size();
        std::size_t row = r.evids.size();
        while (row > 0 && r.evids[row - 1] != 0) --row;
        if (row == 0) throw std::runtime_error("biomarker " + s.name + ": no imaging row");
        value = r.outputs[(row - 1) * n_out + static_cast<std::size_t>(s.output)] * s.output_factor;
        if (s.kind == BiomarkerKind::kPet && s.fwhm_mm > 0) {
          const double volume_mL =
              diagnostic_patient.parameters[static_cast<std::size_t>(s.lesion_volume_parameter)] *
              s.volume_factor_mL;
          const double diameter_mm = 10.0 * std::cbrt(6.0 * volume_mL / M_PI);
          value *= sphere_recovery_coefficient(diameter_mm, s.fwhm_mm);
        }
        if (s.kind == BiomarkerKind::kMriR2star) {
          value = s.relaxivity_per_mM_s * value / s.molar_mass_g_per_mol;  // mg/L / (g/mol) = mM
        }
        if (s.noise_cv > 0) {
          const double sdlog = std::sqrt(std::log1p(s.noise_cv * s.noise_cv));
          value *= std::exp(sdlog * noise.normal() - 0.5 * sdlog * sdlog);
        }
        break;
      }
      case BiomarkerKind::kTissue: {
        double level = s.source_is_parameter
                           ? patient.parameters[static_cast<std::size_t>(s.source_index)]
                           : patient.reported[static_cast<std::size_t>(s.source_index)];
        if (s.sampling_cv > 0) {
          const double sdlog = std::sqrt(std::log1p(s.sampling_cv * s.sampling_cv));
          level *= std::exp(sdlog * noise.normal() - 0.5 * sdlog * sdlog);
        }
        int score = 0;
        for (const double cut : s.cutpoints) score += level >= cut;
        value = score;
        break;
      }
      case BiomarkerKind::kLiquid: {
        const double size_mm =
            patient.parameters[static_cast<std::size_t>(s.tumour_size_parameter)] *
            s.tumour_size_factor_mm;
        const double mean = s.cells_per_mm * size_mm;
        const double cells = poisson(noise, mean);
        if (s.liquid_value == BiomarkerSpec::LiquidValue::kCount) {
          value = cells;
          break;
        }
        const double level = s.receptor_is_parameter
                                 ? patient.parameters[static_cast<std::size_t>(s.receptor_index)]
                                 : patient.reported[static_cast<std::size_t>(s.receptor_index)];
        // P(a cell's level >= positive_at) for a log-normal cell level around the patient's.
        double p = level >= s.positive_at ? 1.0 : 0.0;
        if (s.cell_sdlog > 0 && level > 0) {
          p = 0.5 * std::erfc(-(std::log(level / s.positive_at) / s.cell_sdlog) / std::sqrt(2.0));
        }
        double positive = 0.0;
        for (double c = 0; c < cells; ++c) positive += noise.uniform() < p ? 1.0 : 0.0;
        value = s.liquid_value == BiomarkerSpec::LiquidValue::kPositiveCount
                    ? positive
                    : (cells > 0 ? positive / cells : 0.0);
        break;
      }
    }
    values.push_back(value);
  }
  return values;
}

}  // namespace smartnano::trial
