// The scenario file's `population:` section (docs/population.md), read into a checked sampler.
#pragma once

#include <string>
#include <vector>

#include "model/yaml_input.h"
#include "smartnano/core/units.h"
#include "smartnano/model/model.h"
#include "smartnano/population/population.h"

namespace smartnano::scenario {

// Reads `at` (the population section) for model `m` whose typical parameter values (after
// overrides and carrier factors) are `typical`. Throws InputError naming file, line and field.
population::PopulationSampler make_population_sampler(const model::YamlInput& at,
                                                      const model::Model& m,
                                                      const std::vector<double>& typical);

// A quantity in `unit`; a bare number is taken to be in `unit` already. Defined in
// scenario.cpp.
double quantity_in(const model::YamlInput& at, const units::Unit& unit, const std::string& what);

}  // namespace smartnano::scenario
