#include "smartnano/sbml/sbml_suite.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "smartnano/core/csv.h"
#include "smartnano/core/error.h"
#include "smartnano/core/text.h"
#include "smartnano/sbml/sbml_import.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::sbml {

std::vector<std::string> SuiteOptions::validate() const {
  std::vector<std::string> problems;
  if (threads < 0) problems.push_back(fmt::format("threads {} is negative", threads));
  if (!(relative_tolerance > 0 && relative_tolerance < 1)) {
    problems.push_back(fmt::format("relative tolerance {} is not in (0, 1)", relative_tolerance));
  }
  if (!(absolute_tolerance > 0)) {
    problems.push_back(fmt::format("absolute tolerance {} is not > 0", absolute_tolerance));
  }
  return problems;
}

int SuiteReport::count(CaseOutcome outcome) const {
  return static_cast<int>(std::count_if(cases.begin(), cases.end(),
                                        [&](const CaseResult& c) { return c.outcome == outcome; }));
}

std::string SuiteReport::table() const {
  std::string out;
  for (const auto& c : cases) {
    switch (c.outcome) {
      case CaseOutcome::kPass:
        out += fmt::format("{} pass\n", c.id);
        break;
      case CaseOutcome::kFail:
        out += fmt::format("{} fail {:.3g} ({})\n", c.id, c.largest_error, c.detail);
        break;
      case CaseOutcome::kUnsupported:
        out += fmt::format("{} unsupported {}\n", c.id, c.detail);
        break;
    }
  }
  const int pass = count(CaseOutcome::kPass), fail = count(CaseOutcome::kFail);
  const int unsupported = count(CaseOutcome::kUnsupported);
  const int total = static_cast<int>(cases.size());
  const double rate = total > 0 ? 100.0 * pass / total : 0.0;
  const double supported_rate = pass + fail > 0 ? 100.0 * pass / (pass + fail) : 0.0;
  out += fmt::format(
      "total: {} cases, {} pass, {} fail, {} unsupported; pass rate {:.1f}% of all cases, "
      "{:.1f}% of supported cases ({:.1f} s)\n",
      total, pass, fail, unsupported, rate, supported_rate, seconds);
  return out;
}

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  for (char c : text + ",") {
    if (c == ',') {
      if (const std::string t = trim(item); !t.empty()) items.push_back(t);
      item.clear();
    } else {
      item += c;
    }
  }
  return items;
}

double parse_number(const std::string& text, const SourceLocation& where) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (trim(text.substr(used)).empty()) return v;
  } catch (const std::exception&) {
  }
  throw InputError(where, fmt::format("'{}' is not a number", text));
}

struct Expected {
  std::vector<double> times;
  std::vector<std::vector<double>> columns;  // one per requested variable
};

Expected read_expected(const std::string& path, const std::vector<std::string>& variables) {
  const std::string text = read_text_file(path, "results file");
  const auto lines = split_lines(text);
  if (lines.empty()) throw InputError({path, 1, 0, ""}, "the results file is empty");
  const auto header = split_csv_line(lines[0]);
  // Time comes first; the variables follow, matched by name (a model may have a parameter
  // called "time" too, so the first column is never matched as a variable).
  const int time_column = 0;
  const std::string first = trim(header[0]);
  if (first != "time" && first != "Time") {
    throw InputError({path, 1, 1, first}, "the first column is not 'time'");
  }
  std::map<std::string, int> column_of;
  for (std::size_t i = header.size(); i-- > 1;) column_of[trim(header[i])] = static_cast<int>(i);
  std::vector<int> wanted;
  for (const auto& v : variables) {
    auto it = column_of.find(v);
    if (it == column_of.end()) throw InputError({path, 1, 0, v}, fmt::format("no column '{}'", v));
    wanted.push_back(it->second);
  }
  Expected e;
  e.columns.resize(variables.size());
  for (std::size_t l = 1; l < lines.size(); ++l) {
    if (trim(lines[l]).empty()) continue;
    const auto cells = split_csv_line(lines[l]);
    const int line = static_cast<int>(l) + 1;
    if (cells.size() != header.size()) {
      throw InputError({path, line, 0, ""}, fmt::format("{} cells where the header has {}",
                                                        cells.size(), header.size()));
    }
    e.times.push_back(parse_number(cells[time_column], {path, line, 0, header[time_column]}));
    for (std::size_t k = 0; k < wanted.size(); ++k) {
      e.columns[k].push_back(parse_number(cells[wanted[k]], {path, line, 0, variables[k]}));
    }
  }
  return e;
}

}  // namespace

CaseSettings read_case_settings(const std::string& path) {
  const std::string text = read_text_file(path, "settings file");
  std::map<std::string, std::pair<std::string, int>> values;
  int number = 0;
  for (const auto& line : split_lines(text)) {
    ++number;
    const std::string_view l = line;
    const std::size_t colon = l.find(':');
    if (colon == std::string_view::npos) continue;
    values[trim(l.substr(0, colon))] = {trim(l.substr(colon + 1)), number};
  }
  auto get = [&](const std::string& key, bool required) -> std::pair<std::string, int> {
    auto it = values.find(key);
    if (it == values.end()) {
      if (required) throw InputError({path, 0, 0, key}, fmt::format("missing '{}:'", key));
      return {"", 0};
    }
    return it->second;
  };
  auto number_of = [&](const std::string& key, bool required, double fallback) {
    const auto [value, line] = get(key, required);
    if (value.empty() && !required) return fallback;
    return parse_number(value, {path, line, 0, key});
  };
  CaseSettings s;
  s.start = number_of("start", false, 0.0);
  s.duration = number_of("duration", true, 0.0);
  const double steps = number_of("steps", true, 0.0);
  if (!(steps >= 1) || steps != std::floor(steps)) {
    throw InputError({path, get("steps", true).second, 0, "steps"},
                     fmt::format("steps {} is not a whole number >= 1", steps));
  }
  s.steps = static_cast<int>(steps);
  s.absolute = number_of("absolute", true, 0.0);
  s.relative = number_of("relative", true, 0.0);
  s.variables = split_list(get("variables", true).first);
  s.amount = split_list(get("amount", false).first);
  s.concentration = split_list(get("concentration", false).first);
  if (s.variables.empty()) throw InputError({path, 0, 0, "variables"}, "no variables listed");
  return s;
}

CaseResult run_sbml_case(const std::string& id, const std::string& sbml_file,
                         const std::string& settings_file, const std::string& results_file,
                         const SuiteOptions& options) {
  CaseResult result;
  result.id = id;
  try {
    const CaseSettings settings = read_case_settings(settings_file);
    SbmlImportOptions import;
    for (const auto& v : settings.variables) {
      Quantity q = Quantity::kValue;
      if (std::find(settings.amount.begin(), settings.amount.end(), v) != settings.amount.end()) {
        q = Quantity::kAmount;
      } else if (std::find(settings.concentration.begin(), settings.concentration.end(), v) !=
                 settings.concentration.end()) {
        q = Quantity::kConcentration;
      }
      import.outputs.push_back({v, q});
    }
    model::ModelPtr model;
    try {
      model = load_sbml_model(sbml_file, import);
    } catch (const UnsupportedSbml& e) {
      result.outcome = CaseOutcome::kUnsupported;
      std::string features;
      for (const auto& f : e.features()) features += (features.empty() ? "" : "; ") + f;
      result.detail = features;
      return result;
    }
    const Expected expected = read_expected(results_file, settings.variables);
    simulation::SimulationOptions sim;
    sim.integrator.relative_tolerance = options.relative_tolerance;
    sim.integrator.absolute_tolerance = options.absolute_tolerance;
    simulation::SubjectInput subject;
    subject.id = 1;
    subject.source = sbml_file;
    for (int i = 0; i <= settings.steps; ++i) {
      events::Record r;
      r.time = settings.start + i * settings.duration / settings.steps;
      subject.records.push_back(r);
    }
    simulation::SubjectSimulator simulator(model, sim);
    const auto run = simulator.simulate(subject);
    if (run.status != simulation::SubjectStatus::kSuccess) {
      result.detail = fmt::format("simulation failed: {}", run.message);
      result.largest_error = std::numeric_limits<double>::infinity();
      return result;
    }
    if (expected.times.size() != run.times.size()) {
      result.detail = fmt::format("{} expected rows for {} output times", expected.times.size(),
                                  run.times.size());
      result.largest_error = std::numeric_limits<double>::infinity();
      return result;
    }
    const std::size_t n_out = settings.variables.size();
    bool pass = true;
    double worst_ratio = -1.0;
    for (std::size_t i = 0; i < run.times.size(); ++i) {
      if (std::abs(expected.times[i] - run.times[i]) >
          1e-9 * std::max(1.0, std::abs(expected.times[i]))) {
        result.detail = fmt::format("expected time {} in row {}, simulated {}", expected.times[i],
                                    i + 1, run.times[i]);
        result.largest_error = std::numeric_limits<double>::infinity();
        return result;
      }
      for (std::size_t k = 0; k < n_out; ++k) {
        const double c = expected.columns[k][i];
        const double u = run.outputs[i * n_out + k];
        const double error =
            std::isfinite(u) ? std::abs(c - u) : std::numeric_limits<double>::infinity();
        const double allowed = settings.absolute + settings.relative * std::abs(c);
        if (!(error <= allowed)) pass = false;
        result.largest_error = std::max(result.largest_error, error);
        const double ratio = error / allowed;
        if (ratio > worst_ratio || std::isnan(ratio)) {
          worst_ratio = std::isnan(ratio) ? std::numeric_limits<double>::infinity() : ratio;
          result.detail =
              fmt::format("worst: {} at t = {}: expected {}, simulated {}, allowed {:.3g}",
                          settings.variables[k], run.times[i], c, u, allowed);
        }
      }
    }
    result.outcome = pass ? CaseOutcome::kPass : CaseOutcome::kFail;
    if (pass) result.detail.clear();
  } catch (const std::exception& e) {
    result.outcome = CaseOutcome::kFail;
    result.largest_error = std::numeric_limits<double>::infinity();
    result.detail = e.what();
  }
  return result;
}

SuiteReport run_sbml_suite(const std::string& folder, const SuiteOptions& options) {
  const auto problems = options.validate();
  if (!problems.empty()) {
    throw std::invalid_argument(fmt::format("invalid SBML suite options: {}", problems.front()));
  }
  const auto start = std::chrono::steady_clock::now();
  namespace fs = std::filesystem;
  const std::string index = (fs::path(folder) / "index.csv").string();
  const std::string text = read_text_file(index, "SBML case index");
  const auto lines = split_lines(text);
  if (lines.empty()) throw InputError({index, 1, 0, ""}, "index.csv is empty");
  const auto header = split_csv_line(lines[0]);
  int case_column = -1, file_column = -1;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string name = trim(header[i]);
    if (name == "case") case_column = static_cast<int>(i);
    if (name == "sbml_file") file_column = static_cast<int>(i);
  }
  if (case_column < 0) throw InputError({index, 1, 0, "case"}, "no 'case' column");
  if (file_column < 0) throw InputError({index, 1, 0, "sbml_file"}, "no 'sbml_file' column");
  struct Job {
    std::string id, sbml, settings, results;
  };
  std::vector<Job> jobs;
  for (std::size_t l = 1; l < lines.size(); ++l) {
    if (trim(lines[l]).empty()) continue;
    const auto cells = split_csv_line(lines[l]);
    const int line = static_cast<int>(l) + 1;
    if (static_cast<int>(cells.size()) <= std::max(case_column, file_column)) {
      throw InputError({index, line, 0, ""}, "fewer cells than the header names");
    }
    Job job;
    job.id = trim(cells[case_column]);
    const fs::path sbml = fs::path(folder) / trim(cells[file_column]);
    job.sbml = sbml.string();
    job.settings = (sbml.parent_path() / (job.id + "-settings.txt")).string();
    job.results = (sbml.parent_path() / (job.id + "-results.csv")).string();
    jobs.push_back(std::move(job));
  }
  SuiteReport report;
  report.cases.resize(jobs.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      report.cases[i] =
          run_sbml_case(jobs[i].id, jobs[i].sbml, jobs[i].settings, jobs[i].results, options);
    }
  };
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, std::max(1, static_cast<int>(jobs.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace smartnano::sbml
