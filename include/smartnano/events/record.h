// Dosing and observation records with NONMEM semantics.
//
// A data set (NONMEM-style CSV) or a regimen written in a scenario becomes, per subject, a
// vector of value-type records in input order. EVID numbers exist only at the I/O edge; inside
// they are the RecordKind enum. Amounts are in the target compartment's unit, times in the
// model's time unit.
#pragma once

#include <string>
#include <vector>

namespace smartnano::events {

enum class RecordKind : unsigned char {
  kObservation,   // EVID 0
  kDose,          // EVID 1
  kOther,         // EVID 2: no dose, no reset; an output row, a covariate change
  kReset,         // EVID 3: every compartment back to its initial value, infusions stopped
  kResetAndDose,  // EVID 4: reset, then dose
};

// EVID <-> RecordKind; evid_to_kind returns false for an unknown EVID.
bool evid_to_kind(int evid, RecordKind& kind);
int kind_to_evid(RecordKind kind);

inline bool is_dose(RecordKind k) {
  return k == RecordKind::kDose || k == RecordKind::kResetAndDose;
}

// How an infusion's rate is set (RATE column).
enum class RateMode : unsigned char {
  kBolus,             // RATE = 0
  kFixedRate,         // RATE > 0: given rate, duration = F * AMT / RATE
  kModelledRate,      // RATE = -1: rate from the model
  kModelledDuration,  // RATE = -2: duration from the model
};

// Steady-state flag (SS column).
enum class SteadyState : unsigned char {
  kNone,   // SS = 0
  kReset,  // SS = 1: reset, then the periodic steady state of this dose
  kAdd,    // SS = 2: steady state added to the current state (superposition)
};

struct Record {
  double time = 0.0;
  RecordKind kind = RecordKind::kObservation;
  double amount = 0.0;  // AMT, >= 0
  int compartment = 0;  // CMT, 1-based as in the data; 0 = the model's default
  RateMode rate_mode = RateMode::kBolus;
  double rate = 0.0;  // RATE when kFixedRate
  SteadyState ss = SteadyState::kNone;
  double interval = 0.0;  // II
  int additional = 0;     // ADDL
  int line = 0;           // line in the source file (0 for regimen-made records)
};

// One individual: records in input order (time non-decreasing) and, per record, the values of
// the data set's covariate columns (row-major: covariates[r * n_covariates + c]).
struct Subject {
  double id = 0.0;
  std::vector<Record> records;
  std::vector<double> covariates;
};

// A whole data set. covariate_names are the columns beyond the NONMEM reserved ones, upper
// case, in file order; every subject's covariate rows follow that order.
struct DataSet {
  std::string file;
  std::vector<std::string> covariate_names;
  std::vector<Subject> subjects;

  // Index of a covariate column, or -1.
  int covariate_index(const std::string& name) const;
};

}  // namespace smartnano::events
