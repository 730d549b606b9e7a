// smartnano: in-silico smart cancer nanomedicine. Umbrella header: the whole public API.
// docs/api.md says in one line what each header gives.
#pragma once

#include "smartnano/core/csv.h"
#include "smartnano/core/error.h"
#include "smartnano/core/text.h"
#include "smartnano/core/units.h"
#include "smartnano/events/dataset.h"
#include "smartnano/events/record.h"
#include "smartnano/events/regimen.h"
#include "smartnano/expr/expression.h"
#include "smartnano/expr/program.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/io/results.h"
#include "smartnano/model/model.h"
#include "smartnano/model/model_workspace.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/dataset_binding.h"
#include "smartnano/simulation/subject_simulator.h"
#include "smartnano/solver/ode_integrator.h"
#include "smartnano/validate/nmtests.h"
#include "smartnano/version.h"
