// Carrier design to PK parameters: from the properties a formulation report carries (size with
// PDI, zeta potential, PEG and ligand density, release half-life, drug loading, encapsulation
// efficiency) to multiplicative factors on the nanocarrier PBPK model's parameters.
//
// The PBPK defaults are calibrated for one carrier, the reference (pegylated liposomal
// doxorubicin, PLD). pk_factors() says how a different design changes each carrier parameter
// relative to that reference; the reference design gives factors of exactly 1. Every relationship
// and default, with its source or its label "assumption", is in docs/models/carrier_design.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smartnano::carrier {

// What a formulation report says about a carrier. Defaults are the reference (PLD) values, so a
// default-constructed design changes nothing.
struct CarrierDesign {
  // Z-average hydrodynamic diameter by DLS (intensity-weighted mean), nm. Must be > 0.
  double hydrodynamic_diameter_nm = 85.0;
  // DLS cumulant polydispersity index, (sigma / mean)^2 (ISO 22412). In [0, 1]; 0 = monodisperse.
  double polydispersity_index = 0.05;
  // Zeta potential, mV. Recorded and range-checked; it changes no factor (no quantitative
  // relationship was found - docs/models/carrier_design.md).
  double zeta_potential_mV = -10.0;
  // PEG-lipid (PEG2000-DSPE or equivalent) as mol% of total lipid. In [0, 100).
  double peg_mol_percent = 5.0;
  // Targeting ligand (ligand-PEG-lipid) as mol% of total lipid, the unit most formulation papers
  // report (not ligands per particle). In [0, 100); 0 = passively targeted.
  double ligand_mol_percent = 0.0;
  // Half-life of first-order drug release (leakage or prodrug-linker hydrolysis) from the intact
  // carrier in plasma, h. > 0; +infinity means no release.
  double release_half_life_h = 360.0;
  // Drug loading as drug mass per carrier-material mass (for liposomes: drug-to-lipid, w/w). > 0.
  double drug_loading_w_w = 0.125;
  // Fraction of the drug in the product that is inside the carrier. In (0, 1].
  double encapsulation_efficiency = 0.95;

  // One message per problem, naming the field and its value; empty when the design is usable.
  std::vector<std::string> validate() const;
};

// The design the model's default carrier parameters were calibrated for.
struct CarrierReference {
  std::string name = "pegylated liposomal doxorubicin (Doxil/Caelyx)";
  CarrierDesign design;  // defaults: see CarrierDesign and docs/models/carrier_design.md

  std::vector<std::string> validate() const;  // messages prefixed "reference."
};

// Functional pore (gap) diameters of the vessel walls a carrier must cross.
struct VascularPores {
  // Tumour pore cutoff: Hobbs et al. 1998 PNAS (abstract) found 200 nm - 1.2 um in subcutaneous
  // tumours; the default is the geometric middle of that range.
  double tumour_pore_diameter_nm = 490.0;
  // Normal continuous (non-fenestrated) capillaries with loose junctions (skin, muscle): ~5 nm
  // (Sarin 2010 J Angiogenes Res 2:14, Table 1).
  double normal_pore_diameter_nm = 5.0;

  std::vector<std::string> validate() const;
};

// Hindered transport of a sphere through a cylindrical pore.
enum class HindranceModel {
  // Phi = (1-l)^2, K_d = 1 - 2.104 l + 2.09 l^3 - 0.95 l^5 (centreline); K_c as below.
  kRenkin1954,
  // H = Phi K_d and K_c fitted to whole-pore averages for l <= 0.95 (Ind Eng Chem Res 45:6953).
  kDechadilokDeen2006,
};

// Parameters of the relationships that rest on assumptions (docs/models/carrier_design.md says
// which and why); exposed so a user can change or fit them.
struct CarrierModelOptions {
  HindranceModel hindrance_model = HindranceModel::kDechadilokDeen2006;
  // Size-independent (non-pore: transcytosis, fenestrae, gaps) transmission added to the pore
  // hindrance, so a carrier excluded from all pores keeps the reference's route. Assumption.
  double background_transmission = 1e-3;
  // PEG shielding: coverage theta = 1 - exp(-peg / peg_coverage_mol_percent). Assumption.
  double peg_coverage_mol_percent = 1.5;
  // MPS uptake of a bare (theta = 0) carrier relative to a fully PEG-shielded one (theta = 1):
  // FEBS Lett 1990 268:235 (t1/2 < 0.5 h without PEG-PE vs 5 h with it).
  double bare_to_shielded_mps_ratio = 10.0;
  // Extra clearance per mol% ligand: CL factor (1 + c * ligand). Assumption (qualitative sources).
  double ligand_clearance_per_mol_percent = 0.3;
  // Cell uptake enhancement at saturating ligand density: Kirpotin et al. 2006 Cancer Res
  // found 5.9-fold more HER2-targeted liposomes inside cancer cells (as reported by
  // Perche & Torchilin 2013 J Drug Deliv 705265).
  double max_cell_uptake_enhancement = 5.9;
  // Ligand density giving half the maximal enhancement, mol%. Assumption.
  double ligand_half_effect_mol_percent = 0.5;
  // Number of Simpson intervals over the log-normal size distribution (even, >= 2).
  int size_quadrature_intervals = 1600;

  std::vector<std::string> validate() const;
};

// Hindrance coefficients at one lambda = particle radius / pore radius (all 0 for lambda >= 1).
struct Hindrance {
  double lambda = 0.0;
  double partition = 0.0;                // Phi: equilibrium pore:bulk concentration ratio
  double diffusive_hindrance = 0.0;      // K_d: pore diffusivity / free diffusivity
  double convective_hindrance = 0.0;     // K_c: pore solute velocity / mean fluid velocity
  double diffusive_transmission = 0.0;   // H = Phi * K_d (scales permeability P)
  double convective_transmission = 0.0;  // W = Phi * K_c = 1 - sigma (sieving, convective flux)
};

Hindrance hindrance(double lambda, HindranceModel model);

// Log-normal shape parameter s (sd of ln d) whose coefficient of variation squared is the PDI:
// s = sqrt(ln(1 + PDI)).
double lognormal_sigma_from_pdi(double polydispersity_index);

// Number-weighted mean of H and W over a log-normal diameter distribution with mean diameter
// `mean_diameter_nm` and PDI; PDI 0 evaluates the single diameter.
struct PoreTransmission {
  double diffusive = 0.0;   // <H>
  double convective = 0.0;  // <W>
};
PoreTransmission pore_transmission(double mean_diameter_nm, double polydispersity_index,
                                   double pore_diameter_nm, const CarrierModelOptions& options);

// Design relative to reference. "Factor" fields multiply a reference-calibrated model parameter
// (1 = unchanged); the others are absolute. docs/models/carrier_design.md has each equation.
struct PkFactors {
  double tumour_extravasation = 1.0;  // (<H>_design + b) / (<H>_ref + b), tumour pores
  double tumour_convection = 1.0;     // (<W>_design + b) / (<W>_ref + b), tumour pores
  double tissue_extravasation = 1.0;  // same with normal pores
  double tissue_convection = 1.0;
  double mps_uptake = 1.0;          // PEG shielding x ligand opsonisation
  double clearance = 1.0;           // carrier plasma clearance (MPS-dominated): = mps_uptake
  double cell_uptake = 1.0;         // receptor-mediated internalisation by target cells
  double release_rate = 1.0;        // t_half_ref / t_half_design
  double release_rate_per_h = 0.0;  // absolute: ln 2 / t_half_design
  double encapsulated_fraction_of_dose = 1.0;  // absolute: EE
  double free_fraction_of_dose = 0.0;          // absolute: 1 - EE
  double carrier_mass_per_drug_mass = 0.0;     // absolute: 1 / loading (per encapsulated drug)
  double carrier_dose_per_drug_dose = 0.0;     // absolute: EE / loading (per administered drug)

  // Diagnostics: absolute transmissions of the design (before the ratio).
  PoreTransmission tumour_transmission;
  PoreTransmission tissue_transmission;

  // One line per factor, for logs and the CLI.
  std::string brief_report() const;
};

// Names of the multiplicative factors of PkFactors, as model files link them to parameters
// (a model's `carrier:` section): tumour_extravasation, tumour_convection, tissue_extravasation,
// tissue_convection, mps_uptake, clearance, cell_uptake, release_rate.
const std::vector<std::string>& pk_factor_names();

// The factor called `name` (one of pk_factor_names()); throws std::invalid_argument otherwise.
double pk_factor(const PkFactors& factors, std::string_view name);

// Factors of `design` relative to `reference`. Throws std::invalid_argument listing every
// problem of every argument (each prefixed with the argument's name) when one is invalid.
PkFactors pk_factors(const CarrierDesign& design, const CarrierReference& reference = {},
                     const VascularPores& pores = {}, const CarrierModelOptions& options = {});

}  // namespace smartnano::carrier
