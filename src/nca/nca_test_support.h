// Test support shared by the NCA tests: a CSV text read into a header and rows of fields.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "smartnano/core/csv.h"

namespace smartnano::nca::test_support {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  int column(std::string_view name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  }
};

inline CsvTable parse_csv(std::string_view text) {
  CsvTable table;
  for (const auto line : split_lines(text)) {
    if (line.empty()) continue;
    if (table.header.empty()) {
      table.header = split_csv_line(line);
    } else {
      table.rows.push_back(split_csv_line(line));
    }
  }
  return table;
}

}  // namespace smartnano::nca::test_support
