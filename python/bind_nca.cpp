// Non-compartmental analysis for Python (PKNCA's rules; docs/nca.md): one profile from arrays,
// or every subject of a profiles file or of a simulation's table, as columns named as
// `smartnano nca` writes them.
#include <fmt/format.h>

#include "bind_common.h"
#include "smartnano/nca/nca.h"

namespace smartnano::python {
namespace {

nca::Route parse_route(const std::string& text, const char* function) {
  if (text == "extravascular") return nca::Route::kExtravascular;
  if (text == "intravascular" || text == "bolus" || text == "iv-bolus") {
    return nca::Route::kIntravascularBolus;
  }
  if (text == "infusion" || text == "iv-infusion") return nca::Route::kIntravascularInfusion;
  throw py::value_error(fmt::format(
      "{}(): route must be 'extravascular', 'intravascular' (bolus) or 'infusion', not '{}'",
      function, text));
}

nca::AucMethod parse_method(const std::string& text, const char* function) {
  const auto method = nca::parse_auc_method(text);
  if (!method) {
    throw py::value_error(fmt::format(
        "{}(): method must be 'lin-up-log-down' or 'linear', not '{}'", function, text));
  }
  return *method;
}

py::dict result_dict(const nca::NcaResult& r) {
  py::dict d;
  d["status"] = std::string(nca::to_string(r.status));
  d["reason"] = r.reason;
  for (const auto name : nca::nca_parameter_names(true)) {
    d[py::str(std::string(name))] = *nca::nca_parameter(r, name);
  }
  d["report"] = r.brief_report();
  return d;
}

py::dict nca_one(const py::handle& time, const py::handle& conc, double dose,
                 const std::string& route, const std::string& method, double infusion_duration) {
  nca::NcaOptions options;
  options.dose = dose;
  options.route = parse_route(route, "nca");
  options.auc_method = parse_method(method, "nca");
  options.infusion_duration = infusion_duration;
  const auto t = to_doubles(time, "nca", "time");
  const auto c = to_doubles(conc, "nca", "conc");
  return result_dict(nca::compute_nca(t, c, options));
}

py::dict table(const std::vector<nca::SubjectNca>& subjects) {
  bool intravascular = false;
  for (const auto& s : subjects) intravascular |= s.result.route != nca::Route::kExtravascular;
  const auto names = nca::nca_parameter_names(intravascular);
  std::vector<std::string> subject, status, reason;
  std::vector<std::vector<double>> columns(names.size());
  for (const auto& s : subjects) {
    subject.push_back(s.subject);
    status.push_back(std::string(nca::to_string(s.result.status)));
    reason.push_back(s.result.reason);
    for (std::size_t k = 0; k < names.size(); ++k) {
      columns[k].push_back(*nca::nca_parameter(s.result, names[k]));
    }
  }
  py::dict t;
  t["subject"] = string_array(subject);
  for (std::size_t k = 0; k < names.size(); ++k) {
    t[py::str(std::string(names[k]))] = array(columns[k]);
  }
  t["status"] = string_array(status);
  t["reason"] = string_array(reason);
  return t;
}

}  // namespace

void bind_nca(py::module_& m) {
  m.def("nca", &nca_one, py::arg("time"), py::arg("conc"), py::arg("dose"),
        py::arg("route") = "extravascular", py::arg("method") = "lin-up-log-down",
        py::arg("infusion_duration") = 0.0,
        "NCA of one single-dose profile (dose at t = 0): a dict of PKNCA parameter name -> "
        "value (NaN where not computed), status and reason.");
  m.def(
      "nca_file",
      [](const Path& path, const std::string& method) {
        nca::NcaOptions options;
        options.auc_method = parse_method(method, "nca_file");
        return table(nca::analyse_profiles(nca::read_nca_input(path.string()), options));
      },
      py::arg("path"), py::arg("method") = "lin-up-log-down",
      "NCA of every subject of a subject,time,conc,dose,route file, as columns.");
  m.def(
      "nca_table",
      [](const Path& path, const std::string& conc, double dose, const std::string& route,
         const std::string& method, double infusion_duration) {
        nca::TableColumns columns;
        columns.conc = conc;
        nca::NcaOptions options;
        options.auc_method = parse_method(method, "nca_table");
        return table(nca::analyse_profiles(
            nca::read_concentration_table(path.string(), columns, dose,
                                          parse_route(route, "nca_table"), infusion_duration),
            options));
      },
      py::arg("path"), py::arg("conc"), py::arg("dose"), py::arg("route") = "extravascular",
      py::arg("method") = "lin-up-log-down", py::arg("infusion_duration") = 0.0,
      "NCA of every subject of a table such as results.csv (ID, TIME, EVID, the conc column).");
}

}  // namespace smartnano::python
