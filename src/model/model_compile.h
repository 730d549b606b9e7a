// Lowering a loaded model to register programs over one slot layout, with its symbolic Jacobian.
#pragma once

#include "smartnano/model/model.h"

namespace smartnano::model {

// Fills model.layout_, programs_, jacobian_pattern_ and memory_size_. Throws InputError if an
// expression refers to a name with no slot (cannot happen after unit checking).
void compile_programs(Model& model);

}  // namespace smartnano::model
