// Logistic regression by iteratively reweighted least squares, step for step as R's glm.fit with
// family = binomial(link = "logit"), with checks for collinearity and separation.
#include "smartnano/stratification/logistic.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "stratification/checks.h"

namespace smartnano::stratification {

std::string LogisticOptions::validate() const {
  std::string problems;
  if (max_iterations < 1) problems += fmt::format("max_iterations {} < 1; ", max_iterations);
  if (!(epsilon > 0)) problems += fmt::format("epsilon {} must be > 0; ", epsilon);
  if (!(conf_level > 0 && conf_level < 1)) {
    problems += fmt::format("conf_level {} not in (0, 1); ", conf_level);
  }
  return problems;
}

namespace {

constexpr const char* kFn = "fit_logistic";

// R's logit_linkinv and logit_mu_eta (src/library/stats/src/family.c): eta is capped at -+30.
constexpr double kThresh = 30.0, kInvEps = 1.0 / DBL_EPSILON;
double linkinv(double eta) {
  const double t = eta < -kThresh ? DBL_EPSILON : (eta > kThresh ? kInvEps : std::exp(eta));
  return t / (1.0 + t);
}
double mu_eta(double eta) {
  const double opexp = 1.0 + std::exp(eta);
  return (eta > kThresh || eta < -kThresh) ? DBL_EPSILON : std::exp(eta) / (opexp * opexp);
}

// Binomial deviance of 0/1 outcomes: -2 sum log(mu) over positives, log(1 - mu) over negatives.
double deviance(const Eigen::VectorXd& y, const Eigen::VectorXd& mu) {
  double d = 0.0;
  for (Eigen::Index i = 0; i < y.size(); ++i) d -= 2.0 * std::log(y[i] > 0.5 ? mu[i] : 1 - mu[i]);
  return d;
}

// Names the first covariate that is constant or a linear combination of the intercept and earlier
// covariates (column j of x is covariate j - 1).
void check_identifiable(const Eigen::MatrixXd& x, const std::vector<std::string>& terms) {
  for (Eigen::Index j = 1; j < x.cols(); ++j) {
    const Eigen::MatrixXd earlier = x.leftCols(j);
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(earlier);
    const Eigen::VectorXd residual = x.col(j) - earlier * qr.solve(x.col(j));
    if (residual.norm() > 1e-7 * x.col(j).norm()) continue;
    const std::string& name = terms[static_cast<size_t>(j - 1)];
    if (j == 1 || (x.col(j).array() == x(0, j)).all()) {
      throw std::invalid_argument(fmt::format(
          "{}: covariate '{}' is constant (collinear with the intercept); its coefficient cannot "
          "be estimated",
          kFn, name));
    }
    std::string names = "the intercept";
    for (Eigen::Index k = 1; k < j; ++k) names += ", '" + terms[static_cast<size_t>(k - 1)] + "'";
    throw std::invalid_argument(fmt::format(
        "{}: covariate '{}' is collinear with {} (a linear combination of them); drop one of them",
        kFn, name, names));
  }
}

struct WeightedFit {
  Eigen::VectorXd coef;
  Eigen::MatrixXd vcov;
  bool full_rank = true;
};

// One IRLS step from eta: weighted least squares of the working response on x.
WeightedFit irls_step(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                      const Eigen::VectorXd& eta, bool want_vcov) {
  const Eigen::Index n = x.rows(), p = x.cols();
  Eigen::VectorXd w(n), z(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double mu = linkinv(eta[i]), d = mu_eta(eta[i]);
    z[i] = eta[i] + (y[i] - mu) / d;
    w[i] = std::sqrt(d * d / (mu * (1 - mu)));
  }
  const Eigen::MatrixXd xw = w.asDiagonal() * x;
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(xw);
  // glm.fit's dqrls tolerance: min(1e-7, epsilon / 1000); a weaker check is enough here because
  // collinearity of x itself was ruled out before, so rank loss means vanishing weights.
  qr.setThreshold(1e-11);
  WeightedFit f;
  f.full_rank = qr.rank() == p;
  if (!f.full_rank) return f;
  f.coef = qr.solve(Eigen::VectorXd(w.cwiseProduct(z)));
  if (want_vcov) {
    const Eigen::MatrixXd r = qr.matrixR().topLeftCorner(p, p).triangularView<Eigen::Upper>();
    const Eigen::MatrixXd r_inv =
        r.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(p, p));
    const Eigen::MatrixXd v = r_inv * r_inv.transpose();
    const auto perm = qr.colsPermutation();
    f.vcov = perm * v * perm.transpose();
  }
  return f;
}

// After glm's stopping rule, a few more Newton steps from the estimate: at a finite maximum they
// shrink to rounding level; under separation the likelihood keeps rising along a direction and
// every step moves the diverging coefficients by about one unit. Returns the covariates (column
// indices of x) whose coefficients still move, or the intercept alone when only it moves; empty
// at a finite maximum. When the weights vanish (rank loss), the covariate with the widest range
// of contributions |coef_j| (max x_j - min x_j) is named.
std::vector<Eigen::Index> widest_contribution(const Eigen::MatrixXd& x,
                                              const Eigen::VectorXd& coef) {
  Eigen::Index best = x.cols() > 1 ? 1 : 0;
  double widest_range = -1.0;
  for (Eigen::Index j = 1; j < x.cols(); ++j) {
    const double range = std::fabs(coef[j]) * (x.col(j).maxCoeff() - x.col(j).minCoeff());
    if (range > widest_range) {
      widest_range = range;
      best = j;
    }
  }
  return {best};
}

std::vector<Eigen::Index> diverging_coefficients(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                                 Eigen::VectorXd coef) {
  Eigen::VectorXd step;
  for (int k = 0; k < 4; ++k) {
    const WeightedFit f = irls_step(x, y, x * coef, false);
    if (!f.full_rank || !f.coef.allFinite()) return widest_contribution(x, coef);
    step = f.coef - coef;
    coef = f.coef;
  }
  const Eigen::ArrayXd relative = step.array().abs() / (1.0 + coef.array().abs());
  std::vector<Eigen::Index> moving;
  for (Eigen::Index j = 1; j < x.cols(); ++j) {
    if (relative[j] > 1e-6) moving.push_back(j);
  }
  if (moving.empty() && relative[0] > 1e-6) moving.push_back(0);
  return moving;
}

}  // namespace

LogisticModel fit_logistic(const Eigen::MatrixXd& covariates, const std::vector<bool>& outcome,
                           const std::vector<std::string>& terms, const LogisticOptions& options) {
  if (const std::string problems = options.validate(); !problems.empty()) {
    throw std::invalid_argument(fmt::format("{}: bad options: {}", kFn, problems));
  }
  detail::check_same_size(kFn, "covariates (rows)", static_cast<size_t>(covariates.rows()),
                          "outcome", outcome.size());
  detail::check_same_size(kFn, "terms", terms.size(), "covariates (columns)",
                          static_cast<size_t>(covariates.cols()));
  int positives = 0, negatives = 0;
  detail::count_outcomes(kFn, outcome, positives, negatives);
  for (Eigen::Index i = 0; i < covariates.rows(); ++i) {
    for (Eigen::Index j = 0; j < covariates.cols(); ++j) {
      if (!std::isfinite(covariates(i, j))) {
        throw std::invalid_argument(fmt::format("{}: covariate '{}' of patient {} is {}", kFn,
                                                terms[static_cast<size_t>(j)], i,
                                                covariates(i, j)));
      }
    }
  }
  const Eigen::Index n = covariates.rows(), p = covariates.cols() + 1;
  if (n <= p) {
    throw std::invalid_argument(fmt::format(
        "{}: {} patients for {} coefficients; the fit needs more patients than coefficients", kFn,
        n, p));
  }
  Eigen::MatrixXd x(n, p);
  x.col(0).setOnes();
  x.rightCols(p - 1) = covariates;
  check_identifiable(x, terms);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) y[i] = outcome[static_cast<size_t>(i)] ? 1.0 : 0.0;

  LogisticModel m;
  m.terms.push_back("(Intercept)");
  m.terms.insert(m.terms.end(), terms.begin(), terms.end());
  m.n = static_cast<int>(n);
  m.n_positive = positives;

  // glm.fit: mustart = (y + 1/2) / 2, eta = logit(mu), devold from mustart.
  Eigen::VectorXd mu = (y.array() + 0.5) / 2.0;
  Eigen::VectorXd eta = (mu.array() / (1.0 - mu.array())).log();
  double dev_old = deviance(y, mu), dev = dev_old;
  bool converged = false;
  WeightedFit fit;
  Eigen::VectorXd last_coef = Eigen::VectorXd::Zero(p);  // of the last full-rank step
  for (int iter = 1; iter <= options.max_iterations; ++iter) {
    m.iterations = iter;
    fit = irls_step(x, y, eta, true);
    if (!fit.full_rank) break;
    last_coef = fit.coef;
    eta = x * fit.coef;
    for (Eigen::Index i = 0; i < n; ++i) mu[i] = linkinv(eta[i]);
    dev = deviance(y, mu);
    if (std::fabs(dev - dev_old) / (std::fabs(dev) + 0.1) < options.epsilon) {
      converged = true;
      break;
    }
    dev_old = dev;
  }

  const std::vector<Eigen::Index> diverging =
      fit.full_rank ? diverging_coefficients(x, y, fit.coef) : widest_contribution(x, last_coef);
  if (!diverging.empty()) {
    std::string names;
    for (Eigen::Index j : diverging) {
      names += (names.empty() ? "'" : ", '") + m.terms[static_cast<size_t>(j)] + "'";
    }
    throw std::invalid_argument(fmt::format(
        "{}: {} separation: the coefficient{} of {} diverge{} (a combination of the covariates "
        "splits positive from negative patients, so fitted probabilities go to 0 or 1); the "
        "maximum likelihood estimate does not exist. Drop or merge covariates, or use a penalised "
        "(Firth) fit",
        kFn, dev < 1e-3 ? "complete" : "quasi-complete", diverging.size() > 1 ? "s" : "", names,
        diverging.size() > 1 ? "" : "s"));
  }
  if (!converged) {
    throw std::invalid_argument(
        fmt::format("{}: no convergence in {} iterations (deviance {}, change {})", kFn,
                    options.max_iterations, dev, std::fabs(dev - dev_old)));
  }

  m.coef = fit.coef;
  m.vcov = fit.vcov;
  m.se = m.vcov.diagonal().cwiseSqrt();
  m.z = m.coef.cwiseQuotient(m.se);
  const double zq = detail::two_sided_z(options.conf_level);
  m.p.resize(p);
  for (Eigen::Index k = 0; k < p; ++k) m.p[k] = detail::normal_two_sided_p(m.z[k]);
  m.lower = m.coef - zq * m.se;
  m.upper = m.coef + zq * m.se;
  m.linear_predictor = eta;
  m.fitted = mu;
  m.deviance = dev;
  const double ybar = static_cast<double>(positives) / static_cast<double>(n);
  m.null_deviance = -2.0 * (positives * std::log(ybar) + negatives * std::log(1.0 - ybar));
  m.aic = dev + 2.0 * static_cast<double>(p);
  m.df_residual = static_cast<int>(n - p);
  m.df_null = static_cast<int>(n - 1);
  return m;
}

Eigen::VectorXd LogisticModel::predict_linear(const Eigen::MatrixXd& covariates) const {
  if (covariates.cols() + 1 != coef.size()) {
    throw std::invalid_argument(fmt::format(
        "LogisticModel::predict_linear: covariates has {} columns, the model {} covariates",
        covariates.cols(), coef.size() - 1));
  }
  Eigen::VectorXd eta = covariates * coef.tail(coef.size() - 1);
  eta.array() += coef[0];
  return eta;
}

std::string LogisticModel::brief_report() const {
  std::string s = fmt::format(
      "logistic regression: {} patients ({} positive), {} iterations, deviance {:.4f} on {} df "
      "(null {:.4f} on {} df), AIC {:.4f}\n",
      n, n_positive, iterations, deviance, df_residual, null_deviance, df_null, aic);
  for (size_t k = 0; k < terms.size(); ++k) {
    const auto i = static_cast<Eigen::Index>(k);
    s += fmt::format("  {:<16} coef {:>10.5f}  se {:>9.5f}  z {:>8.3f}  p {:.4g}\n", terms[k],
                     coef[i], se[i], z[i], p[i]);
  }
  return s;
}

}  // namespace smartnano::stratification
