// Kaplan-Meier curves, their confidence bands and print.survfit's summary (median, restricted
// mean); also the small distribution helpers shared by the module (Boost.Math).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>

#include "smartnano/survival/survival.h"

namespace smartnano::survival {

int SurvivalData::events() const {
  return static_cast<int>(std::count(event.begin(), event.end(), true));
}

void SurvivalData::check(const std::string& what) const {
  if (time.size() != event.size()) {
    throw std::invalid_argument(
        fmt::format("{}: {} times but {} event indicators", what, time.size(), event.size()));
  }
  if (time.empty()) throw std::invalid_argument(fmt::format("{}: no observations", what));
  for (size_t i = 0; i < time.size(); ++i) {
    if (!std::isfinite(time[i]) || time[i] < 0) {
      throw std::invalid_argument(fmt::format(
          "{}: observation {} has time {}; times must be finite and >= 0", what, i, time[i]));
    }
  }
}

std::string to_string(ConfidenceType type) {
  switch (type) {
    case ConfidenceType::kPlain:
      return "plain";
    case ConfidenceType::kLog:
      return "log";
    case ConfidenceType::kLogLog:
      return "log-log";
  }
  return "?";
}

double chi_square_p(double statistic, int df) {
  if (df <= 0) throw std::invalid_argument("chi_square_p: df must be >= 1");
  if (!(statistic >= 0)) {
    throw std::invalid_argument(fmt::format("chi_square_p: statistic {} < 0", statistic));
  }
  boost::math::chi_squared dist(df);
  return boost::math::cdf(boost::math::complement(dist, statistic));
}

double normal_quantile(double probability) {
  if (!(probability > 0 && probability < 1)) {
    throw std::invalid_argument(
        fmt::format("normal_quantile: probability {} not in (0, 1)", probability));
  }
  return boost::math::quantile(boost::math::normal(), probability);
}

namespace {
void check_level(double conf_level, const char* where) {
  if (!(conf_level > 0 && conf_level < 1)) {
    throw std::invalid_argument(
        fmt::format("{}: conf_level {} must lie in (0, 1)", where, conf_level));
  }
}
}  // namespace

KaplanMeier kaplan_meier(const SurvivalData& data) {
  data.check("Kaplan-Meier");
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return data.time[a] < data.time[b]; });
  KaplanMeier km;
  km.n = static_cast<int>(data.size());
  km.events = data.events();
  int at_risk = km.n;
  double surv = 1.0, var_cumhaz = 0.0;
  for (size_t i = 0; i < order.size();) {
    const double t = data.time[order[i]];
    int d = 0, c = 0;
    for (; i < order.size() && data.time[order[i]] == t; ++i) {
      (data.event[order[i]] ? d : c) += 1;
    }
    if (d > 0) {
      surv *= 1.0 - static_cast<double>(d) / at_risk;
      // Greenwood; infinite once everyone at risk has the event (S = 0), as in survfit.
      var_cumhaz = at_risk > d ? var_cumhaz + static_cast<double>(d) /
                                                  (static_cast<double>(at_risk) * (at_risk - d))
                               : std::numeric_limits<double>::infinity();
    }
    km.time.push_back(t);
    km.n_risk.push_back(at_risk);
    km.n_event.push_back(d);
    km.n_censor.push_back(c);
    km.surv.push_back(surv);
    km.std_err.push_back(std::sqrt(var_cumhaz));
    at_risk -= d + c;
  }
  return km;
}

ConfidenceBand confidence_band(const KaplanMeier& km, ConfidenceType type, double conf_level) {
  check_level(conf_level, "confidence_band");
  const double z = normal_quantile(1.0 - (1.0 - conf_level) / 2.0);
  ConfidenceBand band;
  band.lower.resize(km.surv.size(), kNotDefined);
  band.upper.resize(km.surv.size(), kNotDefined);
  for (size_t i = 0; i < km.surv.size(); ++i) {
    const double s = km.surv[i], se = km.std_err[i];
    if (!std::isfinite(se)) continue;  // S = 0 reached: no band (NA in R)
    switch (type) {
      case ConfidenceType::kPlain: {
        const double half = z * se * s;
        band.lower[i] = std::max(s - half, 0.0);
        band.upper[i] = std::min(s + half, 1.0);
        break;
      }
      case ConfidenceType::kLog:
        if (s > 0) {
          band.lower[i] = std::exp(std::log(s) - z * se);
          band.upper[i] = std::min(std::exp(std::log(s) + z * se), 1.0);
        }
        break;
      case ConfidenceType::kLogLog:
        if (s > 0 && s < 1) {
          const double w = z * se / std::log(s);
          band.lower[i] = std::exp(-std::exp(std::log(-std::log(s)) - w));
          band.upper[i] = std::exp(-std::exp(std::log(-std::log(s)) + w));
        }
        break;
    }
  }
  return band;
}

namespace {
// print.survfit's minmin(): the first time the curve is <= 0.5 (with the tolerance of
// all.equal); when it sits exactly at 0.5 on a flat stretch, the midpoint to the next drop.
double first_time_at_or_below_half(const std::vector<double>& y, const std::vector<double>& x) {
  const double tolerance = std::sqrt(std::numeric_limits<double>::epsilon());
  std::vector<size_t> keep;
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isnan(y[i]) && y[i] < 0.5 + tolerance) keep.push_back(i);
  }
  if (keep.empty()) return kNotDefined;
  const double y1 = y[keep[0]];
  if (std::abs(y1 - 0.5) < tolerance) {
    for (size_t k : keep) {
      if (y[k] < y1) return (x[keep[0]] + x[k]) / 2.0;
    }
  }
  return x[keep[0]];
}
}  // namespace

SurvivalSummary summarize(const KaplanMeier& km, const ConfidenceBand& band, double rmean_end) {
  if (km.time.empty()) throw std::invalid_argument("summarize: empty Kaplan-Meier curve");
  if (!std::isfinite(rmean_end) || rmean_end < 0) {
    throw std::invalid_argument(
        fmt::format("summarize: restricted-mean horizon {} must be finite and >= 0", rmean_end));
  }
  SurvivalSummary s;
  s.n = km.n;
  s.events = km.events;
  s.median = first_time_at_or_below_half(km.surv, km.time);
  s.median_lower = first_time_at_or_below_half(band.lower, km.time);
  s.median_upper = first_time_at_or_below_half(band.upper, km.time);
  // survmean(): rectangles under the step curve from 0 to rmean_end; the variance sums, over
  // the rows, d / (n (n - d)) times the squared area beyond that row.
  std::vector<double> t, surv, hh;
  for (size_t i = 0; i < km.time.size() && km.time[i] <= rmean_end; ++i) {
    const double n = km.n_risk[i], d = km.n_event[i];
    t.push_back(km.time[i]);
    surv.push_back(km.surv[i]);
    hh.push_back(n - d == 0 ? 0.0 : d / (n * (n - d)));
  }
  t.push_back(rmean_end);
  surv.push_back(surv.empty() ? 1.0 : surv.back());
  hh.push_back(0.0);
  const size_t m = t.size();
  std::vector<double> rect(m);
  for (size_t i = 0; i < m; ++i) {
    rect[i] = (t[i] - (i == 0 ? 0.0 : t[i - 1])) * (i == 0 ? 1.0 : surv[i - 1]);
  }
  s.rmean = std::accumulate(rect.begin(), rect.end(), 0.0);
  double beyond = 0.0, var = 0.0;
  for (size_t j = m - 1; j-- > 0;) {
    beyond += rect[j + 1];
    var += hh[j] * beyond * beyond;
  }
  s.rmean_se = std::sqrt(var);
  s.rmean_end = rmean_end;
  return s;
}

ProportionInterval clopper_pearson(int successes, int trials, double conf_level) {
  check_level(conf_level, "clopper_pearson");
  if (trials <= 0) {
    throw std::invalid_argument(fmt::format("clopper_pearson: {} trials; need >= 1", trials));
  }
  if (successes < 0 || successes > trials) {
    throw std::invalid_argument(
        fmt::format("clopper_pearson: {} successes out of {} trials", successes, trials));
  }
  const double alpha = 1.0 - conf_level;
  ProportionInterval r;
  r.estimate = static_cast<double>(successes) / trials;
  r.lower =
      successes == 0
          ? 0.0
          : boost::math::quantile(
                boost::math::beta_distribution<>(successes, trials - successes + 1), alpha / 2);
  r.upper =
      successes == trials
          ? 1.0
          : boost::math::quantile(
                boost::math::beta_distribution<>(successes + 1, trials - successes), 1 - alpha / 2);
  return r;
}

}  // namespace smartnano::survival
