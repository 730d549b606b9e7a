// Tumour phenotypes of a virtual population: measurable properties of each patient's tumour
// (vascular permeability, pore size, perfusion, macrophage density, interstitial fluid
// pressure, stroma, receptor level) drawn through one Gaussian copula together with the etas,
// and the documented relations by which each one multiplies model parameters.
//
// docs/population.md ("Tumour phenotypes") gives every relation, default and source.
#pragma once

#include <string>
#include <vector>

#include "smartnano/carrier/carrier_design.h"
#include "smartnano/population/distribution.h"

namespace smartnano::population {

// How a phenotype value x changes the parameters it acts on: each is multiplied by a factor
// that is 1 when x equals the phenotype's `reference` (the tumour the model was calibrated on).
enum class PhenotypeRelation {
  // factor = 1 - share + share * x / reference (share = 1: proportional).
  kProportional,
  // Vascular pore diameter x (nm), hindered transport of the carrier through the pores:
  // factor = (<H>(d, x) + b) / (<H>(d, reference) + b), with <H> carrier::pore_transmission's
  // diffusive transmission of the carrier's size distribution (diameter d, PDI) and b the
  // background transmission (carrier::CarrierModelOptions), as carrier::pk_factors does.
  kPoreHindrance,
  // Receptor level x relative to reference: only the ligand-mediated part of cell uptake
  // follows it: factor = (1 + (F - 1) x / reference) / F, F = the carrier's cell-uptake factor
  // (carrier::PkFactors::cell_uptake, 1 for an untargeted carrier: then no effect).
  kReceptor,
  // Interstitial fluid pressure x against the microvascular pressure P (Starling's driving
  // pressure): factor = max(floor, (P - x) / (P - reference)).
  kDrivingPressure,
  // Stromal volume fraction x: the accessible (non-stromal) fraction relative to the
  // reference's, factor = (1 - x) / (1 - reference).
  kAccessibleFraction,
};

struct TumourPhenotype {
  std::string name;                    // "permeability", reported in subjects.csv as NAME_unit
  std::string unit;                    // of the values ("1" when dimensionless)
  CovariateDistribution distribution;  // the marginal (truncation by the quantile map)
  PhenotypeRelation relation = PhenotypeRelation::kProportional;
  std::vector<std::string> parameters;  // model parameters multiplied by the factor
  double reference = 1.0;               // the value whose factor is 1
  double share = 1.0;     // kProportional: the share of the parameter that follows x, in [0, 1]
  double pressure = 0.0;  // kDrivingPressure: microvascular pressure P (> reference)
  double floor = 0.0;     // kDrivingPressure: the smallest factor, in [0, 1]

  // Every problem, one sentence each, prefixed with the phenotype's name.
  std::vector<std::string> validate() const;
};

// What the carrier-dependent relations need: the scenario's carrier design (or the reference
// design), the options of the carrier module and the design's cell-uptake factor.
struct TumourCarrier {
  carrier::CarrierDesign design;
  carrier::CarrierModelOptions options;
  double cell_uptake_factor = 1.0;  // carrier::pk_factors(design).cell_uptake
};

// The factor by which phenotype `p` at value `x` multiplies its parameters. For
// kPoreHindrance `reference_transmission` must be transmission(p, p.reference, carrier).
double phenotype_factor(const TumourPhenotype& p, double x, const TumourCarrier& carrier,
                        double reference_transmission);

// kPoreHindrance: <H>(d, pore) + b for the carrier of `carrier` and pore diameter `pore_nm`.
double pore_transmission_with_background(double pore_nm, const TumourCarrier& carrier);

}  // namespace smartnano::population
