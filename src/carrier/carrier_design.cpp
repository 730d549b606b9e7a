// Carrier design to PK factors; equations and sources in docs/models/carrier_design.md.
#include "smartnano/carrier/carrier_design.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace smartnano::carrier {
namespace {

void check_finite_positive(std::vector<std::string>& out, const std::string& name, double v,
                           const char* unit) {
  if (!std::isfinite(v) || v <= 0.0) {
    out.push_back(fmt::format("{} must be a finite number > 0 {}, got {}", name, unit, v));
  }
}

void check_range(std::vector<std::string>& out, const std::string& name, double v, double lo,
                 double hi, bool hi_inclusive, const char* unit) {
  const bool ok = std::isfinite(v) && v >= lo && (hi_inclusive ? v <= hi : v < hi);
  if (!ok) {
    out.push_back(fmt::format("{} must be in [{}, {}{} {}, got {}", name, lo, hi,
                              hi_inclusive ? "]" : ")", unit, v));
  }
}

std::vector<std::string> validate_design(const CarrierDesign& d, const std::string& prefix) {
  std::vector<std::string> out;
  check_finite_positive(out, prefix + "hydrodynamic_diameter_nm", d.hydrodynamic_diameter_nm, "nm");
  check_range(out, prefix + "polydispersity_index", d.polydispersity_index, 0.0, 1.0, true, "");
  if (!std::isfinite(d.zeta_potential_mV)) {
    out.push_back(fmt::format("{}zeta_potential_mV must be a finite number, got {}", prefix,
                              d.zeta_potential_mV));
  }
  check_range(out, prefix + "peg_mol_percent", d.peg_mol_percent, 0.0, 100.0, false, "mol%");
  check_range(out, prefix + "ligand_mol_percent", d.ligand_mol_percent, 0.0, 100.0, false, "mol%");
  if (std::isfinite(d.peg_mol_percent) && std::isfinite(d.ligand_mol_percent) &&
      d.peg_mol_percent + d.ligand_mol_percent >= 100.0) {
    out.push_back(fmt::format("{}peg_mol_percent + ligand_mol_percent must be < 100 mol%, got {}",
                              prefix, d.peg_mol_percent + d.ligand_mol_percent));
  }
  // +infinity is allowed: no release.
  if (std::isnan(d.release_half_life_h) || d.release_half_life_h <= 0.0) {
    out.push_back(fmt::format("{}release_half_life_h must be > 0 h (inf = no release), got {}",
                              prefix, d.release_half_life_h));
  }
  check_finite_positive(out, prefix + "drug_loading_w_w", d.drug_loading_w_w, "(w/w)");
  if (!std::isfinite(d.encapsulation_efficiency) || d.encapsulation_efficiency <= 0.0 ||
      d.encapsulation_efficiency > 1.0) {
    out.push_back(fmt::format("{}encapsulation_efficiency must be in (0, 1], got {}", prefix,
                              d.encapsulation_efficiency));
  }
  return out;
}

// Composite Simpson over z in [-8, 8] of f(z) * standard normal density.
template <class F>
double normal_expectation(F f, int intervals) {
  constexpr double kZMax = 8.0;
  const int n = intervals + (intervals % 2);
  const double h = 2.0 * kZMax / n;
  const double norm = 1.0 / std::sqrt(2.0 * std::numbers::pi);
  double sum = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double z = -kZMax + i * h;
    const double w = (i == 0 || i == n) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0);
    sum += w * f(z) * norm * std::exp(-0.5 * z * z);
  }
  return sum * h / 3.0;
}

double peg_shielding_mps(double peg_mol_percent, const CarrierModelOptions& o) {
  const double theta = 1.0 - std::exp(-peg_mol_percent / o.peg_coverage_mol_percent);
  return 1.0 + (o.bare_to_shielded_mps_ratio - 1.0) * (1.0 - theta);
}

double ligand_clearance(double ligand_mol_percent, const CarrierModelOptions& o) {
  return 1.0 + o.ligand_clearance_per_mol_percent * ligand_mol_percent;
}

double ligand_cell_uptake(double ligand_mol_percent, const CarrierModelOptions& o) {
  return 1.0 + (o.max_cell_uptake_enhancement - 1.0) * ligand_mol_percent /
                   (ligand_mol_percent + o.ligand_half_effect_mol_percent);
}

void throw_if(const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string msg = "pk_factors: invalid input:";
  for (const auto& p : problems) msg += "\n  " + p;
  throw std::invalid_argument(msg);
}

}  // namespace

std::vector<std::string> CarrierDesign::validate() const { return validate_design(*this, ""); }

std::vector<std::string> CarrierReference::validate() const {
  return validate_design(design, "reference.");
}

std::vector<std::string> VascularPores::validate() const {
  std::vector<std::string> out;
  check_finite_positive(out, "pores.tumour_pore_diameter_nm", tumour_pore_diameter_nm, "nm");
  check_finite_positive(out, "pores.normal_pore_diameter_nm", normal_pore_diameter_nm, "nm");
  return out;
}

std::vector<std::string> CarrierModelOptions::validate() const {
  std::vector<std::string> out;
  check_range(out, "options.background_transmission", background_transmission, 0.0, 1.0, true, "");
  check_finite_positive(out, "options.peg_coverage_mol_percent", peg_coverage_mol_percent, "mol%");
  if (!std::isfinite(bare_to_shielded_mps_ratio) || bare_to_shielded_mps_ratio < 1.0) {
    out.push_back(fmt::format("options.bare_to_shielded_mps_ratio must be >= 1, got {}",
                              bare_to_shielded_mps_ratio));
  }
  if (!std::isfinite(ligand_clearance_per_mol_percent) || ligand_clearance_per_mol_percent < 0.0) {
    out.push_back(fmt::format("options.ligand_clearance_per_mol_percent must be >= 0, got {}",
                              ligand_clearance_per_mol_percent));
  }
  if (!std::isfinite(max_cell_uptake_enhancement) || max_cell_uptake_enhancement < 1.0) {
    out.push_back(fmt::format("options.max_cell_uptake_enhancement must be >= 1, got {}",
                              max_cell_uptake_enhancement));
  }
  check_finite_positive(out, "options.ligand_half_effect_mol_percent",
                        ligand_half_effect_mol_percent, "mol%");
  if (size_quadrature_intervals < 2) {
    out.push_back(fmt::format("options.size_quadrature_intervals must be >= 2, got {}",
                              size_quadrature_intervals));
  }
  return out;
}

Hindrance hindrance(double lambda, HindranceModel model) {
  Hindrance h;
  h.lambda = lambda;
  if (!(lambda < 1.0)) return h;  // excluded (also NaN)
  const double l = std::max(lambda, 0.0);
  const double phi = (1.0 - l) * (1.0 - l);
  h.partition = phi;
  // Convective hindrance: Dechadilok & Deen 2006 fit for both models (the Renkin source used
  // here gives only the diffusive coefficient; docs/models/carrier_design.md).
  h.convective_hindrance = (1.0 + 3.867 * l - 1.907 * l * l - 0.834 * std::pow(l, 3)) /
                           (1.0 + 1.867 * l - 0.741 * l * l);
  if (model == HindranceModel::kRenkin1954) {
    // Renkin 1954 centreline diffusive hindrance (Ferry partition x wall drag).
    h.diffusive_hindrance = 1.0 - 2.104 * l + 2.09 * std::pow(l, 3) - 0.95 * std::pow(l, 5);
  } else {
    // Dechadilok & Deen 2006: H = Phi K_d as a series in l (ln term from the pore entrance),
    // fitted for l <= 0.95; above that it is interpolated linearly to 0 at l = 1 (the series
    // itself wiggles by ~1e-6 there).
    const auto series = [](double x) {
      return x == 0.0 ? 1.0
                      : 1.0 + 9.0 / 8.0 * x * std::log(x) - 1.56034 * x + 0.528155 * x * x +
                            1.91521 * std::pow(x, 3) - 2.81903 * std::pow(x, 4) +
                            0.270788 * std::pow(x, 5) + 1.10115 * std::pow(x, 6) -
                            0.435933 * std::pow(x, 7);
    };
    constexpr double kFitLimit = 0.95;
    const double H = l <= kFitLimit ? series(l) : series(kFitLimit) * (1.0 - l) / (1.0 - kFitLimit);
    h.diffusive_hindrance = std::max(H, 0.0) / phi;
  }
  h.diffusive_hindrance = std::max(h.diffusive_hindrance, 0.0);
  h.convective_hindrance = std::max(h.convective_hindrance, 0.0);
  h.diffusive_transmission = std::clamp(phi * h.diffusive_hindrance, 0.0, 1.0);
  h.convective_transmission = std::clamp(phi * h.convective_hindrance, 0.0, 1.0);
  return h;
}

double lognormal_sigma_from_pdi(double polydispersity_index) {
  return std::sqrt(std::log1p(std::max(polydispersity_index, 0.0)));
}

PoreTransmission pore_transmission(double mean_diameter_nm, double polydispersity_index,
                                   double pore_diameter_nm, const CarrierModelOptions& options) {
  PoreTransmission t;
  if (polydispersity_index <= 0.0) {
    const Hindrance h = hindrance(mean_diameter_nm / pore_diameter_nm, options.hindrance_model);
    t.diffusive = h.diffusive_transmission;
    t.convective = h.convective_transmission;
    return t;
  }
  // Log-normal with mean m and CV^2 = PDI: ln d ~ N(mu, s^2), mu = ln m - s^2 / 2.
  const double s = lognormal_sigma_from_pdi(polydispersity_index);
  const double mu = std::log(mean_diameter_nm) - 0.5 * s * s;
  const auto at = [&](double z) {
    return hindrance(std::exp(mu + s * z) / pore_diameter_nm, options.hindrance_model);
  };
  t.diffusive = normal_expectation([&](double z) { return at(z).diffusive_transmission; },
                                   options.size_quadrature_intervals);
  t.convective = normal_expectation([&](double z) { return at(z).convective_transmission; },
                                    options.size_quadrature_intervals);
  return t;
}

PkFactors pk_factors(const CarrierDesign& design, const CarrierReference& reference,
                     const VascularPores& pores, const CarrierModelOptions& options) {
  std::vector<std::string> problems = design.validate();
  for (auto& p : problems) p = "design." + p;
  for (const auto& list : {reference.validate(), pores.validate(), options.validate()}) {
    problems.insert(problems.end(), list.begin(), list.end());
  }
  throw_if(problems);

  const CarrierDesign& ref = reference.design;
  const double b = options.background_transmission;
  const auto ratio = [b](double design_value, double reference_value) {
    return (design_value + b) / (reference_value + b);
  };

  PkFactors f;
  f.tumour_transmission =
      pore_transmission(design.hydrodynamic_diameter_nm, design.polydispersity_index,
                        pores.tumour_pore_diameter_nm, options);
  f.tissue_transmission =
      pore_transmission(design.hydrodynamic_diameter_nm, design.polydispersity_index,
                        pores.normal_pore_diameter_nm, options);
  const PoreTransmission ref_tumour =
      pore_transmission(ref.hydrodynamic_diameter_nm, ref.polydispersity_index,
                        pores.tumour_pore_diameter_nm, options);
  const PoreTransmission ref_tissue =
      pore_transmission(ref.hydrodynamic_diameter_nm, ref.polydispersity_index,
                        pores.normal_pore_diameter_nm, options);
  f.tumour_extravasation = ratio(f.tumour_transmission.diffusive, ref_tumour.diffusive);
  f.tumour_convection = ratio(f.tumour_transmission.convective, ref_tumour.convective);
  f.tissue_extravasation = ratio(f.tissue_transmission.diffusive, ref_tissue.diffusive);
  f.tissue_convection = ratio(f.tissue_transmission.convective, ref_tissue.convective);

  f.mps_uptake = peg_shielding_mps(design.peg_mol_percent, options) /
                 peg_shielding_mps(ref.peg_mol_percent, options) *
                 ligand_clearance(design.ligand_mol_percent, options) /
                 ligand_clearance(ref.ligand_mol_percent, options);
  f.clearance = f.mps_uptake;
  f.cell_uptake = ligand_cell_uptake(design.ligand_mol_percent, options) /
                  ligand_cell_uptake(ref.ligand_mol_percent, options);

  f.release_rate_per_h = std::numbers::ln2 / design.release_half_life_h;  // 0 for inf
  const double ref_rate = std::numbers::ln2 / ref.release_half_life_h;
  if (ref_rate > 0.0) {
    f.release_rate = f.release_rate_per_h / ref_rate;
  } else {
    // Reference releases nothing: a factor cannot express a release it lacks.
    f.release_rate = f.release_rate_per_h > 0.0 ? INFINITY : 1.0;
  }

  f.encapsulated_fraction_of_dose = design.encapsulation_efficiency;
  f.free_fraction_of_dose = 1.0 - design.encapsulation_efficiency;
  f.carrier_mass_per_drug_mass = 1.0 / design.drug_loading_w_w;
  f.carrier_dose_per_drug_dose = design.encapsulation_efficiency / design.drug_loading_w_w;
  return f;
}

const std::vector<std::string>& pk_factor_names() {
  static const std::vector<std::string> kNames = {
      "tumour_extravasation", "tumour_convection", "tissue_extravasation", "tissue_convection",
      "mps_uptake",           "clearance",         "cell_uptake",          "release_rate"};
  return kNames;
}

double pk_factor(const PkFactors& f, std::string_view name) {
  if (name == "tumour_extravasation") return f.tumour_extravasation;
  if (name == "tumour_convection") return f.tumour_convection;
  if (name == "tissue_extravasation") return f.tissue_extravasation;
  if (name == "tissue_convection") return f.tissue_convection;
  if (name == "mps_uptake") return f.mps_uptake;
  if (name == "clearance") return f.clearance;
  if (name == "cell_uptake") return f.cell_uptake;
  if (name == "release_rate") return f.release_rate;
  throw std::invalid_argument(fmt::format("'{}' is not a carrier PK factor", name));
}

std::string PkFactors::brief_report() const {
  std::string s;
  s += fmt::format("tumour_extravasation          {:.4g}  (<H> = {:.4g})\n", tumour_extravasation,
                   tumour_transmission.diffusive);
  s += fmt::format("tumour_convection             {:.4g}  (<W> = {:.4g})\n", tumour_convection,
                   tumour_transmission.convective);
  s += fmt::format("tissue_extravasation          {:.4g}  (<H> = {:.4g})\n", tissue_extravasation,
                   tissue_transmission.diffusive);
  s += fmt::format("tissue_convection             {:.4g}  (<W> = {:.4g})\n", tissue_convection,
                   tissue_transmission.convective);
  s += fmt::format("mps_uptake                    {:.4g}\n", mps_uptake);
  s += fmt::format("clearance                     {:.4g}\n", clearance);
  s += fmt::format("cell_uptake                   {:.4g}\n", cell_uptake);
  s += fmt::format("release_rate                  {:.4g}  ({:.4g} 1/h)\n", release_rate,
                   release_rate_per_h);
  s += fmt::format("encapsulated_fraction_of_dose {:.4g}\n", encapsulated_fraction_of_dose);
  s += fmt::format("free_fraction_of_dose         {:.4g}\n", free_fraction_of_dose);
  s += fmt::format("carrier_mass_per_drug_mass    {:.4g}\n", carrier_mass_per_drug_mass);
  s += fmt::format("carrier_dose_per_drug_dose    {:.4g}\n", carrier_dose_per_drug_dose);
  return s;
}

}  // namespace smartnano::carrier
