// Turning a NONMEM-style data set into subjects a model can simulate: covariate columns matched
// to the model's covariates by name, defaults where a column is absent.
#pragma once

#include <vector>

#include "smartnano/events/record.h"
#include "smartnano/model/model.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::simulation {

// Throws InputError naming the data file when the model needs a column that the data set does
// not have and the covariate has no default.
std::vector<SubjectInput> bind_dataset(const events::DataSet& data, const model::Model& model);

}  // namespace smartnano::simulation
