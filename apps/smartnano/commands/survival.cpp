// `smartnano survival DATA.csv --time COL --event COL [--group COL] [--strata COL]
// [--covariates a,b] [-o OUT.json]`: Kaplan-Meier curves with median and restricted mean, the
// log-rank test between groups and a Cox model, with R survival's conventions (docs/survival.md).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "smartnano/core/error.h"
#include "smartnano/io/atomic_file.h"
#include "smartnano/survival/survival.h"

namespace smartnano::cli {
namespace {

using nlohmann::json;
namespace sv = survival;

struct SurvivalArgs {
  std::string input, out;
  sv::SurvivalColumns columns;
  std::string ties = "efron";
  std::string conf_type = "log";
  double conf_level = 0.95;
};

// NaN (a median not reached, a band where S = 0) is written as null, never as NaN.
json number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}

json numbers(const Eigen::VectorXd& v) {
  json a = json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(number(v[i]));
  return a;
}

sv::SurvivalData subset(const sv::SurvivalTable& t, const std::string& group) {
  sv::SurvivalData d;
  for (size_t i = 0; i < t.data.size(); ++i) {
    if (group.empty() || t.group[i] == group) {
      d.time.push_back(t.data.time[i]);
      d.event.push_back(t.data.event[i]);
    }
  }
  return d;
}

int run_survival(const SurvivalArgs& a) {
  const sv::ConfidenceType type = a.conf_type == "plain" ? sv::ConfidenceType::kPlain
                                  : a.conf_type == "log" ? sv::ConfidenceType::kLog
                                                         : sv::ConfidenceType::kLogLog;
  const sv::SurvivalTable table = sv::read_survival_csv(a.input, a.columns);
  if (table.data.size() == 0) {
    throw InputError({a.input, 0, 0, ""},
                     fmt::format("no complete rows ({} read, {} with a missing value)",
                                 table.rows_read, table.rows_dropped));
  }
  json out;
  out["input"] = a.input;
  out["rows_read"] = table.rows_read;
  out["rows_used"] = table.data.size();
  out["conf_level"] = a.conf_level;
  out["conf_type"] = sv::to_string(type);
  out["time_column"] = a.columns.time;
  out["status_column"] = a.columns.status;
  std::cout << fmt::format(
      "Survival analysis of {}: {} rows used ({} with a missing value left "
      "out), {} events\n",
      a.input, table.data.size(), table.rows_dropped, table.data.events());

  std::vector<std::string> groups = {""};
  if (!a.columns.group.empty()) {
    // R's factor order: numerically when every label is a number.
    std::set<std::string> labels(table.group.begin(), table.group.end());
    groups.assign(labels.begin(), labels.end());
    auto as_number = [](const std::string& s, double& x) {
      const auto r = std::from_chars(s.data(), s.data() + s.size(), x);
      return r.ec == std::errc() && r.ptr == s.data() + s.size();
    };
    double x = 0, y = 0;
    if (std::all_of(groups.begin(), groups.end(),
                    [&](const std::string& g) { return as_number(g, x); })) {
      std::stable_sort(groups.begin(), groups.end(),
                       [&](const std::string& l, const std::string& r) {
                         as_number(l, x);
                         as_number(r, y);
                         return x < y;
                       });
    }
  }
  // Curves first, so that the restricted mean uses one horizon (the latest time, "common").
  std::vector<sv::KaplanMeier> curves;
  double horizon = 0.0;
  for (const auto& g : groups) {
    curves.push_back(sv::kaplan_meier(subset(table, g)));
    horizon = std::max(horizon, curves.back().time.back());
  }
  json km = json::array();
  std::cout << fmt::format("Kaplan-Meier ({} {:g} % CI; restricted mean to {:g}):\n",
                           sv::to_string(type), 100 * a.conf_level, horizon);
  for (size_t k = 0; k < groups.size(); ++k) {
    const sv::KaplanMeier& c = curves[k];
    const sv::ConfidenceBand band = sv::confidence_band(c, type, a.conf_level);
    const sv::SurvivalSummary s = sv::summarize(c, band, horizon);
    const std::string label = groups[k].empty() ? "all" : a.columns.group + "=" + groups[k];
    std::vector<double> greenwood(c.surv.size());
    for (size_t i = 0; i < c.surv.size(); ++i) greenwood[i] = c.surv[i] * c.std_err[i];
    json curve = {{"stratum", label},
                  {"time", c.time},
                  {"n_risk", c.n_risk},
                  {"n_event", c.n_event},
                  {"n_censor", c.n_censor},
                  {"surv", c.surv},
                  {"std_err_log_surv", numbers(c.std_err)},
                  {"greenwood_se_surv", numbers(greenwood)},
                  {"lower", numbers(band.lower)},
                  {"upper", numbers(band.upper)}};
    curve["summary"] = {{"n", s.n},
                        {"events", s.events},
                        {"median", number(s.median)},
                        {"median_lower", number(s.median_lower)},
                        {"median_upper", number(s.median_upper)},
                        {"rmean", s.rmean},
                        {"se_rmean", s.rmean_se},
                        {"rmean_end", s.rmean_end}};
    km.push_back(curve);
    auto show = [](double x) { return std::isnan(x) ? std::string("NR") : fmt::format("{:g}", x); };
    std::cout << fmt::format(
        "  {:<16} n {:>6}  events {:>6}  median {} ({} - {})  rmean {:.4g} "
        "(se {:.4g})\n",
        label, s.n, s.events, show(s.median), show(s.median_lower), show(s.median_upper), s.rmean,
        s.rmean_se);
  }
  out["kaplan_meier"] = km;

  if (!a.columns.group.empty()) {
    const sv::LogRankTest r = sv::log_rank_test(table.data, table.group, table.strata);
    json var = json::array();
    for (Eigen::Index i = 0; i < r.variance.rows(); ++i) {
      var.push_back(numbers(Eigen::VectorXd(r.variance.row(i).transpose())));
    }
    out["log_rank"] = {{"groups", r.groups},
                       {"n", r.n},
                       {"observed", r.observed},
                       {"expected", r.expected},
                       {"var", var},
                       {"chisq", r.chisq},
                       {"df", r.df},
                       {"p", r.p},
                       {"strata", a.columns.strata}};
    std::cout << fmt::format(
        "Log-rank{} test of {}: chi-square {:.4f}, df {}, p {:.4g}\n",
        a.columns.strata.empty() ? "" : " (stratified by " + a.columns.strata + ")",
        a.columns.group, r.chisq, r.df, r.p);
  }

  if (!a.columns.covariates.empty()) {
    sv::CoxOptions options;
    options.ties = a.ties == "breslow" ? sv::TieMethod::kBreslow : sv::TieMethod::kEfron;
    options.conf_level = a.conf_level;
    const sv::CoxModel m = sv::fit_cox(table.data, table.covariates, a.columns.covariates, options);
    json vcov = json::array();
    for (Eigen::Index i = 0; i < m.vcov.rows(); ++i) {
      vcov.push_back(numbers(Eigen::VectorXd(m.vcov.row(i).transpose())));
    }
    auto test = [](const sv::ChiSquareTest& t) {
      return json{{"stat", t.statistic}, {"df", t.df}, {"p", t.p}};
    };
    out["cox"] = {{"ties", sv::to_string(m.ties)},
                  {"n", m.n},
                  {"nevent", m.n_event},
                  {"terms", m.terms},
                  {"coef", numbers(m.coef)},
                  {"se", numbers(m.se)},
                  {"hr", numbers(m.hazard_ratio)},
                  {"z", numbers(m.z)},
                  {"p", numbers(m.p)},
                  {"hr_lower", numbers(m.hr_lower)},
                  {"hr_upper", numbers(m.hr_upper)},
                  {"vcov", vcov},
                  {"loglik_null", m.loglik_null},
                  {"loglik_fit", m.loglik_fit},
                  {"lr_test", test(m.likelihood_ratio)},
                  {"wald_test", test(m.wald)},
                  {"score_test", test(m.score)},
                  {"concordance", number(m.concordance)},
                  {"concordance_se", number(m.concordance_se)},
                  {"iterations", m.iterations}};
    std::cout << m.brief_report() << '\n';
  }
  if (!a.out.empty()) {
    io::write_file_atomically(a.out, out.dump(2) + "\n");
    std::cout << fmt::format("Wrote {}\n", a.out);
  }
  return kExitOk;
}

}  // namespace

void add_survival_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<SurvivalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "survival",
      "Kaplan-Meier (median, restricted mean), log-rank and Cox models of a CSV, with R "
      "survival's conventions; JSON with -o");
  cmd->add_option("input", args->input, "CSV with a time and a status column")->required();
  cmd->add_option("--time", args->columns.time, "time column")->capture_default_str();
  cmd->add_option("--event", args->columns.status,
                  "status column: 0/1, 1/2 (2 = event) or TRUE/FALSE")
      ->capture_default_str();
  cmd->add_option("--group", args->columns.group,
                  "group column: one curve per group and a log-rank test");
  cmd->add_option("--strata", args->columns.strata,
                  "strata column for a stratified log-rank test (with --group)");
  cmd->add_option("--covariates", args->columns.covariates,
                  "numeric covariate columns of a Cox model (comma-separated)")
      ->delimiter(',');
  cmd->add_option("--ties", args->ties, "Cox model ties")
      ->check(CLI::IsMember({"efron", "breslow"}))
      ->capture_default_str();
  cmd->add_option("--conf-type", args->conf_type, "Kaplan-Meier confidence band")
      ->check(CLI::IsMember({"log", "log-log", "plain"}))
      ->capture_default_str();
  cmd->add_option("--conf-level", args->conf_level, "confidence level")
      ->check(CLI::Range(0.5, 0.9999))
      ->capture_default_str();
  cmd->add_option("-o,--out", args->out, "write the results as JSON");
  cmd->callback([&action, args] {
    if (!args->columns.strata.empty() && args->columns.group.empty()) {
      throw CLI::ValidationError("--strata", "a stratified log-rank test needs --group");
    }
    action = [args] { return run_survival(*args); };
  });
}

}  // namespace smartnano::cli
