// Reading NONMEM-style data sets (CSV).
//
// Reserved columns: ID, TIME (required), EVID, AMT, CMT, RATE, SS, II, ADDL (optional; MDV, DV
// and C are read and not used for dosing). Every other column is a numeric covariate that a
// model may use by name. Column names are case-insensitive. "." is NONMEM's missing value and
// reads as 0. Rows whose first field starts with '#', or whose C column is "C", are skipped.
// A subject starts wherever the ID changes (as NONMEM does).
#pragma once

#include <string>
#include <string_view>

#include "smartnano/events/record.h"

namespace smartnano::events {

// Parses CSV text; `file` names it in error messages. Throws InputError naming file, line and
// column on: a missing ID or TIME column, a non-numeric value, an unknown EVID, a negative AMT,
// RATE other than >= 0, -1 or -2, SS not in {0, 1, 2}, ADDL > 0 without II > 0, SS > 0 without
// II > 0 (except a constant infusion: SS > 0, AMT = 0, RATE > 0, II = 0), negative II or ADDL,
// or a time that goes back within an ID.
DataSet parse_nonmem_csv(std::string_view text, const std::string& file);

// Reads and parses a file; throws InputError if it cannot be read.
DataSet read_nonmem_csv(const std::string& path);

}  // namespace smartnano::events
