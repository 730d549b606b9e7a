// Checking the event engine against NONMEM: the nmtests format (one NONMEM-style CSV per
// dosing scenario, a reference prediction column, an index.csv naming the scenarios).
// docs/validation.md describes the format; any folder in it can be checked.
#pragma once

#include <string>
#include <vector>

#include "smartnano/model/model.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::validate {

struct NmtestsOptions {
  std::string output = "CP";                   // model output compared with the reference
  std::string reference_column = "CP_NONMEM";  // used when index.csv does not name one
  double relative_tolerance = 1e-4;            // pass: |sim - ref| <= rel * |ref| + abs
  double absolute_tolerance = 1e-6;
  simulation::SimulationOptions simulation;
};

struct ScenarioCheck {
  std::string scenario;  // from index.csv (or the file name)
  std::string file;
  std::string description;
  std::size_t records = 0;
  std::size_t failures = 0;         // records outside the tolerance
  double max_relative_error = 0.0;  // over records with ref != 0
  double max_absolute_error = 0.0;
  int worst_line = 0;  // line of the record furthest outside (or closest to) it
  std::string error;   // a simulation failure, if any
  bool passed() const { return failures == 0 && error.empty(); }
};

struct NmtestsReport {
  std::vector<ScenarioCheck> scenarios;
  bool passed() const;
  std::string table() const;  // one line per scenario and a verdict
};

// Runs every scenario of `folder`. Scenarios come from folder/index.csv (columns `scenario`,
// `file`, optional `description` and `output_column`), or, without an index, from every *.csv in
// the folder. Throws InputError for an unreadable folder, index or data file.
NmtestsReport validate_nmtests(const std::string& folder, const model::ModelPtr& model,
                               const NmtestsOptions& options);

}  // namespace smartnano::validate
