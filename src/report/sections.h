// Pieces every run's report shares: the scenario's YAML, the parameter table with units and
// sources, number formatting. Internal to the report module.
#pragma once

#include <string>

#include "smartnano/report/report.h"

namespace smartnano::report::detail {

// A number for a table cell: 4 significant digits ("NA" when not finite).
std::string num(double v, int digits = 4);

// The scenario's text (the file's, or the built-in default's when `file` is empty) under a
// "Scenario" heading; a file that cannot be read again is named instead.
void add_scenario_section(Report& report, const std::string& file);

// Every model parameter: value used (typical, with the scenario's overrides and carrier
// factors), default, unit, range, description and source.
void add_parameter_section(Report& report, const scenario::Scenario& s);

// Quantile of sorted finite values, R type 7 (linear interpolation); NaN when empty.
double quantile(const std::vector<double>& sorted, double p);

}  // namespace smartnano::report::detail
