// Tests of logistic regression. Reference values come from R 4.2.2 on the data typed below:
// summary(glm(r ~ a + b, family = binomial)), vcov(), confint.default(), fit$deviance,
// fit$null.deviance, fit$aic, fit$iter, and the AUC of fit$linear.predictors as the Mann-Whitney
// statistic of wilcox.test divided by m n.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

#include "smartnano/stratification/logistic.h"
#include "smartnano/stratification/roc.h"

namespace smartnano::stratification {
namespace {

const std::vector<double> kA = {0.5, 1.1, 1.8, 2.0, 2.4, 2.9, 3.3, 3.6, 4.0, 4.2,
                                4.7, 5.1, 5.4, 5.9, 6.3, 6.6, 7.0, 7.7, 8.1, 8.8};
const std::vector<double> kB = {3.1, 1.2, 2.2, 0.4, 2.8, 1.5, 0.9, 3.3, 1.7, 2.5,
                                0.6, 2.9, 1.4, 3.6, 0.8, 2.0, 1.1, 2.7, 0.3, 1.9};
const std::vector<int> kResponse = {0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1};
// The same covariates with outcomes that a combination of a and b separates perfectly (R: "fitted
// probabilities numerically 0 or 1 occurred", deviance 1.2e-8 after 25 iterations).
const std::vector<int> kSeparated = {0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1};

Eigen::MatrixXd columns(const std::vector<std::vector<double>>& cols) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(cols[0].size()),
                    static_cast<Eigen::Index>(cols.size()));
  for (size_t j = 0; j < cols.size(); ++j) {
    for (size_t i = 0; i < cols[j].size(); ++i) {
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = cols[j][i];
    }
  }
  return x;
}

std::vector<bool> outcome(const std::vector<int>& v) { return {v.begin(), v.end()}; }

TEST(Logistic, MatchesGlm) {
  const LogisticModel m = fit_logistic(columns({kA, kB}), outcome(kResponse), {"a", "b"});
  ASSERT_EQ(m.terms, (std::vector<std::string>{"(Intercept)", "a", "b"}));
  const double coef[] = {-4.49347604612716900, 0.48458547014395242, 1.24357540148630830};
  const double se[] = {2.18790037914365065, 0.27447960319020703, 0.66564471814528137};
  const double z[] = {-2.0537845730827682, 1.7654698728493412, 1.8682269498830302};
  const double p[] = {0.039996546707673407, 0.077484829223419441, 0.061730443843208055};
  const double lower[] = {-8.781681991010252375, -0.053384666599698594, -0.061064272577758372};
  const double upper[] = {-0.20527010124408562, 1.02255560688760339, 2.54821507555037474};
  for (Eigen::Index k = 0; k < 3; ++k) {
    EXPECT_NEAR(m.coef[k], coef[k], 1e-9) << k;
    EXPECT_NEAR(m.se[k], se[k], 1e-9) << k;
    EXPECT_NEAR(m.z[k], z[k], 1e-9) << k;
    EXPECT_NEAR(m.p[k], p[k], 1e-10) << k;
    EXPECT_NEAR(m.lower[k], lower[k], 1e-9) << k;
    EXPECT_NEAR(m.upper[k], upper[k], 1e-9) << k;
  }
  EXPECT_NEAR(m.vcov(0, 1), -0.50513935080584194, 1e-9);
  EXPECT_NEAR(m.vcov(1, 2), 0.089521551874998814, 1e-9);
  EXPECT_NEAR(m.vcov(2, 2), 0.443082890794711082, 1e-9);
  EXPECT_NEAR(m.deviance, 20.431253295868302, 1e-9);
  EXPECT_NEAR(m.null_deviance, 27.725887222397812, 1e-12);
  EXPECT_NEAR(m.aic, 26.431253295868302, 1e-9);
  EXPECT_EQ(m.iterations, 4);
  EXPECT_EQ(m.df_residual, 17);
  EXPECT_EQ(m.df_null, 19);
  EXPECT_NEAR(m.linear_predictor[0], -0.39609956644763678, 1e-9);
  EXPECT_NEAR(m.linear_predictor[9], 0.65072143219320200, 1e-9);
  EXPECT_NEAR(m.linear_predictor[19], 2.13366935396359825, 1e-9);
  EXPECT_NEAR(m.fitted[19], 1 / (1 + std::exp(-2.13366935396359825)), 1e-9);
  EXPECT_FALSE(m.brief_report().empty());

  // The linear predictor as a combined score.
  const Eigen::VectorXd eta = m.predict_linear(columns({kA, kB}));
  EXPECT_NEAR((eta - m.linear_predictor).cwiseAbs().maxCoeff(), 0.0, 1e-12);
  const RocCurve roc = roc_curve({eta.data(), eta.data() + eta.size()}, outcome(kResponse));
  EXPECT_NEAR(roc.auc, 0.86, 1e-15);
  EXPECT_THROW(m.predict_linear(columns({kA})), std::invalid_argument);
}

TEST(Logistic, OneCovariateMatchesGlm) {
  const LogisticModel m = fit_logistic(columns({kA}), outcome(kResponse), {"a"});
  EXPECT_NEAR(m.coef[0], -1.49732116172631313, 1e-9);
  EXPECT_NEAR(m.coef[1], 0.32809883578839161, 1e-9);
  EXPECT_NEAR(m.se[0], 1.10452198938686297, 1e-9);
  EXPECT_NEAR(m.se[1], 0.21877933702381636, 1e-9);
  EXPECT_NEAR(m.p[1], 0.13369750365183047, 1e-10);
}

std::string message_of(const Eigen::MatrixXd& x, const std::vector<bool>& y,
                       const std::vector<std::string>& terms) {
  try {
    fit_logistic(x, y, terms);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Logistic, DetectsSeparation) {
  // Complete separation by one covariate (glm: slope 47 after 25 iterations, not converged).
  const std::string one =
      message_of(columns({{1, 2, 3, 4, 5, 6}}), outcome({0, 0, 0, 1, 1, 1}), {"x"});
  EXPECT_NE(one.find("complete separation"), std::string::npos) << one;
  EXPECT_NE(one.find("'x'"), std::string::npos) << one;
  EXPECT_EQ(one.find("quasi"), std::string::npos) << one;
  // Quasi-complete: x = 3 holds a positive and a negative (glm "converges" with slope 20).
  const std::string quasi =
      message_of(columns({{1, 2, 3, 3, 4, 5}}), outcome({0, 0, 0, 1, 1, 1}), {"x"});
  EXPECT_NE(quasi.find("quasi-complete separation"), std::string::npos) << quasi;
  // Separation by a combination of two covariates.
  const std::string two = message_of(columns({kA, kB}), outcome(kSeparated), {"a", "b"});
  EXPECT_NE(two.find("complete separation"), std::string::npos) << two;
  EXPECT_NE(two.find("coefficients of 'a', 'b' diverge"), std::string::npos) << two;
}

TEST(Logistic, NoFalseSeparationAlarmOnStrongEffects) {
  // Steep but finite: P = 1 / (1 + exp(-(0.5 + 4 x))) with x ~ N(0, 1), and the same covariate in
  // thousandths (coefficient about 4000) and shifted by 1000 (intercept about -4e6).
  std::mt19937 rng(11);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  std::vector<double> x(400), milli(400), shifted(400);
  std::vector<bool> y(400);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = normal(rng);
    milli[i] = x[i] / 1000;
    shifted[i] = x[i] + 1000;
    y[i] = uniform(rng) < 1 / (1 + std::exp(-(0.5 + 4 * x[i])));
  }
  const LogisticModel m = fit_logistic(columns({x}), y, {"x"});
  EXPECT_GT(m.coef[1], 2.5);
  EXPECT_LT(m.coef[1], 6.0);
  const LogisticModel scaled = fit_logistic(columns({milli}), y, {"x_milli"});
  EXPECT_NEAR(scaled.coef[1] / 1000, m.coef[1], 1e-6 * m.coef[1]);
  EXPECT_NEAR(scaled.se[1] / 1000, m.se[1], 1e-6 * m.se[1]);
  const LogisticModel moved = fit_logistic(columns({shifted}), y, {"x_shifted"});
  EXPECT_NEAR(moved.coef[1], m.coef[1], 1e-6 * m.coef[1]);
  EXPECT_NEAR(moved.deviance, m.deviance, 1e-6 * m.deviance);
}

TEST(Logistic, DetectsCollinearity) {
  std::vector<double> c(kA.size());
  for (size_t i = 0; i < c.size(); ++i) c[i] = 2 * kA[i] - kB[i] + 1;
  const std::string collinear =
      message_of(columns({kA, kB, c}), outcome(kResponse), {"a", "b", "c"});
  EXPECT_NE(collinear.find("'c' is collinear with the intercept, 'a', 'b'"), std::string::npos)
      << collinear;
  const std::vector<double> constant(kA.size(), 3.0);
  const std::string flat = message_of(columns({kA, constant}), outcome(kResponse), {"a", "k"});
  EXPECT_NE(flat.find("'k' is constant"), std::string::npos) << flat;
}

TEST(Logistic, BadInput) {
  const Eigen::MatrixXd x = columns({kA});
  EXPECT_THROW(fit_logistic(x, std::vector<bool>(3, true), {"a"}), std::invalid_argument);
  EXPECT_THROW(fit_logistic(x, std::vector<bool>(kA.size(), true), {"a"}), std::invalid_argument);
  EXPECT_THROW(fit_logistic(x, outcome(kResponse), {"a", "b"}), std::invalid_argument);
  Eigen::MatrixXd bad = x;
  bad(3, 0) = NAN;
  EXPECT_THROW(fit_logistic(bad, outcome(kResponse), {"a"}), std::invalid_argument);
  EXPECT_THROW(fit_logistic(columns({{1, 2}}), outcome({0, 1}), {"a"}), std::invalid_argument);
  LogisticOptions o;
  o.max_iterations = 0;
  EXPECT_FALSE(o.validate().empty());
  EXPECT_THROW(fit_logistic(x, outcome(kResponse), {"a"}, o), std::invalid_argument);
}

}  // namespace
}  // namespace smartnano::stratification
