// Reading the long dose-response CSV into one full matrix per block, and the words of the
// command line (methods, baseline, scale).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/core/csv.h"
#include "smartnano/core/text.h"
#include "smartnano/synergy/synergy.h"

namespace smartnano::synergy {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Lower case without '_', '.', '-' and blanks: "Conc_R" and "concr" are the same name.
std::string normalise(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '.' || c == '-' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

double parse_number(const std::string& cell, const SourceLocation& where, const char* what) {
  if (cell.empty() || cell == "NA" || cell == "na" || cell == "NaN") {
    throw InputError(where, fmt::format("missing {} (missing wells are not imputed)", what));
  }
  double value = 0.0;
  const char* end = cell.data() + cell.size();
  auto [ptr, ec] = std::from_chars(cell.data(), end, value);
  if (ec != std::errc() || ptr != end) {
    throw InputError(where, fmt::format("'{}' is not a number", cell));
  }
  if (!std::isfinite(value)) throw InputError(where, fmt::format("non-finite {} '{}'", what, cell));
  return value;
}

struct Well {
  double conc1, conc2, response;
  int replicate;  // -1 when the file has no replicate column
  int line;
};

struct Block {
  std::string id, drug1, drug2, unit;
  int first_line = 0;
  std::vector<Well> wells;
};

}  // namespace

int DoseResponseMatrix::min_replicates() const {
  size_t n = replicates.empty() ? 0 : replicates[0].size();
  for (const auto& r : replicates) n = std::min(n, r.size());
  return static_cast<int>(n);
}

Grid DoseResponseMatrix::summary(ReplicateSummary how) const {
  Grid g(rows(), cols());
  for (size_t k = 0; k < replicates.size(); ++k) {
    std::vector<double> v = replicates[k];
    if (how == ReplicateSummary::kMean) {
      double sum = 0.0;
      for (double x : v) sum += x;
      g.values[k] = sum / v.size();
    } else {
      std::sort(v.begin(), v.end());
      const size_t n = v.size();
      g.values[k] = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
  }
  return g;
}

Grid DoseResponseMatrix::replicate(int k) const {
  Grid g(rows(), cols());
  for (size_t c = 0; c < replicates.size(); ++c) g.values[c] = replicates[c].at(size_t(k));
  return g;
}

Method parse_method(const std::string& word) {
  const std::string w = lower(word);
  if (w == "bliss") return Method::kBliss;
  if (w == "hsa") return Method::kHsa;
  if (w == "loewe") return Method::kLoewe;
  if (w == "zip") return Method::kZip;
  throw std::invalid_argument(
      fmt::format("unknown synergy method '{}' (bliss, hsa, loewe or zip)", word));
}

std::vector<Method> parse_methods(const std::string& list) {
  std::vector<Method> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) continue;
    const Method m = parse_method(item);
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  }
  if (out.empty()) out = {Method::kBliss, Method::kHsa, Method::kLoewe, Method::kZip};
  return out;
}

Baseline parse_baseline(const std::string& word) {
  const std::string w = lower(word);
  if (w == "none" || w == "non") return Baseline::kNone;
  if (w == "part") return Baseline::kPart;
  if (w == "all") return Baseline::kAll;
  throw std::invalid_argument(
      fmt::format("unknown baseline correction '{}' (none, part or all)", word));
}

ResponseScale parse_scale(const std::string& word) {
  const std::string w = lower(word);
  if (w == "inhibition") return ResponseScale::kInhibition;
  if (w == "viability") return ResponseScale::kViability;
  throw std::invalid_argument(
      fmt::format("unknown response scale '{}' (inhibition or viability)", word));
}

std::string method_name(Method method) {
  switch (method) {
    case Method::kBliss:
      return "Bliss";
    case Method::kHsa:
      return "HSA";
    case Method::kLoewe:
      return "Loewe";
    case Method::kZip:
      return "ZIP";
  }
  return "?";
}

std::vector<DoseResponseMatrix> read_dose_response_csv(const std::string& path,
                                                       const ReadOptions& options) {
  const std::string text = read_text_file(path);
  const auto lines = split_lines(text);
  if (lines.empty() || lines[0].empty()) throw InputError({path, 1, 0, ""}, "no header line");
  const std::vector<std::string> header = split_csv_line(lines[0]);
  auto find = [&](const std::vector<std::string>& aliases, bool required) -> int {
    for (size_t c = 0; c < header.size(); ++c) {
      if (std::find(aliases.begin(), aliases.end(), normalise(header[c])) != aliases.end()) {
        return static_cast<int>(c);
      }
    }
    if (required) {
      throw InputError({path, 1, 0, aliases.front()},
                       fmt::format("no column '{}' (also accepted: {}){}", aliases.front(),
                                   fmt::join(aliases.begin() + 1, aliases.end(), ", "),
                                   did_you_mean(aliases.front(), header)));
    }
    return -1;
  };
  const int block_col = find({"pairindex", "blockid", "block"}, false);
  const int drug1_col = find({"drug1", "drugrow"}, true);
  const int drug2_col = find({"drug2", "drugcol"}, true);
  const int conc1_col = find({"conc1", "concr", "concrow"}, true);
  const int conc2_col = find({"conc2", "concc", "conccol"}, true);
  const int response_col = find({"response", "inhibition", "viability"}, true);
  const int replicate_col = find({"replicate", "rep"}, false);
  const int unit_col = find({"concunit", "concrunit", "concunit1", "unit"}, false);

  std::vector<Block> blocks;
  std::map<std::string, size_t> index;
  for (size_t l = 1; l < lines.size(); ++l) {
    if (lines[l].empty()) continue;
    const int line = static_cast<int>(l) + 1;
    const auto cells = split_csv_line(lines[l]);
    auto cell = [&](int col) -> std::string {
      if (col < 0) return "";
      if (col >= static_cast<int>(cells.size())) {
        throw InputError(
            {path, line, col + 1, header[size_t(col)]},
            fmt::format("the line has {} fields, the header {}", cells.size(), header.size()));
      }
      return cells[size_t(col)];
    };
    auto where = [&](int col) { return SourceLocation{path, line, col + 1, header[size_t(col)]}; };
    const std::string drug1 = cell(drug1_col), drug2 = cell(drug2_col);
    const std::string id = block_col >= 0 ? cell(block_col) : drug1 + " + " + drug2;
    const double c1 = parse_number(cell(conc1_col), where(conc1_col), "concentration");
    const double c2 = parse_number(cell(conc2_col), where(conc2_col), "concentration");
    if (c1 < 0.0) throw InputError(where(conc1_col), fmt::format("negative concentration {}", c1));
    if (c2 < 0.0) throw InputError(where(conc2_col), fmt::format("negative concentration {}", c2));
    double y = parse_number(cell(response_col), where(response_col), "response");
    if (options.round_decimals >= 0) {
      const double scale = std::pow(10.0, options.round_decimals);
      y = std::round(y * scale) / scale;
    }
    if (options.scale == ResponseScale::kViability) y = 100.0 - y;
    int rep = -1;
    if (replicate_col >= 0) {
      rep = static_cast<int>(parse_number(cell(replicate_col), where(replicate_col), "replicate"));
    }
    auto [it, inserted] = index.emplace(id, blocks.size());
    if (inserted) {
      blocks.push_back(Block{id, drug1, drug2, cell(unit_col), line, {}});
    } else {
      const Block& b = blocks[it->second];
      if (b.drug1 != drug1) {
        throw InputError(where(drug1_col),
                         fmt::format("block '{}' holds drug 1 '{}' from line {}, here '{}'", id,
                                     b.drug1, b.first_line, drug1));
      }
      if (b.drug2 != drug2) {
        throw InputError(where(drug2_col),
                         fmt::format("block '{}' holds drug 2 '{}' from line {}, here '{}'", id,
                                     b.drug2, b.first_line, drug2));
      }
    }
    blocks[it->second].wells.push_back(Well{c1, c2, y, rep, line});
  }
  if (blocks.empty()) throw InputError({path, 2, 0, ""}, "no data lines");

  std::vector<DoseResponseMatrix> out;
  for (Block& b : blocks) {
    DoseResponseMatrix m;
    m.block_id = b.id;
    m.drug1 = b.drug1;
    m.drug2 = b.drug2;
    m.conc_unit = b.unit;
    m.file = path;
    m.first_line = b.first_line;
    for (const Well& w : b.wells) {
      m.conc1.push_back(w.conc1);
      m.conc2.push_back(w.conc2);
    }
    for (auto* v : {&m.conc1, &m.conc2}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    const std::string& f1 = header[size_t(conc1_col)];
    const std::string& f2 = header[size_t(conc2_col)];
    if (m.conc2.front() != 0.0) {
      throw InputError({path, b.first_line, 0, f2},
                       fmt::format("block '{}' has no monotherapy of drug 1 '{}' (no line with {} "
                                   "= 0)",
                                   b.id, b.drug1, f2));
    }
    if (m.conc1.front() != 0.0) {
      throw InputError({path, b.first_line, 0, f1},
                       fmt::format("block '{}' has no monotherapy of drug 2 '{}' (no line with {} "
                                   "= 0)",
                                   b.id, b.drug2, f1));
    }
    if (m.conc1.size() < 2 || m.conc2.size() < 2) {
      throw InputError({path, b.first_line, 0, m.conc1.size() < 2 ? f1 : f2},
                       fmt::format("block '{}' has no non-zero concentration of drug {}", b.id,
                                   m.conc1.size() < 2 ? 1 : 2));
    }
    m.replicates.assign(m.conc1.size() * m.conc2.size(), {});
    std::vector<std::vector<std::pair<int, int>>> order(m.replicates.size());  // (rep, line)
    std::stable_sort(b.wells.begin(), b.wells.end(),
                     [](const Well& a, const Well& c) { return a.replicate < c.replicate; });
    for (const Well& w : b.wells) {
      const size_t i =
          size_t(std::lower_bound(m.conc1.begin(), m.conc1.end(), w.conc1) - m.conc1.begin());
      const size_t j =
          size_t(std::lower_bound(m.conc2.begin(), m.conc2.end(), w.conc2) - m.conc2.begin());
      const size_t k = i * m.conc2.size() + j;
      if (w.replicate >= 0) {
        for (const auto& [rep, line] : order[k]) {
          if (rep == w.replicate) {
            throw InputError(
                {path, w.line, replicate_col + 1, header[size_t(replicate_col)]},
                fmt::format("replicate {} of this well is already on line {}", rep, line));
          }
        }
      }
      order[k].push_back({w.replicate, w.line});
      m.replicates[k].push_back(w.response);
    }
    for (size_t i = 0; i < m.conc1.size(); ++i) {
      for (size_t j = 0; j < m.conc2.size(); ++j) {
        if (m.replicates[i * m.conc2.size() + j].empty()) {
          throw InputError({path, b.first_line, 0, ""},
                           fmt::format("block '{}' is not a full matrix: no well with {} = {:g} "
                                       "and {} = {:g} (missing wells are not imputed)",
                                       b.id, f1, m.conc1[i], f2, m.conc2[j]));
        }
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace smartnano::synergy
