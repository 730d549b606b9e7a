// Schedule optimisation (docs/schedule-optimisation.md): choose trigger timings, doses or
// formulation values - anything a screen factor can set - to maximise (or minimise) a
// population summary of one output under limits on others, with a derivative-free optimiser
// from NLopt (COBYLA by default, which takes the limits as constraints), and map the landscape
// of the objective and the limits on a grid of the first one or two variables.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "smartnano/runner/population_run.h"
#include "smartnano/screening/screen.h"

namespace smartnano::screening {

enum class OptimiseAlgorithm { kCobyla, kBobyqa, kSubplex, kNelderMead };
std::string to_string(OptimiseAlgorithm algorithm);

struct OptimiseLimit {
  int score = 0;  // index into the problem's scores
  double limit = 0.0;
  bool at_most = true;
};

struct OptimiseSpec {
  // Variables are the problem's factors (continuous only), the objective is score 0 with
  // its goal, limits are on the other scores (population summaries, as a screen's).
  ScreenSpec problem;
  std::vector<double> start;  // per variable, in its unit (default: the middle of its range)
  std::vector<OptimiseLimit> limits;
  OptimiseAlgorithm algorithm = OptimiseAlgorithm::kCobyla;
  int max_evaluations = 60;
  double tolerance = 1e-3;    // relative change of the variables (in unit coordinates)
  int landscape_points = 11;  // per variable of the landscape (0: none)
};

struct Optimisation {
  Screen screen;  // the scenario, the YAML and `problem` as its spec (no screen section)
  OptimiseSpec spec;
};

// Reads a scenario with an `optimise:` section. Throws InputError naming file, line and field
// (no variable, a discrete variable, a start outside the range, an unknown output, limits with
// an algorithm that cannot take them, ...).
Optimisation load_optimisation_file(const std::string& path);
Optimisation load_optimisation_text(const std::string& yaml, const std::string& file);

struct Evaluation {
  std::vector<double> values;  // the variables
  std::vector<double> scores;  // population summaries, as the problem's scores
  bool feasible = true;        // every limit met
  int failures = 0;            // subjects whose simulation failed
};

struct OptimisationResult {
  Evaluation best;  // the best feasible evaluation (the start if none is)
  bool found_feasible = false;
  std::string status;                   // why the optimiser stopped
  std::vector<Evaluation> evaluations;  // in order, the optimiser's and then the landscape's
  std::size_t optimiser_evaluations = 0;
  std::vector<std::size_t> landscape;  // indices into evaluations
  std::size_t subjects = 0;
  double wall_seconds = 0.0;
};

// Every rank of `comm` must call it; subjects are shared among ranks and threads.
OptimisationResult run_optimisation(const Optimisation& o, const ScreenRunOptions& options,
                                    runner::Communicator& comm);

// optimise_summary.json, optimise_evaluations.csv and optimise_landscape.csv, atomically.
void write_optimisation_outputs(const Optimisation& o, const OptimisationResult& result,
                                const std::string& directory);

}  // namespace smartnano::screening
