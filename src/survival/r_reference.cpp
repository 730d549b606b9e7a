// Comparison of the survival module with R survival outputs stored as JSON (r_reference.h).
#include "smartnano/survival/r_reference.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "smartnano/core/error.h"
#include "smartnano/survival/survival.h"

namespace smartnano::survival {
namespace {

using nlohmann::json;

// Tolerances (docs/survival.md): counts, times and medians are data values and must be equal;
// estimates agree to 1e-6 relative (R and this code follow the same arithmetic, so differences
// are rounding, ~1e-12); summary.coxph prints the Wald statistic rounded to 2 decimals.
constexpr double kEstimateRtol = 1e-6, kEstimateAtol = 1e-10;
constexpr double kWaldPrintedAtol = 0.005 + 1e-9;

struct Rule {
  double rtol = kEstimateRtol, atol = kEstimateAtol;
};
const Rule kExact{0.0, 0.0};
const Rule kEstimate{};

class Checker {
 public:
  explicit Checker(std::string file) : file_(std::move(file)) {}

  void compare(const std::string& quantity, double ours, const json& reference, Rule rule,
               const std::string& where) {
    QuantityAgreement& q = entry(quantity, rule);
    const bool ref_missing = reference.is_null();
    if (!ref_missing && !reference.is_number()) {
      throw InputError({file_, 0, 0, quantity}, fmt::format("expected a number at {}", where));
    }
    ++q.compared;
    if (ref_missing || std::isnan(ours)) {
      if (!(ref_missing && std::isnan(ours))) {
        ++q.misses;
        if (q.worst_at.empty() || scaled_.at(quantity) < INFINITY) {
          q.worst_at = fmt::format("{} (R {}, here {})", where, reference.dump(), ours);
          scaled_[quantity] = INFINITY;
        }
      }
      return;
    }
    const double ref = reference.get<double>();
    const double d = std::abs(ours - ref);
    const double rel = ref != 0 ? d / std::abs(ref) : d;
    q.max_relative_error = std::max(q.max_relative_error, rel);
    q.max_absolute_error = std::max(q.max_absolute_error, d);
    const double bound = rule.rtol * std::abs(ref) + rule.atol;
    if (d > bound) ++q.misses;
    const double scaled = bound > 0 ? d / bound : (d > 0 ? INFINITY : 0.0);
    if (scaled > scaled_[quantity] || q.worst_at.empty()) {
      scaled_[quantity] = scaled;
      q.worst_at = fmt::format("{} (R {:.10g}, here {:.10g})", where, ref, ours);
    }
  }

  void skip(const std::string& quantity, const std::string& note) {
    QuantityAgreement& q = entry(quantity, kEstimate);
    q.skipped = true;
    q.note = note;
  }

  ReferenceReport report() && { return {std::move(list_)}; }

 private:
  QuantityAgreement& entry(const std::string& quantity, Rule rule) {
    for (auto& q : list_) {
      if (q.quantity == quantity) return q;
    }
    QuantityAgreement q;
    q.quantity = quantity;
    q.relative_tolerance = rule.rtol;
    q.absolute_tolerance = rule.atol;
    list_.push_back(q);
    scaled_[quantity] = 0.0;
    return list_.back();
  }
  std::string file_;
  std::vector<QuantityAgreement> list_;
  std::map<std::string, double> scaled_;
};

const json& need(const json& j, const std::string& key, const std::string& file,
                 const std::string& where) {
  if (!j.is_object() || !j.contains(key)) {
    throw InputError({file, 0, 0, key}, fmt::format("the JSON lacks '{}' in {}", key, where));
  }
  return j.at(key);
}

// "sex=1" -> "1" for group column "sex"; "all" -> "".
std::string group_value(const std::string& stratum, const std::string& group) {
  const std::string prefix = group + "=";
  return stratum.rfind(prefix, 0) == 0 ? stratum.substr(prefix.size()) : "";
}

SurvivalData subset(const SurvivalTable& t, const std::string& value) {
  SurvivalData d;
  for (size_t i = 0; i < t.data.size(); ++i) {
    if (value.empty() || t.group[i] == value) {
      d.time.push_back(t.data.time[i]);
      d.event.push_back(t.data.event[i]);
    }
  }
  return d;
}

std::string level_tag(double conf_level) {
  return fmt::format("{}", static_cast<int>(std::lround(conf_level * 100)));
}

void check_km_section(Checker& c, const std::string& name, const json& section,
                      const std::string& data_csv, const std::string& file,
                      const SurvivalColumns& base, double conf_level) {
  const json& curves = need(section, "curves", file, name);
  const json& strata = need(curves, "stratum", file, name + ".curves");
  SurvivalColumns columns = base;
  std::vector<std::string> labels;
  for (const auto& s : strata) {
    const std::string label = s.get<std::string>();
    if (labels.empty() || labels.back() != label) labels.push_back(label);
  }
  const bool grouped = !group_value(labels.front(), base.group).empty();
  if (!grouped && labels.size() > 1) {
    throw InputError({file, 0, 0, name + ".curves.stratum"},
                     fmt::format("strata such as '{}' but meta.group ('{}') does not name their "
                                 "column",
                                 labels.front(), base.group));
  }
  if (!grouped) columns.group.clear();
  const SurvivalTable table = read_survival_csv(data_csv, columns);
  std::map<std::string, KaplanMeier> km;
  double common_end = 0.0;
  for (const auto& label : labels) {
    km[label] = kaplan_meier(subset(table, grouped ? group_value(label, base.group) : ""));
    common_end = std::max(common_end, km[label].time.back());
  }
  const std::string tag = level_tag(conf_level);
  const std::vector<std::pair<ConfidenceType, std::string>> types = {
      {ConfidenceType::kLogLog, "loglog"},
      {ConfidenceType::kLog, "log"},
      {ConfidenceType::kPlain, "plain"}};
  std::map<std::string, size_t> row_in_stratum;
  for (size_t r = 0; r < strata.size(); ++r) {
    const std::string label = strata[r].get<std::string>();
    const KaplanMeier& k = km[label];
    const size_t i = row_in_stratum[label]++;
    const std::string where = fmt::format("{} row {}", label, i + 1);
    if (i >= k.time.size()) {
      c.compare(name + ".rows", kNotDefined, json(1.0), kExact, where + " (extra row in R)");
      continue;
    }
    auto col = [&](const std::string& key) -> const json& {
      return need(curves, key, file, name + ".curves").at(r);
    };
    c.compare(name + ".time", k.time[i], col("time"), kExact, where);
    c.compare(name + ".n_risk", k.n_risk[i], col("n_risk"), kExact, where);
    c.compare(name + ".n_event", k.n_event[i], col("n_event"), kExact, where);
    c.compare(name + ".n_censor", k.n_censor[i], col("n_censor"), kExact, where);
    c.compare(name + ".surv", k.surv[i], col("surv"), kEstimate, where);
    c.compare(name + ".std_err_log_surv", k.std_err[i], col("std_err_log_surv"), kEstimate, where);
    c.compare(name + ".greenwood_se_surv", k.surv[i] * k.std_err[i], col("greenwood_se_surv"),
              kEstimate, where);
    for (const auto& [type, suffix] : types) {
      const ConfidenceBand band = confidence_band(k, type, conf_level);
      for (const char* side : {"lower", "upper"}) {
        const std::string key = fmt::format("{}_{}_{}", side, tag, suffix);
        if (!curves.contains(key)) continue;
        const double ours = std::string(side) == "lower" ? band.lower[i] : band.upper[i];
        c.compare(name + "." + key, ours, col(key), kEstimate, where);
      }
    }
  }
  for (const auto& label : labels) {
    if (row_in_stratum[label] != km[label].time.size()) {
      c.compare(name + ".rows", kNotDefined, json(1.0), kExact,
                fmt::format("{}: R has {} rows, here {}", label, row_in_stratum[label],
                            km[label].time.size()));
    }
  }
  for (const auto& [type, suffix] : types) {
    const std::string key = "median_ci_" + suffix;
    if (!section.contains(key)) continue;
    for (const auto& row : section.at(key)) {
      const std::string label = need(row, "stratum", file, name + "." + key).get<std::string>();
      if (!km.count(label)) {
        throw InputError({file, 0, 0, key}, fmt::format("stratum '{}' has no curve rows", label));
      }
      const KaplanMeier& k = km[label];
      const SurvivalSummary s = summarize(k, confidence_band(k, type, conf_level), common_end);
      const std::string q = name + "." + key + ".";
      c.compare(q + "n", s.n, need(row, "n", file, key), kExact, label);
      c.compare(q + "events", s.events, need(row, "events", file, key), kExact, label);
      c.compare(q + "median", s.median, need(row, "median", file, key), kExact, label);
      c.compare(q + "lower", s.median_lower, need(row, "lower", file, key), kExact, label);
      c.compare(q + "upper", s.median_upper, need(row, "upper", file, key), kExact, label);
      c.compare(q + "rmean", s.rmean, need(row, "rmean", file, key), kEstimate, label);
      c.compare(q + "se_rmean", s.rmean_se, need(row, "se_rmean", file, key), kEstimate, label);
    }
  }
}

void check_logrank(Checker& c, const json& section, const std::string& data_csv,
                   const std::string& file, const SurvivalColumns& base) {
  const SurvivalTable table = read_survival_csv(data_csv, base);
  const LogRankTest r = log_rank_test(table.data, table.group);
  const json& groups = need(section, "groups", file, "logrank");
  for (size_t k = 0; k < groups.size(); ++k) {
    const std::string label = groups[k].get<std::string>();
    const auto it = std::find(r.groups.begin(), r.groups.end(), group_value(label, base.group));
    if (it == r.groups.end()) {
      throw InputError({file, 0, 0, "logrank.groups"},
                       fmt::format("group '{}' is not in the data", label));
    }
    const auto g = static_cast<size_t>(it - r.groups.begin());
    c.compare("logrank.n", r.n[g], need(section, "n", file, "logrank").at(k), kExact, label);
    c.compare("logrank.observed", r.observed[g], need(section, "observed", file, "logrank").at(k),
              kExact, label);
    c.compare("logrank.expected", r.expected[g], need(section, "expected", file, "logrank").at(k),
              kEstimate, label);
    const json& var = need(section, "var", file, "logrank").at(k);
    for (size_t l = 0; l < var.size(); ++l) {
      const std::string other = groups[l].get<std::string>();
      const auto h = static_cast<Eigen::Index>(
          std::find(r.groups.begin(), r.groups.end(), group_value(other, base.group)) -
          r.groups.begin());
      c.compare("logrank.var", r.variance(static_cast<Eigen::Index>(g), h), var.at(l), kEstimate,
                label + "," + other);
    }
  }
  c.compare("logrank.chisq", r.chisq, need(section, "chisq", file, "logrank"), kEstimate, "");
  c.compare("logrank.df", r.df, need(section, "df", file, "logrank"), kExact, "");
  c.compare("logrank.p", r.p, need(section, "p", file, "logrank"), kEstimate, "");
}

void check_cox(Checker& c, const std::string& name, const json& fit, const std::string& data_csv,
               const std::string& file, const SurvivalColumns& base,
               const std::vector<std::string>& complete_case_vars, double conf_level) {
  std::vector<std::string> terms;
  for (const auto& t : need(fit, "terms", file, name)) terms.push_back(t.get<std::string>());
  const std::string ties = need(fit, "ties", file, name).get<std::string>();
  if (ties != "efron" && ties != "breslow") {
    throw InputError({file, 0, 0, name + ".ties"}, fmt::format("unknown ties '{}'", ties));
  }
  SurvivalColumns columns;
  columns.time = base.time;
  columns.status = base.status;
  columns.covariates = terms;
  for (const auto& v : complete_case_vars) {
    if (v != base.time && v != base.status &&
        std::find(terms.begin(), terms.end(), v) == terms.end()) {
      columns.covariates.push_back(v);  // read only so that rows missing it are left out
    }
  }
  const SurvivalTable table = read_survival_csv(data_csv, columns);
  CoxOptions options;
  options.ties = ties == "efron" ? TieMethod::kEfron : TieMethod::kBreslow;
  options.conf_level = conf_level;
  const CoxModel m =
      fit_cox(table.data, table.covariates.leftCols(static_cast<Eigen::Index>(terms.size())), terms,
              options);
  const std::string q = name + "." + ties + ".";
  const std::string tag = level_tag(conf_level);
  c.compare(q + "n", m.n, need(fit, "n", file, name), kExact, "");
  c.compare(q + "nevent", m.n_event, need(fit, "nevent", file, name), kExact, "");
  const std::vector<std::pair<std::string, const Eigen::VectorXd*>> vectors = {
      {"coef", &m.coef},
      {"se", &m.se},
      {"hr", &m.hazard_ratio},
      {"z", &m.z},
      {"p", &m.p},
      {"hr_lower_" + tag, &m.hr_lower},
      {"hr_upper_" + tag, &m.hr_upper}};
  for (const auto& [key, values] : vectors) {
    const json& ref = need(fit, key, file, name);
    for (size_t j = 0; j < terms.size(); ++j) {
      c.compare(q + key, (*values)[static_cast<Eigen::Index>(j)], ref.at(j), kEstimate, terms[j]);
    }
  }
  const json& vcov = need(fit, "vcov", file, name);
  for (size_t a = 0; a < terms.size(); ++a) {
    for (size_t b = 0; b < terms.size(); ++b) {
      const json& ref = vcov.at(a).is_array() ? vcov.at(a).at(b) : vcov.at(a * terms.size() + b);
      c.compare(q + "vcov", m.vcov(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)), ref,
                kEstimate, terms[a] + "," + terms[b]);
    }
  }
  c.compare(q + "loglik_null", m.loglik_null, need(fit, "loglik_null", file, name), kEstimate, "");
  c.compare(q + "loglik_fit", m.loglik_fit, need(fit, "loglik_fit", file, name), kEstimate, "");
  const std::vector<std::tuple<std::string, const ChiSquareTest*, Rule>> tests = {
      {"lr_test", &m.likelihood_ratio, kEstimate},
      {"wald_test", &m.wald, Rule{0.0, kWaldPrintedAtol}},
      {"score_test", &m.score, kEstimate}};
  for (const auto& [key, test, rule] : tests) {
    const json& t = need(fit, key, file, name);
    c.compare(q + key + ".stat", test->statistic, need(t, "stat", file, key), rule, "");
    c.compare(q + key + ".df", test->df, need(t, "df", file, key), kExact, "");
    c.compare(q + key + ".p", test->p, need(t, "p", file, key), kEstimate, "");
  }
  if (fit.contains("concordance")) {
    c.compare(q + "concordance", m.concordance, fit.at("concordance"), kEstimate, "");
  }
  if (fit.contains("concordance_se")) {
    c.compare(q + "concordance_se", m.concordance_se, fit.at("concordance_se"), kEstimate, "");
  }
  if (fit.contains("iterations")) {
    c.compare(q + "iterations", m.iterations, fit.at("iterations"), kExact, "");
  }
}

}  // namespace

bool ReferenceReport::passed() const {
  return std::all_of(quantities.begin(), quantities.end(),
                     [](const QuantityAgreement& q) { return q.passed(); });
}

std::string ReferenceReport::table() const {
  std::string s = fmt::format("{:<46} {:>5} {:>12} {:>12}  {:<22} {}\n", "quantity", "n",
                              "max rel err", "max abs err", "tolerance", "result");
  int misses = 0, skipped = 0;
  for (const auto& q : quantities) {
    if (q.skipped) {
      ++skipped;
      s += fmt::format("{:<46} {:>5} {:>12} {:>12}  {:<22} SKIP ({})\n", q.quantity, "-", "-", "-",
                       "-", q.note);
      continue;
    }
    const std::string tol =
        q.relative_tolerance == 0 && q.absolute_tolerance == 0
            ? "exact"
            : (q.relative_tolerance > 0
                   ? fmt::format("rel {:g} + abs {:g}", q.relative_tolerance, q.absolute_tolerance)
                   : fmt::format("abs {:g}", q.absolute_tolerance));
    s += fmt::format("{:<46} {:>5} {:>12.3g} {:>12.3g}  {:<22} {}", q.quantity, q.compared,
                     q.max_relative_error, q.max_absolute_error, tol,
                     q.passed() ? "PASS" : fmt::format("FAIL ({} miss(es))", q.misses));
    if (!q.passed()) s += "; worst at " + q.worst_at;
    s += '\n';
    misses += q.passed() ? 0 : 1;
  }
  const int compared = static_cast<int>(quantities.size()) - skipped;
  s += misses == 0 ? fmt::format("All {} quantities compared agree with R", compared)
                   : fmt::format("{} of {} quantities compared are outside the tolerance", misses,
                                 compared);
  s += skipped > 0 ? fmt::format(" ({} not computed here, skipped).\n", skipped) : ".\n";
  return s;
}

ReferenceReport compare_with_r_reference(const std::string& data_csv,
                                         const std::string& expected_json) {
  std::ifstream in(expected_json);
  if (!in) throw InputError({expected_json, 0, 0, ""}, "cannot open the file");
  json j;
  try {
    in >> j;
  } catch (const json::exception& e) {
    throw InputError({expected_json, 0, 0, ""}, fmt::format("not valid JSON: {}", e.what()));
  }
  const std::string& file = expected_json;
  const json& meta = need(j, "meta", file, "the top level");
  SurvivalColumns base;
  base.time = need(meta, "time_column", file, "meta").get<std::string>();
  base.status = need(meta, "status_column", file, "meta").get<std::string>();
  base.group = meta.value("group", "");
  const double conf_level = meta.value("conf_level", 0.95);
  Checker c(file);
  try {
    for (const char* name : {"km_overall", "km_by_group"}) {
      if (j.contains(name)) check_km_section(c, name, j.at(name), data_csv, file, base, conf_level);
    }
    if (j.contains("logrank")) check_logrank(c, j.at("logrank"), data_csv, file, base);
    if (j.contains("cox")) {
      for (const auto& fit : j.at("cox"))
        check_cox(c, "cox", fit, data_csv, file, base, {}, conf_level);
    }
    if (j.contains("cox_multivariable")) {
      const json& mv = j.at("cox_multivariable");
      std::vector<std::string> vars;
      for (const auto& v : mv.value("complete_case_vars", json::array())) {
        vars.push_back(v.get<std::string>());
      }
      for (const char* ties : {"efron", "breslow"}) {
        if (mv.contains(ties)) {
          check_cox(c, "cox_multivariable", mv.at(ties), data_csv, file, base, vars, conf_level);
        }
      }
      if (mv.contains("rows_used")) {
        SurvivalColumns columns;
        columns.time = base.time;
        columns.status = base.status;
        for (const auto& v : vars) {
          if (v != base.time && v != base.status) columns.covariates.push_back(v);
        }
        c.compare("cox_multivariable.rows_used",
                  static_cast<double>(read_survival_csv(data_csv, columns).data.size()),
                  mv.at("rows_used"), kExact, "");
      }
    }
  } catch (const json::exception& e) {
    throw InputError({file, 0, 0, ""}, fmt::format("unexpected JSON layout: {}", e.what()));
  }
  return std::move(c).report();
}

}  // namespace smartnano::survival
