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
#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::io {

// The header line of results.csv (with the newline), and its rows for `results` appended to
// `out`: the same bytes however the subjects are split into calls.
std::string results_csv_header(const model::Model& model, bool with_states);
void append_results_csv_rows(std::string& out, const model::Model& model, bool with_states,
                             const std::vector<simulation::SubjectResult>& results);

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
  const model::Model* model_;
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
  // Adds another part of the same run (the subjects after this one's), as if its subjects had
  // been added here one by one.
  void merge(const RunStatistics& later);
  // Round trip through JSON, for checkpoints and for gathering the parts of an MPI run.
  nlohmann::json to_json() const;
  static RunStatistics from_json(const nlohmann::json& j);
};

// subjects.csv: one row per subject: ID, body weight and BSA (NA when unknown), the
// population's reported values (sex, age, ...), its etas, then every model parameter as
// simulated (model units; sampled values, with overrides and carrier factors applied).
std::string subjects_csv_header(const model::Model& model, const scenario::Scenario& s);
void append_subjects_csv_row(std::string& out, const model::Model& model,
                             const scenario::SubjectDescription& subject);

// subject_summaries.csv: ID, STATUS, then one column per summary (Scenario::output).
std::string subject_summaries_csv_header(const scenario::Scenario& s);
void append_subject_summaries_csv_row(std::string& out, const simulation::SubjectResult& result,
                                      const std::vector<double>& summaries);

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
