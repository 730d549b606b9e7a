// The report of `smartnano run` / `simulate`, the shared sections, and the population bands
// read back from results.csv (a run writes its subjects chunk by chunk and keeps none).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "report/sections.h"
#include "scenario/default_scenario.h"
#include "smartnano/core/csv.h"
#include "smartnano/core/text.h"

namespace smartnano::report {
namespace detail {

std::string num(double v, int digits) {
  if (!std::isfinite(v)) return "NA";
  return fmt::format("{:.{}g}", v, digits);
}

void add_scenario_section(Report& report, const std::string& file) {
  report.add_heading("Scenario");
  if (file.empty()) {
    report.add_code("scenarios/default.yaml (built in)", scenario::default_scenario_text());
    return;
  }
  try {
    report.add_code(file, read_text_file(file, "scenario"));
  } catch (const std::exception& e) {
    report.add_paragraph(fmt::format("The scenario file could not be read again: {}", e.what()));
  }
}

void add_parameter_section(Report& report, const scenario::Scenario& s) {
  report.add_heading("Parameters");
  report.add_paragraph(fmt::format(
      "Model {}: every parameter with the value this run used for a typical subject (the "
      "scenario's settings and carrier factors applied; a population varies some of them per "
      "subject, see subjects.csv), its default, unit and source.",
      s.model->name()));
  Table t;
  t.header = {"parameter", "value used", "default", "unit", "range", "description", "source"};
  const auto& specs = s.model->parameters();
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const auto& p = specs[k];
    const double used = k < s.parameters.size() ? s.parameters[k] : p.value;
    t.rows.push_back(
        {p.name, num(used, 6), num(p.value, 6), p.unit.text,
         p.range ? fmt::format("{:g} - {:g}", p.range->first, p.range->second) : std::string(),
         p.description, p.source});
  }
  report.add_table(std::move(t));
}

double quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return NAN;
  const double h = (static_cast<double>(sorted.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace detail

using detail::num;

PopulationProfiles read_population_profiles(const std::string& results_csv,
                                            const std::vector<std::string>& outputs,
                                            std::size_t max_subjects) {
  std::ifstream in(results_csv);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", results_csv));
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(fmt::format("{} is empty", results_csv));
  const auto header = split_csv_line(line);
  auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      throw std::runtime_error(fmt::format("{} has no column '{}'", results_csv, name));
    }
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t id_col = column("ID"), time_col = column("TIME"), evid_col = column("EVID");
  std::vector<std::size_t> cols;
  for (const auto& o : outputs) cols.push_back(column(o));

  PopulationProfiles out;
  const std::size_t n = outputs.size();
  std::vector<std::map<double, std::vector<double>>> at_time(n);
  out.subject_auc.resize(n);
  out.subject_cmax.resize(n);
  std::string current_id;
  std::vector<double> last_t(n, NAN), last_v(n, NAN);
  auto parse = [](const std::string& cell) {
    if (cell.empty() || cell == "NA") return static_cast<double>(NAN);
    try {
      return std::stod(cell);
    } catch (const std::exception&) {
      return static_cast<double>(NAN);
    }
  };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto cells = split_csv_line(line);
    if (cells.size() < header.size()) continue;
    if (cells[id_col] != current_id) {
      if (out.subjects_read == max_subjects) {
        out.truncated = true;
        break;
      }
      current_id = cells[id_col];
      ++out.subjects_read;
      for (std::size_t k = 0; k < n; ++k) {
        out.subject_auc[k].push_back(0.0);
        out.subject_cmax[k].push_back(NAN);
        last_t[k] = NAN;
        last_v[k] = NAN;
      }
    }
    if (parse(cells[evid_col]) != 0.0) continue;
    const double t = parse(cells[time_col]);
    if (!std::isfinite(t)) continue;
    for (std::size_t k = 0; k < n; ++k) {
      const double v = parse(cells[cols[k]]);
      if (!std::isfinite(v)) continue;
      at_time[k][t].push_back(v);
      double& cmax = out.subject_cmax[k].back();
      cmax = std::isfinite(cmax) ? std::max(cmax, v) : v;
      if (std::isfinite(last_t[k]) && t > last_t[k]) {
        out.subject_auc[k].back() += 0.5 * (v + last_v[k]) * (t - last_t[k]);
      }
      last_t[k] = t;
      last_v[k] = v;
    }
  }
  for (std::size_t k = 0; k < n; ++k) {
    BandSeries b;
    b.label = outputs[k];
    b.subjects = out.subjects_read;
    for (auto& [t, values] : at_time[k]) {
      std::sort(values.begin(), values.end());
      b.time.push_back(t);
      b.median.push_back(detail::quantile(values, 0.5));
      b.p05.push_back(detail::quantile(values, 0.05));
      b.p95.push_back(detail::quantile(values, 0.95));
    }
    out.bands.push_back(std::move(b));
  }
  return out;
}

namespace {

// The outputs the report draws: the scenario's `output: plots`, else the first few.
std::vector<int> plotted_outputs(const scenario::Scenario& s) {
  if (!s.output.plots.empty()) return s.output.plots;
  std::vector<int> out;
  const int n = static_cast<int>(s.model->outputs().size());
  for (int k = 0; k < n && k < 6; ++k) out.push_back(k);
  return out;
}

bool is_tumour_output(const std::string& name) {
  std::string upper = name;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.find("TUM") != std::string::npos;
}

// Columns of subject_summaries.csv (at most `max_rows` subjects); NaN for NA and failures.
std::vector<std::vector<double>> read_summary_columns(const std::string& path,
                                                      const std::vector<std::string>& names,
                                                      std::size_t max_rows) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    throw std::runtime_error(fmt::format("cannot read {}", path));
  }
  const auto header = split_csv_line(line);
  std::vector<std::size_t> cols;
  for (const auto& n : names) {
    const auto it = std::find(header.begin(), header.end(), n);
    if (it == header.end()) throw std::runtime_error(fmt::format("{} has no column '{}'", path, n));
    cols.push_back(static_cast<std::size_t>(it - header.begin()));
  }
  std::vector<std::vector<double>> out(names.size());
  for (std::size_t row = 0; row < max_rows && std::getline(in, line);) {
    if (line.empty()) continue;
    ++row;
    const auto cells = split_csv_line(line);
    for (std::size_t k = 0; k < cols.size(); ++k) {
      double v = NAN;
      if (cols[k] < cells.size() && !cells[cols[k]].empty() && cells[cols[k]] != "NA") {
        try {
          v = std::stod(cells[cols[k]]);
        } catch (const std::exception&) {
          v = NAN;
        }
      }
      out[k].push_back(v);
    }
  }
  return out;
}

std::string summary_unit(const scenario::Scenario& s, const scenario::OutputSummary& summary) {
  const auto& out = s.model->outputs()[static_cast<std::size_t>(summary.output)];
  const std::string time = s.model->time_unit().text;
  switch (summary.statistic) {
    case scenario::SummaryStatistic::kTmax:
      return time;
    case scenario::SummaryStatistic::kAuc:
      return out.unit.text == "1" ? time : fmt::format("{}*{}", out.unit.text, time);
    default:
      return out.unit.text == "1" ? std::string() : out.unit.text;
  }
}

// Histograms of the run's per-subject summaries (output: {summaries: ...}), tumour outputs
// first, at most eight.
void add_summary_histograms(Report& r, const scenario::Scenario& s, const std::string& path) {
  std::vector<scenario::OutputSummary> chosen = s.output.summaries;
  std::stable_partition(chosen.begin(), chosen.end(), [&s](const auto& o) {
    return is_tumour_output(s.model->outputs()[static_cast<std::size_t>(o.output)].name);
  });
  if (chosen.size() > 8) chosen.resize(8);
  std::vector<std::string> names;
  for (const auto& o : chosen) names.push_back(o.column);
  const auto columns = read_summary_columns(path, names, 200000);
  r.add_heading("Exposure distributions");
  r.add_paragraph(fmt::format(
      "From subject_summaries.csv: the distribution over subjects of {} of the scenario's "
      "per-subject summaries{}.",
      chosen.size(), chosen.size() < s.output.summaries.size() ? " (tumour outputs first)" : ""));
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    const auto& out = s.model->outputs()[static_cast<std::size_t>(chosen[k].output)];
    plot::PlotOptions po;
    po.title =
        fmt::format("{} of {} per subject", scenario::to_string(chosen[k].statistic), out.name);
    const std::string unit = summary_unit(s, chosen[k]);
    po.x_label = unit.empty() ? chosen[k].column : fmt::format("{} ({})", chosen[k].column, unit);
    r.add_plot(histogram_plot({{out.name, columns[k]}}, po));
  }
}

}  // namespace

Report simulation_report(const scenario::Scenario& s, const std::string& scenario_file,
                         const runner::RunOutcome& outcome, const std::string& out_dir) {
  Report r(fmt::format("Simulation: {}", s.name));
  const auto& st = outcome.statistics;
  r.add_heading("Run");
  if (!s.description.empty()) r.add_paragraph(s.description);
  r.add_facts("Run statistics",
              {{"scenario", s.name},
               {"model", s.model->name()},
               {"subjects", std::to_string(st.subjects)},
               {"failed subjects", std::to_string(st.failed_subjects)},
               {"wall time", fmt::format("{:.3f} s", outcome.wall_seconds)},
               {"threads x processes", fmt::format("{} x {}", outcome.threads, outcome.processes)},
               {"CVODES steps", std::to_string(st.integrator.steps)},
               {"right-hand-side evaluations", std::to_string(st.integrator.rhs_evaluations)},
               {"Jacobian evaluations", std::to_string(st.integrator.jacobian_evaluations)},
               {"steady-state intervals", std::to_string(st.steady_state_intervals)},
               {"seed", s.population ? std::to_string(s.population->seed) : std::string("none")},
               {"files", [&] {
                  std::string files;
                  for (const auto& f : outcome.files) files += (files.empty() ? "" : ", ") + f;
                  return files;
                }()}});
  if (!st.failures.empty()) {
    Table t{"Failed subjects (the first 20; all in summary.json)", {"ID", "status", "message"}, {}};
    for (std::size_t k = 0; k < st.failures.size() && k < 20; ++k) {
      const auto& f = st.failures[k];
      t.rows.push_back({num(f.value("id", NAN), 10), f.value("status", std::string()),
                        f.value("message", std::string())});
    }
    r.add_table(std::move(t));
  }

  r.add_heading("Concentration-time curves");
  const auto& outputs = s.model->outputs();
  const std::vector<int> plotted = plotted_outputs(s);
  std::vector<int> tumour;
  for (int k = 0; k < static_cast<int>(outputs.size()); ++k) {
    if (is_tumour_output(outputs[static_cast<std::size_t>(k)].name)) tumour.push_back(k);
  }
  std::vector<int> wanted = plotted;
  for (int k : tumour) {
    if (std::find(wanted.begin(), wanted.end(), k) == wanted.end()) wanted.push_back(k);
  }
  const std::string results = (std::filesystem::path(out_dir) / "results.csv").string();
  const std::string summaries = (std::filesystem::path(out_dir) / "subject_summaries.csv").string();
  const bool with_summaries =
      !s.output.summaries.empty() && st.subjects > 1 && std::filesystem::exists(summaries);
  if (!s.output.profiles || !std::filesystem::exists(results)) {
    r.add_paragraph(
        "The scenario writes no results.csv (output: {profiles: false}), so there "
        "are no time courses to draw.");
  } else {
    std::vector<std::string> names;
    for (int k : wanted) names.push_back(outputs[static_cast<std::size_t>(k)].name);
    const PopulationProfiles profiles = read_population_profiles(results, names);
    r.add_paragraph(fmt::format(
        "From results.csv: {} of the model's {} outputs ({}), over the observation rows of {} "
        "subject(s){}.",
        plotted.size(), outputs.size(),
        s.output.plots.empty() ? "the first ones; choose others with output: {plots: [...]}"
                               : "the scenario's output: plots",
        profiles.subjects_read, profiles.truncated ? " (the first ones of the run)" : ""));
    for (std::size_t k = 0; k < plotted.size(); ++k) {
      const auto& spec = outputs[static_cast<std::size_t>(plotted[k])];
      plot::ProfileOptions po;
      po.title =
          spec.description.empty() ? spec.name : fmt::format("{}: {}", spec.name, spec.description);
      po.x_label = fmt::format("time ({})", s.model->time_unit().text);
      po.y_label =
          spec.unit.text == "1" ? spec.name : fmt::format("{} ({})", spec.name, spec.unit.text);
      po.log_y = s.output.plot_log_y;
      r.add_plot(band_plot({profiles.bands[k]}, po));
    }
    if (profiles.subjects_read > 1 && !tumour.empty() && !with_summaries) {
      r.add_heading("Tumour exposure");
      r.add_paragraph(
          "Distributions over subjects of the area under the curve (trapezoids over "
          "the observation rows) of each tumour output.");
      for (const int k : tumour) {
        const auto pos =
            static_cast<std::size_t>(std::find(wanted.begin(), wanted.end(), k) - wanted.begin());
        const auto& spec = outputs[static_cast<std::size_t>(k)];
        plot::PlotOptions po;
        po.title = fmt::format("Tumour exposure: AUC of {}", spec.name);
        po.x_label =
            fmt::format("AUC of {} ({}*{})", spec.name, spec.unit.text, s.model->time_unit().text);
        r.add_plot(histogram_plot({{spec.name, profiles.subject_auc[pos]}}, po));
      }
    }
  }
  if (with_summaries) add_summary_histograms(r, s, summaries);
  detail::add_parameter_section(r, s);
  detail::add_scenario_section(r, scenario_file);
  return r;
}

}  // namespace smartnano::report
