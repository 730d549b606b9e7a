// Models, the parameter database, scenarios and simulation (one subject or a population) for
// Python: smartnano.Model, smartnano.Scenario, simulate() and run_scenario().
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

#include <fmt/format.h>

#include "bind_common.h"
#include "smartnano/core/csv.h"
#include "smartnano/io/results.h"
#include "smartnano/model/model.h"
#include "smartnano/runner/population_run.h"
#include "smartnano/scenario/scenario.h"
#include "smartnano/simulation/simulate_all.h"

namespace smartnano::python {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using ModelHandle = std::shared_ptr<model::Model>;
using ScenarioHandle = std::shared_ptr<scenario::Scenario>;

ModelHandle handle(const model::ModelPtr& m) { return std::const_pointer_cast<model::Model>(m); }

// Column names of a CSV header line the engine writes.
std::vector<std::string> header_names(const std::string& header) {
  std::string line = header;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return split_csv_line(line);
}

py::object optional_pair(const std::optional<std::pair<double, double>>& range) {
  if (!range) return py::none();
  return py::make_tuple(range->first, range->second);
}

py::list parameter_list(const model::Model& m) {
  py::list rows;
  for (const auto& p : m.parameters()) {
    py::dict row;
    row["name"] = p.name;
    row["value"] = p.value;
    row["unit"] = p.unit.text;
    row["description"] = p.description;
    row["source"] = p.source;
    row["range"] = optional_pair(p.range);
    row["bounds"] = optional_pair(p.bounds);
    rows.append(row);
  }
  return rows;
}

template <class Spec>
py::list named_list(const std::vector<Spec>& specs) {
  py::list rows;
  for (const auto& s : specs) {
    py::dict row;
    row["name"] = s.name;
    row["unit"] = s.unit.text;
    row["description"] = s.description;
    rows.append(row);
  }
  return rows;
}

// The parameter database of some models as columns (smartnano params --format csv).
py::dict params(const std::vector<std::string>& requested) {
  const std::vector<std::string> names =
      requested.empty() ? model::builtin_model_names() : requested;
  std::vector<std::string> model_col, name, unit, description, source;
  std::vector<double> value, range_low, range_high, bounds_low, bounds_high;
  for (const auto& n : names) {
    const model::ModelPtr m = model::load_model(n);
    for (const auto& p : m->parameters()) {
      model_col.push_back(m->name());
      name.push_back(p.name);
      value.push_back(p.value);
      unit.push_back(p.unit.text);
      range_low.push_back(p.range ? p.range->first : kNaN);
      range_high.push_back(p.range ? p.range->second : kNaN);
      bounds_low.push_back(p.bounds ? p.bounds->first : kNaN);
      bounds_high.push_back(p.bounds ? p.bounds->second : kNaN);
      description.push_back(p.description);
      source.push_back(p.source);
    }
  }
  py::dict t;
  t["model"] = string_array(model_col);
  t["name"] = string_array(name);
  t["value"] = array(value);
  t["unit"] = string_array(unit);
  t["range_low"] = array(range_low);
  t["range_high"] = array(range_high);
  t["bounds_low"] = array(bounds_low);
  t["bounds_high"] = array(bounds_high);
  t["description"] = string_array(description);
  t["source"] = string_array(source);
  return t;
}

// subjects.csv as columns: ID, WEIGHT, BSA, reported values, etas, every parameter.
py::dict describe_subjects(const scenario::Scenario& s) {
  const std::size_t n = s.subject_count();
  std::vector<scenario::SubjectDescription> d(n);
  {
    py::gil_scoped_release release;
    for (std::size_t i = 0; i < n; ++i) d[i] = s.describe_subject(i);
  }
  const auto names = header_names(io::subjects_csv_header(*s.model, s));
  std::vector<std::vector<double>> columns(names.size(), std::vector<double>(n, kNaN));
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> row{d[i].id, d[i].body.weight_kg > 0 ? d[i].body.weight_kg : kNaN,
                            d[i].body.bsa_m2 > 0 ? d[i].body.bsa_m2 : kNaN};
    row.insert(row.end(), d[i].reported.begin(), d[i].reported.end());
    row.insert(row.end(), d[i].eta.begin(), d[i].eta.end());
    row.insert(row.end(), d[i].parameters.begin(), d[i].parameters.end());
    for (std::size_t c = 0; c < names.size() && c < row.size(); ++c) columns[c][i] = row[c];
  }
  py::dict t;
  for (std::size_t c = 0; c < names.size(); ++c) t[py::str(names[c])] = array(columns[c]);
  return t;
}

py::dict statistics_columns(const std::vector<simulation::SubjectResult>& results) {
  std::vector<double> id;
  std::vector<std::string> status, message;
  std::vector<long> rows, steps, rhs, jac, ss;
  for (const auto& r : results) {
    id.push_back(r.id);
    status.push_back(simulation::to_string(r.status));
    message.push_back(r.message);
    rows.push_back(static_cast<long>(r.times.size()));
    steps.push_back(r.stats.steps);
    rhs.push_back(r.stats.rhs_evaluations);
    jac.push_back(r.stats.jacobian_evaluations);
    ss.push_back(r.steady_state_intervals);
  }
  py::dict t;
  t["ID"] = array(id);
  t["status"] = string_array(status);
  t["message"] = string_array(message);
  t["rows"] = array(rows);
  t["steps"] = array(steps);
  t["rhs_evaluations"] = array(rhs);
  t["jacobian_evaluations"] = array(jac);
  t["steady_state_intervals"] = array(ss);
  return t;
}

py::dict simulate(const scenario::Scenario& s, int threads, std::optional<long> subjects,
                  bool states) {
  threads = checked_threads(threads, "simulate");
  std::size_t n = s.subject_count();
  if (subjects) {
    if (*subjects < 0) {
      throw py::value_error(fmt::format("simulate(): subjects must be >= 0, got {}", *subjects));
    }
    n = std::min(n, static_cast<std::size_t>(*subjects));
  }
  simulation::SimulationOptions options = s.options;
  options.record_states = options.record_states || states;
  std::vector<simulation::SubjectResult> results;
  double wall = 0.0;
  {
    py::gil_scoped_release release;
    const auto start = std::chrono::steady_clock::now();
    results = simulation::simulate_all(
        s.model, options, n, [&s](std::size_t i) { return s.subject(i); }, threads);
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  const model::Model& m = *s.model;
  const std::size_t n_out = m.outputs().size();
  const std::size_t n_states = options.record_states ? m.states().size() : 0;
  std::size_t rows = 0;
  for (const auto& r : results) rows += r.times.size();
  std::vector<double> id(rows), time(rows);
  std::vector<int> evid(rows);
  std::vector<std::vector<double>> values(n_out + n_states, std::vector<double>(rows));
  std::size_t k = 0;
  for (const auto& r : results) {
    for (std::size_t row = 0; row < r.times.size(); ++row, ++k) {
      id[k] = r.id;
      time[k] = r.times[row];
      evid[k] = r.evids[row];
      for (std::size_t o = 0; o < n_out; ++o) values[o][k] = r.outputs[row * n_out + o];
      for (std::size_t st = 0; st < n_states && !r.states.empty(); ++st) {
        values[n_out + st][k] = r.states[row * n_states + st];
      }
    }
  }
  const auto names = header_names(io::results_csv_header(m, n_states > 0));
  py::dict columns, units;
  columns["ID"] = array(id);
  columns["TIME"] = array(time);
  columns["EVID"] = array(evid);
  units["ID"] = "";
  units["TIME"] = m.time_unit().text;
  units["EVID"] = "";
  for (std::size_t c = 0; c < values.size(); ++c) {
    columns[py::str(names[3 + c])] = array(values[c]);
    units[py::str(names[3 + c])] =
        c < n_out ? m.outputs()[c].unit.text : m.states()[c - n_out].unit.text;
  }
  py::dict result;
  result["scenario"] = s.name;
  result["model"] = m.name();
  result["columns"] = columns;
  result["units"] = units;
  result["subjects"] = statistics_columns(results);
  long failed = 0;
  for (const auto& r : results) failed += r.status == simulation::SubjectStatus::kSuccess ? 0 : 1;
  result["failed"] = failed;
  if (!s.output.summaries.empty()) {
    py::dict summaries;
    std::vector<std::vector<double>> cols(s.output.summaries.size());
    std::vector<double> ids;
    for (const auto& r : results) {
      ids.push_back(r.id);
      const auto v = runner::summarize(r, s.output.summaries, n_out);
      for (std::size_t c = 0; c < v.size(); ++c) cols[c].push_back(v[c]);
    }
    summaries["ID"] = array(ids);
    for (std::size_t c = 0; c < cols.size(); ++c) {
      summaries[py::str(s.output.summaries[c].column)] = array(cols[c]);
    }
    result["summaries"] = summaries;
  } else {
    result["summaries"] = py::none();
  }
  result["threads"] = simulation::effective_threads(threads, n);
  result["wall_seconds"] = wall;
  return result;
}

py::dict run_scenario(const scenario::Scenario& s, const Path& out_dir, int threads, long chunk,
                      bool resume) {
  threads = checked_threads(threads, "run_scenario");
  if (chunk < 0) throw py::value_error(fmt::format("run_scenario(): chunk must be >= 0"));
  runner::RunOptions options;
  options.out_dir = out_dir.string();
  options.threads = threads;
  options.resume = resume;
  options.chunk_subjects = static_cast<std::size_t>(chunk);
  options.info.command = "python: smartnano.run_scenario";
  options.info.scenario = s.file.empty() ? s.name : s.file;
  options.info.extra["scenario_name"] = s.name;
  if (s.population) options.info.seed = static_cast<long long>(s.population->seed);
  runner::RunOutcome outcome;
  {
    py::gil_scoped_release release;
    runner::SerialCommunicator comm;
    outcome = runner::run_scenario(s, options, comm);
  }
  py::dict r;
  r["files"] = outcome.files;
  r["subjects"] = outcome.statistics.subjects;
  r["failed_subjects"] = outcome.statistics.failed_subjects;
  r["failures"] = py::module_::import("json").attr("loads")(outcome.statistics.failures.dump());
  r["wall_seconds"] = outcome.wall_seconds;
  r["threads"] = outcome.threads;
  r["resumed_from"] = outcome.resumed_from;
  return r;
}

}  // namespace

void bind_scenario(py::module_& m) {
  py::class_<model::Model, ModelHandle>(m, "Model",
                                        "A model: parameters with units and sources, states, "
                                        "covariates and outputs (read-only).")
      .def_property_readonly("name", &model::Model::name)
      .def_property_readonly("description", &model::Model::description)
      .def_property_readonly("file", &model::Model::file)
      .def_property_readonly("lineage", &model::Model::lineage)
      .def_property_readonly("time_unit", [](const model::Model& x) { return x.time_unit().text; })
      .def_property_readonly("parameters", &parameter_list,
                             "list of dicts: name, value, unit, description, source, range, "
                             "bounds")
      .def_property_readonly("states", [](const model::Model& x) { return named_list(x.states()); })
      .def_property_readonly("outputs",
                             [](const model::Model& x) { return named_list(x.outputs()); })
      .def_property_readonly("covariates",
                             [](const model::Model& x) { return named_list(x.covariates()); })
      .def("__repr__", [](const model::Model& x) {
        return fmt::format("<smartnano.Model '{}': {} parameters, {} states, {} outputs>", x.name(),
                           x.parameters().size(), x.states().size(), x.outputs().size());
      });

  m.def("models", &model::builtin_model_names, "Names of the built-in models.");
  m.def(
      "load_model", [](const std::string& name) { return handle(model::load_model(name)); },
      py::arg("path_or_name"), "A model file, or a built-in model by name.");
  m.def("params", &params, py::arg("models") = std::vector<std::string>{},
        "The parameter database (smartnano params): columns model, name, value, unit, "
        "range_low/high, bounds_low/high, description, source; every built-in model when "
        "`models` is empty.");

  py::class_<scenario::Scenario, ScenarioHandle>(m, "Scenario",
                                                 "A loaded scenario (docs/scenario-file.md).")
      .def_readonly("name", &scenario::Scenario::name)
      .def_readonly("description", &scenario::Scenario::description)
      .def_readonly("file", &scenario::Scenario::file)
      .def_readonly("data_file", &scenario::Scenario::data_file)
      .def_readonly("fingerprint", &scenario::Scenario::fingerprint)
      .def_property_readonly("model", [](const scenario::Scenario& s) { return handle(s.model); })
      .def_property_readonly("subject_count", &scenario::Scenario::subject_count)
      .def_property_readonly("is_population",
                             [](const scenario::Scenario& s) { return s.population.has_value(); })
      .def_property_readonly("seed",
                             [](const scenario::Scenario& s) -> py::object {
                               if (!s.population) return py::none();
                               return py::int_(s.population->seed);
                             })
      .def_property_readonly("parameters",
                             [](const scenario::Scenario& s) {
                               py::dict d;
                               const auto& specs = s.model->parameters();
                               for (std::size_t i = 0; i < specs.size(); ++i) {
                                 d[py::str(specs[i].name)] = s.parameters[i];
                               }
                               return d;
                             })
      .def_property_readonly("body",
                             [](const scenario::Scenario& s) {
                               py::dict d;
                               d["weight_kg"] = s.body.weight_kg;
                               d["bsa_m2"] = s.body.bsa_m2;
                               return d;
                             })
      .def("describe_subjects", &describe_subjects,
           "Every subject's body size, reported values, etas and parameters as columns "
           "(subjects.csv).")
      .def("__repr__", [](const scenario::Scenario& s) {
        return fmt::format("<smartnano.Scenario '{}': model {}, {} subject(s)>", s.name,
                           s.model->name(), s.subject_count());
      });

  m.def(
      "load_scenario_file",
      [](const Path& path) {
        return std::make_shared<scenario::Scenario>(scenario::load_scenario_file(path.string()));
      },
      py::arg("path"));
  m.def(
      "load_scenario_text",
      [](const std::string& yaml, const std::string& file) {
        return std::make_shared<scenario::Scenario>(scenario::load_scenario_text(yaml, file));
      },
      py::arg("yaml"), py::arg("file") = "<text>");
  m.def("load_default_scenario",
        [] { return std::make_shared<scenario::Scenario>(scenario::load_default_scenario()); });
  m.def("simulate", &simulate, py::arg("scenario"), py::arg("threads") = 0,
        py::arg("subjects") = py::none(), py::arg("states") = false);
  m.def("run_scenario", &run_scenario, py::arg("scenario"), py::arg("out_dir"),
        py::arg("threads") = 0, py::arg("chunk") = 0, py::arg("resume") = false);
}

}  // namespace smartnano::python
