// The scenario file's `population:` section (docs/population.md), read into a checked sampler.
// The section's parts are read by three files: population_scenario.cpp (size, seed,
// variability, body size, sex, covariates), population_tumour.cpp (`tumour:`) and
// population_table.cpp (`patients:`, a CSV file of patients).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/yaml_input.h"
#include "smartnano/carrier/carrier_design.h"
#include "smartnano/core/units.h"
#include "smartnano/model/model.h"
#include "smartnano/population/population.h"

namespace smartnano::scenario {

// Reads `at` (the population section) for model `m` whose typical parameter values (after
// overrides and carrier factors) are `typical`. `carrier_design` is the scenario's carrier design
// (the reference design when absent): tumour phenotypes that act through the carrier (pore
// size, receptor level) need it. A `patients:` file is found relative to at.file(). Throws
// InputError naming file, line and field (for a patient file: its file, line and column).
population::PopulationSampler make_population_sampler(
    const model::YamlInput& at, const model::Model& m, const std::vector<double>& typical,
    const std::optional<carrier::CarrierDesign>& carrier_design = std::nullopt);

// A quantity in `unit`; a bare number is taken to be in `unit` already. Defined in
// scenario.cpp.
double quantity_in(const model::YamlInput& at, const units::Unit& unit, const std::string& what);

namespace detail {

// A CV written with a percent sign ("30 %"); a bare number is refused as ambiguous.
double read_cv(const model::YamlInput& at);

// A fraction: "52 %" or a bare number in [0, 1].
double read_fraction(const model::YamlInput& at);

// A distribution map {distribution, mean, median, sd, cv, sdlog, sdlogit, min, max} in
// `unit`, on top of `fallback` (the keys not given keep its values); `extra_keys` are allowed
// and left to the caller.
population::CovariateDistribution read_distribution(
    const model::YamlInput& at, const units::Unit& unit,
    const std::optional<population::CovariateDistribution>& fallback = std::nullopt,
    const std::vector<std::string>& extra_keys = {});

// The `tumour:` section: phenotypes and their correlations into spec.tumour and
// spec.tumour_correlations (spec.variability must be read already).
void read_tumour(const model::YamlInput& at, const model::Model& m,
                 population::PopulationSpec& spec);

// The `patients:` file named at `at`: its rows into spec.patients (spec.covariates,
// spec.tumour and spec.sex must be read already; table-only covariates are added to
// spec.covariates as not sampled).
void read_patient_table(const model::YamlInput& at, const model::Model& m,
                        population::PopulationSpec& spec);

}  // namespace detail
}  // namespace smartnano::scenario
