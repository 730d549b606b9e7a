// Survival statistics for Python (R survival's conventions; docs/survival.md): Kaplan-Meier
// curves with confidence bands and summaries, the log-rank test, Cox proportional hazards and
// Clopper-Pearson intervals, on arrays of times and event indicators.
#include <fmt/format.h>

#include "bind_common.h"
#include "smartnano/survival/survival.h"

namespace smartnano::python {
namespace {

namespace sv = survival;

sv::SurvivalData data(const py::handle& time, const py::handle& event, const char* function) {
  sv::SurvivalData d;
  d.time = to_doubles(time, function, "time");
  d.event = to_bools(event, function, "event");
  if (d.time.size() != d.event.size()) {
    throw py::value_error(fmt::format("{}(): time has {} values but event has {}", function,
                                      d.time.size(), d.event.size()));
  }
  d.check(function);
  return d;
}

sv::ConfidenceType confidence_type(const std::string& text) {
  if (text == "plain") return sv::ConfidenceType::kPlain;
  if (text == "log") return sv::ConfidenceType::kLog;
  if (text == "log-log") return sv::ConfidenceType::kLogLog;
  throw py::value_error(
      fmt::format("kaplan_meier(): conf_type must be 'plain', 'log' or 'log-log', not '{}'", text));
}

py::array_t<double> vector(const Eigen::VectorXd& v) {
  return array(std::vector<double>(v.data(), v.data() + v.size()));
}

py::dict kaplan_meier(const py::handle& time, const py::handle& event, const std::string& conf_type,
                      double conf_level, std::optional<double> rmean_end) {
  const sv::SurvivalData d = data(time, event, "kaplan_meier");
  const sv::ConfidenceType type = confidence_type(conf_type);
  const sv::KaplanMeier km = sv::kaplan_meier(d);
  const sv::ConfidenceBand band = sv::confidence_band(km, type, conf_level);
  const sv::SurvivalSummary s = sv::summarize(km, band, rmean_end.value_or(km.time.back()));
  py::dict r;
  r["time"] = array(km.time);
  r["n_risk"] = array(km.n_risk);
  r["n_event"] = array(km.n_event);
  r["n_censor"] = array(km.n_censor);
  r["surv"] = array(km.surv);
  r["std_err"] = array(km.std_err);
  r["lower"] = array(band.lower);
  r["upper"] = array(band.upper);
  py::dict summary;
  summary["n"] = s.n;
  summary["events"] = s.events;
  summary["median"] = s.median;
  summary["median_lower"] = s.median_lower;
  summary["median_upper"] = s.median_upper;
  summary["rmean"] = s.rmean;
  summary["rmean_se"] = s.rmean_se;
  summary["rmean_end"] = s.rmean_end;
  r["summary"] = summary;
  r["conf_type"] = sv::to_string(type);
  r["conf_level"] = conf_level;
  return r;
}

py::dict log_rank(const py::handle& time, const py::handle& event, const py::handle& group,
                  const py::object& strata) {
  const sv::SurvivalData d = data(time, event, "log_rank");
  const auto g = to_strings(group, "log_rank", "group");
  std::vector<std::string> st;
  if (!strata.is_none()) st = to_strings(strata, "log_rank", "strata");
  const sv::LogRankTest t = sv::log_rank_test(d, g, st);
  py::dict r;
  r["groups"] = t.groups;
  r["n"] = array(t.n);
  r["observed"] = array(t.observed);
  r["expected"] = array(t.expected);
  r["variance"] = matrix(
      std::vector<double>(t.variance.data(), t.variance.data() + t.variance.size()),
      static_cast<std::size_t>(t.variance.rows()), static_cast<std::size_t>(t.variance.cols()));
  r["chisq"] = t.chisq;
  r["df"] = t.df;
  r["p"] = t.p;
  return r;
}

py::dict test(const sv::ChiSquareTest& t) {
  py::dict d;
  d["statistic"] = t.statistic;
  d["df"] = t.df;
  d["p"] = t.p;
  return d;
}

// covariates: a dict of name -> array, or an n x k array with `names`.
py::dict cox(const py::handle& time, const py::handle& event, const py::object& covariates,
             std::vector<std::string> names, const std::string& ties, double conf_level) {
  const sv::SurvivalData d = data(time, event, "cox");
  std::vector<std::vector<double>> columns;
  if (py::isinstance<py::dict>(covariates)) {
    if (!names.empty()) throw py::value_error("cox(): give names only with an array");
    for (const auto& [key, value] : covariates.cast<py::dict>()) {
      names.push_back(py::str(key));
      columns.push_back(to_doubles(value, "cox", "covariates"));
    }
  } else {
    const auto a =
        py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(covariates);
    if (!a || a.ndim() < 1 || a.ndim() > 2) {
      throw py::value_error("cox(): covariates must be a dict of arrays or an n x k array");
    }
    const auto n = static_cast<std::size_t>(a.shape(0));
    const std::size_t k = a.ndim() == 2 ? static_cast<std::size_t>(a.shape(1)) : 1;
    columns.assign(k, std::vector<double>(n));
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < k; ++j) columns[j][i] = a.data()[i * k + j];
    }
    if (names.empty()) {
      for (std::size_t j = 0; j < k; ++j) names.push_back(fmt::format("x{}", j + 1));
    }
    if (names.size() != k) {
      throw py::value_error(
          fmt::format("cox(): {} names for {} covariate columns", names.size(), k));
    }
  }
  Eigen::MatrixXd x(static_cast<Eigen::Index>(d.size()), static_cast<Eigen::Index>(names.size()));
  for (std::size_t j = 0; j < columns.size(); ++j) {
    if (columns[j].size() != d.size()) {
      throw py::value_error(fmt::format("cox(): covariate '{}' has {} values for {} subjects",
                                        names[j], columns[j].size(), d.size()));
    }
    for (std::size_t i = 0; i < d.size(); ++i) {
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = columns[j][i];
    }
  }
  sv::CoxOptions options;
  if (ties == "efron") {
    options.ties = sv::TieMethod::kEfron;
  } else if (ties == "breslow") {
    options.ties = sv::TieMethod::kBreslow;
  } else {
    throw py::value_error(fmt::format("cox(): ties must be 'efron' or 'breslow', not '{}'", ties));
  }
  options.conf_level = conf_level;
  if (const std::string problem = options.validate(); !problem.empty()) {
    throw py::value_error("cox(): " + problem);
  }
  const sv::CoxModel c = sv::fit_cox(d, x, names, options);
  py::dict r;
  r["terms"] = c.terms;
  r["coef"] = vector(c.coef);
  r["se"] = vector(c.se);
  r["hazard_ratio"] = vector(c.hazard_ratio);
  r["z"] = vector(c.z);
  r["p"] = vector(c.p);
  r["hr_lower"] = vector(c.hr_lower);
  r["hr_upper"] = vector(c.hr_upper);
  r["vcov"] =
      matrix(std::vector<double>(c.vcov.data(), c.vcov.data() + c.vcov.size()),
             static_cast<std::size_t>(c.vcov.rows()), static_cast<std::size_t>(c.vcov.cols()));
  r["loglik_null"] = c.loglik_null;
  r["loglik_fit"] = c.loglik_fit;
  r["likelihood_ratio"] = test(c.likelihood_ratio);
  r["wald"] = test(c.wald);
  r["score"] = test(c.score);
  r["concordance"] = c.concordance;
  r["concordance_se"] = c.concordance_se;
  r["n"] = c.n;
  r["n_event"] = c.n_event;
  r["iterations"] = c.iterations;
  r["ties"] = sv::to_string(c.ties);
  r["report"] = c.brief_report();
  return r;
}

}  // namespace

void bind_survival(py::module_& m) {
  m.def("kaplan_meier", &kaplan_meier, py::arg("time"), py::arg("event"),
        py::arg("conf_type") = "log", py::arg("conf_level") = 0.95,
        py::arg("rmean_end") = py::none(),
        "Kaplan-Meier curve (survfit): time, n_risk, n_event, n_censor, surv, std_err (of "
        "log S), lower, upper, and summary (median with CI, restricted mean to rmean_end, by "
        "default the last time).");
  m.def("log_rank", &log_rank, py::arg("time"), py::arg("event"), py::arg("group"),
        py::arg("strata") = py::none(),
        "Log-rank test (survdiff, rho = 0), optionally stratified.");
  m.def("cox", &cox, py::arg("time"), py::arg("event"), py::arg("covariates"),
        py::arg("names") = std::vector<std::string>{}, py::arg("ties") = "efron",
        py::arg("conf_level") = 0.95, "Cox proportional hazards (coxph).");
  m.def(
      "clopper_pearson",
      [](int successes, int trials, double conf_level) {
        const auto p = sv::clopper_pearson(successes, trials, conf_level);
        py::dict d;
        d["estimate"] = p.estimate;
        d["lower"] = p.lower;
        d["upper"] = p.upper;
        return d;
      },
      py::arg("successes"), py::arg("trials"), py::arg("conf_level") = 0.95,
      "Exact (Clopper-Pearson) interval of a proportion.");
}

}  // namespace smartnano::python
