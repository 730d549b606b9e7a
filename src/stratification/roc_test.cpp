// Tests of ROC curves, DeLong's interval and paired test, threshold choice and predictive values.
// Reference numbers for the 13-patient set were computed by hand (AUC = 34.5 / 42) and with an
// independent Python script (standard library only) that evaluates DeLong's placement values
// straight from their definition, sum over all pairs of psi(x, y), rather than from ranks as the
// library does; pROC itself was not run.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>

#include "smartnano/stratification/roc.h"

namespace smartnano::stratification {
namespace {

// Positives 0.9 0.8 0.7 0.7 0.55 0.4; negatives 0.7 0.6 0.5 0.5 0.4 0.3 0.2 (ties across groups
// at 0.7 and 0.4).
const std::vector<double> kScore = {0.9, 0.7,  0.8, 0.6, 0.7, 0.5, 0.7,
                                    0.5, 0.55, 0.4, 0.4, 0.3, 0.2};
const std::vector<bool> kOutcome = {true,  false, true,  false, true,  false, true,
                                    false, true,  false, true,  false, false};

TEST(Roc, AucWithTiesByHand) {
  const RocCurve c = roc_curve(kScore, kOutcome);
  EXPECT_EQ(c.n_positive, 6);
  EXPECT_EQ(c.n_negative, 7);
  // 7 + 7 + 2 x 6.5 + 5 + 2.5 = 34.5 of 42 pairs.
  EXPECT_NEAR(c.auc, 34.5 / 42, 1e-15);
}

TEST(Roc, CurveHasPrOcThresholds) {
  const RocCurve c = roc_curve(kScore, kOutcome);
  const std::vector<double> threshold = {-INFINITY, 0.25, 0.35, 0.45, 0.525,
                                         0.575,     0.65, 0.75, 0.85, INFINITY};
  ASSERT_EQ(c.threshold.size(), threshold.size());
  for (size_t i = 0; i < threshold.size(); ++i) EXPECT_DOUBLE_EQ(c.threshold[i], threshold[i]);
  EXPECT_EQ(c.true_positives, (std::vector<int>{6, 6, 6, 5, 5, 4, 4, 2, 1, 0}));
  EXPECT_EQ(c.false_positives, (std::vector<int>{7, 6, 5, 4, 2, 2, 1, 0, 0, 0}));
  EXPECT_EQ(c.sensitivity.front(), 1.0);
  EXPECT_EQ(c.specificity.front(), 0.0);
  EXPECT_EQ(c.sensitivity.back(), 0.0);
  EXPECT_EQ(c.specificity.back(), 1.0);
  EXPECT_NEAR(c.specificity[4], 5.0 / 7, 1e-15);
}

TEST(Roc, DelongVarianceAgainstPairwiseDefinition) {
  const DelongPlacements v = delong_placements(kScore, kOutcome);
  const std::vector<double> v10 = {1.0, 1.0, 13.0 / 14, 13.0 / 14, 5.0 / 7, 2.5 / 7};
  const std::vector<double> v01 = {0.5, 4.0 / 6, 5.0 / 6, 5.0 / 6, 5.5 / 6, 1.0, 1.0};
  ASSERT_EQ(v.positive.size(), v10.size());
  ASSERT_EQ(v.negative.size(), v01.size());
  // Placement values in input order: positives 0.9 0.8 0.7 0.7 0.55 0.4, negatives 0.7 0.6 ...
  for (size_t i = 0; i < v10.size(); ++i) EXPECT_NEAR(v.positive[i], v10[i], 1e-15);
  for (size_t j = 0; j < v01.size(); ++j) EXPECT_NEAR(v.negative[j], v01[j], 1e-15);

  const RocCurve c = roc_curve(kScore, kOutcome);
  EXPECT_NEAR(c.auc_variance, 0.015230536659108089, 1e-15);  // Python, pairwise definition
  EXPECT_NEAR(c.auc_lower, 0.57954537773162207, 1e-13);
  EXPECT_EQ(c.auc_upper, 1.0);  // 1.0633 clipped, as pROC does
}

TEST(Roc, RankPlacementsEqualPairwiseOnRandomDataWithTies) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> level(0, 9);
  std::bernoulli_distribution coin(0.4);
  std::vector<double> s(60);
  std::vector<bool> y(60);
  for (size_t i = 0; i < s.size(); ++i) {
    y[i] = coin(rng);
    s[i] = level(rng) + (y[i] ? 2 : 0);
  }
  y[0] = true;
  y[1] = false;
  const DelongPlacements v = delong_placements(s, y);
  size_t ip = 0, in = 0;
  double total = 0;
  int m = 0, n = 0;
  for (bool b : y) (b ? m : n) += 1;
  for (size_t i = 0; i < s.size(); ++i) {
    double placement = 0;
    for (size_t j = 0; j < s.size(); ++j) {
      if (y[i] == y[j]) continue;
      const double pos = y[i] ? s[i] : s[j], neg = y[i] ? s[j] : s[i];
      placement += pos > neg ? 1.0 : (pos == neg ? 0.5 : 0.0);
    }
    if (y[i]) {
      EXPECT_NEAR(v.positive[ip++], placement / n, 1e-14);
      total += placement;
    } else {
      EXPECT_NEAR(v.negative[in++], placement / m, 1e-14);
    }
  }
  EXPECT_NEAR(v.auc, total / (m * n), 1e-15);
}

TEST(Roc, LowerIsPositiveMirrorsTheCurve) {
  std::vector<double> negated(kScore);
  for (double& s : negated) s = -s;
  const RocCurve up = roc_curve(kScore, kOutcome);
  const RocCurve down = roc_curve(negated, kOutcome, {Direction::kLowerIsPositive});
  EXPECT_NEAR(down.auc, up.auc, 1e-15);
  EXPECT_NEAR(down.auc_variance, up.auc_variance, 1e-15);
  // Reversed direction on the same scores: AUC 1 - AUC, same variance.
  const RocCurve rev = roc_curve(kScore, kOutcome, {Direction::kLowerIsPositive});
  EXPECT_NEAR(rev.auc, 1 - up.auc, 1e-15);
  EXPECT_NEAR(rev.auc_variance, up.auc_variance, 1e-15);
  EXPECT_EQ(rev.true_positives.front(), 0);
  EXPECT_EQ(rev.true_positives.back(), 6);
}

TEST(Roc, PerfectClassifierHasIntervalOneOne) {
  const RocCurve c = roc_curve({1, 2, 3, 4, 5, 6}, {false, false, false, true, true, true});
  EXPECT_EQ(c.auc, 1.0);
  EXPECT_EQ(c.auc_variance, 0.0);
  EXPECT_EQ(c.auc_lower, 1.0);
  EXPECT_EQ(c.auc_upper, 1.0);
  const ThresholdChoice best = youden_threshold(c);
  EXPECT_EQ(best.threshold, 3.5);
  EXPECT_EQ(best.youden, 1.0);
}

TEST(Roc, SinglePositiveHasNoInterval) {
  const RocCurve c = roc_curve({1, 2, 3}, {false, true, false});
  EXPECT_NEAR(c.auc, 0.5, 1e-15);
  EXPECT_TRUE(std::isnan(c.auc_variance));
  EXPECT_TRUE(std::isnan(c.auc_lower));
  EXPECT_FALSE(c.brief_report().empty());
}

TEST(Roc, BadInput) {
  EXPECT_THROW(roc_curve({1, 2}, {true}), std::invalid_argument);
  EXPECT_THROW(roc_curve({1, 2}, {true, true}), std::invalid_argument);
  EXPECT_THROW(roc_curve({1, 2}, {false, false}), std::invalid_argument);
  EXPECT_THROW(roc_curve({}, {}), std::invalid_argument);
  EXPECT_THROW(roc_curve({1, NAN}, {true, false}), std::invalid_argument);
  EXPECT_THROW(roc_curve({1, INFINITY}, {true, false}), std::invalid_argument);
  RocOptions o;
  o.conf_level = 1.0;
  EXPECT_FALSE(o.validate().empty());
  EXPECT_THROW(roc_curve({1, 2}, {true, false}, o), std::invalid_argument);
  try {
    roc_curve({1, NAN}, {true, false});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("score[1]"), std::string::npos) << e.what();
  }
}

TEST(DelongTest, PairedAgainstPairwiseDefinition) {
  const std::vector<double> score2 = {0.6, 0.65, 0.9, 0.1,  0.3,  0.2, 0.8,
                                      0.7, 0.4,  0.5, 0.75, 0.35, 0.45};
  const PairedDelongTest t = delong_test(kScore, score2, kOutcome);
  // Python, pairwise definition of the placement values.
  EXPECT_NEAR(t.auc1, 34.5 / 42, 1e-15);
  EXPECT_NEAR(t.auc2, 0.73809523809523814, 1e-15);
  EXPECT_NEAR(t.var1, 0.015230536659108089, 1e-15);
  EXPECT_NEAR(t.var2, 0.023318216175359032, 1e-15);
  EXPECT_NEAR(t.covariance, -0.0014077853363567657, 1e-15);
  EXPECT_NEAR(t.se, 0.20338221039997734, 1e-14);
  EXPECT_NEAR(t.z, 0.40973757325897692, 1e-13);
  EXPECT_NEAR(t.p, 0.68199846453185997, 1e-12);
  EXPECT_NEAR(t.upper - t.difference, 1.959963984540054 * t.se, 1e-13);
  // Swapping the scores flips z and keeps p.
  const PairedDelongTest s = delong_test(score2, kScore, kOutcome);
  EXPECT_NEAR(s.z, -t.z, 1e-14);
  EXPECT_NEAR(s.p, t.p, 1e-14);
}

TEST(DelongTest, IdenticalScoresGiveZZeroAndPOne) {
  const PairedDelongTest t = delong_test(kScore, kScore, kOutcome);
  EXPECT_EQ(t.difference, 0.0);
  EXPECT_EQ(t.se, 0.0);
  EXPECT_EQ(t.z, 0.0);
  EXPECT_EQ(t.p, 1.0);
}

TEST(DelongTest, ZeroVarianceWithDifferentAucsIsInfinite) {
  const std::vector<bool> y = {false, false, true, true};
  const PairedDelongTest t = delong_test({1, 2, 3, 4}, {5, 5, 5, 5}, y);
  EXPECT_EQ(t.auc1, 1.0);
  EXPECT_EQ(t.auc2, 0.5);
  EXPECT_TRUE(std::isinf(t.z) && t.z > 0);
  EXPECT_EQ(t.p, 0.0);
}

TEST(DelongTest, BadInput) {
  EXPECT_THROW(delong_test({1, 2, 3}, {1, 2, 3}, {true, false, false}), std::invalid_argument);
  EXPECT_THROW(delong_test({1, 2, 3, 4}, {1, 2, 3}, {true, true, false, false}),
               std::invalid_argument);
  EXPECT_THROW(delong_test({1, 2, 3, 4}, {1, NAN, 3, 4}, {true, true, false, false}),
               std::invalid_argument);
}

TEST(Threshold, YoudenOnKnownSet) {
  const RocCurve c = roc_curve(kScore, kOutcome);
  const ThresholdChoice t = youden_threshold(c);
  EXPECT_EQ(t.threshold, 0.525);  // between 0.5 and 0.55
  EXPECT_NEAR(t.sensitivity, 5.0 / 6, 1e-15);
  EXPECT_NEAR(t.specificity, 5.0 / 7, 1e-15);
  EXPECT_NEAR(t.youden, 5.0 / 6 + 5.0 / 7 - 1, 1e-15);
  EXPECT_EQ(t.index, 4u);
  EXPECT_EQ(t.tied_thresholds, (std::vector<double>{0.525}));
}

TEST(Threshold, YoudenTiesTakeTheLowestAndListAll) {
  // Positives 3, 1; negatives 2, 0: J = 1/2 at 0.5 and at 2.5.
  const RocCurve c = roc_curve({3, 1, 2, 0}, {true, true, false, false});
  const ThresholdChoice t = youden_threshold(c);
  EXPECT_EQ(t.threshold, 0.5);
  EXPECT_EQ(t.tied_thresholds, (std::vector<double>{0.5, 2.5}));
  EXPECT_NEAR(t.youden, 0.5, 1e-15);
}

TEST(Threshold, TargetSensitivityAndSpecificity) {
  const RocCurve c = roc_curve(kScore, kOutcome);
  const ThresholdChoice s = threshold_for_sensitivity(c, 0.8);
  EXPECT_EQ(s.threshold, 0.525);
  EXPECT_NEAR(s.specificity, 5.0 / 7, 1e-15);
  // An attained value: the highest threshold with that sensitivity (pROC's choice).
  EXPECT_EQ(threshold_for_sensitivity(c, 1.0).threshold, 0.35);
  EXPECT_DOUBLE_EQ(threshold_for_sensitivity(c, 2.0 / 3).threshold, 0.65);
  const ThresholdChoice p = threshold_for_specificity(c, 0.8);
  EXPECT_DOUBLE_EQ(p.threshold, 0.65);
  EXPECT_NEAR(p.sensitivity, 4.0 / 6, 1e-15);
  EXPECT_EQ(threshold_for_specificity(c, 1.0).threshold, 0.75);
  EXPECT_EQ(threshold_for_specificity(c, 0.0).threshold, 0.35);
  EXPECT_THROW(threshold_for_sensitivity(c, 1.5), std::invalid_argument);
  EXPECT_THROW(threshold_for_specificity(c, NAN), std::invalid_argument);
  EXPECT_THROW(youden_threshold(RocCurve{}), std::invalid_argument);
}

TEST(PredictiveValues, BayesRule) {
  const PredictiveValues v = predictive_values(0.8, 0.9, 0.2);
  EXPECT_NEAR(v.ppv, 0.16 / (0.16 + 0.08), 1e-15);  // 2/3
  EXPECT_NEAR(v.npv, 0.72 / (0.72 + 0.04), 1e-15);  // 18/19
  EXPECT_NEAR(v.ppv, 2.0 / 3, 1e-15);
  EXPECT_NEAR(v.npv, 18.0 / 19, 1e-15);
  // A perfect test.
  const PredictiveValues perfect = predictive_values(1.0, 1.0, 0.01);
  EXPECT_EQ(perfect.ppv, 1.0);
  EXPECT_EQ(perfect.npv, 1.0);
  // Never positive: PPV not defined.
  const PredictiveValues never = predictive_values(0.0, 1.0, 0.3);
  EXPECT_TRUE(std::isnan(never.ppv));
  EXPECT_NEAR(never.npv, 0.7, 1e-15);
  EXPECT_THROW(predictive_values(0.8, 0.9, 0.0), std::invalid_argument);
  EXPECT_THROW(predictive_values(0.8, 0.9, 1.0), std::invalid_argument);
  EXPECT_THROW(predictive_values(1.1, 0.9, 0.5), std::invalid_argument);
  EXPECT_THROW(predictive_values(0.8, NAN, 0.5), std::invalid_argument);
}

}  // namespace
}  // namespace smartnano::stratification
