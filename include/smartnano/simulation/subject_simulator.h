// Simulating one subject's records with NONMEM semantics.
//
// Records are processed in input order. Before a record at time t the state is integrated to t
// with that record's covariates (a record's values apply to the interval ending at it, as in
// NONMEM); doses scheduled by earlier records (ADDL, lag times, infusion ends) that fall at or
// before t are applied first, in the order they were scheduled; then the record itself acts
// (reset, dose, steady state) and an output row is written with the state after it.
// docs/dosing.md gives every rule, including steady state with lag, II < infusion duration and
// SS = 2.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "smartnano/events/record.h"
#include "smartnano/model/model.h"
#include "smartnano/solver/ode_integrator.h"

namespace smartnano::simulation {

struct SimulationOptions {
  solver::IntegratorOptions integrator;
  // Steady state is reached when one more dosing interval changes no state by more than
  // rtol * |y| + atol, with the remaining error extrapolated from the observed contraction.
  // Keep these looser than the integrator's tolerances: the map being iterated is only as
  // exact as the integration.
  double steady_state_relative_tolerance = 1e-7;
  double steady_state_absolute_tolerance = 1e-9;
  int steady_state_max_intervals = 100000;
  bool record_states = false;  // also keep every state at every output row

  std::vector<std::string> validate() const;
};

// One subject ready to simulate: records in input order, covariates per record in the
// model's covariate order, parameters in the model's order and units.
struct SubjectInput {
  double id = 0.0;
  std::vector<events::Record> records;
  std::vector<double> covariates;  // records.size() x model covariates, row-major
  std::vector<double> parameters;  // empty: the model's defaults
  std::string source;              // file the records came from (for messages)
};

enum class SubjectStatus { kSuccess, kSolverFailure, kSteadyStateNotReached };

struct SubjectResult {
  double id = 0.0;
  std::vector<double> times;
  std::vector<int> evids;
  std::vector<double> outputs;  // rows x model outputs, row-major, in the outputs' units
  std::vector<double> states;   // rows x states when record_states
  SubjectStatus status = SubjectStatus::kSuccess;
  std::string message;  // why the status is not success
  solver::IntegratorStats stats;
  long steady_state_intervals = 0;  // dosing intervals simulated to reach steady states
};

class SubjectSimulator {
 public:
  // Throws std::invalid_argument if options.validate() finds problems.
  SubjectSimulator(model::ModelPtr model, SimulationOptions options);
  ~SubjectSimulator();
  SubjectSimulator(const SubjectSimulator&) = delete;
  SubjectSimulator& operator=(const SubjectSimulator&) = delete;

  // Simulates every record. A solver failure is a status in the result; input the model
  // cannot use (a compartment it lacks, RATE = -1 without a modelled rate, ...) throws
  // InputError naming the record's file and line.
  SubjectResult simulate(const SubjectInput& subject);

 private:
  class Run;
  struct Engine;  // workspace and integrator, reused from subject to subject
  model::ModelPtr model_;
  SimulationOptions options_;
  std::unique_ptr<Engine> engine_;
};

std::string to_string(SubjectStatus status);

}  // namespace smartnano::simulation
