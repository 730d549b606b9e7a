// Agreement of the survival module with R's survival package on a data set and a JSON file of R
// outputs (the format of shared/validation/survival/lung_expected.json: `meta` names the time,
// status and group columns and the confidence level; km_overall, km_by_group, logrank, cox and
// cox_multivariable hold survfit / print.survfit, survdiff and coxph / summary.coxph results).
// Each quantity is reported with its largest error and the tolerance it is held to
// (docs/survival.md says why each tolerance is what it is).
#pragma once

#include <string>
#include <vector>

namespace smartnano::survival {

struct QuantityAgreement {
  std::string quantity;             // e.g. "km_by_group.lower_95_log"
  int compared = 0;                 // values compared
  double max_relative_error = 0.0;  // |ours - R| / |R| (absolute error where R gives 0)
  double max_absolute_error = 0.0;
  double relative_tolerance = 0.0, absolute_tolerance = 0.0;  // pass: |d| <= rtol |R| + atol
  int misses = 0;        // values outside the tolerance (a NaN against a number counts)
  std::string worst_at;  // where the largest scaled error is (stratum / row / term)
  bool skipped = false;  // present in the file but not computed here (note says why)
  std::string note;
  bool passed() const { return skipped || misses == 0; }
};

struct ReferenceReport {
  std::vector<QuantityAgreement> quantities;
  bool passed() const;
  std::string table() const;  // one line per quantity, ending with PASS / FAIL / SKIP
};

// Runs every analysis the JSON holds on `data_csv` and compares. Throws InputError for an
// unreadable file or a JSON that lacks what the format requires.
ReferenceReport compare_with_r_reference(const std::string& data_csv,
                                         const std::string& expected_json);

}  // namespace smartnano::survival
