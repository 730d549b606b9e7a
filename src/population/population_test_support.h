// Helpers shared by the population tests (src/population) and the population scenario tests
// (src/scenario): a fixture model with covariates, typical values, and exception messages.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "smartnano/model/model.h"

namespace smartnano::population::test_support {

// A fixture model with covariates: AGE in days (to check conversions), SEX, CRCL in L/h, and
// a fraction FU (for logit-normal variability).
inline const char* covariate_fixture_model_text() {
  return R"(model: covariate_fixture
parameters:
  CL: {value: 1.0, unit: L/h, source: "test fixture"}
  V: {value: 20, unit: L, source: "test fixture"}
  FU: {value: 0.3, unit: "1", source: "test fixture"}
covariates:
  AGE: {unit: d, default: 0, description: age}
  SEX: {unit: "1", default: 0, description: sex}
  CRCL: {unit: L/h, default: 6, description: creatinine clearance}
states:
  CENT: mg
odes:
  CENT: -CL * FU / V * CENT * (1 + 0 * AGE / 1[d] + 0 * SEX + 0 * CRCL / 1[L/h])
outputs:
  CP: {expression: CENT / V, unit: mg/L}
)";
}

// The model's default parameter values, in its order.
inline std::vector<double> typical(const model::Model& m) {
  std::vector<double> v;
  for (const auto& p : m.parameters()) v.push_back(p.value);
  return v;
}

// The message of the std::invalid_argument that f throws, or "(no exception)".
inline std::string what_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace smartnano::population::test_support
