// `smartnano validate synergy`: scores recomputed from the input and compared cell by cell with
// SynergyFinder 2's result tables.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "smartnano/core/csv.h"
#include "smartnano/core/text.h"
#include "smartnano/synergy/synergy.h"

namespace smartnano::synergy {
namespace {

double number(const std::string& cell, const SourceLocation& where) {
  double v = 0.0;
  const char* end = cell.data() + cell.size();
  auto [ptr, ec] = std::from_chars(cell.data(), end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) {
    throw InputError(where, fmt::format("'{}' is not a finite number", cell));
  }
  return v;
}

struct ReferenceCell {
  std::string block;
  double conc1, conc2, synergy;
  int line;
};

std::vector<ReferenceCell> read_reference(const std::string& path) {
  const std::string text = read_text_file(path, "SynergyFinder result file");
  const auto lines = split_lines(text);
  if (lines.empty()) throw InputError({path, 1, 0, ""}, "no header line");
  const auto header = split_csv_line(lines[0]);
  auto col = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      throw InputError({path, 1, 0, name},
                       fmt::format("no column '{}'{}", name, did_you_mean(name, header)));
    }
    return size_t(it - header.begin());
  };
  const size_t b = col("PairIndex"), c1 = col("Conc1"), c2 = col("Conc2"), s = col("Synergy");
  std::vector<ReferenceCell> out;
  for (size_t l = 1; l < lines.size(); ++l) {
    if (lines[l].empty()) continue;
    const int line = static_cast<int>(l) + 1;
    const auto cells = split_csv_line(lines[l]);
    if (cells.size() < header.size()) {
      throw InputError({path, line, 0, ""},
                       fmt::format("{} fields, the header has {}", cells.size(), header.size()));
    }
    out.push_back(ReferenceCell{cells[b], number(cells[c1], {path, line, int(c1) + 1, "Conc1"}),
                                number(cells[c2], {path, line, int(c2) + 1, "Conc2"}),
                                number(cells[s], {path, line, int(s) + 1, "Synergy"}), line});
  }
  return out;
}

int find_conc(const std::vector<double>& conc, double value) {
  for (size_t i = 0; i < conc.size(); ++i) {
    if (std::abs(conc[i] - value) <= 1e-9 * std::max(1.0, std::abs(value))) return int(i);
  }
  return -1;
}

}  // namespace

bool ReferenceReport::passed() const {
  return std::all_of(methods.begin(), methods.end(),
                     [](const ReferenceComparison& c) { return c.passed(); });
}

std::string ReferenceReport::table() const {
  std::string s = fmt::format("{:<7} {:>6} {:>12} {:>12} {:>9}  {:<10} {}\n", "method", "cells",
                              "max |diff|", "mean |diff|", "corr", "check", "worst cell");
  for (const ReferenceComparison& c : methods) {
    const std::string check = c.tolerance > 0.0
                                  ? (c.passed() ? fmt::format("<= {:g} ok", c.tolerance)
                                                : fmt::format("> {:g} FAIL", c.tolerance))
                                  : "reported";
    s += fmt::format("{:<7} {:>6} {:>12.5f} {:>12.5f} {:>9.4f}  {:<10} {}\n", method_name(c.method),
                     c.cells, c.max_abs_diff, c.mean_abs_diff, c.correlation, check, c.worst_cell);
  }
  s += passed() ? "PASS\n" : "FAIL\n";
  return s;
}

ReferenceReport compare_with_synergyfinder(const std::string& input_csv,
                                           const std::string& result_dir, Baseline baseline,
                                           const std::vector<Method>& methods,
                                           double tolerance_points) {
  ReadOptions ro;
  ro.round_decimals = 2;  // SynergyFinder 2's web input rounds responses to 2 decimals
  const auto matrices = read_dose_response_csv(input_csv, ro);
  SynergyOptions so;
  so.methods = methods;
  so.baseline = baseline;
  so.summary = ReplicateSummary::kMedian;
  std::map<std::string, SynergyResult> results;
  for (const auto& m : matrices) results.emplace(m.block_id, analyse(m, so));

  const std::string base = std::filesystem::path(input_csv).stem().string();
  ReferenceReport report;
  for (size_t k = 0; k < methods.size(); ++k) {
    const Method method = methods[k];
    ReferenceComparison c;
    c.method = method;
    c.file = (std::filesystem::path(result_dir) /
              fmt::format("SF2_result_{}_{}.csv", method_name(method), base))
                 .string();
    c.tolerance = (method == Method::kBliss || method == Method::kHsa) ? tolerance_points : 0.0;
    std::vector<double> ours, theirs;
    double sum = 0.0;
    for (const ReferenceCell& cell : read_reference(c.file)) {
      if (cell.conc1 == 0.0 || cell.conc2 == 0.0) continue;
      const auto it = results.find(cell.block);
      if (it == results.end()) {
        throw InputError({c.file, cell.line, 1, "PairIndex"},
                         fmt::format("block '{}' is not in {}", cell.block, input_csv));
      }
      const SynergyResult& r = it->second;
      const int i = find_conc(r.conc1, cell.conc1), j = find_conc(r.conc2, cell.conc2);
      if (i < 0 || j < 0) {
        throw InputError({c.file, cell.line, 0, i < 0 ? "Conc1" : "Conc2"},
                         fmt::format("block '{}' of {} has no concentration {:g}", cell.block,
                                     input_csv, i < 0 ? cell.conc1 : cell.conc2));
      }
      const double v = r.methods[k].scores(i, j);
      const double d = std::abs(v - cell.synergy);
      ours.push_back(v);
      theirs.push_back(cell.synergy);
      sum += d;
      if (d > c.max_abs_diff || c.cells == 0) {
        c.max_abs_diff = d;
        c.worst_cell =
            fmt::format("block {}, conc1 {:g}, conc2 {:g}", cell.block, cell.conc1, cell.conc2);
      }
      ++c.cells;
    }
    if (c.cells == 0) throw InputError({c.file, 0, 0, ""}, "no combination cells to compare");
    c.mean_abs_diff = sum / c.cells;
    double mx = 0.0, my = 0.0;
    for (size_t n = 0; n < ours.size(); ++n) {
      mx += ours[n] / ours.size();
      my += theirs[n] / ours.size();
    }
    double sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (size_t n = 0; n < ours.size(); ++n) {
      sxx += (ours[n] - mx) * (ours[n] - mx);
      syy += (theirs[n] - my) * (theirs[n] - my);
      sxy += (ours[n] - mx) * (theirs[n] - my);
    }
    c.correlation = sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 1.0;
    report.methods.push_back(c);
  }
  return report;
}

}  // namespace smartnano::synergy
