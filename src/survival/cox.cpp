// Cox proportional hazards by Newton-Raphson with step halving (R's coxph / coxfit6), Efron or
// Breslow ties; Wald, likelihood-ratio and score tests; Harrell's concordance.
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/survival/survival.h"

namespace smartnano::survival {

std::string to_string(TieMethod ties) { return ties == TieMethod::kEfron ? "efron" : "breslow"; }

std::string CoxOptions::validate() const {
  std::string problems;
  if (max_iterations < 1) problems += fmt::format("max_iterations {} < 1; ", max_iterations);
  if (!(eps > 0)) problems += fmt::format("eps {} must be > 0; ", eps);
  if (!(conf_level > 0 && conf_level < 1)) {
    problems += fmt::format("conf_level {} not in (0, 1); ", conf_level);
  }
  return problems;
}

namespace {

struct PartialLikelihood {
  double loglik = 0.0;
  Eigen::VectorXd score;        // first derivative
  Eigen::MatrixXd information;  // minus the second derivative
};

// Rows sorted by time; the partial likelihood and its derivatives at beta. Subjects censored at
// an event time are in that time's risk set.
PartialLikelihood partial_likelihood(const SurvivalData& data, const Eigen::MatrixXd& x,
                                     const std::vector<size_t>& order, const Eigen::VectorXd& beta,
                                     TieMethod ties) {
  const Eigen::Index p = x.cols();
  PartialLikelihood r;
  r.score = Eigen::VectorXd::Zero(p);
  r.information = Eigen::MatrixXd::Zero(p, p);
  double s0 = 0.0;
  Eigen::VectorXd s1 = Eigen::VectorXd::Zero(p), d1(p), a1(p);
  Eigen::MatrixXd s2 = Eigen::MatrixXd::Zero(p, p), d2(p, p), a2(p, p);
  // From the latest time back: add everyone at time t, then the deaths at t.
  for (size_t end = order.size(); end > 0;) {
    const double t = data.time[order[end - 1]];
    size_t begin = end;
    while (begin > 0 && data.time[order[begin - 1]] == t) --begin;
    double d0 = 0.0;
    int deaths = 0;
    d1.setZero();
    d2.setZero();
    for (size_t k = begin; k < end; ++k) {
      const size_t i = order[k];
      const Eigen::VectorXd xi = x.row(static_cast<Eigen::Index>(i)).transpose();
      const double eta = xi.dot(beta), w = std::exp(eta);
      s0 += w;
      s1 += w * xi;
      s2 += w * xi * xi.transpose();
      if (data.event[i]) {
        ++deaths;
        d0 += w;
        d1 += w * xi;
        d2 += w * xi * xi.transpose();
        r.loglik += eta;
        r.score += xi;
      }
    }
    for (int k = 0; k < deaths; ++k) {
      const double f = ties == TieMethod::kEfron ? static_cast<double>(k) / deaths : 0.0;
      const double a0 = s0 - f * d0;
      a1 = s1 - f * d1;
      a2 = s2 - f * d2;
      r.loglik -= std::log(a0);
      r.score -= a1 / a0;
      r.information += a2 / a0 - (a1 / a0) * (a1 / a0).transpose();
    }
    end = begin;
  }
  return r;
}

// Names the first covariate that is constant or a linear combination of earlier ones.
void check_identifiable(const Eigen::MatrixXd& centred, const std::vector<std::string>& terms) {
  for (Eigen::Index j = 0; j < centred.cols(); ++j) {
    const double norm = centred.col(j).norm();
    const double scale = std::max(1.0, centred.col(j).cwiseAbs().maxCoeff());
    if (norm <= 1e-10 * scale * std::sqrt(static_cast<double>(centred.rows()))) {
      throw std::invalid_argument(fmt::format(
          "Cox model: covariate '{}' is constant in the data used; its coefficient cannot be "
          "estimated",
          terms[static_cast<size_t>(j)]));
    }
    if (j == 0) continue;
    const Eigen::MatrixXd earlier = centred.leftCols(j);
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(earlier);
    const Eigen::VectorXd fit = earlier * qr.solve(centred.col(j));
    const double residual = (centred.col(j) - fit).norm();
    if (residual <= 1e-8 * norm) {
      std::string names;
      for (Eigen::Index k = 0; k < j; ++k) {
        names += (k ? ", '" : "'") + terms[static_cast<size_t>(k)] + "'";
      }
      throw std::invalid_argument(fmt::format(
          "Cox model: covariate '{}' is collinear with {} (a linear combination of them); drop "
          "one of them",
          terms[static_cast<size_t>(j)], names));
    }
  }
}

}  // namespace

Concordance concordance(const SurvivalData& data, const std::vector<double>& score) {
  data.check("concordance");
  if (score.size() != data.size()) {
    throw std::invalid_argument(
        fmt::format("concordance: {} scores for {} observations", score.size(), data.size()));
  }
  // Pairs each subject takes part in, by kind (concordant, discordant, tied score): the
  // derivative of the counts with respect to the subject's weight (concordancefit's influence).
  std::vector<std::array<double, 3>> influence(data.size(), {0.0, 0.0, 0.0});
  Concordance c;
  for (size_t i = 0; i < data.size(); ++i) {
    if (!data.event[i]) continue;
    for (size_t j = 0; j < data.size(); ++j) {
      const bool longer =
          data.time[j] > data.time[i] || (data.time[j] == data.time[i] && !data.event[j]);
      if (j == i || !longer) continue;
      const int kind = score[i] > score[j] ? 0 : score[i] < score[j] ? 1 : 2;
      influence[i][static_cast<size_t>(kind)] += 1;
      influence[j][static_cast<size_t>(kind)] += 1;
      (kind == 0 ? c.concordant : kind == 1 ? c.discordant : c.tied_score) += 1;
    }
  }
  const double pairs = c.concordant + c.discordant + c.tied_score;
  if (pairs == 0) {
    throw std::invalid_argument("concordance: no comparable pairs (no event before another time)");
  }
  const double somers_d = (c.concordant - c.discordant) / pairs;
  c.value = (somers_d + 1) / 2;
  double var = 0.0;
  for (const auto& f : influence) {
    const double dfbeta = (f[0] - f[1]) / pairs - somers_d / pairs * (f[0] + f[1] + f[2]);
    var += dfbeta * dfbeta;
  }
  c.std_err = std::sqrt(var / 4);
  return c;
}

CoxModel fit_cox(const SurvivalData& data, const Eigen::MatrixXd& covariates,
                 const std::vector<std::string>& terms, const CoxOptions& options) {
  if (const std::string problems = options.validate(); !problems.empty()) {
    throw std::invalid_argument("Cox model options: " + problems);
  }
  data.check("Cox model");
  const Eigen::Index p = covariates.cols();
  if (p == 0) throw std::invalid_argument("Cox model: no covariates");
  if (static_cast<size_t>(covariates.rows()) != data.size()) {
    throw std::invalid_argument(fmt::format("Cox model: {} covariate rows for {} observations",
                                            covariates.rows(), data.size()));
  }
  if (terms.size() != static_cast<size_t>(p)) {
    throw std::invalid_argument(
        fmt::format("Cox model: {} term names for {} covariates", terms.size(), p));
  }
  if (!covariates.allFinite()) {
    throw std::invalid_argument("Cox model: a covariate value is missing or not finite");
  }
  CoxModel m;
  m.terms = terms;
  m.ties = options.ties;
  m.n = static_cast<int>(data.size());
  m.n_event = data.events();
  if (m.n_event == 0) {
    throw std::invalid_argument(
        "Cox model: every observation is censored; with no events the model has no likelihood");
  }
  // Centre the covariates (coxph does; the fit is the same, the arithmetic better behaved).
  const Eigen::RowVectorXd means = covariates.colwise().mean();
  const Eigen::MatrixXd x = covariates.rowwise() - means;
  check_identifiable(x, terms);
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return data.time[a] < data.time[b]; });

  auto solve = [&](const Eigen::MatrixXd& information, const Eigen::VectorXd& rhs) {
    Eigen::LDLT<Eigen::MatrixXd> ldlt(information);
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive() ||
        ldlt.vectorD().minCoeff() <= 1e-12 * ldlt.vectorD().maxCoeff()) {
      throw std::invalid_argument(
          "Cox model: the information matrix is singular (covariates not identifiable from "
          "these data)");
    }
    return Eigen::VectorXd(ldlt.solve(rhs));
  };

  // coxfit6: evaluate at 0, take Newton steps; a step that lowers the log-likelihood is halved
  // and the fit cannot stop right after a halving.
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  PartialLikelihood at = partial_likelihood(data, x, order, beta, options.ties);
  m.loglik_null = at.loglik;
  const Eigen::VectorXd step0 = solve(at.information, at.score);
  m.score = {at.score.dot(step0), static_cast<int>(p), 0.0};
  double loglik = at.loglik;
  Eigen::VectorXd newbeta = beta + step0;
  bool halving = false, converged = false;
  PartialLikelihood trial;
  for (m.iterations = 1; m.iterations <= options.max_iterations; ++m.iterations) {
    trial = partial_likelihood(data, x, order, newbeta, options.ties);
    const bool finite =
        std::isfinite(trial.loglik) && trial.score.allFinite() && trial.information.allFinite();
    if (finite && !halving && std::abs(1.0 - loglik / trial.loglik) <= options.eps) {
      converged = true;
      break;
    }
    if (m.iterations == options.max_iterations) break;
    if (!finite || trial.loglik < loglik) {
      halving = true;
      newbeta = (newbeta + beta) / 2.0;
    } else {
      halving = false;
      loglik = trial.loglik;
      beta = newbeta;
      newbeta = beta + solve(trial.information, trial.score);
    }
  }
  if (!converged) {
    throw std::invalid_argument(fmt::format(
        "Cox model: Newton-Raphson did not converge in {} iterations (last log-likelihood {}); "
        "the likelihood may be monotone (a coefficient diverging to +-infinity)",
        options.max_iterations, trial.loglik));
  }
  m.coef = newbeta;
  m.loglik_fit = trial.loglik;
  Eigen::LDLT<Eigen::MatrixXd> ldlt(trial.information);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive() ||
      ldlt.vectorD().minCoeff() <= 1e-12 * ldlt.vectorD().maxCoeff()) {
    throw std::invalid_argument(
        "Cox model: the information matrix at the estimate is singular; the likelihood is "
        "monotone in some direction (a coefficient diverging to +-infinity)");
  }
  m.vcov = ldlt.solve(Eigen::MatrixXd::Identity(p, p));
  // coxph's test for an infinite coefficient: the next Newton step is still not negligible.
  const Eigen::VectorXd next = m.vcov * trial.score;
  const double toler_inf = std::sqrt(options.eps);
  for (Eigen::Index j = 0; j < p; ++j) {
    if (std::abs(next[j]) > options.eps && std::abs(next[j]) > toler_inf * std::abs(m.coef[j])) {
      throw std::invalid_argument(fmt::format(
          "Cox model: the log-likelihood converged while the coefficient of '{}' was still "
          "moving (at {:.4g}); the likelihood is monotone in it and the coefficient is infinite "
          "(e.g. every event in one covariate group)",
          terms[static_cast<size_t>(j)], m.coef[j]));
    }
  }
  const double z = normal_quantile(1.0 - (1.0 - options.conf_level) / 2.0);
  m.se = m.vcov.diagonal().cwiseSqrt();
  m.hazard_ratio = m.coef.array().exp();
  m.z = m.coef.cwiseQuotient(m.se);
  m.p.resize(p);
  for (Eigen::Index j = 0; j < p; ++j) m.p[j] = chi_square_p(m.z[j] * m.z[j], 1);
  m.hr_lower = (m.coef - z * m.se).array().exp();
  m.hr_upper = (m.coef + z * m.se).array().exp();
  const int df = static_cast<int>(p);
  const double lr = std::max(2.0 * (m.loglik_fit - m.loglik_null), 0.0);
  m.likelihood_ratio = {lr, df, chi_square_p(lr, df)};
  const double wald = m.coef.dot(trial.information * m.coef);
  m.wald = {wald, df, chi_square_p(std::max(wald, 0.0), df)};
  m.score.p = chi_square_p(std::max(m.score.statistic, 0.0), df);
  if (data.size() <= 50000) {
    std::vector<double> lp(data.size());
    for (size_t i = 0; i < data.size(); ++i) {
      lp[i] = x.row(static_cast<Eigen::Index>(i)).dot(m.coef);
    }
    try {
      const Concordance c = concordance(data, lp);
      m.concordance = c.value;
      m.concordance_se = c.std_err;
    } catch (const std::invalid_argument&) {
      // No comparable pairs: the fit stands, the concordance is not defined.
    }
  }
  return m;
}

std::string CoxModel::brief_report() const {
  std::string s = fmt::format("Cox model ({} ties): n = {}, events = {}, {} iteration(s)\n",
                              to_string(ties), n, n_event, iterations);
  for (size_t j = 0; j < terms.size(); ++j) {
    const auto k = static_cast<Eigen::Index>(j);
    s += fmt::format("  {:<12} coef {:>9.4f}  HR {:>8.4f} ({:.4f} - {:.4f})  se {:.4f}  p {:.3g}\n",
                     terms[j], coef[k], hazard_ratio[k], hr_lower[k], hr_upper[k], se[k], p[k]);
  }
  s += fmt::format(
      "  likelihood ratio {:.4g} (df {}, p {:.3g}); Wald {:.4g} (p {:.3g}); score "
      "{:.4g} (p {:.3g})",
      likelihood_ratio.statistic, likelihood_ratio.df, likelihood_ratio.p, wald.statistic, wald.p,
      score.statistic, score.p);
  return s;
}

}  // namespace smartnano::survival
