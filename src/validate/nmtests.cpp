#include "smartnano/validate/nmtests.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "smartnano/core/csv.h"
#include "smartnano/core/error.h"
#include "smartnano/core/text.h"
#include "smartnano/events/dataset.h"
#include "smartnano/simulation/dataset_binding.h"

namespace smartnano::validate {

namespace fs = std::filesystem;

namespace {

struct IndexEntry {
  std::string scenario, file, description, reference_column;
};

std::vector<IndexEntry> read_index(const std::string& folder, const NmtestsOptions& options) {
  const fs::path index = fs::path(folder) / "index.csv";
  std::vector<IndexEntry> entries;
  if (!fs::exists(index)) {
    for (const auto& f : fs::directory_iterator(folder)) {
      if (f.path().extension() == ".csv") {
        entries.push_back(
            {f.path().stem().string(), f.path().filename().string(), "", options.reference_column});
      }
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.file < b.file; });
    return entries;
  }
  const std::string text = read_text_file(index.string());
  const auto lines = split_lines(text);
  if (lines.empty()) throw InputError({index.string(), 1, 0, ""}, "empty index");
  const auto header = split_csv_line(lines[0]);
  auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  const int file_col = column("file"), scenario_col = column("scenario"),
            description_col = column("description"), output_col = column("output_column");
  if (file_col < 0) {
    throw InputError({index.string(), 1, 0, "file"},
                     fmt::format("the index has no 'file' column{}", did_you_mean("file", header)));
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const auto fields = split_csv_line(lines[i]);
    if (fields.size() != header.size()) {
      throw InputError({index.string(), static_cast<int>(i + 1), 0, ""},
                       fmt::format("expected {} fields, found {}", header.size(), fields.size()));
    }
    IndexEntry e;
    e.file = fields[file_col];
    e.scenario = scenario_col >= 0 ? fields[scenario_col] : fs::path(e.file).stem().string();
    if (description_col >= 0) e.description = fields[description_col];
    e.reference_column = output_col >= 0 && !fields[output_col].empty() ? fields[output_col]
                                                                        : options.reference_column;
    entries.push_back(e);
  }
  return entries;
}

ScenarioCheck check_scenario(const std::string& folder, const IndexEntry& entry,
                             const model::ModelPtr& model, const NmtestsOptions& options) {
  ScenarioCheck check;
  check.scenario = entry.scenario;
  check.file = entry.file;
  check.description = entry.description;
  const std::string path = (fs::path(folder) / entry.file).string();
  const events::DataSet data = events::read_nonmem_csv(path);
  const std::string reference_upper = to_upper(entry.reference_column);
  const int ref = data.covariate_index(reference_upper);
  if (ref < 0) {
    throw InputError({path, 1, 0, entry.reference_column},
                     fmt::format("no reference column {}{}", entry.reference_column,
                                 did_you_mean(reference_upper, data.covariate_names)));
  }
  const int output = model->output_index(options.output);
  if (output < 0) {
    throw InputError({model->file(), 0, 0, "outputs"},
                     fmt::format("model '{}' has no output '{}'", model->name(), options.output));
  }
  const auto subjects = simulation::bind_dataset(data, *model);
  simulation::SubjectSimulator simulator(model, options.simulation);
  const std::size_t n_data = data.covariate_names.size(), n_out = model->outputs().size();
  double worst_margin = -1.0;  // error / allowed, largest seen
  for (std::size_t s = 0; s < subjects.size(); ++s) {
    const auto result = simulator.simulate(subjects[s]);
    if (result.status != simulation::SubjectStatus::kSuccess) {
      check.error = fmt::format("ID {}: {}", result.id, result.message);
      return check;
    }
    for (std::size_t r = 0; r < result.times.size(); ++r) {
      const double expected = data.subjects[s].covariates[r * n_data + ref];
      const double actual = result.outputs[r * n_out + output];
      const double error = std::abs(actual - expected);
      const double allowed =
          options.relative_tolerance * std::abs(expected) + options.absolute_tolerance;
      ++check.records;
      check.max_absolute_error = std::max(check.max_absolute_error, error);
      if (expected != 0) {
        check.max_relative_error = std::max(check.max_relative_error, error / std::abs(expected));
      }
      if (!(error <= allowed)) ++check.failures;  // NaN fails
      const double margin = std::isnan(error) ? INFINITY : error / allowed;
      if (margin > worst_margin) {
        worst_margin = margin;
        check.worst_line = data.subjects[s].records[r].line;
      }
    }
  }
  return check;
}

}  // namespace

bool NmtestsReport::passed() const {
  return !scenarios.empty() &&
         std::all_of(scenarios.begin(), scenarios.end(), [](const auto& s) { return s.passed(); });
}

std::string NmtestsReport::table() const {
  std::string out = fmt::format("{:<10} {:>7} {:>14} {:>14} {:>8}  {}\n", "scenario", "records",
                                "max rel error", "max abs error", "result", "description");
  std::size_t passed_count = 0;
  for (const auto& s : scenarios) {
    passed_count += s.passed() ? 1 : 0;
    out += fmt::format("{:<10} {:>7} {:>14.3e} {:>14.3e} {:>8}  {}\n", s.scenario, s.records,
                       s.max_relative_error, s.max_absolute_error, s.passed() ? "pass" : "FAIL",
                       s.description);
    if (!s.error.empty()) out += fmt::format("    error: {}\n", s.error);
    if (s.failures > 0) {
      out += fmt::format("    {} of {} records outside the tolerance (worst at {} line {})\n",
                         s.failures, s.records, s.file, s.worst_line);
    }
  }
  out += fmt::format("{} of {} scenarios pass\n", passed_count, scenarios.size());
  return out;
}

NmtestsReport validate_nmtests(const std::string& folder, const model::ModelPtr& model,
                               const NmtestsOptions& options) {
  if (!fs::is_directory(folder)) throw InputError({folder, 0, 0, ""}, "not a folder");
  NmtestsReport report;
  for (const auto& entry : read_index(folder, options)) {
    report.scenarios.push_back(check_scenario(folder, entry, model, options));
  }
  if (report.scenarios.empty()) {
    throw InputError({folder, 0, 0, ""}, "no scenarios (no index.csv and no *.csv files)");
  }
  return report;
}

}  // namespace smartnano::validate
