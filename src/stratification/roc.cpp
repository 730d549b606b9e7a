// Empirical ROC curves (pROC's thresholds and counts), the Mann-Whitney AUC with DeLong's variance
// and interval, DeLong's paired test, threshold choice and predictive values.
#include "smartnano/stratification/roc.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "stratification/checks.h"

namespace smartnano::stratification {

std::string to_string(Direction direction) {
  return direction == Direction::kHigherIsPositive ? "higher-is-positive" : "lower-is-positive";
}

std::string RocOptions::validate() const {
  std::string problems;
  if (!(conf_level > 0 && conf_level < 1)) {
    problems += fmt::format("conf_level {} not in (0, 1); ", conf_level);
  }
  return problems;
}

std::string DelongTestOptions::validate() const {
  std::string problems;
  if (!(conf_level > 0 && conf_level < 1)) {
    problems += fmt::format("conf_level {} not in (0, 1); ", conf_level);
  }
  return problems;
}

namespace {

void check_scores(const char* function, const std::vector<double>& score,
                  const std::vector<bool>& outcome, int& positives, int& negatives) {
  detail::check_same_size(function, "score", score.size(), "outcome", outcome.size());
  detail::check_finite(function, "score", score);
  detail::count_outcomes(function, outcome, positives, negatives);
}

DelongPlacements placements_unchecked(const std::vector<double>& score,
                                      const std::vector<bool>& outcome, Direction direction) {
  std::vector<double> s(score);
  if (direction == Direction::kLowerIsPositive) {
    for (double& v : s) v = -v;
  }
  std::vector<double> pos, neg;
  for (size_t i = 0; i < s.size(); ++i) (outcome[i] ? pos : neg).push_back(s[i]);
  const double m = static_cast<double>(pos.size()), n = static_cast<double>(neg.size());
  // Mid-ranks: for a positive, rank among everyone minus rank among positives = number of
  // negatives below it plus half those tied with it (Sun & Xu 2014).
  const std::vector<double> rank_all = average_ranks(s);
  const std::vector<double> rank_pos = average_ranks(pos), rank_neg = average_ranks(neg);
  DelongPlacements r;
  r.positive.reserve(pos.size());
  r.negative.reserve(neg.size());
  double rank_sum_pos = 0.0;
  size_t ip = 0, in = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (outcome[i]) {
      rank_sum_pos += rank_all[i];
      r.positive.push_back((rank_all[i] - rank_pos[ip++]) / n);
    } else {
      r.negative.push_back(1.0 - (rank_all[i] - rank_neg[in++]) / m);
    }
  }
  // Mann-Whitney U / (m n), from the rank sum (exact in halves for any realistic size).
  r.auc = (rank_sum_pos - m * (m + 1.0) / 2.0) / (m * n);
  return r;
}

// Sum of (a - mean_a)(b - mean_b) / (size - 1).
double covariance(const std::vector<double>& a, double mean_a, const std::vector<double>& b,
                  double mean_b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += (a[i] - mean_a) * (b[i] - mean_b);
  return s / static_cast<double>(a.size() - 1);
}

}  // namespace

DelongPlacements delong_placements(const std::vector<double>& score,
                                   const std::vector<bool>& outcome, Direction direction) {
  int positives = 0, negatives = 0;
  check_scores("delong_placements", score, outcome, positives, negatives);
  return placements_unchecked(score, outcome, direction);
}

RocCurve roc_curve(const std::vector<double>& score, const std::vector<bool>& outcome,
                   const RocOptions& options) {
  int m = 0, n = 0;
  check_scores("roc_curve", score, outcome, m, n);
  detail::check_conf_level("roc_curve", options.conf_level);

  RocCurve c;
  c.n_positive = m;
  c.n_negative = n;
  c.direction = options.direction;
  c.conf_level = options.conf_level;

  std::vector<size_t> order(score.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return score[a] < score[b]; });
  // Cumulative positives / negatives with score <= each distinct value (ascending).
  std::vector<double> distinct;
  std::vector<int> cum_pos, cum_neg;
  int pos = 0, neg = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t i = order[k];
    (outcome[i] ? pos : neg) += 1;
    if (k + 1 == order.size() || score[order[k + 1]] != score[i]) {
      distinct.push_back(score[i]);
      cum_pos.push_back(pos);
      cum_neg.push_back(neg);
    }
  }
  const bool higher = options.direction == Direction::kHigherIsPositive;
  const auto add_point = [&](double threshold, int below_pos, int below_neg) {
    // below_* = patients with score below the threshold.
    const int tp = higher ? m - below_pos : below_pos;
    const int fp = higher ? n - below_neg : below_neg;
    c.threshold.push_back(threshold);
    c.true_positives.push_back(tp);
    c.false_positives.push_back(fp);
    c.sensitivity.push_back(static_cast<double>(tp) / m);
    c.specificity.push_back(static_cast<double>(n - fp) / n);
  };
  add_point(-std::numeric_limits<double>::infinity(), 0, 0);
  for (size_t k = 0; k + 1 < distinct.size(); ++k) {
    add_point(std::midpoint(distinct[k], distinct[k + 1]), cum_pos[k], cum_neg[k]);
  }
  add_point(std::numeric_limits<double>::infinity(), m, n);

  const DelongPlacements v = placements_unchecked(score, outcome, options.direction);
  c.auc = v.auc;
  if (m >= 2 && n >= 2) {
    const double s10 = covariance(v.positive, c.auc, v.positive, c.auc);
    const double s01 = covariance(v.negative, c.auc, v.negative, c.auc);
    c.auc_variance = s10 / m + s01 / n;
    const double half = detail::two_sided_z(options.conf_level) * std::sqrt(c.auc_variance);
    c.auc_lower = std::clamp(c.auc - half, 0.0, 1.0);
    c.auc_upper = std::clamp(c.auc + half, 0.0, 1.0);
  }
  return c;
}

std::string RocCurve::brief_report() const {
  std::string ci = "CI not defined with a single positive or negative";
  if (!std::isnan(auc_variance)) {
    ci = fmt::format("{:g}% CI {:.4f}-{:.4f}, DeLong", 100 * conf_level, auc_lower, auc_upper);
  }
  return fmt::format("ROC ({}): {} positive, {} negative, {} thresholds, AUC {:.4f} ({})",
                     to_string(direction), n_positive, n_negative, threshold.size(), auc, ci);
}

PairedDelongTest delong_test(const std::vector<double>& score1, const std::vector<double>& score2,
                             const std::vector<bool>& outcome, const DelongTestOptions& options) {
  const char* fn = "delong_test";
  int m = 0, n = 0;
  check_scores(fn, score1, outcome, m, n);
  detail::check_same_size(fn, "score2", score2.size(), "outcome", outcome.size());
  detail::check_finite(fn, "score2", score2);
  detail::check_conf_level(fn, options.conf_level);
  if (m < 2 || n < 2) {
    throw std::invalid_argument(fmt::format(
        "{}: DeLong's variance needs at least two positive and two negative patients (got {} "
        "positive, {} negative)",
        fn, m, n));
  }
  const DelongPlacements a = placements_unchecked(score1, outcome, options.direction1);
  const DelongPlacements b = placements_unchecked(score2, outcome, options.direction2);
  PairedDelongTest t;
  t.n_positive = m;
  t.n_negative = n;
  t.auc1 = a.auc;
  t.auc2 = b.auc;
  t.difference = a.auc - b.auc;
  t.var1 = covariance(a.positive, a.auc, a.positive, a.auc) / m +
           covariance(a.negative, a.auc, a.negative, a.auc) / n;
  t.var2 = covariance(b.positive, b.auc, b.positive, b.auc) / m +
           covariance(b.negative, b.auc, b.negative, b.auc) / n;
  t.covariance = covariance(a.positive, a.auc, b.positive, b.auc) / m +
                 covariance(a.negative, a.auc, b.negative, b.auc) / n;
  // Rounding can leave a tiny negative number where the exact variance is 0.
  t.se = std::sqrt(std::max(0.0, t.var1 + t.var2 - 2.0 * t.covariance));
  if (t.se == 0.0) {
    t.z = t.difference == 0.0
              ? 0.0
              : std::copysign(std::numeric_limits<double>::infinity(), t.difference);
  } else {
    t.z = t.difference / t.se;
  }
  t.p = detail::normal_two_sided_p(t.z);
  const double half = detail::two_sided_z(options.conf_level) * t.se;
  t.lower = t.difference - half;
  t.upper = t.difference + half;
  return t;
}

std::string PairedDelongTest::brief_report() const {
  return fmt::format(
      "DeLong paired test: AUC1 {:.4f}, AUC2 {:.4f}, difference {:.4f} (se {:.4f}), z {:.4f}, "
      "p {:.4g}",
      auc1, auc2, difference, se, z, p);
}

namespace {

void check_curve(const char* function, const RocCurve& curve) {
  const size_t k = curve.threshold.size();
  if (k < 2 || curve.true_positives.size() != k || curve.false_positives.size() != k ||
      curve.sensitivity.size() != k || curve.specificity.size() != k || curve.n_positive < 1 ||
      curve.n_negative < 1) {
    throw std::invalid_argument(
        fmt::format("{}: the curve is empty or inconsistent (build it with roc_curve)", function));
  }
}

ThresholdChoice choose(const RocCurve& c, size_t i) {
  ThresholdChoice r;
  r.index = i;
  r.threshold = c.threshold[i];
  r.sensitivity = c.sensitivity[i];
  r.specificity = c.specificity[i];
  r.youden = r.sensitivity + r.specificity - 1.0;
  return r;
}

// Picks the index maximising (primary, secondary) lexicographically; all indices with the same
// pair are the ties, reported ascending.
template <typename Key>
ThresholdChoice best_of(const RocCurve& c, const std::vector<bool>& allowed, Key key) {
  bool found = false;
  size_t best = 0;
  for (size_t i = 0; i < c.threshold.size(); ++i) {
    if (!allowed[i]) continue;
    if (!found || key(i) > key(best)) {
      best = i;
      found = true;
    }
  }
  ThresholdChoice r = choose(c, best);
  for (size_t i = 0; i < c.threshold.size(); ++i) {
    if (allowed[i] && key(i) == key(best)) r.tied_thresholds.push_back(c.threshold[i]);
  }
  return r;
}

void check_target(const char* function, const char* name, double target) {
  if (!(target >= 0 && target <= 1)) {
    throw std::invalid_argument(
        fmt::format("{}: target {} {} must be in [0, 1]", function, name, target));
  }
}

}  // namespace

ThresholdChoice youden_threshold(const RocCurve& curve) {
  check_curve("youden_threshold", curve);
  const long long m = curve.n_positive, n = curve.n_negative;
  // J m n = tp n + tn m - m n: compared in integers, so ties are exact.
  const auto key = [&](size_t i) {
    const long long tp = curve.true_positives[i], tn = n - curve.false_positives[i];
    return tp * n + tn * m;
  };
  return best_of(curve, std::vector<bool>(curve.threshold.size(), true), key);
}

ThresholdChoice threshold_for_sensitivity(const RocCurve& curve, double target) {
  const char* fn = "threshold_for_sensitivity";
  check_curve(fn, curve);
  check_target(fn, "sensitivity", target);
  std::vector<bool> allowed(curve.threshold.size());
  for (size_t i = 0; i < allowed.size(); ++i) allowed[i] = curve.sensitivity[i] >= target - 1e-12;
  const long long m = curve.n_positive, n = curve.n_negative;
  const auto key = [&](size_t i) {
    return (n - curve.false_positives[i]) * (m + 1) + curve.true_positives[i];
  };
  return best_of(curve, allowed, key);
}

ThresholdChoice threshold_for_specificity(const RocCurve& curve, double target) {
  const char* fn = "threshold_for_specificity";
  check_curve(fn, curve);
  check_target(fn, "specificity", target);
  std::vector<bool> allowed(curve.threshold.size());
  for (size_t i = 0; i < allowed.size(); ++i) allowed[i] = curve.specificity[i] >= target - 1e-12;
  const long long n = curve.n_negative;
  const auto key = [&](size_t i) {
    return curve.true_positives[i] * (n + 1) + (n - curve.false_positives[i]);
  };
  return best_of(curve, allowed, key);
}

PredictiveValues predictive_values(double sensitivity, double specificity, double prevalence) {
  const char* fn = "predictive_values";
  if (!(sensitivity >= 0 && sensitivity <= 1)) {
    throw std::invalid_argument(fmt::format("{}: sensitivity {} not in [0, 1]", fn, sensitivity));
  }
  if (!(specificity >= 0 && specificity <= 1)) {
    throw std::invalid_argument(fmt::format("{}: specificity {} not in [0, 1]", fn, specificity));
  }
  if (!(prevalence > 0 && prevalence < 1)) {
    throw std::invalid_argument(fmt::format("{}: prevalence {} not in (0, 1)", fn, prevalence));
  }
  PredictiveValues r;
  const double tp = sensitivity * prevalence, fp = (1 - specificity) * (1 - prevalence);
  const double tn = specificity * (1 - prevalence), fn_ = (1 - sensitivity) * prevalence;
  if (tp + fp > 0) r.ppv = tp / (tp + fp);
  if (tn + fn_ > 0) r.npv = tn / (tn + fn_);
  return r;
}

}  // namespace smartnano::stratification
