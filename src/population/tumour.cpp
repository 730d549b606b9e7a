#include "smartnano/population/tumour.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace smartnano::population {

std::vector<std::string> TumourPhenotype::validate() const {
  std::vector<std::string> problems;
  check_distribution(distribution, name.c_str(), problems);
  if (parameters.empty()) {
    problems.push_back(fmt::format("{}: acts on no model parameter", name));
  }
  if (!std::isfinite(reference)) {
    problems.push_back(fmt::format("{}: the reference must be finite, not {}", name, reference));
  }
  switch (relation) {
    case PhenotypeRelation::kProportional:
      if (!(reference > 0)) {
        problems.push_back(fmt::format("{}: the reference must be > 0, not {}", name, reference));
      }
      if (!(share >= 0 && share <= 1)) {
        problems.push_back(fmt::format("{}: the share must be in [0, 1], not {}", name, share));
      }
      break;
    case PhenotypeRelation::kReceptor:
    case PhenotypeRelation::kPoreHindrance:
      if (!(reference > 0)) {
        problems.push_back(fmt::format("{}: the reference must be > 0, not {}", name, reference));
      }
      break;
    case PhenotypeRelation::kDrivingPressure:
      if (!(pressure > reference) || !std::isfinite(pressure)) {
        problems.push_back(
            fmt::format("{}: the microvascular pressure ({}) must be above the reference ({})",
                        name, pressure, reference));
      }
      if (!(floor >= 0 && floor <= 1)) {
        problems.push_back(fmt::format("{}: the floor must be in [0, 1], not {}", name, floor));
      }
      break;
    case PhenotypeRelation::kAccessibleFraction:
      if (!(reference >= 0 && reference < 1)) {
        problems.push_back(
            fmt::format("{}: the reference fraction must be in [0, 1), not {}", name, reference));
      }
      if (!(distribution.distribution == Distribution::kLogitNormal ||
            (distribution.min >= 0 && distribution.max <= 1))) {
        problems.push_back(fmt::format(
            "{}: a volume fraction needs a logit-normal distribution or min >= 0 and max <= 1",
            name));
      }
      break;
  }
  return problems;
}

double pore_transmission_with_background(double pore_nm, const TumourCarrier& carrier) {
  const carrier::PoreTransmission t =
      carrier::pore_transmission(carrier.design.hydrodynamic_diameter_nm,
                                 carrier.design.polydispersity_index, pore_nm, carrier.options);
  return t.diffusive + carrier.options.background_transmission;
}

double phenotype_factor(const TumourPhenotype& p, double x, const TumourCarrier& carrier,
                        double reference_transmission) {
  switch (p.relation) {
    case PhenotypeRelation::kProportional:
      return 1.0 - p.share + p.share * x / p.reference;
    case PhenotypeRelation::kPoreHindrance:
      return pore_transmission_with_background(x, carrier) / reference_transmission;
    case PhenotypeRelation::kReceptor: {
      const double f = carrier.cell_uptake_factor;
      return (1.0 + (f - 1.0) * x / p.reference) / f;
    }
    case PhenotypeRelation::kDrivingPressure:
      return std::max(p.floor, (p.pressure - x) / (p.pressure - p.reference));
    case PhenotypeRelation::kAccessibleFraction:
      return (1.0 - x) / (1.0 - p.reference);
  }
  return 1.0;
}

}  // namespace smartnano::population
