// Reading time / status / group / covariate columns of a CSV file (complete cases).
#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "smartnano/core/csv.h"
#include "smartnano/core/error.h"
#include "smartnano/core/text.h"
#include "smartnano/survival/survival.h"

namespace smartnano::survival {
namespace {

bool is_missing(const std::string& cell) { return cell.empty() || cell == "NA" || cell == "na"; }

double parse_number(const std::string& cell, const SourceLocation& where) {
  double value = 0.0;
  const char* end = cell.data() + cell.size();
  auto [ptr, ec] = std::from_chars(cell.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
    throw InputError(where, fmt::format("'{}' is not a number", cell));
  }
  return value;
}

}  // namespace

SurvivalTable read_survival_csv(const std::string& path, const SurvivalColumns& columns) {
  const std::string text = read_text_file(path);
  const auto lines = split_lines(text);
  if (lines.empty() || lines[0].empty()) throw InputError({path, 1, 0, ""}, "no header line");
  const std::vector<std::string> header = split_csv_line(lines[0]);
  auto find = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      throw InputError({path, 1, 0, name},
                       fmt::format("no column '{}'{}", name, did_you_mean(name, header)));
    }
    return static_cast<size_t>(it - header.begin());
  };
  const size_t time_col = find(columns.time), status_col = find(columns.status);
  const size_t group_col = columns.group.empty() ? 0 : find(columns.group);
  const size_t strata_col = columns.strata.empty() ? 0 : find(columns.strata);
  std::vector<size_t> cov_cols;
  for (const auto& c : columns.covariates) cov_cols.push_back(find(c));

  SurvivalTable table;
  std::vector<std::string> status_text;
  std::vector<int> status_line;
  std::vector<std::vector<double>> cov_rows;
  for (size_t l = 1; l < lines.size(); ++l) {
    if (lines[l].empty()) continue;
    const int line = static_cast<int>(l) + 1;
    const auto cells = split_csv_line(lines[l]);
    if (cells.size() != header.size()) {
      throw InputError({path, line, 0, ""},
                       fmt::format("{} fields, the header has {}", cells.size(), header.size()));
    }
    ++table.rows_read;
    bool complete = !is_missing(cells[time_col]) && !is_missing(cells[status_col]) &&
                    (columns.group.empty() || !is_missing(cells[group_col])) &&
                    (columns.strata.empty() || !is_missing(cells[strata_col]));
    for (size_t c : cov_cols) complete = complete && !is_missing(cells[c]);
    if (!complete) {
      ++table.rows_dropped;
      continue;
    }
    const double t = parse_number(cells[time_col], {path, line, 0, columns.time});
    if (t < 0) throw InputError({path, line, 0, columns.time}, "a time must be >= 0");
    table.data.time.push_back(t);
    status_text.push_back(cells[status_col]);
    status_line.push_back(line);
    if (!columns.group.empty()) table.group.push_back(cells[group_col]);
    if (!columns.strata.empty()) table.strata.push_back(cells[strata_col]);
    std::vector<double> row;
    for (size_t k = 0; k < cov_cols.size(); ++k) {
      row.push_back(parse_number(cells[cov_cols[k]], {path, line, 0, columns.covariates[k]}));
    }
    cov_rows.push_back(std::move(row));
  }
  // Status coding: TRUE/FALSE, 0/1, or 1/2 when every value is 1 or 2 (R's Surv()).
  const bool one_two = !status_text.empty() &&
                       std::all_of(status_text.begin(), status_text.end(),
                                   [](const std::string& s) { return s == "1" || s == "2"; });
  for (size_t i = 0; i < status_text.size(); ++i) {
    const std::string& s = status_text[i];
    bool event = false;
    if (one_two) {
      event = s == "2";
    } else if (s == "1" || s == "TRUE" || s == "T" || s == "true") {
      event = true;
    } else if (s == "0" || s == "FALSE" || s == "F" || s == "false") {
      event = false;
    } else {
      throw InputError({path, status_line[i], 0, columns.status},
                       fmt::format("status '{}' is not 0/1, 1/2 or TRUE/FALSE", s));
    }
    table.data.event.push_back(event);
  }
  table.covariates.resize(static_cast<Eigen::Index>(cov_rows.size()),
                          static_cast<Eigen::Index>(cov_cols.size()));
  for (size_t i = 0; i < cov_rows.size(); ++i) {
    for (size_t k = 0; k < cov_cols.size(); ++k) {
      table.covariates(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = cov_rows[i][k];
    }
  }
  return table;
}

}  // namespace smartnano::survival
