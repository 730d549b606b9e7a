// Simulation outputs on disk: a tidy CSV (one row per subject and time, one column per output)
// and a JSON summary beside it that records units, model, parameters with sources, solver
// settings and statistics, versions, seed and wall time.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "smartnano/events/regimen.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/model/model.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::io {

// Columns ID, TIME, EVID, then the model's outputs (and states when recorded). Numbers are
// written with 10 significant digits. Written atomically.
void write_results_csv(const std::string& path, const model::Model& model,
                       const std::vector<simulation::SubjectResult>& results);

// The same file written in pieces, so a large population never holds all its results: append
// subjects in order as they are simulated, then commit() moves the file into place. Without
// commit() nothing is left behind.
class ResultsCsvWriter {
 public:
  ResultsCsvWriter(const std::string& path, const model::Model& model, bool with_states);
  void append(const std::vector<simulation::SubjectResult>& results);
  void commit();

 private:
  AtomicFile file_;
  std::size_t n_outputs_;
  std::size_t n_states_;
  bool with_states_;
};

// What a run's summary reports about its subjects, accumulated subject by subject.
struct RunStatistics {
  std::size_t subjects = 0;
  long failed_subjects = 0;
  long steady_state_intervals = 0;
  bool with_states = false;
  solver::IntegratorStats integrator;
  nlohmann::json failures = nlohmann::json::array();  // id, status, message

  void add(const simulation::SubjectResult& result);
};

// One row per subject: ID, body weight and BSA (when known), then every model parameter as
// simulated (model units; a population's sampled values, with overrides and carrier factors
// applied). Written atomically. `bodies` may be empty or hold one entry per subject.
void write_subjects_csv(const std::string& path, const model::Model& model,
                        const std::vector<simulation::SubjectInput>& subjects,
                        const std::vector<double>& default_parameters,
                        const std::vector<events::BodySize>& bodies);

struct RunInfo {
  std::string command;       // the command line
  std::string scenario;      // scenario file, or "built-in default"
  std::string results_file;  // the CSV this summary describes
  double wall_seconds = 0.0;
  long long seed = 0;
  nlohmann::json extra;  // anything the command adds (data set, regimen, ...)
};

// The summary as JSON (see docs/outputs.md for every key).
nlohmann::json results_summary(const model::Model& model,
                               const std::vector<double>& parameter_values,
                               const simulation::SimulationOptions& options,
                               const RunStatistics& statistics, const RunInfo& info);
nlohmann::json results_summary(const model::Model& model,
                               const std::vector<double>& parameter_values,
                               const simulation::SimulationOptions& options,
                               const std::vector<simulation::SubjectResult>& results,
                               const RunInfo& info);

// Library and dependency versions, for summaries and `smartnano --version`.
nlohmann::json versions();

}  // namespace smartnano::io
