// Validation of the SBML import and the integrator on SBML Test Suite semantic cases.
//
// A folder holds index.csv (columns `case` and `sbml_file`, one row per case) and, beside each
// model file, NNNNN-settings.txt (time grid, variables, amount / concentration, tolerances) and
// NNNNN-results.csv (the expected time course). Each case is imported, simulated on its grid and
// compared point by point with the suite's own rule |C - U| <= T_a + T_r |C|.
// `smartnano validate sbml DIR` runs this; docs/sbml.md gives the measured pass rate.
#pragma once

#include <string>
#include <vector>

namespace smartnano::sbml {

struct SuiteOptions {
  int threads = 0;                    // cases run side by side; 0 = every core
  double relative_tolerance = 1e-10;  // of the integrator (far below the suite's 1e-4)
  double absolute_tolerance = 1e-14;

  // Problems with these options, one message each; empty when valid.
  std::vector<std::string> validate() const;
};

enum class CaseOutcome { kPass, kFail, kUnsupported };

struct CaseResult {
  std::string id;  // the five-digit case number, as index.csv writes it
  CaseOutcome outcome = CaseOutcome::kFail;
  double largest_error = 0.0;  // max |C - U| over every point
  // kFail: where the worst miss is, or why the case could not run; kUnsupported: the features.
  std::string detail;
};

struct SuiteReport {
  std::vector<CaseResult> cases;  // in index.csv order
  double seconds = 0.0;           // wall time of the whole run
  int count(CaseOutcome outcome) const;
  bool passed() const { return count(CaseOutcome::kFail) == 0; }  // every supported case passes
  // One line per case ("00001 pass", "00002 fail 1.2e-03 (...)", "00003 unsupported ..."),
  // then the totals and the pass rate.
  std::string table() const;
};

// The settings of one case (NNNNN-settings.txt).
struct CaseSettings {
  double start = 0.0, duration = 0.0;
  int steps = 0;
  std::vector<std::string> variables;
  std::vector<std::string> amount, concentration;  // species reported as amount / concentration
  double absolute = 0.0, relative = 0.0;
};
// Throws InputError naming the file and line of a missing or malformed entry.
CaseSettings read_case_settings(const std::string& path);

// Runs one case: the model file, its settings and its expected results.
CaseResult run_sbml_case(const std::string& id, const std::string& sbml_file,
                         const std::string& settings_file, const std::string& results_file,
                         const SuiteOptions& options = {});

// Runs every case of `folder`/index.csv. Throws InputError when index.csv is missing or lacks
// the `case` or `sbml_file` column; a case that cannot be read is a failed case.
SuiteReport run_sbml_suite(const std::string& folder, const SuiteOptions& options = {});

}  // namespace smartnano::sbml
