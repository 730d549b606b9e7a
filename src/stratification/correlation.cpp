// Pearson and Spearman correlation with Fisher-z intervals and t tests (R's cor.test), and
// average ranks.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "smartnano/stratification/roc.h"
#include "stratification/checks.h"

namespace smartnano::stratification {

std::string CorrelationOptions::validate() const {
  std::string problems;
  if (!(conf_level > 0 && conf_level < 1)) {
    problems += fmt::format("conf_level {} not in (0, 1); ", conf_level);
  }
  return problems;
}

std::vector<double> average_ranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> rank(values.size());
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin + 1;
    while (end < order.size() && values[order[end]] == values[order[begin]]) ++end;
    // Positions begin..end-1 (0-based) share the rank (begin + 1 + end) / 2.
    const double r = (static_cast<double>(begin) + 1.0 + static_cast<double>(end)) / 2.0;
    for (size_t k = begin; k < end; ++k) rank[order[k]] = r;
    begin = end;
  }
  return rank;
}

namespace {

void check_pairs(const char* function, const std::vector<double>& x, const std::vector<double>& y) {
  detail::check_same_size(function, "x", x.size(), "y", y.size());
  if (x.size() < 3) {
    throw std::invalid_argument(
        fmt::format("{}: needs at least 3 pairs (got {})", function, x.size()));
  }
  detail::check_finite(function, "x", x);
  detail::check_finite(function, "y", y);
}

double pearson_r(const char* function, const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxx = 0.0, syy = 0.0, sxy = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (sxx == 0.0 || syy == 0.0) {
    throw std::invalid_argument(fmt::format("{}: {} is constant; the correlation is not defined",
                                            function, sxx == 0.0 ? "x" : "y"));
  }
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

// Fills statistic, df, p and the interval tanh(atanh(r) -+ z se) with se = sqrt(variance_factor /
// (n - 3)).
Correlation finish(double r, int n, double conf_level, double variance_factor) {
  Correlation c;
  c.estimate = r;
  c.n = n;
  c.df = n - 2;
  if (std::fabs(r) == 1.0) {
    c.statistic = std::copysign(std::numeric_limits<double>::infinity(), r);
  } else {
    c.statistic = r * std::sqrt(c.df / (1.0 - r * r));
  }
  c.p = detail::t_two_sided_p(c.statistic, c.df);
  if (n > 3) {
    const double half = detail::two_sided_z(conf_level) * std::sqrt(variance_factor / (n - 3));
    const double z = std::atanh(r);  // +-infinity for |r| = 1: the interval is [r, r]
    c.lower = std::tanh(z - half);
    c.upper = std::tanh(z + half);
  }
  return c;
}

}  // namespace

Correlation pearson(const std::vector<double>& x, const std::vector<double>& y,
                    const CorrelationOptions& options) {
  check_pairs("pearson", x, y);
  detail::check_conf_level("pearson", options.conf_level);
  return finish(pearson_r("pearson", x, y), static_cast<int>(x.size()), options.conf_level, 1.0);
}

Correlation spearman(const std::vector<double>& x, const std::vector<double>& y,
                     const CorrelationOptions& options) {
  check_pairs("spearman", x, y);
  detail::check_conf_level("spearman", options.conf_level);
  const double rho = pearson_r("spearman", average_ranks(x), average_ranks(y));
  const double factor =
      options.spearman_interval == SpearmanInterval::kFieller ? 1.06 : 1.0 + rho * rho / 2.0;
  return finish(rho, static_cast<int>(x.size()), options.conf_level, factor);
}

std::string Correlation::brief_report() const {
  std::string ci = "CI not defined for n = 3";
  if (!std::isnan(lower)) ci = fmt::format("CI {:.4f} to {:.4f}", lower, upper);
  return fmt::format("correlation {:.4f} ({}), t {:.4f} on {} df, p {:.4g}, n {}", estimate, ci,
                     statistic, df, p, n);
}

}  // namespace smartnano::stratification
