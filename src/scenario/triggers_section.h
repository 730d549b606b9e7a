// The scenario file's `triggers:` section (docs/triggers.md), read into a schedule of covariate
// time courses for the model.
#pragma once

#include <memory>

#include "model/yaml_input.h"
#include "smartnano/model/model.h"
#include "smartnano/triggers/triggers.h"

namespace smartnano::scenario {

// Reads the list at `at`; every value has its unit checked and converted. Throws InputError
// naming file, line and field: an unknown trigger or key, a value out of range (a temperature
// outside 37-60 C, a negative duration, ...), or a model without the covariate a trigger sets.
std::shared_ptr<const triggers::Schedule> read_triggers(const model::YamlInput& at,
                                                        const model::Model& m);

}  // namespace smartnano::scenario
