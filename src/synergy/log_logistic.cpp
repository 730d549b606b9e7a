// The four-parameter log-logistic fit (drc's LL.4) by Ceres' Levenberg-Marquardt, restarted
// from a grid of slopes and midpoints; the lower / upper limits may be held fixed.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <ceres/ceres.h>
#include <fmt/format.h>

#include "smartnano/synergy/synergy.h"

namespace smartnano::synergy {
namespace {

// Parameters p = (b, c, d, ln e); residual = y - f(x).
struct LogLogisticResidual {
  double log_x, y;
  template <typename T>
  bool operator()(const T* p, T* residual) const {
    const T z = p[0] * (T(log_x) - p[3]);
    // 1 / (1 + exp(z)) without overflow.
    T s;
    if (z > T(0)) {
      const T ez = ceres::exp(-z);
      s = ez / (T(1) + ez);
    } else {
      s = T(1) / (T(1) + ceres::exp(z));
    }
    residual[0] = T(y) - (p[1] + (p[2] - p[1]) * s);
    return true;
  }
};

}  // namespace

double LogLogistic::operator()(double x) const {
  if (x <= 0.0) return b < 0 ? c : (b > 0 ? d : 0.5 * (c + d));
  const double z = b * (std::log(x) - std::log(e));
  const double s = z > 0 ? std::exp(-z) / (1.0 + std::exp(-z)) : 1.0 / (1.0 + std::exp(z));
  return c + (d - c) * s;
}

double LogLogistic::inverse(double y) const {
  // (x / e)^b = (d - y) / (y - c)
  const double ratio = (d - y) / (y - c);
  if (!(ratio > 0.0) || !std::isfinite(ratio) || b == 0.0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return e * std::pow(ratio, 1.0 / b);
}

std::string FitOptions::validate() const {
  std::string problems;
  if (fixed_c && !std::isfinite(*fixed_c)) problems += "fixed_c is not finite; ";
  if (fixed_d && !std::isfinite(*fixed_d)) problems += "fixed_d is not finite; ";
  if (max_iterations < 1) problems += "max_iterations must be >= 1; ";
  return problems;
}

FitResult fit_log_logistic(const std::vector<double>& conc, const std::vector<double>& response,
                           const FitOptions& options) {
  if (const std::string p = options.validate(); !p.empty()) {
    throw std::invalid_argument("fit_log_logistic: " + p);
  }
  if (conc.size() != response.size()) {
    throw std::invalid_argument("fit_log_logistic: conc and response differ in length");
  }
  std::vector<double> lx, ys;
  for (size_t i = 0; i < conc.size(); ++i) {
    if (!(conc[i] > 0.0) || !std::isfinite(conc[i]) || !std::isfinite(response[i])) continue;
    lx.push_back(std::log(conc[i]));
    ys.push_back(response[i]);
  }
  if (lx.size() < 3) {
    throw std::invalid_argument(fmt::format(
        "fit_log_logistic: {} points with a positive concentration and a finite response; "
        "need at least 3",
        lx.size()));
  }
  const auto [lx_min, lx_max] = std::minmax_element(lx.begin(), lx.end());
  const auto [y_min, y_max] = std::minmax_element(ys.begin(), ys.end());
  const double span = std::max(*lx_max - *lx_min, 1e-6);

  FitResult best;
  best.rss = std::numeric_limits<double>::infinity();
  const double slopes[] = {-3.0, -1.0, -0.3, 0.3, 1.0, 3.0};
  for (double b0 : slopes) {
    for (int k = 0; k < 5; ++k) {
      double p[4] = {b0, options.fixed_c.value_or(*y_min), options.fixed_d.value_or(*y_max),
                     *lx_min + span * k / 4.0};
      if (p[1] == p[2]) p[2] += 1.0;
      ceres::Problem problem;
      for (size_t i = 0; i < lx.size(); ++i) {
        problem.AddResidualBlock(new ceres::AutoDiffCostFunction<LogLogisticResidual, 1, 4>(
                                     new LogLogisticResidual{lx[i], ys[i]}),
                                 nullptr, p);
      }
      std::vector<int> fixed;
      if (options.fixed_c) fixed.push_back(1);
      if (options.fixed_d) fixed.push_back(2);
      if (!fixed.empty()) problem.SetManifold(p, new ceres::SubsetManifold(4, fixed));
      problem.SetParameterLowerBound(p, 0, -50.0);
      problem.SetParameterUpperBound(p, 0, 50.0);
      problem.SetParameterLowerBound(p, 3, *lx_min - 10.0);
      problem.SetParameterUpperBound(p, 3, *lx_max + 10.0);
      ceres::Solver::Options so;
      so.linear_solver_type = ceres::DENSE_QR;
      so.max_num_iterations = options.max_iterations;
      so.function_tolerance = 1e-12;
      so.parameter_tolerance = 1e-12;
      so.gradient_tolerance = 1e-14;
      so.logging_type = ceres::SILENT;
      ceres::Solver::Summary summary;
      ceres::Solve(so, &problem, &summary);
      ++best.starts;
      const double rss = 2.0 * summary.final_cost;
      if (summary.IsSolutionUsable() && std::isfinite(rss) && rss < best.rss) {
        best.rss = rss;
        best.curve = LogLogistic{p[0], p[1], p[2], std::exp(p[3])};
        best.converged = summary.termination_type == ceres::CONVERGENCE;
        best.iterations = static_cast<int>(summary.iterations.size());
        best.reason = summary.message;
      }
    }
  }
  if (!std::isfinite(best.rss)) {
    throw std::invalid_argument("fit_log_logistic: no starting point gave a usable fit");
  }
  best.fitted.reserve(conc.size());
  for (double x : conc) best.fitted.push_back(best.curve(x));
  return best;
}

}  // namespace smartnano::synergy
