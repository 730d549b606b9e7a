// Logistic regression for combining biomarkers into one stratification score. The fit follows R's
// glm(family = binomial) (glm.fit: iteratively reweighted least squares from mu = (y + 1/2) / 2,
// stopping when |dev - dev_old| / (|dev| + 0.1) < epsilon) so that coefficients, standard errors,
// Wald tests and deviances can be checked against it; docs/biomarker-analytics.md gives the
// formulas. Unlike glm, which warns and returns meaningless estimates, complete or quasi-complete
// separation and collinear covariates throw std::invalid_argument saying what is wrong. The
// linear predictor is the combined score: pass it to roc_curve (roc.h).
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

namespace smartnano::stratification {

// glm.control's defaults.
struct LogisticOptions {
  int max_iterations = 25;
  double epsilon = 1e-8;
  double conf_level = 0.95;  // for the Wald intervals of the coefficients
  // Lists problems ("" when none).
  std::string validate() const;
};

// A fitted model. Coefficient vectors have the intercept first, then one entry per covariate.
struct LogisticModel {
  std::vector<std::string> terms;  // "(Intercept)", then the covariate names
  // Estimates, standard errors (sqrt of diag(vcov)), Wald z = coef / se, two-sided normal p, and
  // Wald intervals coef -+ z_{conf} se (confint.default, not profile likelihood).
  Eigen::VectorXd coef, se, z, p, lower, upper;
  Eigen::MatrixXd vcov;  // (X' W X)^-1 with the weights of the last iteration, as summary.glm
  Eigen::VectorXd linear_predictor;  // eta = X coef for each patient (the combined score)
  Eigen::VectorXd fitted;            // 1 / (1 + exp(-eta))
  double deviance = 0.0, null_deviance = 0.0, aic = 0.0;
  int df_residual = 0, df_null = 0;
  int n = 0, n_positive = 0, iterations = 0;
  // eta for new patients (rows of covariates in the order of the fit). Throws when the number of
  // columns differs.
  Eigen::VectorXd predict_linear(const Eigen::MatrixXd& covariates) const;
  std::string brief_report() const;
};

// Fits P(outcome) = 1 / (1 + exp(-(b0 + covariates b))). `covariates` has one row per patient and
// one column per term (no intercept column: it is added). Throws std::invalid_argument for sizes
// that differ, values that are not finite, no positive or no negative patient, fewer patients
// than coefficients, a constant covariate or one collinear with the intercept and earlier ones,
// separation (a linear combination of the covariates that splits positives from negatives, so a
// coefficient diverges and fitted probabilities go to 0 or 1), or no convergence.
LogisticModel fit_logistic(const Eigen::MatrixXd& covariates, const std::vector<bool>& outcome,
                           const std::vector<std::string>& terms,
                           const LogisticOptions& options = {});

}  // namespace smartnano::stratification
