// Drug-combination synergy for Python: dose-response matrices read from a long CSV or built from
// arrays, and their analysis (4PL fits, Bliss, HSA, Loewe, ZIP, most synergistic area, ratio
// window, Chou-Talalay CI, replicate intervals; docs/synergy.md). Grids are 2-D arrays with
// drug 1 concentrations on rows and drug 2 on columns.
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "bind_common.h"
#include "smartnano/synergy/synergy.h"

namespace smartnano::python {
namespace {

namespace sy = synergy;

py::array_t<double> grid(const sy::Grid& g) {
  return matrix(g.values, static_cast<std::size_t>(g.rows), static_cast<std::size_t>(g.cols));
}

py::dict fit_dict(const sy::FitResult& f) {
  py::dict d;
  d["b"] = f.curve.b;
  d["c"] = f.curve.c;
  d["d"] = f.curve.d;
  d["e"] = f.curve.e;
  d["rss"] = f.rss;
  d["converged"] = f.converged;
  d["fitted"] = array(f.fitted);
  return d;
}

py::dict median_effect(const sy::MedianEffect& e) {
  py::dict d;
  d["m"] = e.m;
  d["dm"] = e.dm;
  d["r2"] = e.r2;
  d["points"] = e.points;
  d["valid"] = e.valid;
  return d;
}

// A matrix from arrays: response is rows x cols (one replicate) or rows x cols x replicates.
sy::DoseResponseMatrix make_matrix(const py::handle& conc1, const py::handle& conc2,
                                   const py::handle& response, const std::string& drug1,
                                   const std::string& drug2, const std::string& block_id,
                                   const std::string& conc_unit, const std::string& scale) {
  sy::DoseResponseMatrix m;
  m.block_id = block_id;
  m.drug1 = drug1;
  m.drug2 = drug2;
  m.conc_unit = conc_unit;
  m.file = "<arrays>";
  m.conc1 = to_doubles(conc1, "dose_response_matrix", "conc1");
  m.conc2 = to_doubles(conc2, "dose_response_matrix", "conc2");
  for (const auto* conc : {&m.conc1, &m.conc2}) {
    const char* name = conc == &m.conc1 ? "conc1" : "conc2";
    for (std::size_t i = 0; i < conc->size(); ++i) {
      const double c = (*conc)[i];
      if (!std::isfinite(c) || c < 0 || (i == 0 && c != 0) || (i > 0 && !(c > (*conc)[i - 1]))) {
        throw py::value_error(fmt::format(
            "dose_response_matrix(): {} must start at 0 (the monotherapy reference) and increase; "
            "{}[{}] is {}",
            name, name, i, c));
      }
    }
  }
  const bool viability = sy::parse_scale(scale) == sy::ResponseScale::kViability;
  const auto r = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(response);
  if (!r || (r.ndim() != 2 && r.ndim() != 3)) {
    throw py::value_error(
        "dose_response_matrix(): response must be a rows x cols or rows x cols x replicates "
        "array of numbers");
  }
  const auto rows = static_cast<std::size_t>(r.shape(0));
  const auto cols = static_cast<std::size_t>(r.shape(1));
  const auto reps = r.ndim() == 3 ? static_cast<std::size_t>(r.shape(2)) : 1;
  if (rows != m.conc1.size() || cols != m.conc2.size() || reps == 0) {
    throw py::value_error(fmt::format(
        "dose_response_matrix(): response is {} x {} x {}, but there are {} conc1 and {} conc2 "
        "values",
        rows, cols, reps, m.conc1.size(), m.conc2.size()));
  }
  m.replicates.resize(rows * cols);
  const double* v = r.data();
  for (std::size_t c = 0; c < rows * cols; ++c) {
    for (std::size_t k = 0; k < reps; ++k) {
      const double x = v[c * reps + k];
      if (!std::isfinite(x)) {
        throw py::value_error(fmt::format("dose_response_matrix(): response of cell ({}, {}) is {}",
                                          c / cols, c % cols, x));
      }
      m.replicates[c].push_back(viability ? 100.0 - x : x);
    }
  }
  return m;
}

py::dict analyse(const sy::DoseResponseMatrix& m, const std::string& methods,
                 const std::string& baseline, const std::string& summary, bool uncertainty) {
  sy::SynergyOptions options;
  options.methods = sy::parse_methods(methods);
  options.baseline = sy::parse_baseline(baseline);
  if (summary == "median") {
    options.summary = sy::ReplicateSummary::kMedian;
  } else if (summary == "mean") {
    options.summary = sy::ReplicateSummary::kMean;
  } else {
    throw py::value_error(
        fmt::format("analyse_synergy(): summary must be 'median' or 'mean', not '{}'", summary));
  }
  options.uncertainty = uncertainty;
  if (const std::string problem = options.validate(); !problem.empty()) {
    throw py::value_error("analyse_synergy(): " + problem);
  }
  sy::SynergyResult r;
  {
    py::gil_scoped_release release;
    r = sy::analyse(m, options);
  }
  py::dict d;
  d["block_id"] = r.block_id;
  d["drug1"] = r.drug1;
  d["drug2"] = r.drug2;
  d["conc_unit"] = r.conc_unit;
  d["conc1"] = array(r.conc1);
  d["conc2"] = array(r.conc2);
  d["response"] = grid(r.response);
  d["corrected"] = grid(r.corrected);
  d["response_sd"] = grid(r.response_sd);
  d["baseline"] = r.baseline;
  d["replicates"] = r.replicates;
  d["fit1"] = fit_dict(r.fit1);
  d["fit2"] = fit_dict(r.fit2);
  py::dict methods_out;
  for (const auto& mr : r.methods) {
    py::dict x;
    x["scores"] = grid(mr.scores);
    x["mean"] = mr.mean;
    py::dict area;
    area["row"] = mr.area.row;
    area["col"] = mr.area.col;
    area["rows"] = mr.area.rows;
    area["cols"] = mr.area.cols;
    area["mean"] = mr.area.mean;
    x["most_synergistic_area"] = area;
    py::dict window;
    window["low"] = mr.ratio_window.low;
    window["high"] = mr.ratio_window.high;
    window["cells"] = mr.ratio_window.cells;
    window["threshold"] = mr.ratio_window.threshold;
    x["ratio_window"] = window;
    if (!mr.rep_mean.values.empty()) {
      x["replicate_mean"] = grid(mr.rep_mean);
      x["replicate_sd"] = grid(mr.rep_sd);
      x["ci_low"] = grid(mr.rep_ci_low);
      x["ci_high"] = grid(mr.rep_ci_high);
    }
    std::string key = sy::method_name(mr.method);
    for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    methods_out[py::str(key)] = x;
  }
  d["methods"] = methods_out;
  py::dict ci;
  ci["drug1"] = median_effect(r.ci.drug1);
  ci["drug2"] = median_effect(r.ci.drug2);
  ci["per_cell"] = grid(r.ci.per_cell);
  py::list at_fa;
  for (const auto& [fa, value] : r.ci.at_fa) at_fa.append(py::make_tuple(fa, value));
  ci["at_fa"] = at_fa;
  d["combination_index"] = ci;
  d["report"] = r.brief_report();
  return d;
}

}  // namespace

void bind_synergy(py::module_& m) {
  py::class_<sy::DoseResponseMatrix>(m, "DoseResponseMatrix",
                                     "One drug pair's dose-response matrix (% inhibition).")
      .def_readonly("block_id", &sy::DoseResponseMatrix::block_id)
      .def_readonly("drug1", &sy::DoseResponseMatrix::drug1)
      .def_readonly("drug2", &sy::DoseResponseMatrix::drug2)
      .def_readonly("conc_unit", &sy::DoseResponseMatrix::conc_unit)
      .def_property_readonly("conc1",
                             [](const sy::DoseResponseMatrix& x) { return array(x.conc1); })
      .def_property_readonly("conc2",
                             [](const sy::DoseResponseMatrix& x) { return array(x.conc2); })
      .def_property_readonly("min_replicates", &sy::DoseResponseMatrix::min_replicates)
      .def(
          "summary",
          [](const sy::DoseResponseMatrix& x, const std::string& how) {
            if (how != "median" && how != "mean") {
              throw py::value_error("summary(): how must be 'median' or 'mean'");
            }
            return grid(x.summary(how == "median" ? sy::ReplicateSummary::kMedian
                                                  : sy::ReplicateSummary::kMean));
          },
          py::arg("how") = "median", "% inhibition per cell over replicates (rows x cols)")
      .def("__repr__", [](const sy::DoseResponseMatrix& x) {
        return fmt::format("<smartnano.DoseResponseMatrix block '{}': {} x {}, {} x {}>",
                           x.block_id, x.drug1, x.drug2, x.rows(), x.cols());
      });
  m.def(
      "read_dose_response_csv",
      [](const Path& path, const std::string& scale) {
        sy::ReadOptions options;
        options.scale = sy::parse_scale(scale);
        return sy::read_dose_response_csv(path.string(), options);
      },
      py::arg("path"), py::arg("scale") = "inhibition");
  m.def("dose_response_matrix", &make_matrix, py::arg("conc1"), py::arg("conc2"),
        py::arg("response"), py::arg("drug1") = "drug1", py::arg("drug2") = "drug2",
        py::arg("block_id") = "1", py::arg("conc_unit") = "", py::arg("scale") = "inhibition");
  m.def("analyse_synergy", &analyse, py::arg("matrix"), py::arg("methods") = "",
        py::arg("baseline") = "all", py::arg("summary") = "median", py::arg("uncertainty") = false);
}

}  // namespace smartnano::python
