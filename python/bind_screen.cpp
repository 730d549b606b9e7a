// Formulation screens and schedule optimisation for Python: smartnano.Screen, run_screen(),
// smartnano.Optimisation, run_optimisation(). Candidates and evaluations are columns named as
// screen_candidates.csv and optimise_evaluations.csv (docs/screening.md,
// docs/schedule-optimisation.md).
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "bind_common.h"
#include "smartnano/screening/optimise.h"
#include "smartnano/screening/screen.h"

namespace smartnano::python {
namespace {

using ScreenHandle = std::shared_ptr<screening::Screen>;
using OptimisationHandle = std::shared_ptr<screening::Optimisation>;

std::vector<std::string> factor_names(const screening::ScreenSpec& spec) {
  std::vector<std::string> names;
  for (const auto& f : spec.space.factors) names.push_back(f.name);
  return names;
}

std::vector<std::string> score_names(const screening::ScreenSpec& spec) {
  std::vector<std::string> names;
  for (const auto& s : spec.scores) names.push_back(s.name);
  return names;
}

// A factor's values as a column: numbers, or the level names of a categorical factor.
py::object factor_column(const screening::Factor& f, const std::vector<double>& values) {
  if (f.labels.empty()) return array(values);
  std::vector<std::string> labels;
  for (const double v : values) {
    const auto k = static_cast<long>(std::lround(v));
    labels.push_back(k >= 0 && k < static_cast<long>(f.labels.size())
                         ? f.labels[static_cast<std::size_t>(k)]
                         : fmt::format("{}", v));
  }
  return string_array(labels);
}

py::dict screen_result(const screening::Screen& s, const screening::ScreenResult& r) {
  const auto& spec = s.spec;
  const std::size_t n = r.candidates.size();
  const std::string summary =
      spec.summary == screening::PopulationSummary::kMedian ? "median" : "mean";
  std::vector<int> rank, id, stage, front, failures;
  std::vector<double> responder, ti, crowding, weighted;
  std::vector<std::vector<double>> factors(spec.space.factors.size());
  std::vector<std::vector<double>> scores(3 * spec.scores.size());
  for (const auto& c : r.candidates) {
    rank.push_back(c.rank);
    id.push_back(c.id);
    stage.push_back(c.stage);
    for (std::size_t j = 0; j < factors.size(); ++j) factors[j].push_back(c.factors[j]);
    for (std::size_t q = 0; q < spec.scores.size(); ++q) {
      scores[3 * q].push_back(c.scores[q].summary);
      scores[3 * q + 1].push_back(c.scores[q].p05);
      scores[3 * q + 2].push_back(c.scores[q].p95);
    }
    responder.push_back(c.responder_fraction);
    ti.push_back(c.therapeutic_index);
    front.push_back(c.front);
    crowding.push_back(c.crowding);
    weighted.push_back(c.weighted_score);
    failures.push_back(c.failures);
  }
  py::dict c;
  c["rank"] = array(rank);
  c["id"] = array(id);
  c["stage"] = array(stage);
  for (std::size_t j = 0; j < factors.size(); ++j) {
    c[py::str(spec.space.factors[j].name)] = factor_column(spec.space.factors[j], factors[j]);
  }
  for (std::size_t q = 0; q < spec.scores.size(); ++q) {
    const auto& name = spec.scores[q].name;
    c[py::str(name + "_" + summary)] = array(scores[3 * q]);
    c[py::str(name + "_p05")] = array(scores[3 * q + 1]);
    c[py::str(name + "_p95")] = array(scores[3 * q + 2]);
  }
  if (spec.responder) c["responder_fraction"] = array(responder);
  if (spec.therapeutic_index) c["therapeutic_index"] = array(ti);
  c["front"] = array(front);
  c["crowding"] = array(crowding);
  c["weighted_score"] = array(weighted);
  c["failed_subjects"] = array(failures);

  // candidates x subjects x scores (NaN: a failed subject).
  const std::size_t n_scores = spec.scores.size();
  py::array_t<double> subject_scores({static_cast<py::ssize_t>(n),
                                      static_cast<py::ssize_t>(r.subjects),
                                      static_cast<py::ssize_t>(n_scores)});
  double* out = subject_scores.mutable_data();
  for (std::size_t k = 0; k < n; ++k) {
    const auto& rows = r.candidates[k].subject_scores;
    for (std::size_t i = 0; i < r.subjects; ++i) {
      for (std::size_t q = 0; q < n_scores; ++q) {
        *out++ = i < rows.size() && q < rows[i].size() ? rows[i][q] : std::nan("");
      }
    }
  }
  py::dict d;
  d["candidates"] = c;
  d["subject_scores"] = subject_scores;
  d["score_names"] = score_names(spec);
  d["objectives"] = spec.objectives;
  d["subjects"] = r.subjects;
  d["stage1_generated"] = r.stage1_generated;
  d["stage1_rejected"] = r.stage1_rejected;
  d["stage2_generated"] = r.stage2_generated;
  d["stage2_rejected"] = r.stage2_rejected;
  d["wall_seconds"] = r.wall_seconds;
  d["threads"] = r.threads;
  return d;
}

py::dict run_screen(const screening::Screen& s, int threads, std::optional<Path> out_dir) {
  screening::ScreenRunOptions options;
  options.threads = checked_threads(threads, "run_screen");
  screening::ScreenResult result;
  {
    py::gil_scoped_release release;
    result = screening::run_screen(s, options);
    if (out_dir) screening::write_screen_outputs(s, result, out_dir->string());
  }
  return screen_result(s, result);
}

py::dict evaluation_dict(const screening::OptimiseSpec& spec, const screening::Evaluation& e) {
  py::dict values, scores;
  const auto& factors = spec.problem.space.factors;
  for (std::size_t j = 0; j < factors.size() && j < e.values.size(); ++j) {
    values[py::str(factors[j].name)] = e.values[j];
  }
  for (std::size_t q = 0; q < spec.problem.scores.size() && q < e.scores.size(); ++q) {
    scores[py::str(spec.problem.scores[q].name)] = e.scores[q];
  }
  py::dict d;
  d["values"] = values;
  d["scores"] = scores;
  d["feasible"] = e.feasible;
  d["failed_subjects"] = e.failures;
  return d;
}

py::dict run_optimisation(const screening::Optimisation& o, int threads,
                          std::optional<Path> out_dir) {
  screening::ScreenRunOptions options;
  options.threads = checked_threads(threads, "run_optimisation");
  screening::OptimisationResult r;
  {
    py::gil_scoped_release release;
    runner::SerialCommunicator comm;
    r = screening::run_optimisation(o, options, comm);
    if (out_dir) screening::write_optimisation_outputs(o, r, out_dir->string());
  }
  const auto& factors = o.spec.problem.space.factors;
  const auto& scores = o.spec.problem.scores;
  std::vector<std::vector<double>> value_cols(factors.size()), score_cols(scores.size());
  std::vector<int> evaluation, feasible, failures;
  std::vector<std::string> phase;
  for (std::size_t i = 0; i < r.evaluations.size(); ++i) {
    const auto& e = r.evaluations[i];
    evaluation.push_back(static_cast<int>(i) + 1);
    phase.push_back(i < r.optimiser_evaluations ? "optimiser" : "landscape");
    for (std::size_t j = 0; j < factors.size(); ++j) value_cols[j].push_back(e.values[j]);
    for (std::size_t q = 0; q < scores.size(); ++q) score_cols[q].push_back(e.scores[q]);
    feasible.push_back(e.feasible ? 1 : 0);
    failures.push_back(e.failures);
  }
  py::dict ev;
  ev["evaluation"] = array(evaluation);
  ev["phase"] = string_array(phase);
  for (std::size_t j = 0; j < factors.size(); ++j) {
    ev[py::str(factors[j].name)] = array(value_cols[j]);
  }
  for (std::size_t q = 0; q < scores.size(); ++q)
    ev[py::str(scores[q].name)] = array(score_cols[q]);
  ev["feasible"] = array(feasible);
  ev["failed_subjects"] = array(failures);
  std::vector<long> landscape(r.landscape.begin(), r.landscape.end());
  py::dict d;
  d["best"] = evaluation_dict(o.spec, r.best);
  d["found_feasible"] = r.found_feasible;
  d["status"] = r.status;
  d["evaluations"] = ev;
  d["optimiser_evaluations"] = r.optimiser_evaluations;
  d["landscape"] = array(landscape);
  d["subjects"] = r.subjects;
  d["wall_seconds"] = r.wall_seconds;
  return d;
}

}  // namespace

void bind_screen(py::module_& m) {
  py::class_<screening::Screen, ScreenHandle>(
      m, "Screen", "A formulation screen: a scenario with a `screen:` section (docs/screening.md).")
      .def_readonly("file", &screening::Screen::file)
      .def_property_readonly("name", [](const screening::Screen& s) { return s.scenario.name; })
      .def_property_readonly("factors",
                             [](const screening::Screen& s) { return factor_names(s.spec); })
      .def_property_readonly("scores",
                             [](const screening::Screen& s) { return score_names(s.spec); })
      .def_property_readonly("objectives",
                             [](const screening::Screen& s) { return s.spec.objectives; })
      .def_property_readonly("subject_count",
                             [](const screening::Screen& s) { return s.scenario.subject_count(); })
      .def("__repr__", [](const screening::Screen& s) {
        return fmt::format("<smartnano.Screen '{}': {} factor(s), {} score(s)>", s.scenario.name,
                           s.spec.space.factors.size(), s.spec.scores.size());
      });
  m.def(
      "load_screen_file",
      [](const Path& path) {
        return std::make_shared<screening::Screen>(screening::load_screen_file(path.string()));
      },
      py::arg("path"));
  m.def(
      "load_screen_text",
      [](const std::string& yaml, const std::string& file) {
        return std::make_shared<screening::Screen>(screening::load_screen_text(yaml, file));
      },
      py::arg("yaml"), py::arg("file") = "<text>");
  m.def("run_screen", &run_screen, py::arg("screen"), py::arg("threads") = 0,
        py::arg("out_dir") = py::none());

  py::class_<screening::Optimisation, OptimisationHandle>(
      m, "Optimisation",
      "A schedule optimisation: a scenario with an `optimise:` section "
      "(docs/schedule-optimisation.md).")
      .def_property_readonly("file", [](const screening::Optimisation& o) { return o.screen.file; })
      .def_property_readonly(
          "name", [](const screening::Optimisation& o) { return o.screen.scenario.name; })
      .def_property_readonly(
          "variables",
          [](const screening::Optimisation& o) { return factor_names(o.spec.problem); })
      .def_property_readonly(
          "scores", [](const screening::Optimisation& o) { return score_names(o.spec.problem); })
      .def_property_readonly(
          "algorithm",
          [](const screening::Optimisation& o) { return screening::to_string(o.spec.algorithm); })
      .def_property_readonly(
          "max_evaluations",
          [](const screening::Optimisation& o) { return o.spec.max_evaluations; })
      .def("__repr__", [](const screening::Optimisation& o) {
        return fmt::format("<smartnano.Optimisation '{}': {} variable(s), {}>",
                           o.screen.scenario.name, o.spec.problem.space.factors.size(),
                           screening::to_string(o.spec.algorithm));
      });
  m.def(
      "load_optimisation_file",
      [](const Path& path) {
        return std::make_shared<screening::Optimisation>(
            screening::load_optimisation_file(path.string()));
      },
      py::arg("path"));
  m.def(
      "load_optimisation_text",
      [](const std::string& yaml, const std::string& file) {
        return std::make_shared<screening::Optimisation>(
            screening::load_optimisation_text(yaml, file));
      },
      py::arg("yaml"), py::arg("file") = "<text>");
  m.def("run_optimisation", &run_optimisation, py::arg("optimisation"), py::arg("threads") = 0,
        py::arg("out_dir") = py::none());
}

}  // namespace smartnano::python
