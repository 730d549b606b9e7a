// Minimal CSV reading shared by every reader of tabular input: split a line into fields
// (double-quoted fields may hold commas; quotes are removed, spaces around fields trimmed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smartnano {

std::vector<std::string> split_csv_line(std::string_view line);

// A number for an output CSV cell: 6 significant digits, "" for NaN (not defined), "Inf" and
// "-Inf" for infinities (as R's read.csv reads them).
std::string csv_number(double v);

// Lines of a text with their 1-based numbers, '\r' removed; blank lines are kept as "".
std::vector<std::string_view> split_lines(std::string_view text);

}  // namespace smartnano
