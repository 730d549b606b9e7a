// Baseline correction and the four reference-model scores (Bliss, HSA, Loewe, ZIP) on one
// % inhibition grid, following SynergyFinder's arithmetic (docs/synergy.md).
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "smartnano/synergy/synergy.h"

namespace smartnano::synergy {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_shape(const char* function, const Grid& g, const std::vector<double>& conc1,
                 const std::vector<double>& conc2) {
  if (g.rows < 2 || g.cols < 2) {
    throw std::invalid_argument(std::string(function) +
                                ": the grid needs a monotherapy row and column and at least one "
                                "combination (2 x 2 or larger)");
  }
  if (static_cast<int>(conc1.size()) != g.rows || static_cast<int>(conc2.size()) != g.cols) {
    throw std::invalid_argument(std::string(function) +
                                ": concentrations do not match the grid's shape");
  }
  if (conc1[0] != 0.0 || conc2[0] != 0.0) {
    throw std::invalid_argument(std::string(function) +
                                ": the first row and column must be concentration 0");
  }
}

std::vector<double> nonzero(const std::vector<double>& v) { return {v.begin() + 1, v.end()}; }

// Single-agent fits on the monotherapy row (drug 2 alone) and column (drug 1 alone).
FitResult fit_drug1(const Grid& y, const std::vector<double>& conc1) {
  std::vector<double> r;
  for (int i = 1; i < y.rows; ++i) r.push_back(y(i, 0));
  return fit_log_logistic(nonzero(conc1), r);
}
FitResult fit_drug2(const Grid& y, const std::vector<double>& conc2) {
  std::vector<double> r;
  for (int j = 1; j < y.cols; ++j) r.push_back(y(0, j));
  return fit_log_logistic(nonzero(conc2), r);
}

}  // namespace

Grid correct_baseline(const Grid& response, const std::vector<double>& conc1,
                      const std::vector<double>& conc2, Baseline baseline, double* baseline_value) {
  if (baseline_value) *baseline_value = 0.0;
  if (baseline == Baseline::kNone) return response;
  check_shape("correct_baseline", response, conc1, conc2);
  const bool any_negative =
      std::any_of(response.values.begin(), response.values.end(), [](double v) { return v < 0.0; });
  if (baseline == Baseline::kPart && !any_negative) return response;
  const FitResult f1 = fit_drug1(response, conc1), f2 = fit_drug2(response, conc2);
  const double b = 0.5 * (*std::min_element(f1.fitted.begin(), f1.fitted.end()) +
                          *std::min_element(f2.fitted.begin(), f2.fitted.end()));
  if (baseline_value) *baseline_value = b;
  Grid out = response;
  for (double& v : out.values) {
    if (baseline == Baseline::kAll || v < 0.0) v = v - (100.0 - v) / 100.0 * b;
  }
  return out;
}

Grid bliss(const Grid& y) {
  Grid s(y.rows, y.cols, 0.0);
  for (int i = 1; i < y.rows; ++i) {
    for (int j = 1; j < y.cols; ++j) {
      const double a = y(i, 0), b = y(0, j);
      s(i, j) = y(i, j) - (a + b - a * b / 100.0);
    }
  }
  return s;
}

Grid hsa(const Grid& y) {
  Grid s(y.rows, y.cols, 0.0);
  for (int i = 1; i < y.rows; ++i) {
    for (int j = 1; j < y.cols; ++j) s(i, j) = y(i, j) - std::max(y(i, 0), y(0, j));
  }
  return s;
}

Grid loewe(const Grid& y, const std::vector<double>& conc1, const std::vector<double>& conc2) {
  check_shape("loewe", y, conc1, conc2);
  const LogLogistic f1 = fit_drug1(y, conc1).curve, f2 = fit_drug2(y, conc2).curve;
  // The isobole equation is defined where both inverses exist: strictly between each curve's
  // limits.
  const double lo = std::max(std::min(f1.c, f1.d), std::min(f2.c, f2.d));
  const double hi = std::min(std::max(f1.c, f1.d), std::max(f2.c, f2.d));
  Grid s(y.rows, y.cols, 0.0);
  for (int i = 1; i < y.rows; ++i) {
    for (int j = 1; j < y.cols; ++j) {
      const double x1 = conc1[i], x2 = conc2[j];
      auto g = [&](double e) { return x1 / f1.inverse(e) + x2 / f2.inverse(e) - 1.0; };
      double expected = kNaN;
      if (lo < hi) {
        // Scan for the first sign change, then bisect.
        constexpr int kScan = 400;
        const double eps = (hi - lo) * 1e-9;
        double a = lo + eps, ga = g(a);
        for (int k = 1; k <= kScan && std::isnan(expected); ++k) {
          const double bpt = k == kScan ? hi - eps : lo + (hi - lo) * k / kScan;
          const double gb = g(bpt);
          if (std::isfinite(ga) && std::isfinite(gb) && (ga == 0.0 || (ga < 0) != (gb < 0))) {
            double l = a, r = bpt, gl = ga;
            for (int it = 0; it < 200 && r - l > 1e-12 * std::max(1.0, std::abs(r)); ++it) {
              const double m = 0.5 * (l + r), gm = g(m);
              if ((gm < 0) == (gl < 0)) {
                l = m;
                gl = gm;
              } else {
                r = m;
              }
            }
            expected = 0.5 * (l + r);
          }
          a = bpt;
          ga = gb;
        }
      }
      if (std::isnan(expected)) expected = std::max(f1(x1 + x2), f2(x1 + x2));
      s(i, j) = y(i, j) - std::min(expected, 100.0);
    }
  }
  return s;
}

Grid zip(const Grid& y, const std::vector<double>& conc1, const std::vector<double>& conc2) {
  check_shape("zip", y, conc1, conc2);
  const std::vector<double> single1 = fit_drug1(y, conc1).fitted;  // drug 1 alone at conc1[i]
  const std::vector<double> single2 = fit_drug2(y, conc2).fitted;  // drug 2 alone at conc2[j]
  const std::vector<double> c1 = nonzero(conc1), c2 = nonzero(conc2);
  // Refit a series of combinations with the lower limit at the other drug's single effect and
  // the upper limit at 100; the observed values stand in when a fit is impossible.
  auto refit = [](const std::vector<double>& conc, const std::vector<double>& obs, double lower) {
    FitOptions fo;
    fo.fixed_c = lower;
    fo.fixed_d = 100.0;
    std::vector<double> fitted;
    try {
      fitted = fit_log_logistic(conc, obs, fo).fitted;
    } catch (const std::invalid_argument&) {
      return obs;
    }
    if (fitted.back() < 0.0) fitted.back() = lower;
    return fitted;
  };
  Grid by_col(y.rows, y.cols, 0.0), by_row(y.rows, y.cols, 0.0);
  for (int j = 1; j < y.cols; ++j) {
    std::vector<double> obs;
    for (int i = 1; i < y.rows; ++i) obs.push_back(y(i, j));
    const auto f = refit(c1, obs, single2[j - 1]);
    for (int i = 1; i < y.rows; ++i) by_col(i, j) = f[i - 1];
  }
  for (int i = 1; i < y.rows; ++i) {
    std::vector<double> obs;
    for (int j = 1; j < y.cols; ++j) obs.push_back(y(i, j));
    const auto f = refit(c2, obs, single1[i - 1]);
    for (int j = 1; j < y.cols; ++j) by_row(i, j) = f[j - 1];
  }
  Grid s(y.rows, y.cols, 0.0);
  for (int i = 1; i < y.rows; ++i) {
    for (int j = 1; j < y.cols; ++j) {
      const double fitted = std::min(0.5 * (by_col(i, j) + by_row(i, j)), 100.0);
      const double a = single1[i - 1], b = single2[j - 1];
      s(i, j) = fitted - (a + b - a * b / 100.0);
    }
  }
  return s;
}

Grid score(Method method, const Grid& response, const std::vector<double>& conc1,
           const std::vector<double>& conc2) {
  switch (method) {
    case Method::kBliss:
      return bliss(response);
    case Method::kHsa:
      return hsa(response);
    case Method::kLoewe:
      return loewe(response, conc1, conc2);
    case Method::kZip:
      return zip(response, conc1, conc2);
  }
  throw std::invalid_argument("score: unknown method");
}

double mean_combination_score(const Grid& s) {
  double sum = 0.0;
  int n = 0;
  for (int i = 1; i < s.rows; ++i) {
    for (int j = 1; j < s.cols; ++j) {
      if (std::isfinite(s(i, j))) {
        sum += s(i, j);
        ++n;
      }
    }
  }
  return n ? sum / n : kNaN;
}

SynergisticArea most_synergistic_area(const Grid& s) {
  SynergisticArea best;
  best.rows = std::min(3, s.rows);
  best.cols = std::min(3, s.cols);
  best.mean = -std::numeric_limits<double>::infinity();
  for (int i = 0; i + best.rows <= s.rows; ++i) {
    for (int j = 0; j + best.cols <= s.cols; ++j) {
      double sum = 0.0;
      int n = 0;
      for (int a = i; a < i + best.rows; ++a) {
        for (int b = j; b < j + best.cols; ++b) {
          if (std::isfinite(s(a, b))) {
            sum += s(a, b);
            ++n;
          }
        }
      }
      if (n && sum / n > best.mean) {
        best.mean = sum / n;
        best.row = i;
        best.col = j;
      }
    }
  }
  if (!std::isfinite(best.mean)) best.mean = kNaN;
  return best;
}

RatioWindow synergistic_ratio_window(const Grid& scores, const std::vector<double>& conc1,
                                     const std::vector<double>& conc2, double threshold) {
  RatioWindow w;
  w.threshold = threshold;
  for (int i = 1; i < scores.rows; ++i) {
    for (int j = 1; j < scores.cols; ++j) {
      const double v = scores(i, j);
      if (!(v > threshold) || !(conc2[static_cast<std::size_t>(j)] > 0)) continue;
      const double ratio = conc1[static_cast<std::size_t>(i)] / conc2[static_cast<std::size_t>(j)];
      w.low = w.cells == 0 ? ratio : std::min(w.low, ratio);
      w.high = w.cells == 0 ? ratio : std::max(w.high, ratio);
      ++w.cells;
    }
  }
  return w;
}

}  // namespace smartnano::synergy
