// Biomarker analytics for patient stratification: how well a pre-treatment score (a biomarker, an
// imaging readout of nanoparticle uptake, a combined model score) separates patients who will get
// enough nanomedicine into the tumour / respond from those who will not. ROC curves with the
// empirical AUC and DeLong's confidence interval, DeLong's test for two correlated ROC curves,
// threshold choice (Youden, target sensitivity or specificity), predictive values at a prevalence,
// and Pearson / Spearman correlation. Definitions follow R's pROC 1.18 and stats::cor.test so that
// results can be checked against them; docs/biomarker-analytics.md gives every formula with its
// source. Bad input throws std::invalid_argument naming the function and the argument; no result
// holds NaN except where a comment says "not defined".
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace smartnano::stratification {

inline constexpr double kNotDefined = std::numeric_limits<double>::quiet_NaN();

// Which scores call a patient positive (pROC's `direction`): kHigherIsPositive is pROC's "<"
// (negatives have lower scores: positive when score > threshold), kLowerIsPositive is ">"
// (positive when score < threshold). pROC's default "auto" is not offered: a direction chosen
// from the data biases the AUC upwards.
enum class Direction { kHigherIsPositive, kLowerIsPositive };
std::string to_string(Direction direction);  // "higher-is-positive", "lower-is-positive"

struct RocOptions {
  Direction direction = Direction::kHigherIsPositive;
  double conf_level = 0.95;  // for DeLong's AUC interval
  // Lists problems ("" when none).
  std::string validate() const;
};

// An empirical ROC curve in pROC's layout: one point per threshold, thresholds ascending, the
// first -infinity, the last +infinity, the others midway between adjacent distinct scores (so no
// score ever equals a finite threshold). With kHigherIsPositive sensitivity falls and specificity
// rises along the vectors; with kLowerIsPositive the other way round.
struct RocCurve {
  std::vector<double> threshold, sensitivity, specificity;
  std::vector<int> true_positives, false_positives;  // counts at each threshold
  int n_positive = 0, n_negative = 0;
  Direction direction = Direction::kHigherIsPositive;
  // Mann-Whitney AUC: P(score of a positive beats a negative) + P(tie) / 2.
  double auc = 0.0;
  // DeLong's variance S10/m + S01/n and the Wald interval auc -+ z sqrt(var) clipped to [0, 1]
  // (pROC ci.auc(method = "delong")). Not defined (NaN) with a single positive or a single
  // negative, where pROC gives NA. A perfect classifier has variance 0 and interval [1, 1].
  double auc_variance = kNotDefined, auc_lower = kNotDefined, auc_upper = kNotDefined;
  double conf_level = 0.95;
  std::string brief_report() const;
};

// Builds the curve. `outcome[i]` is true for a positive patient (responder). Throws
// std::invalid_argument for sizes that differ, a score that is not finite, or no positive or no
// negative patient.
RocCurve roc_curve(const std::vector<double>& score, const std::vector<bool>& outcome,
                   const RocOptions& options = {});

// DeLong's placement values (structural components): for positive i, V10[i] = fraction of
// negatives it beats (ties 1/2); for negative j, V01[j] = fraction of positives that beat it. Both
// average to the AUC. Computed from mid-ranks in O(N log N) (Sun & Xu 2014). Same checks as
// roc_curve; positive / negative keep the order of the patients in the input.
struct DelongPlacements {
  std::vector<double> positive;  // V10, one per positive patient
  std::vector<double> negative;  // V01, one per negative patient
  double auc = 0.0;
};
DelongPlacements delong_placements(const std::vector<double>& score,
                                   const std::vector<bool>& outcome,
                                   Direction direction = Direction::kHigherIsPositive);

// DeLong's test of equal AUC for two scores measured on the same patients (pROC roc.test(method =
// "delong", paired = TRUE)). z = (auc1 - auc2) / sqrt(L S L'), L = (1, -1), S the 2 x 2
// covariance of the two AUCs from the placement values; p two-sided from the normal. When the two
// AUCs are equal and the variance of the difference is 0 (e.g. identical scores), z is 0 and p is
// 1 (pROC's special case). When the variance is 0 but the AUCs differ, z is +-infinity and p 0.
// Needs at least two positives and two negatives (throws otherwise).
struct DelongTestOptions {
  Direction direction1 = Direction::kHigherIsPositive, direction2 = Direction::kHigherIsPositive;
  double conf_level = 0.95;  // for the interval of the difference
  std::string validate() const;
};
struct PairedDelongTest {
  double auc1 = 0.0, auc2 = 0.0, difference = 0.0;  // difference = auc1 - auc2
  double var1 = 0.0, var2 = 0.0, covariance = 0.0;  // of the AUC estimates
  double se = 0.0;                                  // of the difference
  double z = 0.0, p = 1.0;
  double lower = 0.0, upper = 0.0;  // difference -+ z_{conf} se (pROC's conf.int)
  int n_positive = 0, n_negative = 0;
  std::string brief_report() const;
};
PairedDelongTest delong_test(const std::vector<double>& score1, const std::vector<double>& score2,
                             const std::vector<bool>& outcome,
                             const DelongTestOptions& options = {});

// A threshold picked on a curve. `threshold` is one of curve.threshold (midway between adjacent
// distinct scores, or -+infinity), `index` its position there.
struct ThresholdChoice {
  double threshold = 0.0, sensitivity = 0.0, specificity = 0.0;
  double youden = 0.0;  // sensitivity + specificity - 1
  size_t index = 0;
  // Every threshold with the same best criterion, ascending (what pROC's coords(x = "best")
  // returns); `threshold` is the first of them.
  std::vector<double> tied_thresholds;
};

// Maximises Youden's J = sensitivity + specificity - 1 (pROC coords(x = "best", best.method =
// "youden")). Ties are compared exactly (in integer counts) and all tied thresholds are reported;
// the chosen one is the lowest threshold, the first that pROC lists.
ThresholdChoice youden_threshold(const RocCurve& curve);

// The threshold with sensitivity >= target that has the highest specificity (ties: the highest
// sensitivity). When the target is a sensitivity the curve attains this is pROC's coords(x =
// target, input = "sensitivity"); pROC interpolates between points otherwise (threshold NA), here
// the attained point on the safe side is returned. Throws unless 0 <= target <= 1.
ThresholdChoice threshold_for_sensitivity(const RocCurve& curve, double target);
// Likewise with the roles swapped: specificity >= target, highest sensitivity.
ThresholdChoice threshold_for_specificity(const RocCurve& curve, double target);

// Predictive values at a prevalence by Bayes' rule:
//   PPV = se p / (se p + (1 - sp)(1 - p)),  NPV = sp (1 - p) / (sp (1 - p) + (1 - se) p).
// Throws unless 0 <= se, sp <= 1 and 0 < p < 1. PPV is not defined (NaN) when the test is never
// positive (se = 0 and sp = 1), NPV when it is never negative (se = 1 and sp = 0).
struct PredictiveValues {
  double ppv = kNotDefined, npv = kNotDefined;
};
PredictiveValues predictive_values(double sensitivity, double specificity, double prevalence);

// Correlation between two measurements (e.g. a biomarker and the tumour uptake).
// Spearman's interval uses Fisher's z of rho with one of two variances (docs give both sources):
// Fieller, Hartley & Pearson 1957, 1.06 / (n - 3), or Bonett & Wright 2000,
// (1 + rho^2 / 2) / (n - 3).
enum class SpearmanInterval { kFieller, kBonettWright };

struct CorrelationOptions {
  double conf_level = 0.95;
  SpearmanInterval spearman_interval = SpearmanInterval::kBonettWright;
  std::string validate() const;
};

struct Correlation {
  double estimate = 0.0;  // r or rho
  // Fisher-z interval; not defined (NaN) for n = 3 (R's cor.test gives none either).
  double lower = kNotDefined, upper = kNotDefined;
  double statistic = 0.0;  // t = r sqrt((n - 2) / (1 - r^2)); +-infinity when |r| = 1
  int df = 0;              // n - 2
  double p = 1.0;          // two-sided, t distribution with n - 2 df
  int n = 0;
  std::string brief_report() const;
};

// Pearson's r with its Fisher-z interval and t test (R cor.test(method = "pearson")). Throws for
// sizes that differ, fewer than 3 pairs, values that are not finite, or a constant variable.
Correlation pearson(const std::vector<double>& x, const std::vector<double>& y,
                    const CorrelationOptions& options = {});

// Spearman's rho: Pearson's r of the ranks, ties given their average rank. p from the t
// approximation (R cor.test(method = "spearman", exact = FALSE); R's default for small n without
// ties is the exact / AS 89 distribution instead). Same checks as pearson.
Correlation spearman(const std::vector<double>& x, const std::vector<double>& y,
                     const CorrelationOptions& options = {});

// Ranks 1..n with ties given their average (R's rank(ties.method = "average")).
std::vector<double> average_ranks(const std::vector<double>& values);

}  // namespace smartnano::stratification
