// Dosing regimens written as text in scenarios, e.g.
//   "50 mg/m2 every 28 days x 6, 1 h infusion"
//   "100 mg every 24 h x 4"      "2 mg/kg, 30 min infusion"     "10 mg/h infusion for 2 h"
// A regimen expands to exactly the NONMEM records a data set would hold (one dose record with
// ADDL and II), so both paths share one engine and one set of semantics.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "smartnano/core/units.h"
#include "smartnano/events/record.h"

namespace smartnano::events {

struct Regimen {
  units::Quantity amount;                // mass, moles, or per m2 of BSA / per kg of weight
  std::optional<units::Quantity> every;  // dosing interval (time)
  int count = 1;                         // number of doses
  std::optional<units::Quantity> infusion_duration;  // "1 h infusion" / "infusion for 1 h"
  std::optional<units::Quantity> infusion_rate;      // "10 mg/h infusion" (amount per time)
  std::string text;
};

// Parses the regimen grammar:
//   <amount> [every <interval> [x <count>]] [, <duration> infusion | , infusion over <duration>]
//   <rate> infusion for <duration> [every <interval> [x <count>]]
// Throws std::invalid_argument with a message that quotes the offending part.
Regimen parse_regimen(std::string_view text);

// Body size used for per-m2 and per-kg doses.
struct BodySize {
  double bsa_m2 = 0.0;     // 0 = unknown: a per-m2 dose is then an error
  double weight_kg = 0.0;  // 0 = unknown: a per-kg dose is then an error
};

// The dose record (with ADDL/II) the regimen stands for, starting at start_time (model time
// unit). Amounts are converted to amount_unit (the target compartment's unit), times to
// time_unit. Throws std::invalid_argument on a dimension mismatch or missing body size.
Record expand_regimen(const Regimen& regimen, double start_time, int compartment,
                      const units::Unit& amount_unit, const units::Unit& time_unit,
                      const BodySize& body);

}  // namespace smartnano::events
